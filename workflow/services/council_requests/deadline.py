"""A request's statutory Frist, a standing rule (``workflow.deadlines.standing``) the sweep
reminds and escalates: opened at receipt when the request has the weight for it, for an
agenda request due on the day of the body's next-but-one session (§ 34 Abs. 1 S. 4 GemO)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from workflow.deadlines.standing import RULES, open_standing
from workflow.documents import german
from workflow.law import council_requests as law
from workflow.models import CouncilRequest, Meeting
from workflow.services.council_requests.terms import COUNCILLOR_KINDS
from workflow.services.council_requests.weight import quorum

FALLBACK_NOTE = (
    "Noch keine zwei Sitzungen des Gremiums nach dem Eingang geplant: Ersatzfrist ab Eingang; "
    "sobald sie geplant sind, gilt der Tag der übernächsten Sitzung (§ 34 Abs. 1 Satz 4 GemO)."
)


def next_but_one_day(session: Session, request: CouncilRequest) -> date | None:
    """The day of the body's next-but-one session after the receipt, if planned."""
    days = [
        m.meeting_date
        for m in session.exec(
            select(Meeting).where(Meeting.body_id == request.body_id, Meeting.state != "cancelled")
        )
    ]
    return law.next_but_one(days, request.received_on)


def next_but_one_text(request: CouncilRequest, due: date) -> str:
    return (
        f"Tag der übernächsten Sitzung nach Eingang am {german.day(request.received_on)}: "
        f"{german.day(due)} (§ 34 Abs. 1 Satz 4 GemO)"
    )


def open_deadline(session: Session, request: CouncilRequest, seq: int, now: datetime) -> None:
    """Open the Frist of the request's kind from its receipt (audit event ``seq``)."""
    weight = quorum(session, request)
    if weight is not None and not weight.reached:
        return  # no statutory right: no statutory deadline
    kw: dict[str, object] = {}
    if request.kind == "session_request":
        rule = RULES["council_request_session"]
    elif request.kind in COUNCILLOR_KINDS:
        rule = RULES["council_request_agenda"]
        due = next_but_one_day(session, request)
        if due is not None:
            kw = {"fixed_due": due, "fixed_explanation": next_but_one_text(request, due)}
        else:
            kw = {"note": FALLBACK_NOTE}
    elif request.kind == "residents_motion":
        rule = RULES["council_request_residents"]
    else:
        rule = RULES["council_request_youth"]
    open_standing(
        session,
        instance_id=request.id or 0,
        municipality_id=request.municipality_id,
        rule=rule,
        anchor=request.received_on,
        seq=seq,
        now=now,
        **kw,  # type: ignore[arg-type]
    )
