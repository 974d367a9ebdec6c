"""When could a proposal be decided at the earliest, given the bodies' meeting dates?"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from workflow.deadlines.lifecycle import calendar_for, local_period
from workflow.law.periods import latest_before
from workflow.models import AgendaItem, Meeting, Proposal
from workflow.queries import steps
from workflow.rules.meeting_rules import INVITATION_PERIOD

OPEN_FOR_AGENDA = ("planned", "agenda")


def earliest_decision_date(session: Session, proposal: Proposal, today: date) -> date | None:
    """Walk the remaining consultation steps through the meetings already planned.

    A step can use a meeting it is already on the agenda of, or a planned meeting of its
    body after the previous step whose invitation can still go out in time (§ 34 Abs. 1
    GemO, counted back with the period calculator). None: no planned meeting can decide.
    """
    period = local_period(session, proposal.municipality_id, "invitation") or INVITATION_PERIOD
    calendar = calendar_for(session, proposal.municipality_id)
    after = today - timedelta(days=1)
    for step in steps(session, proposal.id or 0):
        if step.position < proposal.current_step or step.outcome in ("recommended", "adopted"):
            continue
        day = _scheduled_day(session, step.agenda_item_id)
        if day is None:
            candidates = session.exec(
                select(Meeting)
                .where(
                    Meeting.body_id == step.body_id,
                    col(Meeting.state).in_(OPEN_FOR_AGENDA),
                    col(Meeting.meeting_date) > after,
                )
                .order_by(col(Meeting.meeting_date))
            ).all()
            day = next(
                (
                    m.meeting_date
                    for m in candidates
                    if latest_before(m.meeting_date, period, calendar).date >= today
                ),
                None,
            )
        if day is None:
            return None
        if step.decides:
            return day
        after = day
    return None


def _scheduled_day(session: Session, agenda_item_id: int | None) -> date | None:
    item = session.get(AgendaItem, agenda_item_id) if agenda_item_id else None
    meeting = session.get(Meeting, item.meeting_id) if item else None
    return meeting.meeting_date if meeting and meeting.state != "cancelled" else None
