"""Fristenrechner: statutory periods under §§ 187–193 BGB and § 31 LVwVfG.

The GemO has no computation rule of its own; § 186 BGB makes §§ 187–193 BGB the interpretation
rules for periods in statutes and § 31 Abs. 1 LVwVfG refers to them for administrative procedure.
This module is pure (no database, no clock): callers pass the event day and get a result that
carries a German explanation suitable for the audit trail and the CLI.

Forward periods ("binnen einer Woche nach der Beschlussfassung") are extended to the next working
day by § 193 BGB / § 31 Abs. 3 LVwVfG. Lead periods counted backwards ("mindestens sieben Tage vor
dem Sitzungstag") are never extended: if their last day is not a working day, one must act earlier.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "Period",
    "PeriodError",
    "PeriodResult",
    "WorkingCalendar",
    "deadline_command",
    "format_result",
    "latest_before",
    "period_end",
]

_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
_ISO_PERIOD = re.compile(r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_OUT_OF_RANGE = "Das Fristende liegt außerhalb des darstellbaren Datumsbereichs."
_FORWARD = frozenset({"after", "nach"})
_BACKWARD = frozenset({"before", "vor"})


class PeriodError(ValueError):
    """Invalid period, date or calendar input; the message is German and shown to users."""


def _fmt(day: date) -> str:
    """German date with weekday, e.g. "Do, 09.05.2024"."""
    return f"{_WEEKDAYS[day.weekday()]}, {day:%d.%m.%Y}"


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


@dataclass(frozen=True)
class Period:
    """A period in whole days, weeks, months and years (a year counts as 12 months, § 188 BGB).

    Only calendar units occur in the GemO; time parts (hours) have no place in §§ 187 ff. BGB
    day-based computation and are rejected.
    """

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        for name in ("years", "months", "weeks", "days"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise PeriodError(
                    f"Ungültige Frist: {name}={value!r} muss eine ganze Zahl ≥ 0 sein."
                )
        if self.total_months == 0 and self.total_days == 0:
            raise PeriodError("Ungültige Frist: Die Dauer muss größer als null sein.")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse an ISO 8601 duration like ``P7D``, ``P1W``, ``P1M``, ``P1Y`` or ``P1M7D``."""
        if not isinstance(text, str):
            raise PeriodError(f"Ungültige Frist {text!r}: erwartet wird ein Text wie „P7D“.")
        cleaned = text.strip().upper()
        match = _ISO_PERIOD.fullmatch(cleaned)
        if match is None or cleaned == "P":
            raise PeriodError(
                f"Ungültige Frist „{text}“: erwartet wird eine ISO-8601-Dauer in Tagen, Wochen, "
                "Monaten oder Jahren, z. B. „P7D“, „P1W“, „P1M“ oder „P1Y“ "
                "(keine Uhrzeiten, keine negativen Werte)."
            )
        years, months, weeks, days = (int(group) if group else 0 for group in match.groups())
        if years == months == weeks == days == 0:
            raise PeriodError(f"Ungültige Frist „{text}“: Die Dauer muss größer als null sein.")
        return cls(years=years, months=months, weeks=weeks, days=days)

    @property
    def total_months(self) -> int:
        """Calendar part of the period (years folded into months)."""
        return self.years * 12 + self.months

    @property
    def total_days(self) -> int:
        """Day part of the period (weeks folded into days)."""
        return self.weeks * 7 + self.days

    def iso(self) -> str:
        """Canonical ISO 8601 form, e.g. ``P1W`` or ``P1M7D``."""
        parts = ((self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D"))
        return "P" + "".join(f"{value}{unit}" for value, unit in parts if value)

    def german(self) -> str:
        """German wording as used in statutes, e.g. "eine Woche", "7 Tage", "1 Monat"."""
        parts: list[str] = []
        if self.years:
            parts.append(_count(self.years, "Jahr", "Jahre"))
        if self.months:
            parts.append(_count(self.months, "Monat", "Monate"))
        if self.weeks:
            parts.append("eine Woche" if self.weeks == 1 else f"{self.weeks} Wochen")
        if self.days:
            parts.append(_count(self.days, "Tag", "Tage"))
        if len(parts) == 1:
            return parts[0]
        return ", ".join(parts[:-1]) + " und " + parts[-1]


@lru_cache(maxsize=512)
def _public_holidays(subdiv: str, year: int) -> dict[date, str]:
    """Public holidays of one Land and year with German names (cached; `holidays` is slow)."""
    table = holidays.country_holidays("DE", subdiv=subdiv, years=year, language="de")
    return dict(table.items())


@lru_cache(maxsize=32)
def _supported_years(subdiv: str) -> tuple[int, int]:
    """Years for which `holidays` knows German holidays; outside it silently returns none."""
    try:
        table = holidays.country_holidays("DE", subdiv=subdiv, years=(), language="de")
    except NotImplementedError as exc:
        known = ", ".join(holidays.list_supported_countries()["DE"])
        raise PeriodError(f"Unbekanntes Bundesland „{subdiv}“ (bekannt: {known}).") from exc
    return int(table.start_year), int(table.end_year)


class WorkingCalendar:
    """Working days for § 193 BGB / § 31 Abs. 3 LVwVfG at one place.

    A working day is Monday to Friday, not a public holiday of the Land (FTG; default
    Baden-Württemberg) and not one of the municipality's own non-working days (e.g. a local
    holiday). 24.12. and 31.12. are working days; purely church holidays (Gründonnerstag,
    Reformationsfest, Buß- und Bettag in BW) do not shift deadlines.

    Days outside the years covered by the `holidays` package raise `PeriodError` instead of
    silently being treated as holiday-free.
    """

    def __init__(self, subdiv: str = "BW", local_days: Mapping[date, str] | None = None) -> None:
        self.subdiv = subdiv
        self.first_year, self.last_year = _supported_years(subdiv)
        normalized: dict[date, str] = {}
        for day, name in (local_days or {}).items():
            key = day.date() if isinstance(day, datetime) else day
            if not isinstance(key, date):
                raise PeriodError(f"Örtlicher arbeitsfreier Tag {day!r} ist kein Datum.")
            normalized[key] = str(name).strip() or "ohne Bezeichnung"
        self._local_days = normalized

    @property
    def local_days(self) -> Mapping[date, str]:
        """The municipality's extra non-working days with their names."""
        return dict(self._local_days)

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, or None if it is one.

        A public holiday is named even when it falls on a weekend, because the name is more
        informative in the explanation (the weekday is shown next to the date anyway).
        """
        if isinstance(day, datetime):
            day = day.date()
        if not self.first_year <= day.year <= self.last_year:
            raise PeriodError(
                f"Für {_fmt(day)} sind keine Feiertagsdaten verfügbar "
                f"(unterstützt: {self.first_year}–{self.last_year})."
            )
        holiday = _public_holidays(self.subdiv, day.year).get(day)
        if holiday is not None:
            return f"Feiertag: {holiday}"
        local = self._local_days.get(day)
        if local is not None:
            return f"örtlicher arbeitsfreier Tag: {local}"
        if day.weekday() == 5:
            return "Samstag"
        if day.weekday() == 6:
            return "Sonntag"
        return None

    def is_working_day(self, day: date) -> bool:
        """True for Monday–Friday that is neither a public nor a local non-working day."""
        return self.non_working_reason(day) is None


@dataclass(frozen=True)
class PeriodResult:
    """Outcome of a period computation with its German justification."""

    date: dt.date
    unadjusted: dt.date
    skipped: tuple[tuple[dt.date, str], ...]
    explanation: tuple[str, ...]


@lru_cache(maxsize=32)
def _default_calendar(subdiv: str = "BW") -> WorkingCalendar:
    return WorkingCalendar(subdiv)


def _coerce_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def _coerce_day(day: date) -> date:
    if isinstance(day, datetime):
        return day.date()
    if not isinstance(day, date):
        raise PeriodError(f"Ungültiges Datum {day!r}.")
    return day


def _shift_months(day: date, months: int) -> tuple[date, bool]:
    """Move by whole months keeping the day number; clamp to month end (§ 188 Abs. 3 BGB)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise PeriodError(_OUT_OF_RANGE)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last)), day.day > last


def _raw_end(
    start: date, period: Period, sign: int, day_label: str = "Bezugstag"
) -> tuple[date, str]:
    """Calendar arithmetic, months first, then days (as § 189 Abs. 2 BGB orders mixed periods).

    Returns the calculated end and the text naming the § 188 BGB rule that fixed it.
    """
    shifted, clamped = _shift_months(start, sign * period.total_months)
    return _step(shifted, sign * period.total_days), _rule_text(
        start, period, shifted, clamped, sign, day_label
    )


def _rule_text(
    start: date, period: Period, shifted: date, clamped: bool, sign: int, day_label: str
) -> str:
    """Name the § 188 BGB rule that fixed the calculated end (applied by analogy backwards)."""
    label, analog = ("Ereignistag", "") if sign > 0 else (day_label, " entsprechend")
    if period.total_months == 0 and period.days == 0:
        return f"gleicher Wochentag wie der {label} (§ 188 Abs. 2 BGB{analog})"
    if period.total_months == 0:
        return f"Ablauf des letzten Tages der Frist (§ 188 Abs. 1 BGB{analog})"
    if clamped:
        month = f"{_MONTHS[shifted.month - 1]} {shifted.year}"
        text = (
            f"einen {start.day}. gibt es im {month} nicht, daher letzter Tag des Monats "
            f"(§ 188 Abs. 3 BGB{analog})"
        )
    else:
        text = f"gleiche Tageszahl wie der {label} (§ 188 Abs. 2 BGB{analog})"
    if period.total_days:
        days = _count(period.total_days, "Tag", "Tage")
        text += f", danach {days} (§ 188 Abs. 1 BGB{analog})"
    return text


def _step(day: date, delta: int) -> date:
    try:
        return day + timedelta(days=delta)
    except OverflowError as exc:
        raise PeriodError(
            "Das Fristende liegt außerhalb des darstellbaren Datumsbereichs."
        ) from exc


def _skip(day: date, calendar: WorkingCalendar, delta: int) -> tuple[date, list[tuple[date, str]]]:
    skipped: list[tuple[date, str]] = []
    reason = calendar.non_working_reason(day)
    while reason is not None:
        skipped.append((day, reason))
        day = _step(day, delta)
        reason = calendar.non_working_reason(day)
    return day, skipped


def period_end(
    event: date, period: Period | str, calendar: WorkingCalendar | None = None
) -> PeriodResult:
    """End of a period running forward from `event` (§§ 187 Abs. 1, 188, 193 BGB).

    The event day is not counted; if the calculated end is a Saturday, Sunday, public holiday or
    local non-working day, the period ends at the end of the next working day (§ 193 BGB,
    § 31 Abs. 3 LVwVfG), skipping as many days as needed (e.g. Karfreitag to Ostermontag).
    """
    event = _coerce_day(event)
    parsed = _coerce_period(period)
    cal = calendar if calendar is not None else _default_calendar()
    raw, rule = _raw_end(event, parsed, 1)
    result, skipped = _skip(raw, cal, 1)
    lines = [
        f"Ereignistag: {_fmt(event)}; dieser Tag wird nicht mitgerechnet (§ 187 Abs. 1 BGB).",
        f"Frist: {parsed.german()}; rechnerisches Ende: {_fmt(raw)} – {rule}.",
    ]
    if skipped:
        lines.append(
            "Das rechnerische Ende ist kein Werktag; an seine Stelle tritt der nächste Werktag "
            "(§ 193 BGB, § 31 Abs. 3 LVwVfG)."
        )
        lines.extend(f"Übersprungen: {_fmt(day)} – {reason}." for day, reason in skipped)
    else:
        lines.append("Das rechnerische Ende ist ein Werktag; keine Verschiebung.")
    lines.append(f"Fristende: {_fmt(result)} (Ablauf des Tages).")
    return PeriodResult(result, raw, tuple(skipped), tuple(lines))


def latest_before(
    anchor: date,
    period: Period | str,
    calendar: WorkingCalendar | None = None,
    *,
    day_label: str = "Bezugstag",
) -> PeriodResult:
    """Latest day for an act due at least `period` before `anchor` (e.g. the Sitzungstag),
    which the explanation calls ``day_label``.

    Counted backwards with the same calendar arithmetic (anchor not counted, month-end clamp).
    § 193 BGB does not extend such lead periods: a non-working last day moves EARLIER to the
    previous working day.
    """
    anchor = _coerce_day(anchor)
    parsed = _coerce_period(period)
    cal = calendar if calendar is not None else _default_calendar()
    raw, rule = _raw_end(anchor, parsed, -1, day_label)
    result, skipped = _skip(raw, cal, -1)
    lines = [
        f"{day_label}: {_fmt(anchor)}; dieser Tag wird nicht mitgerechnet "
        "(§ 187 Abs. 1 BGB entsprechend).",
        f"Frist: {parsed.german()} vor dem {day_label}, rückwärts gerechnet; "
        f"rechnerisch spätester Tag: {_fmt(raw)} – {rule}.",
    ]
    if skipped:
        lines.append(
            "Rückwärts laufende Fristen werden nicht verlängert (§ 193 BGB gilt nicht); da der Tag "
            "kein Werktag ist, muss am vorhergehenden Werktag gehandelt werden."
        )
        lines.extend(f"Übersprungen: {_fmt(day)} – {reason}." for day, reason in skipped)
    else:
        lines.append(
            "Rückwärts laufende Fristen werden nicht verlängert; der Tag ist ein Werktag, "
            "keine Verschiebung."
        )
    lines.append(f"Spätester Termin: {_fmt(result)}.")
    return PeriodResult(result, raw, tuple(skipped), tuple(lines))


def format_result(result: PeriodResult) -> str:
    """CLI text: ISO date on the first line (machine-readable), then the explanation."""
    return "\n".join((result.date.isoformat(), *result.explanation))


def deadline_command(direction: str, day: str, period: str, subdiv: str = "BW") -> str:
    """Back end of ``ratsflow deadline after|before YYYY-MM-DD --period P1W [--subdiv BW]``."""
    if not _ISO_DATE.fullmatch(day.strip()):
        raise PeriodError(f"Ungültiges Datum „{day}“: erwartet wird JJJJ-MM-TT, z. B. 2024-05-09.")
    try:
        parsed_day = date.fromisoformat(day.strip())
    except ValueError as exc:
        raise PeriodError(f"Ungültiges Datum „{day}“: diesen Tag gibt es nicht.") from exc
    calendar = _default_calendar(subdiv.strip())
    key = direction.strip().lower()
    if key in _FORWARD:
        return format_result(period_end(parsed_day, period, calendar))
    if key in _BACKWARD:
        return format_result(latest_before(parsed_day, period, calendar))
    raise PeriodError(
        f"Ungültige Richtung „{direction}“: erwartet wird „after“ (Frist nach dem Ereignis) "
        "oder „before“ (spätester Termin vor dem Bezugstag)."
    )


def shift(day: date, period: Period | str, *, forward: bool = True) -> date:
    """Plain calendar arithmetic (§ 188 Abs. 2/3 BGB month ends) without § 193 adjustment:
    for instants such as reminders, which are no legal deadlines themselves."""
    return _raw_end(_coerce_day(day), _coerce_period(period), 1 if forward else -1)[0]
