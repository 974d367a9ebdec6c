"""Sitzung durchführen: one page the secretary drives during a session – attendance, the
current item with bias declarations (§ 18 GemO) and the vote, quorum and majority (§ 37),
the outcome, the next item; the minutes' signatures afterwards (§ 38 Abs. 2).

Every form posts to its own route and answers with a redirect to the screen, a whole page
(the banners and the focus on them work alike with and without JavaScript); a refused form
shows the screen again with what was typed (``screen_action(keep=…)``). htmx only swaps the
screen's content for "Nächster Punkt" and previews the majority while votes are entered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.action_forms import ActionForm, ActionInput
from api.ui.actions import page_actions, split_options
from api.ui.links import ON_SCREEN
from api.ui.meeting_actions import meeting_forms
from api.ui.meeting_views import meeting_title
from api.ui.routes.agenda import ItemId
from api.ui.routes.meetings import MeetingId
from api.ui.sitting import (
    CAPACITIES,
    CHOICES,
    ItemView,
    Member,
    capacities,
    deputy_choices,
    early_opening,
    item_view,
    majority_words,
    members,
    minutes_signers,
    motion_context,
    names,
    opening_quorum,
    present_with_deputies,
    quorum_words,
    stand_in_names,
)
from api.ui.sitting_forms import (
    Kept,
    ScreenCall,
    done,
    form_ids,
    form_version,
    keyed,
    refusal_text,
    screen_action,
    screen_meeting,
    shown_item,
)
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_status,
    render,
    workflows_of,
)
from workflow.agenda_numbers import in_session_order, top_numbers
from workflow.chairs import COMMITTEE_SUBSTITUTE, chair_order
from workflow.digits import as_id
from workflow.documents.sitzung import recommended_to
from workflow.documents.vorlage import recommendations
from workflow.engine import ActionOption
from workflow.errors import Conflict, InvalidInput, NotFound, StaleVersion, WorkflowError, not_found
from workflow.law.voting import Tally
from workflow.models import AgendaItem, Body, Meeting, Person, Proposal
from workflow.outcomes import outcome_label
from workflow.queries import (
    arriving_deputies,
    current_step,
    person_names,
    quorum_if_present,
    standing_chairs,
    stood_in,
)
from workflow.rules.common import member_words
from workflow.rules.proposal_actions import recommendation_wording
from workflow.services import agenda, deliberation, listing
from workflow.services.agenda import FREE_ITEM_OUTCOMES
from workflow.services.motions import entitled_at
from workflow.wording import mayor_phrase, wording_for

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
OUTCOME_TRIGGERS = ("adopt", "reject", "recommend", "defer")
# An Informationsvorlage is taken note of instead (definition v4).
NOTE_TRIGGERS = ("take_note", "take_note_forward", "defer")
STEP_KIND_GUARDS = frozenset({"current_step_advises", "current_step_decides"})
# in the one wording of every screen and document (workflow.outcomes)
FREE_OUTCOMES = tuple((o, outcome_label(o)) for o in FREE_ITEM_OUTCOMES)


def screen_items(session: Session, user: PageUser, meeting_id: int) -> list[AgendaItem]:
    view = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
    return in_session_order([i for i in view.items if not i.removed])


def current_item(items: list[AgendaItem], top: int | None) -> AgendaItem | None:
    for item in items:
        if item.id == top:
            return item
    return next((i for i in items if i.outcome is None), None)


def _comers(session: Session, meeting: Meeting, current: AgendaItem | None) -> dict[int, int]:
    """The deputies the Kommen-oder-Gehen form offers besides the members (deputy ->
    member): those who stood in somewhere, and at the current item those who may still
    arrive for an absent member (``queries.arriving_deputies``)."""
    comers = dict(stood_in(session, meeting))
    if current is not None and meeting.state == "in_session":
        for deputy, member in arriving_deputies(session, meeting, current).items():
            comers.setdefault(deputy, member)
    return comers


def next_open(items: list[AgendaItem], current: AgendaItem | None) -> AgendaItem | None:
    after = items[items.index(current) + 1 :] if current in items else items
    return next((i for i in after if i.outcome is None), None)


def item_outcome_forms(
    request: Request, session: Session, user: PageUser, item: AgendaItem, now: NowDep
) -> tuple[list[ActionForm], list[object]]:
    if item.proposal_id is None or item.outcome is not None:
        return [], []
    proposal = session.get(Proposal, item.proposal_id)
    assert proposal is not None
    found = page_actions(
        session, workflows_of(request), user.actor, "proposal", item.proposal_id, now
    )
    wanted = NOTE_TRIGGERS if proposal.is_information else OUTCOME_TRIGGERS
    # A resolution is not the outcome of an advising step, nor a recommendation that of a
    # deciding one (§ 39 Abs. 4, § 41 GemO): what the step's kind refuses is left out.
    options = [
        o
        for o in found.options
        if o.trigger in wanted and not any(g.name in STEP_KIND_GUARDS for g in o.unmet_guards)
    ]
    forms, blocked = split_options(session, proposal, options, now)
    # The outcome is declared in the session: a comment belongs in the minutes, not here.
    bare = [
        ActionForm(**{**f.__dict__, "fields": tuple(x for x in f.fields if x.name != "comment")})
        for f in forms
    ]
    return bare, list(blocked)


def render_screen(
    request: Request,
    session: Session,
    user: PageUser,
    meeting_id: int,
    now: NowDep,
    top: int | None,
    *,
    preview: object | None = None,
    preview_form: ActionForm | None = None,
    given: ActionInput | None = None,
    kept: Kept | None = None,
    status: int = 200,
) -> Response:
    """The screen at item ``top``; ``kept``: a refused form's input, shown again."""
    meeting = screen_meeting(session, user, meeting_id)
    items = screen_items(session, user, meeting_id)
    current = current_item(items, top)
    view = item_view(session, meeting, current) if current is not None else None
    found = page_actions(session, workflows_of(request), user.actor, "meeting", meeting_id, now)
    forms, blocked = meeting_forms(found.options)
    outcome_forms, outcome_blocked = (
        item_outcome_forms(request, session, user, current, now)
        if current is not None and meeting.state == "in_session"
        else ([], [])
    )
    signers, signed = minutes_signers(session, meeting) if meeting.state == "closed" else ([], [])
    proposal = (
        session.get(Proposal, current.proposal_id)
        if current is not None and current.proposal_id
        else None
    )
    body = session.get(Body, meeting.body_id)
    people = members(session, meeting)
    signing = capacities(body)
    recorded = any(m.present for m in people)
    # Before attendance is saved the mayor is proposed as chair, as the engine would take him.
    standing = [m.person_id for m in people if m.chair]
    chair_id = meeting.chair_person_id if recorded else next(iter(standing), None)
    context = {
        "meeting": meeting,
        "title": meeting_title(body, meeting),
        "members": people,
        "names": names(session, meeting),
        # "vertreten durch": an absent member's personal deputy (Hauptsatzung)
        "deputy_choices": deputy_choices(session, meeting),
        "attendance_recorded": recorded,
        "early": early_opening(meeting, now),
        "chair_id": chair_id,
        # Once an item is decided its quorum rests on the opening attendance (engine refuses).
        "attendance_fixed": meeting.state == "in_session"
        and any(i.outcome not in (None, "removed") for i in items),
        "items": items,
        "numbers": top_numbers(items),
        "current": current,
        "view": view,
        "next_item": next_open(items, current),
        # Before attendance is saved the boxes are all ticked as a proposal: no verdict yet.
        "quorum": quorum_words(view.quorum if view else opening_quorum(session, meeting))
        if recorded
        else ("Anwesenheit noch nicht erfasst", "warning"),
        "majority": majority_words(view.tally) if view is not None and view.voted else None,
        "choices": CHOICES,
        "free_outcomes": FREE_OUTCOMES,
        "outcome_forms": outcome_forms,
        "outcome_blocked": outcome_blocked,
        "screen_forms": [f for f in forms if f.trigger in ON_SCREEN],
        "screen_blocked": [b for b in blocked if b.label in _labels(found.options, ON_SCREEN)],
        "proposal": proposal,
        # what the advising committees recommend, read before the vote (as in the Mappe)
        "recommended": recommendations(session, proposal, published=False) if proposal else [],
        "preview": preview,
        "preview_form": preview_form,
        # The recommendation as it will be recorded and printed, checked before it is.
        "recommending": _recommending(session, proposal, view, given)
        if preview is not None and preview_form is not None and preview_form.trigger == "recommend"
        else None,
        "given": given or ActionInput(),
        "kept": kept or Kept(),
        # a refused form shown again opens at its error summary, not at the item's heading
        "summary": kept.summary() if kept is not None else {},
        "signers": signers,
        "signer_options": [
            (f"{s.person_id}:{s.capacity}", f"{s.name} ({signing[s.capacity]})") for s in signers
        ],
        # a deputy standing in declares bias, comes and goes like the member (queries.seated),
        # also after his member came back (he may leave, or stand in again once he goes)
        "member_options": [(str(m.person_id), m.name) for m in people]
        + [
            (str(p), n)
            for p, n in stand_in_names(session, meeting, _comers(session, meeting, current))
        ],
        **_chair_choice(people, recorded, kept, chair_order(session, meeting)),
        # who may chair the current item: present at it and not befangen (§ 18 Abs. 1 GemO)
        "chair_options": [
            (str(m.person_id), m.name) for m in people if view and m.person_id in view.entitled
        ],
        # the Gemeinderat's rules, also in the Ortschaftsrat (§ 72 GemO): § 48 Abs. 1 GemO
        "council": body is None or body.kind not in COMMITTEE_SUBSTITUTE,
        # the chair hints name the mayor by the town's title ("die Bürgermeisterin")
        "mayor_nom": mayor_phrase("nom", wording_for(meeting, session).mayor),
        "signed": signed,
        "capacities": signing,
        # who signs besides the chair: two Ratsmitglieder, in a committee Ausschussmitglieder
        "signing_members": member_words(body.kind if body else "council")[1],
        **motion_context(session, meeting, view),
    }
    return render(request, "sitzungen/durchfuehren.html", context, status=status)


def _chair_choice(
    people: list[Member], recorded: bool, kept: Kept | None, order: list[int]
) -> dict[str, object]:
    """The attendance form's "Vorsitz": the empty choice is the body's standing chair (the
    mayor, § 42 Abs. 1 GemO) by name, the others are whom to choose as Stellvertretung
    (§ 48 Abs. 1 GemO), an absent one marked so (the engine refuses an absent chair).
    Absent: unticked in the form sent, else recorded so (before attendance is saved all
    are proposed as present). ``deputy_options`` are the mayor's Stellvertreter in their
    order (``order``, workflow.chairs.chair_order), ``member_chair_options`` every other
    member: the screen offers those in a disclosure (in the council the eldest member, § 48
    Abs. 1 Satz 8 GemO; in a committee one who is Gemeinderat, § 40 Abs. 4, § 41 Abs. 2)."""
    refused = kept is not None and kept.form == "anwesenheit"
    sent = kept.lists.get("present", ()) if kept is not None and refused else None

    def absent(m: Member) -> bool:
        if sent is not None:
            return str(m.person_id) not in sent
        return recorded and not m.present

    def named(m: Member) -> str:
        return f"{m.name} (abwesend)" if absent(m) else m.name

    standing = [named(m) for m in people if m.chair]
    others = {m.person_id: m for m in people if not m.chair}
    deputies = [others[p] for p in order if p in others]
    return {
        "standing_chair": " und ".join(standing),
        "deputy_options": [(str(m.person_id), named(m)) for m in deputies],
        "member_chair_options": [
            (str(m.person_id), named(m)) for m in others.values() if m not in deputies
        ],
    }


def _recommending(
    session: Session, proposal: Proposal | None, view: ItemView | None, given: ActionInput | None
) -> tuple[str, str] | None:
    """``("Empfehlung an den Gemeinderat", "Zustimmung empfohlen")``: the heading and the
    wording the committee's minutes will print for the recommendation being recorded."""
    step = current_step(session, proposal) if proposal is not None else None
    if step is None or view is None:
        return None
    text = (given or ActionInput()).data.get("recommendation")
    wording = recommendation_wording(text if isinstance(text, str) else None, view.tally.adopted)
    return recommended_to(session, step), wording


def _labels(options: list[ActionOption], triggers: frozenset[str]) -> set[str]:
    return {o.label for o in options if o.trigger in triggers}


@router.get("/sitzungen/{meeting_id}/durchfuehren")
def sittingrender_screen(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    top: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """``top`` names the item to show; anything else shows the first open one."""
    chosen = form_ids([top or ""])
    return render_screen(request, session, user, meeting_id, now, chosen[0] if chosen else None)


@router.post("/sitzungen/{meeting_id}/durchfuehren/anwesenheit")
def record_attendance(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> str:
        present = form_ids([str(v) for v in form.getlist("present")])
        chosen = {m: form_ids([v]) for m, v in keyed(form, "vertreten-").items() if v}
        if any(not ids for ids in chosen.values()):  # not an id of the list: refused
            raise InvalidInput(
                "Bitte wählen Sie die Stellvertretung aus der Liste.",
                field=f"vertreten-{min(m for m, ids in chosen.items() if not ids)}",
            )
        shown = screen_meeting(session, user, meeting_id)
        present = present_with_deputies(
            session, shown, present, {m: ids[0] for m, ids in chosen.items()}
        )
        digital = form_ids([str(v) for v in form.getlist("digital")])
        raw_chair = str(form.get("chair_person_id") or "")
        chair = form_ids([raw_chair])
        if raw_chair and not chair:  # not an id of the list: refused, not ignored
            raise InvalidInput(
                "Bitte wählen Sie den Vorsitz aus der Liste.", field="chair_person_id"
            )
        if not raw_chair:  # no Stellvertretung: the mayor, not the deputy named before
            meeting = session.get(Meeting, meeting_id)
            chair = sorted(standing_chairs(session, meeting.body_id)) if meeting else []
        agenda.record_attendance(
            **call,
            expected_version=form_version(form),
            present=present,
            digital=[d for d in digital if d in present],
            chair_person_id=chair[0] if chair else None,
            absence_reasons={m: v for m, v in keyed(form, "grund-").items() if v.strip()},
        )
        # counted as the quorum counts: a deputy in his member's place, not beside him
        counted = opening_quorum(session, screen_meeting(session, user, meeting_id))
        return (
            f"Anwesenheit gespeichert: {counted.present_entitled} von {counted.members} anwesend."
        )

    # Refused (no chair with the mayor absent), the ticks and the chair stay as sent.
    return screen_action(
        request, form, session, user, now, meeting_id, shown_item, act,
        keep=("anwesenheit", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/abstimmung")
def record_votes(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> str:
        allowed = {c for c, _ in CHOICES}
        votes = {m: v for m, v in keyed(form, "vote-").items() if v in allowed}
        if not votes:
            raise InvalidInput("Bitte erfassen Sie mindestens eine Stimme.")
        recorded = agenda.record_votes(
            **call,
            item_id=item_id,
            expected_version=form_version(form),
            votes=votes,
        )
        # A vote by name lists every member entitled at the item (§ 37 Abs. 6 GemO): one
        # left out would make the majority read from a part of the body. Checked after the
        # engine's own refusals; raising here rolls the savepoint back.
        meeting = session.get(Meeting, meeting_id)
        item = session.get(AgendaItem, item_id)
        assert meeting is not None
        assert item is not None
        missing = [p for p in entitled_at(session, meeting, item) if p not in votes]
        if missing:
            raise InvalidInput(
                f"Bitte erfassen Sie die Stimme (Ja, Nein oder Enthaltung) von "
                f"{person_names(session, missing)}.",
                field=f"vote-{min(missing)}",
            )
        words, _ = majority_words(recorded.record)
        return f"Abstimmung gespeichert. {words}."

    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act,
        keep=("abstimmung", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip


def kept_screen(
    request: Request, session: Session, user: PageUser, meeting_id: int, now: datetime
) -> Callable[[Kept, int | None, int], Response]:
    """How a refused form of the screen shows it again with its input (``screen_action``)."""

    def again(kept: Kept, at: int | None, status: int) -> Response:
        return render_screen(request, session, user, meeting_id, now, at, kept=kept, status=status)

    return again


@router.post("/sitzungen/{meeting_id}/durchfuehren/anwesenheit/vorschau")
def quorum_preview(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    """The quorum of the members ticked so far and the deputies chosen, before they are saved
    (htmx, on every change of the attendance form; § 37 Abs. 2, 3 GemO): nothing recorded."""
    meeting = screen_meeting(session, user, meeting_id)
    if meeting.state not in ("invited", "in_session"):
        raise Conflict("Eine Vorschau der Beschlussfähigkeit gibt es nur vor und in der Sitzung.")
    ticked = set(form_ids([str(v) for v in form.getlist("present")]))
    deputies = set(form_ids([v for v in keyed(form, "vertreten-").values() if v]))
    words, tone = quorum_words(quorum_if_present(session, meeting, ticked | deputies))
    return render(request, "sitzungen/_quorum.html", {"words": words, "tone": tone})


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/vorschau")
def majority_preview(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    form: PostedForm,
) -> Response:
    """The majority of the votes entered so far, before they are saved (htmx, on every
    change): the engine's Tally decides (§ 37 Abs. 6 GemO), nothing is recorded."""
    meeting = screen_meeting(session, user, meeting_id)
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id or item.removed:
        raise not_found("Tagesordnungspunkt")
    if meeting.state != "in_session" or item.outcome is not None:
        raise Conflict(
            "Eine Vorschau der Mehrheit gibt es nur für einen offenen Tagesordnungspunkt einer "
            "laufenden Sitzung."
        )
    choices = [str(v) for k, v in form.items() if k.startswith("vote-")]
    counted = Tally(choices.count("yes"), choices.count("no"), choices.count("abstain"))
    words, tone = majority_words(counted) if choices else ("Noch keine Stimme erfasst", "info")
    return render(
        request, "sitzungen/_majority.html", {"words": words, "tone": tone, "item_id": item_id}
    )


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/beratung")
def record_notes(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """The essential content of the deliberation on one item (§ 38 Abs. 1 GemO). Refused,
    the screen comes back with the typed text kept: it may be the longest input of the
    evening, and a redirect would lose it."""
    meeting = screen_meeting(session, user, meeting_id)
    notes = str(form.get("deliberation_notes") or "")
    try:
        with session.begin_nested():
            deliberation.record_notes(
                session=session,
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                item_id=item_id,
                expected_version=form_version(form),
                notes=notes,
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        session.expire_all()
        text = refusal_text(request, meeting, exc)
        if isinstance(exc, StaleVersion):
            text += " Ihr Text ist unten erhalten."
        kept = Kept(notes={item_id: notes}, notes_errors={item_id: {"deliberation_notes": text}})
        return render_screen(
            request, session, user, meeting_id, now, item_id, kept=kept, status=error_status(exc)
        )
    return done(request, meeting_id, item_id, "Der Verlauf der Beratung ist gespeichert.")


@router.post("/sitzungen/{meeting_id}/durchfuehren/niederschrift")
def sign_minutes(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> str:
        person, _, capacity = str(form.get("signer") or "").partition(":")
        signer_id = as_id(person)
        if signer_id is None or capacity not in CAPACITIES:
            raise InvalidInput("Bitte wählen Sie, wer unterzeichnet hat.", field="signer")
        agenda.sign_minutes(
            **call,
            expected_version=form_version(form),
            person_id=signer_id,
            capacity=capacity,
        )
        signer = call["session"].get(Person, signer_id)
        name = signer.name if signer is not None else ""
        meeting = call["session"].get(Meeting, meeting_id)
        body = call["session"].get(Body, meeting.body_id) if meeting is not None else None
        return f"Unterschrift von {name} ({capacities(body)[capacity]}) erfasst."

    return screen_action(
        request, form, session, user, now, meeting_id, None, act,
        keep=("niederschrift", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip
