"""What pages and the API read of requests: the list, one request (within the caller's
municipality), its audit chain and its deadlines."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workflow.context import Actor
from workflow.deadlines.standing import COUNCIL_REQUEST
from workflow.errors import InvalidInput, not_found
from workflow.models import AuditEvent, CouncilRequest, Deadline
from workflow.services.common import require_tenant
from workflow.services.council_requests.terms import STATES


def list_requests(
    session: Session, actor: Actor, *, state: str | None = None
) -> list[CouncilRequest]:
    if state is not None and state not in STATES:
        raise InvalidInput(
            f"Unbekannter Stand „{state}“; möglich: {', '.join(STATES)}", field="state"
        )
    if actor.municipality_id is None and not actor.is_system:
        return []
    query = select(CouncilRequest)
    if not actor.is_system:
        query = query.where(CouncilRequest.municipality_id == actor.municipality_id)
    if state is not None:
        query = query.where(CouncilRequest.state == state)
    return list(
        session.exec(query.order_by(col(CouncilRequest.received_on).desc(), col(CouncilRequest.id)))
    )


def get_request(
    session: Session, actor: Actor, request_id: int, *, lock: bool = False
) -> CouncilRequest:
    query = select(CouncilRequest).where(CouncilRequest.id == request_id)
    request = session.exec(query.with_for_update() if lock else query).first()
    if request is None:
        raise not_found("Antrag")
    require_tenant(session, actor, request.municipality_id, "Antrag")
    if actor.role == "district_coordinator":
        raise not_found("Antrag")
    return request


def history(session: Session, request_id: int) -> list[AuditEvent]:
    """The request's audit chain, oldest first."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(
                AuditEvent.instance_type == COUNCIL_REQUEST, AuditEvent.instance_id == request_id
            )
            .order_by(col(AuditEvent.seq))
        )
    )


def request_deadlines(session: Session, request_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline)
            .where(Deadline.instance_type == COUNCIL_REQUEST, Deadline.instance_id == request_id)
            .order_by(col(Deadline.due_date), col(Deadline.id))
        )
    )
