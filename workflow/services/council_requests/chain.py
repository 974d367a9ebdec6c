"""A request's state moves and its audit chain (``instance_type = 'council_request'``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from workflow import audit
from workflow.context import Actor
from workflow.deadlines.standing import COUNCIL_REQUEST
from workflow.errors import Conflict
from workflow.models import CouncilRequest
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
            f"Ein Antrag im Stand „{STATES[source]}“ kann nicht „{STATES[dest]}“ werden."
        )
    request.state = dest
    request.updated_at = now
    return source
