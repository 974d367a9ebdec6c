"""Public tools: the Fristenrechner (§§ 187–193 BGB, § 31 LVwVfG)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.problems import responses
from api.schemas.admin import DeadlineCalculation, PeriodLine
from workflow.law.periods import PeriodError, WorkingCalendar, latest_before, period_end

router = APIRouter(prefix="/api/v1", tags=["Werkzeuge"])


@router.get(
    "/deadline-calculator",
    operation_id="calculate_deadline",
    response_model=DeadlineCalculation,
    responses=responses(),
)
def calculate_deadline(
    date_: Annotated[
        str, Query(alias="date", max_length=10, description="Ereignis- bzw. Bezugstag, JJJJ-MM-TT")
    ],
    period: Annotated[str, Query(max_length=40, description="ISO-8601-Dauer, z. B. P1W, P7D")],
    direction: Literal["after", "before"] = "after",
    subdiv: Annotated[
        str, Query(pattern=r"^[A-Za-z]{2}$", description="Land (Feiertage), z. B. BW")
    ] = "BW",
) -> DeadlineCalculation:
    """End of a period after an event, or the latest day before a reference day, with the
    German explanation; bad input is a 422 problem in German."""
    try:
        day = date.fromisoformat(date_.strip())
    except ValueError as exc:
        raise PeriodError(
            f"Ungültiges Datum „{date_}“: erwartet wird JJJJ-MM-TT, z. B. 2024-05-09."
        ) from exc
    calendar = WorkingCalendar(subdiv.strip().upper())
    compute = period_end if direction == "after" else latest_before
    result = compute(day, period, calendar)
    return DeadlineCalculation(
        date=result.date.isoformat(),
        unadjusted=result.unadjusted.isoformat(),
        direction=direction,
        period=period.strip().upper(),
        subdiv=calendar.subdiv,
        explanation=list(result.explanation),
        skipped=[PeriodLine(date=d.isoformat(), reason=r) for d, r in result.skipped],
    )
