"""What deadlines are counted from."""

from __future__ import annotations

from datetime import date

from workflow.context import FiringContext
from workflow.definitions.registry import Anchor
from workflow.models import Meeting, Proposal
from workflow.queries import current_agenda_item, latest_resolution, meeting_of_item, steps


def state_entry(ctx: FiringContext) -> date:
    return ctx.today


def meeting_day(ctx: FiringContext) -> date | None:
    """The meeting's own day; for a proposal, the day of the meeting that decided on it."""
    if isinstance(ctx.instance, Meeting):
        return ctx.instance.meeting_date
    if isinstance(ctx.instance, Proposal):
        resolution = latest_resolution(ctx.session, ctx.instance.id or 0)
        if resolution is not None:
            return resolution.decided_on
        meeting = meeting_of_item(ctx.session, current_agenda_item(ctx.session, ctx.instance))
        return meeting.meeting_date if meeting else None
    return None


def resolution_date(ctx: FiringContext) -> date | None:
    resolution = latest_resolution(ctx.session, int(ctx.instance.id))
    return resolution.decided_on if resolution else None


def first_planned_meeting(ctx: FiringContext) -> date | None:
    """The earliest planned date of the consultation steps still ahead; none without one."""
    if not isinstance(ctx.instance, Proposal):
        return None
    planned = [
        s.planned_date
        for s in steps(ctx.session, ctx.instance.id or 0)
        if s.planned_date is not None and s.position >= ctx.instance.current_step
    ]
    return min(planned, default=None)


def fixed_date(ctx: FiringContext) -> date | None:
    value = ctx.data.get("fixed_date")
    return date.fromisoformat(value) if isinstance(value, str) else None


ANCHORS = [
    Anchor("state_entry", state_entry),
    Anchor("meeting_day", meeting_day, day_label="Sitzungstag"),
    Anchor("resolution_date", resolution_date),
    Anchor("first_planned_meeting", first_planned_meeting, day_label="Sitzungstag"),
    Anchor("fixed_date", fixed_date, is_due_date=True),
]
