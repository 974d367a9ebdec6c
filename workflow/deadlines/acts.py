"""Turn an open deadline into the instants it acts at: reminders, escalations, expiry.

Instants are computed once, when the deadline opens or moves, and stored as ``DeadlineAct``
rows with an idempotency key; the sweep then only claims rows that are due.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from workflow.context import BERLIN
from workflow.definitions.spec import DeadlineRuleSpec
from workflow.law.periods import shift
from workflow.models import Deadline, DeadlineAct

REMINDER_HOUR = time(7, 0)  # reminders and escalations arrive at the start of the working day


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=BERLIN)


def planned_acts(deadline: Deadline, rule: DeadlineRuleSpec) -> list[tuple[str, datetime]]:
    """(kind, instant) pairs: reminders before the due date, expiry when the due day has
    ended (Berlin time), escalations after it."""
    acts: list[tuple[str, datetime]] = []
    for offset in rule.reminders:
        acts.append(
            ("reminder", _at(shift(deadline.due_date, offset, forward=False), REMINDER_HOUR))
        )
    acts.append(("expiry", _at(deadline.due_date + timedelta(days=1), time(0, 0))))
    if rule.escalation is not None:
        first = shift(deadline.due_date, rule.escalation.after)
        for n in range(rule.escalation.times):
            day = first
            for _ in range(n):
                day = shift(day, rule.escalation.every or rule.escalation.after)
            acts.append(("escalation", _at(day, REMINDER_HOUR)))
    return acts


def schedule_acts(session: Session, deadline: Deadline, rule: DeadlineRuleSpec) -> None:
    """(Re)write the pending acts; acts already done stay as the record of what happened.

    One query for the keys that exist, the new acts flushed together (one multi-row INSERT).
    """
    assert deadline.id is not None
    skip_pending(session, deadline.id, note="neu geplant")
    planned = {
        f"deadline:{deadline.id}:{kind}:{n}:{deadline.due_date.isoformat()}": (kind, instant)
        for n, (kind, instant) in enumerate(planned_acts(deadline, rule))
    }
    existing = set(
        session.exec(select(DeadlineAct.key).where(col(DeadlineAct.key).in_(list(planned))))
    )
    session.add_all(
        DeadlineAct(deadline_id=deadline.id, kind=kind, due_at=instant, key=key)
        for key, (kind, instant) in planned.items()
        if key not in existing
    )


def skip_pending(session: Session, deadline_id: int, *, note: str) -> None:
    """Void the deadline's pending acts in one UPDATE."""
    session.exec(
        update(DeadlineAct)
        .where(col(DeadlineAct.deadline_id) == deadline_id, col(DeadlineAct.status) == "pending")
        .values(status="skipped", note=note)
    )
