"""A request's state moves and its audit chain (``instance_type = 'council_request'``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from workflow import audit
from workflow.context import Actor, local_date
from workflow.deadlines.standing import COUNCIL_REQUEST, close_standing
from workflow.errors import Conflict
from workflow.models import AgendaItem, CouncilRequest, Meeting
from workflow.services.council_requests.terms import MOVES, STATES


def record_event(
    session: Session,
    request: CouncilRequest,
    actor: Actor,
    now: datetime,
    trigger: str,
    source: str | None,
    data: dict[str, object],
    comment: str | None = None,
) -> int:
    """Append an event to the request's audit chain; returns its sequence number."""
    event = audit.append(
        session,
        instance_type=COUNCIL_REQUEST,
        instance_id=request.id or 0,
        actor=actor,
        trigger=trigger,
        source=source,
        dest=request.state,
        now=now,
        comment=comment,
        data=data,
    )
    return event.seq


def move_to(request: CouncilRequest, dest: str, now: datetime) -> str:
    """Move the request to ``dest`` where ``MOVES`` allows it; returns the state it left."""
    source = request.state
    if dest not in MOVES[source]:
        raise Conflict(
            f"Ein Antrag im Stand „{STATES[source]}“ kommt nicht in den Stand „{STATES[dest]}“."
        )
    request.state = dest
    request.updated_at = now
    return source


def record_scheduled(
    session: Session,
    request: CouncilRequest,
    actor: Actor,
    now: datetime,
    *,
    source: str,
    meeting: Meeting,
    item: AgendaItem,
    **data: object,
) -> None:
    """The request (moved to ``scheduled`` from ``source``) is on ``meeting``'s agenda as
    ``item``: its Frist is met on the session's day, a Sitzungsantrag's on the day it was
    scheduled (§ 34 Abs. 1 S. 4 GemO); the event names what closed."""
    request.meeting_id = meeting.id
    request.agenda_item_id = item.id
    session.add(request)
    met_on = local_date(now) if request.kind == "session_request" else meeting.meeting_date
    closed = close_standing(session, instance_id=request.id or 0, now=now, met_on=met_on)
    session.flush()
    record_event(
        session,
        request,
        actor,
        now,
        "schedule",
        source,
        {
            "meeting_id": meeting.id,
            "agenda_item_id": item.id,
            **data,
            "deadlines": {d.rule: d.status for d in closed},
        },
    )
