"""Small helpers the rule modules share."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.context import FiringContext
from workflow.deadlines import calendar_for
from workflow.models import Proposal
from workflow.periods import period_end
from workflow.queries import latest_resolution

OBJECTION_PERIOD = "P1W"  # § 43 Abs. 2 S. 1 GemO: "binnen einer Woche nach Beschlussfassung"


def proposal(ctx: FiringContext) -> Proposal:
    instance: Proposal = ctx.instance
    return instance


def data_int(ctx: FiringContext, key: str) -> int | None:
    value: Any = ctx.data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def data_text(ctx: FiringContext, key: str) -> str | None:
    value = ctx.data.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def objection_deadline(ctx: FiringContext) -> date | None:
    """Last day of the objection week; § 193 BGB moves a weekend/holiday end forward."""
    p = proposal(ctx)
    resolution = latest_resolution(ctx.session, p.id or 0)
    if resolution is None:
        return None
    calendar = calendar_for(ctx.session, p.municipality_id)
    return period_end(resolution.decided_on, OBJECTION_PERIOD, calendar).date


def fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")
