"""Anträge an den Gemeinderat: list with the Fristen as traffic lights, the form for a
received request, and its page with what the administration does with it (§ 34 Abs. 1
S. 3–6, §§ 20b, 41a GemO), through the same service as the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypedDict

from fastapi import APIRouter, Query, Request
from sqlmodel import Session, col, select
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.routes.common import PathId
from api.ui import formatting
from api.ui.formatting import parse_date_de
from api.ui.history import request_history_entries
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
    render,
)
from workflow.agenda_numbers import top_number
from workflow.context import Actor, local_date
from workflow.digits import as_id, as_number
from workflow.errors import InvalidInput, RoleRefused, WorkflowError
from workflow.law.periods import shift
from workflow.models import (
    AgendaItem,
    Body,
    CouncilRequest,
    Deadline,
    Meeting,
    Person,
    Proposal,
)
from workflow.services import council_requests as service
from workflow.services import factions
from workflow.services.common import acting_as
from workflow.wording import mayor_phrase, wording_for

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
Text = Annotated[str | None, Query(max_length=40)]
CREATING_ROLES = (*service.RECORDING_ROLES, "council_member")
# The steps a received Antrag's page offers, in its order, and who is offered each.
NEXT_STEPS = (
    ("auf die Tagesordnung setzen", service.SCHEDULING_ROLES),
    ("als Vorlage übernehmen", service.TAKING_OVER_ROLES),
    ("als unzulässig ablehnen", service.REFUSING_ROLES),
)
STATE_TONES = {
    "received": "info",
    "proposal": "info",
    "scheduled": "success",
    "refused": "warning",
    "done": "success",
}
# Meetings a request can still be put on: before the session, and during it (§ 34 Abs. 2).
OPEN_MEETING_STATES = ("planned", "agenda", "invited", "in_session")


@dataclass(frozen=True)
class Row:
    request: CouncilRequest
    body: str
    deadline: Deadline | None


def _open_deadline(deadlines: list[Deadline]) -> Deadline | None:
    """The one still running, else the last one settled."""
    active = [d for d in deadlines if d.closed_at is None]
    chosen = active or deadlines
    return chosen[-1] if chosen else None


def _bodies(session: Session, user: PageUser) -> list[Body]:
    return list(
        session.exec(
            select(Body)
            .where(Body.municipality_id == (user.actor.municipality_id or -1))
            .order_by(col(Body.name))
        )
    )


@router.get("/antraege")
def request_list(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, stand: Text = None
) -> Response:
    state = stand if stand in service.STATES else None
    names = {b.id: b.name for b in _bodies(session, user)}
    rows = [
        Row(
            r,
            names.get(r.body_id, ""),
            _open_deadline(service.request_deadlines(session, r.id or 0)),
        )
        for r in service.list_requests(session, user.actor, state=state)
    ]
    context = {
        "rows": rows,
        "today": local_date(now),
        "kinds": service.KINDS,
        "states": list(service.STATES.items()),
        "state_labels": service.STATES,
        "tones": STATE_TONES,
        "params": {"stand": state or ""},
        "may_create": user.role in CREATING_ROLES,
    }
    return render(request, "antraege/list.html", context)


def _form_page(
    request: Request,
    session: Session,
    user: PageUser,
    values: dict[str, Any],
    errors: dict[str, str],
    today: date,
    status: int = 200,
) -> Response:
    bodies = _bodies(session, user)
    council = next((b for b in bodies if b.kind == "council"), None)
    members = []
    # Only the user's own bodies: a foreign id never lists another town's members.
    own = {str(b.id) for b in bodies}
    body_id = str(values.get("body_id") or "")
    if body_id not in own:
        body_id = str(council.id) if council else ""
    councillor = user.role == "council_member"
    # A councillor signs for himself on the day he files (``service.create_request``): no
    # colleagues to tick.
    chosen = as_id(body_id)
    if chosen is not None and not councillor:
        seats = service.councillors(session, chosen, today)
        people = {
            p.id: p.name
            for p in session.exec(
                select(Person).where(col(Person.id).in_([m.person_id for m in seats]))
            )
        }
        members = sorted((str(pid), name) for pid, name in people.items())
        members.sort(key=lambda m: m[1])
    context = {
        "values": {"body_id": body_id, **{k: v for k, v in values.items() if k != "body_id"}},
        "errors": errors,
        "factions": _faction_choices(session, user),
        "bodies": [(str(b.id), b.name) for b in bodies],
        "kinds": _kinds_for(user),
        "members": members,
        "is_councillor": councillor,
        "today": today,
    }
    return render(request, "antraege/new.html", context, status=status)


def _faction_choices(session: Session, user: PageUser) -> list[tuple[str, str]] | None:
    """The Fraktionen to pick from (a councillor: his own); None where the municipality
    keeps none, and the form asks for the name as before."""
    if not factions.has_factions(session, user.actor.municipality_id or 0):
        return None
    rows = factions.list_factions(session, user.actor)
    if user.role == "council_member":
        rows = [f for f in rows if factions.is_member(session, f.id or 0, user.actor.person_id)]
    return [(str(f.id), f.label) for f in rows]


def _kinds_for(user: PageUser) -> list[tuple[str, str]]:
    """The kinds the user may file: a councillor his own and his Fraktion's requests, not an
    Einwohnerantrag or the youth representation's (the service refuses those for him)."""
    if user.role == "council_member":
        return [(k, service.KINDS[k]) for k in service.COUNCILLOR_KINDS]
    return list(service.KINDS.items())


def _require(user: PageUser, roles: tuple[str, ...], operation: str) -> None:
    if user.role not in roles:
        raise RoleRefused(trigger=operation, role=user.role, allowed_roles=roles)


@router.get("/antraege/neu")
def new_page(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    body_id: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """The form; ``?body_id=`` lists that body's members to tick (htmx swaps them in when
    another body is chosen)."""
    _require(user, CREATING_ROLES, "create_council_request")
    kind = "councillor_motion" if user.role == "council_member" else "faction_motion"
    values = {"kind": kind, "body_id": body_id}
    return _form_page(request, session, user, values, {}, local_date(now))


# Signatures counted on paper: eight digits, as the form always took; far below MAX_ID.
MAX_SIGNATURES = 99_999_999


def _faction_id(text: str) -> int | None:
    text = text.strip()
    return as_id(text)


def _number(text: str, field: str, errors: dict[str, str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    number = as_number(text, high=MAX_SIGNATURES)
    if number is None:
        errors[field] = "Bitte geben Sie eine ganze Zahl ein."
    return number


@router.post("/antraege/neu")
def create(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    _require(user, CREATING_ROLES, "create_council_request")
    values = {k: str(form.get(k) or "") for k in form if k != "signer_person_ids"}
    signers = [str(v) for v in form.getlist("signer_person_ids")]
    values["signer_person_ids"] = signers  # type: ignore[assignment]
    errors: dict[str, str] = {}
    received = None
    if values.get("received_on", "").strip():
        received = parse_date_de(values["received_on"])
        if received is None:
            errors["received_on"] = "Bitte geben Sie ein gültiges Datum an."
    body = as_id(values.get("body_id", ""))
    if body is None:
        errors["body_id"] = "Bitte wählen Sie das Gremium."
    count = _number(values.get("signature_count", ""), "signature_count", errors)
    required = _number(values.get("required_signatures", ""), "required_signatures", errors)
    if not values.get("subject", "").strip():
        errors["subject"] = "Bitte geben Sie den Gegenstand des Antrags ein."
    if errors or body is None:
        return _form_page(request, session, user, values, errors, local_date(now), status=422)
    try:
        with session.begin_nested():
            created = service.create_request(
                session=session,
                actor=user.actor,
                now=now,
                body_id=body,
                kind=values.get("kind", ""),
                subject=values.get("subject", "")[:500],
                text=values.get("text", ""),
                received_on=received,
                submitted_by=values.get("submitted_by", "")[:500],
                faction=values.get("faction", "")[:200] or None,
                faction_id=_faction_id(values.get("faction_id", "")),
                signer_person_ids=[i for i in map(as_id, signers) if i is not None],
                signature_count=count,
                required_signatures=required,
            )
    except InvalidInput as exc:
        errors[exc.field or "subject"] = exc.message
        return _form_page(request, session, user, values, errors, local_date(now), status=422)
    flash(request, f"Der Antrag „{created.subject}“ ist erfasst.")
    return redirect(f"/antraege/{created.id}")


def _item_label(session: Session, day: date, item: AgendaItem) -> str:
    """ "23.04.2024, TOP 2: Bekanntgaben" for a choice of agenda items."""
    return f"{formatting.date_de(day)}, TOP {top_number(session, item)}: {item.title}"[:200]


def _agenda_choices(session: Session, req: CouncilRequest, today: date) -> dict[str, Any]:
    meetings = list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.body_id == req.body_id,
                col(Meeting.state).in_(OPEN_MEETING_STATES),
                col(Meeting.meeting_date) >= today,
            )
            .order_by(col(Meeting.meeting_date))
        )
    )
    # § 34 Abs. 1 S. 6 GemO: items of the six months before the receipt.
    since = shift(req.received_on, "P6M", forward=False)
    earlier = session.exec(
        select(AgendaItem, Meeting)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(
            Meeting.municipality_id == req.municipality_id,
            col(Meeting.meeting_date) >= since,
            col(Meeting.meeting_date) <= req.received_on,
            Meeting.state != "cancelled",
            ~col(AgendaItem.removed),
        )
        .order_by(col(Meeting.meeting_date).desc(), col(AgendaItem.position))
    )
    items = session.exec(
        select(AgendaItem)
        .where(
            col(AgendaItem.meeting_id).in_([m.id for m in meetings]),
            ~col(AgendaItem.removed),
        )
        .order_by(col(AgendaItem.meeting_id), col(AgendaItem.position))
    )
    days = {m.id: m.meeting_date for m in meetings}
    proposals = session.exec(
        select(Proposal)
        .where(
            Proposal.municipality_id == req.municipality_id,
            col(Proposal.state).not_in(("withdrawn", "final")),
        )
        .order_by(col(Proposal.id).desc())
        .limit(100)
    )
    return {
        "proposals": [(str(p.id), f"{p.label}: {p.title}"[:200]) for p in proposals],
        "items": [(str(i.id), _item_label(session, days[i.meeting_id], i)) for i in items],
        "meetings": [(str(m.id), formatting.date_de(m.meeting_date)) for m in meetings],
        "earlier_items": [(str(i.id), _item_label(session, m.meeting_date, i)) for i, m in earlier],
    }


def next_steps(*roles: str) -> str:
    """What a user in ``roles`` (his own, and the office he acts in for an absent holder)
    finds to do on a received Antrag's page ("… oder …"); roles offered none of them (no
    handler of ``to_handle``) are told all of them."""
    steps = [words for words, allowed in NEXT_STEPS if set(roles) & set(allowed)] or [
        words for words, _ in NEXT_STEPS
    ]
    return " oder ".join(filter(None, (", ".join(steps[:-1]), steps[-1])))


@router.get("/antraege/{request_id}")
def detail(
    request: Request, request_id: PathId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    req = service.get_request(session, user.actor, request_id)
    today = local_date(now)
    people = {
        p.id: p.name
        for p in session.exec(select(Person).where(col(Person.id).in_(req.signer_person_ids)))
    }
    proposal = session.get(Proposal, req.proposal_id) if req.proposal_id else None
    meeting = session.get(Meeting, req.meeting_id) if req.meeting_id else None
    item = session.get(AgendaItem, req.agenda_item_id) if req.agenda_item_id else None
    moves = service.MOVES[req.state]
    events = service.history(session, req.id or 0)
    # who takes each step the request's state allows: the user, or the user in Vertretung
    # for an absent holder (``common.acting_as``), as the service will let him
    acting = {
        dest: acting_as(session, user.actor, today, roles) if dest in moves else None
        for dest, roles in (
            ("proposal", service.TAKING_OVER_ROLES),
            ("scheduled", service.SCHEDULING_ROLES),
            ("refused", service.REFUSING_ROLES),
            ("done", service.RECORDING_ROLES),
        )
    }
    context = {
        "req": req,
        "today": today,
        "kind_label": service.KINDS.get(req.kind, req.kind),
        "state_label": service.STATES.get(req.state, req.state),
        "tone": STATE_TONES.get(req.state, "info"),
        "body": session.get(Body, req.body_id),
        "signers": sorted(people.values()),
        "quorum": service.quorum(session, req),
        "deadlines": service.request_deadlines(session, req.id or 0),
        "proposal": proposal,
        "meeting": meeting,
        "item": item,
        "item_number": top_number(session, item) if item is not None else None,
        "grounds": list(service.GROUNDS.items()),
        "history": request_history_entries(session, req, events),
        "ground_label": service.GROUNDS.get(req.refusal_ground or "", ""),
        "may_take_over": acting["proposal"] is not None,
        "may_schedule": acting["scheduled"] is not None,
        "may_refuse": acting["refused"] is not None,
        "may_settle": acting["done"] is not None,
        "in_vertretung": sorted(
            {a.on_behalf_of_name for a in acting.values() if a and a.on_behalf_of_name}
        ),
        # the Sitzungsdienst handles the Antrag but does not take it over: who does
        "taken_over_by": (
            mayor_phrase("nom", wording_for(req, session).mayor)
            if "proposal" in moves and acting["proposal"] is None and acting["done"] is not None
            else None
        ),
        **_agenda_choices(session, req, today),
    }
    return render(request, "antraege/detail.html", context)


class RequestCall(TypedDict):
    """What every service call on a request's page takes from the frame (``**call``)."""

    session: Session
    actor: Actor
    now: datetime
    request_id: int


def _act(
    request: Request,
    form: FormData,
    session: Session,
    user: PageUser,
    now: datetime,
    request_id: int,
    done: str,
    action: Callable[[dict[str, str], RequestCall], object],
) -> Response:
    """The frame of an action on a request's page: the form's fields as text, ``action`` in
    a savepoint, back to the page with the flash or the refusal."""
    call = RequestCall(session=session, actor=user.actor, now=now, request_id=request_id)
    try:
        with session.begin_nested():
            action({k: str(form.get(k) or "") for k in form}, call)
    except WorkflowError as exc:
        flash(request, formatting.sentences([error_text(exc)]), "danger")
        return redirect(f"/antraege/{request_id}")
    flash(request, done)
    return redirect(f"/antraege/{request_id}")


def _id(text: str) -> int | None:
    text = text.strip()
    return as_id(text)


@router.post("/antraege/{request_id}/uebernehmen")
def take_over(
    request: Request,
    request_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def run(form: dict[str, str], call: RequestCall) -> None:
        service.take_over(
            **call,
            workflows=request.app.state.runtime.workflows,
            proposal_id=_id(form.get("proposal_id", "")),
        )

    return _act(
        request, form, session, user, now, request_id, "Der Antrag ist als Vorlage übernommen.", run
    )


@router.post("/antraege/{request_id}/tagesordnung")
def schedule(
    request: Request,
    request_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def run(form: dict[str, str], call: RequestCall) -> None:
        meeting = _id(form.get("meeting_id", ""))
        item = _id(form.get("agenda_item_id", ""))
        chosen = session.get(AgendaItem, item) if item is not None else None
        if chosen is not None:
            meeting = chosen.meeting_id  # the item names its session
        if meeting is None:
            raise InvalidInput("Bitte wählen Sie die Sitzung.", field="meeting_id")
        service.schedule(
            **call,
            workflows=request.app.state.runtime.workflows,
            meeting_id=meeting,
            agenda_item_id=item,
        )

    return _act(
        request, form, session, user, now, request_id, "Der Antrag steht auf der Tagesordnung.", run
    )


@router.post("/antraege/{request_id}/ablehnen")
def refuse(
    request: Request,
    request_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def run(form: dict[str, str], call: RequestCall) -> None:
        service.refuse(
            **call,
            ground=form.get("ground", ""),
            reason=form.get("reason", ""),
            previous_agenda_item_id=_id(form.get("previous_agenda_item_id", "")),
        )

    return _act(
        request,
        form,
        session,
        user,
        now,
        request_id,
        "Der Antrag ist als unzulässig abgelehnt.",
        run,
    )


@router.post("/antraege/{request_id}/erledigt")
def settle(
    request: Request,
    request_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def run(form: dict[str, str], call: RequestCall) -> None:
        service.settle(
            **call,
            note=form.get("note", ""),
            withdrawn=form.get("withdrawn") == "ja",
        )

    return _act(
        request, form, session, user, now, request_id, "Der Antrag ist als erledigt vermerkt.", run
    )
