"""Sitzung durchführen: the vote as counts (open or secret, § 37 Abs. 6 GemO), members
leaving and arriving at an item, who chairs it where the mayor and his Stellvertreter are
prevented (§ 48 Abs. 1 Satz 8 GemO), and the motions made on it with their own votes, in the
order the Geschäftsordnung prescribes. Each form posts here and returns to the screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.routes.agenda import ItemId
from api.ui.routes.meetings import MeetingId
from api.ui.routes.sitting import kept_screen
from api.ui.sitting import majority_words
from api.ui.sitting_forms import (
    MOTION_VOTE,
    ScreenCall,
    form_ids,
    form_tally,
    form_version,
    screen_action,
)
from api.ui.web import HANDLING_ONLY, PageRoute, PageUserDep, PostedForm, workflows_of
from workflow.agenda_numbers import top_number
from workflow.digits import as_id, as_number
from workflow.errors import InvalidInput
from workflow.models import AgendaItem, ItemAttendance, Person
from workflow.motions import PROCEDURES
from workflow.services import item_chair, item_votes, motions

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
MotionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
BASE = "/sitzungen/{meeting_id}/durchfuehren/{item_id}"
MAX_REACH = 100


@router.post(f"{BASE}/stimmenzahlen")
def record_counts(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """Ja, Nein, Enthaltung as numbers; "geheim" for a secret ballot (only counts)."""

    def act(form: FormData, call: ScreenCall) -> str:
        counted = form_tally(form)
        recorded = item_votes.record_vote_counts(
            **call,
            item_id=item_id,
            expected_version=form_version(form),
            counted=counted,
            secret=form.get("geheim") == "ja",
        )
        words, _ = majority_words(recorded.record.tally)
        kind = "Geheime Abstimmung" if recorded.record.secret else "Abstimmung"
        return f"{kind} gespeichert. {words}."

    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act,
        keep=("stimmenzahlen", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip


@router.post(f"{BASE}/kommen-gehen")
def record_item_attendance(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """A member leaves (``richtung=geht``) or arrives (``kommt``) at this item."""

    def act(form: FormData, call: ScreenCall) -> str:
        person = form_ids([str(form.get("person_id") or "")])
        direction = form.get("richtung")
        if direction not in ("geht", "kommt"):  # refused, not read as "geht"
            raise InvalidInput(
                "Bitte wählen Sie, ob das Mitglied kommt oder geht.", field="richtung"
            )
        arrives = direction == "kommt"
        if not person:
            raise InvalidInput("Bitte wählen Sie das Mitglied.", field="person_id")
        only = form.get("nur_dieser_punkt") == "ja"
        recorded = item_votes.record_item_attendance(
            **call,
            item_id=item_id,
            expected_version=form_version(form),
            person_id=person[0],
            present=arrives,
            only_item=only,
            reason=str(form.get("reason") or ""),
        )
        return _change_words(session, recorded.record, only)

    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act,
        keep=("kommen-gehen", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip


@router.post(f"{BASE}/vorsitz")
def record_item_chair(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """Who chairs this item where the mayor and all Stellvertreter are prevented (the eldest
    member, § 48 Abs. 1 Satz 8 GemO; in a committee the one commissioned, § 40 Abs. 4,
    § 41 Abs. 2), or a handover the GemO allows (workflow.chairs); an empty
    choice returns the item to the rule (the session's chair or his Stellvertreter)."""

    def act(form: FormData, call: ScreenCall) -> str:
        raw = str(form.get("person_id") or "")
        person = form_ids([raw])
        if raw and not person:  # not an id of the list: refused, not read as "none"
            raise InvalidInput("Bitte wählen Sie das Mitglied aus der Liste.", field="person_id")
        recorded = item_chair.record_item_chair(
            **call,
            item_id=item_id,
            expected_version=form_version(form),
            person_id=person[0] if person else None,
        )
        chair = recorded.record.person_id
        if chair is None:
            return "Vorsitz zurückgesetzt: Bei diesem Punkt führt niemand den Vorsitz."
        who = session.get(Person, chair)
        return f"Vorsitz bei diesem Punkt: {who.name if who is not None else 'Mitglied'}."

    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act,
        keep=("vorsitz", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip


def _change_words(session: Session, change: ItemAttendance, only: bool) -> str:
    """What was recorded, in the words of the minutes: for this item only, or from it on."""
    person = session.get(Person, change.person_id)
    item = session.get(AgendaItem, change.agenda_item_id)
    who = person.name if person is not None else "Das Mitglied"
    top = f"TOP {top_number(session, item)}" if item is not None else "diesen Tagesordnungspunkt"
    if change.present:
        return f"{who} nimmt an {top} teil." if only else f"{who} ist ab {top} anwesend."
    return (
        f"{who} verlässt den Sitzungstisch für {top}."
        if only
        else f"{who} hat die Sitzung verlassen (ab {top})."
    )


@router.post(f"{BASE}/antraege")
def propose_motion(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> str:
        choice = str(form.get("art") or "")
        procedural = choice in PROCEDURES
        body = form_ids([str(form.get("target_body_id") or "")])
        reach = _reach(str(form.get("reach") or "").strip())
        mover = str(form.get("mover") or "")
        person_id, faction_id = _mover_choice(str(form.get("antragsteller") or ""), mover)
        try:
            motions.propose_motion(
                **call,
                item_id=item_id,
                expected_version=form_version(form),
                kind="procedural" if procedural else choice,
                procedure=choice if procedural else None,
                mover=mover,
                mover_person_id=person_id,
                mover_faction_id=faction_id,
                text=str(form.get("text") or ""),
                reach=reach,
                target_body_id=body[0] if body else None,
            )
        except InvalidInput as exc:
            if exc.field in ("mover_person_id", "mover_faction_id"):  # the list's choice
                raise InvalidInput(str(exc.message), field="antragsteller") from exc
            raise
        return "Antrag erfasst."

    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act,
        keep=("antrag", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip


def _mover_choice(choice: str, typed: str) -> tuple[int | None, int | None]:
    """The list's choice (``mitglied:12``, ``fraktion:3``) as the member's or the Fraktion's
    id; the free text is for anyone else (the Verwaltung), not a second name beside it."""
    kind, _, key = choice.partition(":")
    if not choice:
        return None, None
    chosen = as_id(key)
    if kind not in ("mitglied", "fraktion") or chosen is None:
        raise InvalidInput(
            "Bitte wählen Sie den Antragsteller aus der Liste.", field="antragsteller"
        )
    if typed.strip():
        raise InvalidInput(
            "Bitte den Antragsteller entweder aus der Liste wählen oder als andere/n "
            "eintragen, nicht beides.",
            field="mover",
        )
    return (chosen, None) if kind == "mitglied" else (None, chosen)


def _reach(raw: str) -> int:
    """The motion's reach, 0 to 100 as the form offers; anything else refused, not bent."""
    if not raw:
        return 0
    reach = as_number(raw, high=MAX_REACH)
    if reach is None:
        raise InvalidInput(
            f"Bitte geben Sie die Reichweite als ganze Zahl von 0 bis {MAX_REACH} ein.",
            field="reach",
        )
    return reach


@router.post(f"{BASE}/antraege/{{motion_id}}")
def vote_motion(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    motion_id: MotionId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> str:
        counted = form_tally(form)
        recorded = motions.vote_motion(
            **call,
            workflows=workflows_of(request),
            item_id=item_id,
            motion_id=motion_id,
            expected_version=form_version(form),
            counted=counted,
        )
        verdict = "angenommen" if recorded.record.adopted else "abgelehnt"
        return f"Der Antrag ist {verdict}."

    # Refused (counts that do not add up, another motion first), the counts stay as typed.
    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act,
        keep=(f"{MOTION_VOTE}:{motion_id}", kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip
