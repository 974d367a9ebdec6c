"""Fristenrechner (§§ 187–193 BGB, § 31 LVwVfG): properties and worked examples."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workflow.law.periods import (
    Period,
    PeriodError,
    PeriodResult,
    WorkingCalendar,
    deadline_command,
    format_result,
    latest_before,
    period_end,
)

BW = WorkingCalendar()
# `holidays` only knows German holidays for 1991–2100 and silently returns none outside;
# the calendar refuses such days, so properties stay inside with a margin for skipping.
SAFE_FROM = date(1991, 1, 15)
SAFE_TO = date(2100, 12, 20)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
day_counts = st.integers(min_value=1, max_value=400)
week_counts = st.integers(min_value=1, max_value=60)
month_counts = st.integers(min_value=1, max_value=36)


def add_months(day: date, months: int) -> date:
    """Independent oracle: same day number, clamped to the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def assert_forward(result: PeriodResult) -> None:
    assert BW.is_working_day(result.date)
    assert result.date >= result.unadjusted
    between = [
        result.unadjusted + timedelta(days=i) for i in range((result.date - result.unadjusted).days)
    ]
    assert all(not BW.is_working_day(day) for day in between)
    assert [day for day, _ in result.skipped] == between
    assert all(reason == BW.non_working_reason(day) for day, reason in result.skipped)


def assert_backward(result: PeriodResult) -> None:
    assert BW.is_working_day(result.date)
    assert result.date <= result.unadjusted
    between = [
        result.unadjusted - timedelta(days=i) for i in range((result.unadjusted - result.date).days)
    ]
    assert all(not BW.is_working_day(day) for day in between)
    assert [day for day, _ in result.skipped] == between


# --- properties -------------------------------------------------------------------------------


@given(event=dates, n=day_counts)
def test_forward_days_property(event: date, n: int) -> None:
    assume(SAFE_FROM <= event + timedelta(days=n) <= SAFE_TO)
    result = period_end(event, Period(days=n))
    assert result.unadjusted == event + timedelta(days=n)
    assert_forward(result)


@given(event=dates, n=week_counts)
def test_forward_weeks_keep_weekday(event: date, n: int) -> None:
    assume(SAFE_FROM <= event + timedelta(weeks=n) <= SAFE_TO)
    result = period_end(event, f"P{n}W")
    assert result.unadjusted == event + timedelta(weeks=n)
    assert result.unadjusted.weekday() == event.weekday()
    assert_forward(result)


@given(event=dates, n=month_counts)
def test_forward_months_same_day_or_month_end(event: date, n: int) -> None:
    expected = add_months(event, n)
    assume(SAFE_FROM <= expected <= SAFE_TO)
    result = period_end(event, Period(months=n))
    assert result.unadjusted == expected
    last = calendar.monthrange(expected.year, expected.month)[1]
    assert result.unadjusted.day == event.day or (
        result.unadjusted.day == last and event.day > last
    )
    assert_forward(result)


@given(anchor=dates, n=day_counts)
def test_backward_days_property(anchor: date, n: int) -> None:
    assume(SAFE_FROM <= anchor - timedelta(days=n) <= SAFE_TO)
    result = latest_before(anchor, Period(days=n))
    assert result.unadjusted == anchor - timedelta(days=n)
    assert_backward(result)


@given(anchor=dates, n=week_counts)
def test_backward_weeks_property(anchor: date, n: int) -> None:
    assume(SAFE_FROM <= anchor - timedelta(weeks=n) <= SAFE_TO)
    result = latest_before(anchor, Period(weeks=n))
    assert result.unadjusted.weekday() == anchor.weekday()
    assert_backward(result)


@given(anchor=dates, n=month_counts)
def test_backward_months_property(anchor: date, n: int) -> None:
    expected = add_months(anchor, -n)
    assume(SAFE_FROM <= expected <= SAFE_TO)
    result = latest_before(anchor, Period(months=n))
    assert result.unadjusted == expected
    assert_backward(result)


@given(event=dates, n=month_counts)
def test_month_round_trip(event: date, n: int) -> None:
    assume(event.day <= 28)
    assume(SAFE_FROM <= event and add_months(event, n) <= SAFE_TO)
    there = period_end(event, Period(months=n)).unadjusted
    assert latest_before(there, Period(months=n)).unadjusted == event


@given(event=dates, n=day_counts)
def test_day_round_trip(event: date, n: int) -> None:
    assume(SAFE_FROM <= event and event + timedelta(days=n) <= SAFE_TO)
    there = period_end(event, Period(days=n)).unadjusted
    assert latest_before(there, Period(days=n)).unadjusted == event


@given(
    years=st.integers(0, 5),
    months=st.integers(0, 40),
    weeks=st.integers(0, 60),
    days=st.integers(0, 400),
)
def test_iso_round_trip(years: int, months: int, weeks: int, days: int) -> None:
    assume(years or months or weeks or days)
    period = Period(years=years, months=months, weeks=weeks, days=days)
    assert Period.parse(period.iso()) == period


# --- Period parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "iso", "german"),
    [
        ("P7D", Period(days=7), "P7D", "7 Tage"),
        ("P1W", Period(weeks=1), "P1W", "eine Woche"),
        ("P3W", Period(weeks=3), "P3W", "3 Wochen"),
        ("P1M", Period(months=1), "P1M", "1 Monat"),
        ("P3M", Period(months=3), "P3M", "3 Monate"),
        ("P1Y", Period(years=1), "P1Y", "1 Jahr"),
        ("P1D", Period(days=1), "P1D", "1 Tag"),
        ("P1M7D", Period(months=1, days=7), "P1M7D", "1 Monat und 7 Tage"),
        ("P1Y2M3D", Period(years=1, months=2, days=3), "P1Y2M3D", "1 Jahr, 2 Monate und 3 Tage"),
        (" p1w ", Period(weeks=1), "P1W", "eine Woche"),
        ("P0M7D", Period(days=7), "P7D", "7 Tage"),
    ],
)
def test_parse_iso_german(text: str, expected: Period, iso: str, german: str) -> None:
    period = Period.parse(text)
    assert period == expected
    assert period.iso() == iso
    assert period.german() == german


def test_year_is_twelve_months() -> None:
    assert period_end(date(2024, 2, 29), "P1Y").unadjusted == date(2025, 2, 28)
    assert period_end(date(2023, 5, 10), "P1Y").unadjusted == date(2024, 5, 10)


@pytest.mark.parametrize(
    "text",
    ["", "P", "PT1H", "P1DT1H", "PT0S", "-P1D", "P-1D", "P0D", "P0W", "1W", "P1.5D", "P1D1M", "x"],
)
def test_parse_rejects_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError) as excinfo:
        Period.parse(text)
    assert "Ungültige Frist" in str(excinfo.value)


def test_period_rejects_zero_and_negative() -> None:
    with pytest.raises(PeriodError) as zero:
        Period()
    with pytest.raises(PeriodError) as negative:
        Period(days=-1)
    assert "größer als null" in str(zero.value)
    assert "ganze Zahl" in str(negative.value)


def test_period_error_is_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


# --- calendar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2024, 5, 9), "Feiertag: Christi Himmelfahrt"),
        (date(2024, 5, 1), "Feiertag: Erster Mai"),
        (date(2024, 5, 20), "Feiertag: Pfingstmontag"),
        (date(2024, 1, 6), "Feiertag: Heilige Drei Könige"),
        (date(2024, 5, 30), "Feiertag: Fronleichnam"),
        (date(2024, 5, 11), "Samstag"),
        (date(2024, 5, 12), "Sonntag"),
        (date(2021, 5, 1), "Feiertag: Erster Mai"),  # a Saturday: the holiday name wins
        (date(2017, 10, 31), "Feiertag: Reformationstag"),  # one-off 500th anniversary
        (date(2024, 12, 24), None),  # Heiligabend
        (date(2024, 12, 31), None),  # Silvester
        (date(2024, 3, 28), None),  # Gründonnerstag
        (date(2024, 10, 31), None),  # Reformationsfest is only a church holiday in BW
        (date(2024, 11, 20), None),  # Buß- und Bettag
    ],
)
def test_non_working_reason(day: date, reason: str | None) -> None:
    assert BW.non_working_reason(day) == reason
    assert BW.is_working_day(day) is (reason is None)


@pytest.mark.parametrize(("year", "count"), [(2017, 13), (2024, 12), (2025, 12)])
def test_bw_holiday_count(year: int, count: int) -> None:
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(366)]
    reasons = [BW.non_working_reason(day) for day in days if day.year == year]
    assert sum(1 for r in reasons if r and r.startswith("Feiertag")) == count


def test_buss_und_bettag_only_before_1995() -> None:
    # nationwide public holiday until 1994 (abolished to fund the Pflegeversicherung)
    assert BW.non_working_reason(date(1994, 11, 16)) == "Feiertag: Buß- und Bettag"
    assert BW.is_working_day(date(1995, 11, 22))


def test_outside_holiday_data_is_refused() -> None:
    # `holidays` returns an empty calendar for DE before 1991 and after 2100
    with pytest.raises(PeriodError) as early:
        BW.non_working_reason(date(1990, 10, 3))
    with pytest.raises(PeriodError) as late:
        period_end(date(2100, 12, 1), "P1M")
    assert "1991–2100" in str(early.value)
    assert "keine Feiertagsdaten" in str(late.value)


def test_local_non_working_day_is_skipped_with_its_name() -> None:
    fasnet = WorkingCalendar(local_days={date(2024, 2, 13): "Fasnetsdienstag"})
    assert fasnet.non_working_reason(date(2024, 2, 13)) == (
        "örtlicher arbeitsfreier Tag: Fasnetsdienstag"
    )
    assert BW.is_working_day(date(2024, 2, 13))
    forward = period_end(date(2024, 2, 6), "P1W", fasnet)
    assert forward.date == date(2024, 2, 14)
    assert forward.skipped == ((date(2024, 2, 13), "örtlicher arbeitsfreier Tag: Fasnetsdienstag"),)
    assert any("Fasnetsdienstag" in line for line in forward.explanation)
    backward = latest_before(date(2024, 2, 20), "P7D", fasnet)
    assert backward.date == date(2024, 2, 12)


def test_other_land() -> None:
    # 06.01.2025 (Monday) is a holiday in BW but not in Berlin
    assert period_end(date(2024, 12, 30), "P1W").date == date(2025, 1, 7)
    assert period_end(date(2024, 12, 30), "P1W", WorkingCalendar("BE")).date == date(2025, 1, 6)


def test_unknown_land() -> None:
    with pytest.raises(PeriodError) as excinfo:
        WorkingCalendar("XX")
    assert "Unbekanntes Bundesland" in str(excinfo.value)


# --- worked examples: forward (§ 193 BGB) -----------------------------------------------------


@pytest.mark.parametrize(
    ("event", "period", "unadjusted", "end"),
    [
        (date(2024, 4, 24), "P1W", date(2024, 5, 1), date(2024, 5, 2)),  # 1. Mai (Wednesday)
        (date(2024, 5, 2), "P1W", date(2024, 5, 9), date(2024, 5, 10)),  # Christi Himmelfahrt
        (date(2024, 5, 13), "P1W", date(2024, 5, 20), date(2024, 5, 21)),  # Pfingstmontag
        (date(2024, 3, 22), "P1W", date(2024, 3, 29), date(2024, 4, 2)),  # Karfreitag–Ostermontag
        (date(2025, 12, 18), "P1W", date(2025, 12, 25), date(2025, 12, 29)),  # Weihnachten
        (date(2024, 12, 17), "P1W", date(2024, 12, 24), date(2024, 12, 24)),  # Heiligabend
        (date(2024, 11, 13), "P7D", date(2024, 11, 20), date(2024, 11, 20)),  # Buß- und Bettag
        (date(2024, 1, 31), "P1M", date(2024, 2, 29), date(2024, 2, 29)),  # leap year, Thursday
        (date(2023, 1, 31), "P1M", date(2023, 2, 28), date(2023, 2, 28)),
        (date(2024, 3, 31), "P1M", date(2024, 4, 30), date(2024, 4, 30)),
        (date(2024, 5, 8), "P3W", date(2024, 5, 29), date(2024, 5, 29)),
    ],
)
def test_forward_examples(event: date, period: str, unadjusted: date, end: date) -> None:
    result = period_end(event, period)
    assert result.unadjusted == unadjusted
    assert result.date == end


def test_easter_chain_skips_four_days() -> None:
    result = period_end(date(2024, 3, 22), "P1W")
    assert result.skipped == (
        (date(2024, 3, 29), "Feiertag: Karfreitag"),
        (date(2024, 3, 30), "Samstag"),
        (date(2024, 3, 31), "Sonntag"),
        (date(2024, 4, 1), "Feiertag: Ostermontag"),
    )


def test_christmas_chain() -> None:
    result = period_end(date(2025, 12, 18), Period(weeks=1))
    assert [reason for _, reason in result.skipped] == [
        "Feiertag: Erster Weihnachtstag",
        "Feiertag: Zweiter Weihnachtstag",
        "Samstag",
        "Sonntag",
    ]


def test_forward_explanation() -> None:
    result = period_end(date(2024, 4, 24), "P1W")
    text = "\n".join(result.explanation)
    assert "Mi, 24.04.2024" in text
    assert "§ 187 Abs. 1 BGB" in text
    assert "§ 188 Abs. 2 BGB" in text
    assert "§ 193 BGB" in text
    assert "Mi, 01.05.2024 – Feiertag: Erster Mai" in text
    assert result.explanation[-1] == "Fristende: Do, 02.05.2024 (Ablauf des Tages)."
    # In words for the reader, not the definitions' ISO 8601 code ("P1W").
    assert result.explanation[1].startswith("Frist: eine Woche; rechnerisches Ende: ")
    assert "P1W" not in text


def test_forward_explanation_without_shift() -> None:
    result = period_end(date(2024, 5, 8), "P7D")
    text = "\n".join(result.explanation)
    assert result.skipped == ()
    assert "§ 188 Abs. 1 BGB" in text
    assert "§ 193" not in text
    assert "keine Verschiebung" in text


def test_month_end_clamp_is_explained() -> None:
    text = "\n".join(period_end(date(2024, 1, 31), "P1M").explanation)
    assert "§ 188 Abs. 3 BGB" in text
    assert "Februar 2024" in text
    assert "Do, 29.02.2024" in text
    unclamped = "\n".join(period_end(date(2024, 1, 15), "P1M").explanation)
    assert "§ 188 Abs. 3" not in unclamped


# --- worked examples: backward (never extended) -----------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "period", "unadjusted", "latest"),
    [
        (date(2024, 4, 23), "P7D", date(2024, 4, 16), date(2024, 4, 16)),  # Tuesday
        (date(2024, 5, 14), "P7D", date(2024, 5, 7), date(2024, 5, 7)),
        (date(2024, 5, 8), "P7D", date(2024, 5, 1), date(2024, 4, 30)),  # 1. Mai → earlier
        (date(2024, 5, 13), "P7D", date(2024, 5, 6), date(2024, 5, 6)),  # Monday → Monday
        (date(2024, 4, 21), "P7D", date(2024, 4, 14), date(2024, 4, 12)),  # D−7 Sunday → Friday
        (date(2024, 4, 22), "P8D", date(2024, 4, 14), date(2024, 4, 12)),  # strict "7 clear days"
        (date(2024, 5, 27), "P7D", date(2024, 5, 20), date(2024, 5, 17)),  # Pfingstmontag
        (date(2024, 4, 8), "P7D", date(2024, 4, 1), date(2024, 3, 28)),  # Easter chain backwards
        (date(2024, 3, 31), "P1M", date(2024, 2, 29), date(2024, 2, 29)),  # month-end clamp
    ],
)
def test_backward_examples(anchor: date, period: str, unadjusted: date, latest: date) -> None:
    result = latest_before(anchor, period)
    assert result.unadjusted == unadjusted
    assert result.date == latest


def test_backward_explanation() -> None:
    result = latest_before(date(2024, 5, 8), "P7D")
    text = "\n".join(result.explanation)
    assert "§ 187 Abs. 1 BGB" in text
    assert "nicht verlängert" in text
    assert "§ 193 BGB" in text
    assert result.skipped == ((date(2024, 5, 1), "Feiertag: Erster Mai"),)
    assert result.explanation[-1] == "Spätester Termin: Di, 30.04.2024."
    assert "P7D" not in text


def test_backward_explanation_without_shift() -> None:
    text = "\n".join(latest_before(date(2024, 4, 23), "P7D").explanation)
    assert "nicht verlängert" in text
    assert "Spätester Termin: Di, 16.04.2024." in text


# --- format_result and the CLI back end -------------------------------------------------------


def test_format_result() -> None:
    result = period_end(date(2024, 3, 22), "P1W")
    lines = format_result(result).splitlines()
    assert lines[0] == "2024-04-02"
    assert tuple(lines[1:]) == result.explanation


def test_deadline_command_directions() -> None:
    after = deadline_command("after", "2024-04-24", "P1W")
    before = deadline_command("before", "2024-05-08", "P7D", subdiv="BW")
    assert after.splitlines()[0] == "2024-05-02"
    assert "§ 193 BGB" in after
    assert before.splitlines()[0] == "2024-04-30"
    assert "Spätester Termin: Di, 30.04.2024." in before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("after", "2024-02-30", "P1W"), "Ungültiges Datum"),
        (("after", "30.04.2024", "P1W"), "Ungültiges Datum"),
        (("after", "2024-4-3", "P1W"), "Ungültiges Datum"),
        (("sideways", "2024-04-24", "P1W"), "Ungültige Richtung"),
        (("after", "2024-04-24", "PT24H"), "Ungültige Frist"),
        (("before", "2024-04-24", "P0D"), "Ungültige Frist"),
        (("after", "2024-04-24", "P1W", "XX"), "Unbekanntes Bundesland"),
        (("after", "9999-12-20", "P1M"), "außerhalb"),
    ],
)
def test_deadline_command_rejects_bad_input(args: tuple[str, ...], fragment: str) -> None:
    with pytest.raises(PeriodError) as excinfo:
        deadline_command(*args)
    assert fragment in str(excinfo.value)


def test_a_period_before_names_its_day() -> None:
    """The explanation names the day it counts back from: the Sitzungstag of an invitation
    period, a plain Bezugstag where the caller knows no better."""
    meeting = latest_before(date(2024, 4, 23), "P7D", day_label="Sitzungstag")
    assert meeting.explanation[0].startswith("Sitzungstag: Di, 23.04.2024;")
    assert "7 Tage vor dem Sitzungstag" in meeting.explanation[1]
    assert "(z. B." not in " ".join(meeting.explanation)
    plain = latest_before(date(2024, 4, 23), "P7D")
    assert plain.explanation[0].startswith("Bezugstag: Di, 23.04.2024;")
