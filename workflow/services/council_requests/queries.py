"""What pages and the API read of requests: the list, one request (within the caller's
municipality), its audit chain and its deadlines, and those still to be dealt with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from workflow.context import Actor, local_date
from workflow.deadlines.standing import COUNCIL_REQUEST
from workflow.errors import InvalidInput, not_found
from workflow.models import AuditEvent, CouncilRequest, Deadline
from workflow.services.common import acting_as, require_tenant
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


# Who deals with an Antrag that came in: the Sitzungsdienst and the mayor put it on the
# agenda or refuse it as inadmissible (§ 34 Abs. 1 S. 4-6 GemO); taking it over as a
# Vorlage is the clerks' work once one of them decided so.
HANDLING_ROLES = ("secretary", "mayor")


@dataclass(frozen=True)
class ToHandle:
    request: CouncilRequest
    due: date | None  # its open Frist, the soonest (none below the quorum)
    acting: Actor  # who handles it: the user, or the user in Vertretung for the holder


def to_handle(*, session: Session, actor: Actor, now: datetime) -> list[ToHandle]:
    """The municipality's Anträge still as received, for the user who handles them, in his
    own role or as the Stellvertretung of a handler away today (the steps accept him then,
    ``common.acting_as``); the oldest first."""
    if actor.municipality_id is None:
        return []
    acting = acting_as(session, actor, local_date(now), HANDLING_ROLES)
    if acting is None:
        return []
    due = (
        select(func.min(Deadline.due_date))
        .where(
            Deadline.instance_type == COUNCIL_REQUEST,
            Deadline.instance_id == CouncilRequest.id,
            Deadline.status == "open",
        )
        .scalar_subquery()
    )
    rows = session.exec(
        select(CouncilRequest, due)
        .where(
            CouncilRequest.municipality_id == actor.municipality_id,
            CouncilRequest.state == "received",
        )
        .order_by(col(CouncilRequest.received_on), col(CouncilRequest.id))
    )
    return [ToHandle(request, due_date, acting) for request, due_date in rows]
