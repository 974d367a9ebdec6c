"""Fristen set by the GemO on objects without a workflow definition: requests to the council.

Their rules are code, not YAML (``definitions/*.yaml`` describe the lifecycles of Vorlagen,
Sitzungen and Abfragen); they open and close through the service that records the request,
and the sweep reminds and escalates them like every other deadline (``rule_for``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from workflow.deadlines.acts import schedule_acts, skip_pending
from workflow.deadlines.lifecycle import ACTIVE, compute_due, open_deadlines
from workflow.definitions.spec import DeadlineRuleSpec, Escalation, Recipients
from workflow.documents import german
from workflow.law.council_requests import THREE_MONTHS
from workflow.models import Deadline

COUNCIL_REQUEST = "council_request"
_STAFF = Recipients(roles=("secretary",), owner=True)
_MAYOR = Recipients(roles=("mayor",))

# The agenda request's day is that of the next-but-one session (§ 34 Abs. 1 S. 4 GemO);
# while fewer than two sessions are planned the period counts from the receipt (fallback,
# municipality setting ``deadline_periods.council_request_agenda``).
AGENDA_FALLBACK = "P2M"

RULES: dict[str, DeadlineRuleSpec] = {
    rule.rule: rule
    for rule in (
        DeadlineRuleSpec(
            rule="council_request_session",
            label="Sitzung auf Verlangen unverzüglich einberufen",
            legal_basis="§ 34 Abs. 1 Satz 3 GemO",
            anchor="received_on",
            period="P1W",
            soft=True,
            reminders=("P2D",),
            remind=_STAFF,
            escalation=Escalation(after="P1D", every="P2D", times=3, to=_MAYOR),
        ),
        DeadlineRuleSpec(
            rule="council_request_agenda",
            label="Gegenstand spätestens auf die Tagesordnung der übernächsten Sitzung",
            legal_basis="§ 34 Abs. 1 Satz 4 GemO",
            anchor="received_on",
            period=AGENDA_FALLBACK,
            reminders=("P2W", "P1W"),
            remind=_STAFF,
            escalation=Escalation(after="P1D", every="P1W", times=3, to=_MAYOR),
        ),
        DeadlineRuleSpec(
            rule="council_request_residents",
            label="Einwohnerantrag innerhalb von drei Monaten behandeln",
            legal_basis="§ 20b Abs. 3 GemO",
            anchor="received_on",
            period=THREE_MONTHS,
            reminders=("P1M", "P2W"),
            remind=_STAFF,
            escalation=Escalation(after="P1D", every="P1W", times=3, to=_MAYOR),
        ),
        DeadlineRuleSpec(
            rule="council_request_youth",
            label="Über den Antrag der Jugendvertretung innerhalb von drei Monaten entscheiden",
            legal_basis="§ 41a Abs. 2 GemO",
            anchor="received_on",
            period=THREE_MONTHS,
            reminders=("P1M", "P2W"),
            remind=_STAFF,
            escalation=Escalation(after="P1D", every="P1W", times=3, to=_MAYOR),
        ),
    )
}


def rule_for(deadline: Deadline) -> DeadlineRuleSpec | None:
    """The code rule of a standing deadline, None for one opened by a definition."""
    if deadline.instance_type != COUNCIL_REQUEST:
        return None
    return RULES.get(deadline.rule)


def open_standing(
    session: Session,
    *,
    instance_id: int,
    municipality_id: int,
    rule: DeadlineRuleSpec,
    anchor: date,
    seq: int,
    now: datetime,
    fixed_due: date | None = None,
    fixed_explanation: str | None = None,
    note: str | None = None,
) -> Deadline:
    """Open the deadline, with its reminders and escalations; ``fixed_due`` for a day the
    law names directly (the next-but-one session), else the rule's period from ``anchor``."""
    if fixed_due is not None:
        due, explanation = fixed_due, fixed_explanation or f"Fester Termin: {german.day(fixed_due)}"
    else:
        due, explanation = compute_due(session, municipality_id, rule, anchor)
    if note:
        explanation = f"{note}\n{explanation}"
    deadline = Deadline(
        instance_type=COUNCIL_REQUEST,
        instance_id=instance_id,
        municipality_id=municipality_id,
        rule=rule.rule,
        label=rule.label,
        due_date=due,
        explanation=explanation,
        opened_seq=seq,
        opened_at=now,
    )
    session.add(deadline)
    session.flush()
    schedule_acts(session, deadline, rule, now=now)
    return deadline


def close_standing(
    session: Session, *, instance_id: int, now: datetime, met_on: date | None, cancel: bool = False
) -> list[Deadline]:
    """Close the request's open deadlines: met when fulfilled by ``met_on`` (the day that
    counts, e.g. the session's), missed when later; cancelled when the request ends without
    it (refused as inadmissible). One already missed keeps its status, done late."""
    closed = []
    for deadline in open_deadlines(session, COUNCIL_REQUEST, instance_id):
        if deadline.status == "open":
            if cancel or met_on is None:
                deadline.status = "cancelled"
            else:
                deadline.status = "met" if met_on <= deadline.due_date else "missed"
        deadline.closed_at = now
        session.add(deadline)
        skip_pending(session, deadline.id or 0, note=f"Frist {deadline.status}")
        closed.append(deadline)
    return closed


__all__ = ["ACTIVE", "COUNCIL_REQUEST", "RULES", "close_standing", "open_standing", "rule_for"]
