"""A request's statutory weight: who counts as a councillor on the day of receipt, and
whether the signers reach the quorum of § 34 Abs. 1 S. 3, 4 or § 20b GemO."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from workflow.deputies import member_on
from workflow.law import council_requests as law
from workflow.models import CouncilRequest, Membership
from workflow.services.council_requests.terms import COUNCILLOR_KINDS


def councillors(session: Session, body_id: int, on: date) -> list[Membership]:
    """The body's voting members on ``on`` without its chair: § 34 Abs. 1 S. 3, 4 GemO count
    "Gemeinderäte", and the mayor chairs the council without being one (§ 25 Abs. 1)."""
    rows = session.exec(
        select(Membership).where(Membership.body_id == body_id, col(Membership.voting))
    )
    return [m for m in rows if m.role != "chair" and member_on(m, on)]


def quorum(session: Session, request: CouncilRequest) -> law.Quorum | None:
    """The request's statutory weight, counted on its day of receipt; None for a kind
    without one (a councillors' motion below a sixth still reaches the administration)."""
    if request.kind == "residents_motion":
        return law.signature_quorum(request.signature_count or 0, request.required_signatures)
    if request.kind not in COUNCILLOR_KINDS:
        return None
    seats = {m.person_id for m in councillors(session, request.body_id, request.received_on)}
    signers = len(set(request.signer_person_ids) & seats)
    if request.kind == "session_request":
        return law.session_quorum(signers, len(seats))
    return law.agenda_quorum(signers, len(seats), faction=bool(request.faction))
