"""German formatting of the web UI: dates, times, amounts, deadlines in words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from api.ui.formatting import (
    date_de,
    datetime_de,
    due_in_words,
    effect_words,
    money_de,
    parse_amount_de,
    parse_date_de,
    role_label,
    sentences,
    time_de,
)
from workflow.documents import german


def test_dates_and_times_in_berlin() -> None:
    assert date_de(date(2024, 4, 23)) == "23.04.2024"
    # 22:30 UTC on 30 April is already 1 May in Berlin (summer time)
    assert date_de(datetime(2024, 4, 30, 22, 30, tzinfo=UTC)) == "01.05.2024"
    assert time_de(datetime(2024, 4, 23, 16, 30, tzinfo=UTC)) == "18:30 Uhr"
    assert datetime_de(datetime(2024, 4, 23, 16, 30, tzinfo=UTC)) == "23.04.2024, 18:30 Uhr"
    assert date_de(None) == ""
    # a moment read back from SQLite has no zone: it is UTC
    assert date_de(datetime(2024, 4, 30, 22, 30)) == "01.05.2024"
    # one German date for pages and the engine (guards, legality report, documents)
    assert date_de is german.day


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("30387.2"), "30.387,20 €"),
        (Decimal("0"), "0,00 €"),
        (Decimal("-1234567.891"), "-1.234.567,89 €"),
        (999, "999,00 €"),
        (None, ""),
    ],
)
def test_amounts(value: Decimal | int | None, text: str) -> None:
    assert money_de(value) == text


@pytest.mark.parametrize(
    ("due", "status", "words", "tone"),
    [
        (date(2024, 4, 20), "open", "überfällig seit 2 Tagen", "danger"),
        (date(2024, 4, 21), "open", "überfällig seit 1 Tag", "danger"),
        (date(2024, 4, 22), "open", "fällig heute", "warning"),
        (date(2024, 4, 23), "open", "fällig morgen", "warning"),
        (date(2024, 4, 25), "open", "fällig in 3 Tagen", "warning"),
        (date(2024, 4, 30), "open", "fällig in 8 Tagen", "info"),
        (date(2024, 4, 30), "met", "erledigt", "success"),
        (date(2024, 4, 20), "missed", "überfällig seit 2 Tagen", "danger"),
    ],
)
def test_deadlines_in_words(due: date, status: str, words: str, tone: str) -> None:
    assert due_in_words(due, date(2024, 4, 22), status) == (words, tone)


def test_parsing_what_people_type() -> None:
    assert parse_date_de("23.04.2024") == date(2024, 4, 23)
    assert parse_date_de("2024-04-23") == date(2024, 4, 23)
    assert parse_date_de("31.02.2024") is None
    assert parse_amount_de("30.387,20 €") == Decimal("30387.20")
    assert parse_amount_de("30387.20") == Decimal("30387.20")
    assert parse_amount_de("viel") is None
    assert parse_amount_de("NaN") is None
    assert parse_amount_de("1.350.000") == Decimal("1350000")  # thousands, as Germans write
    assert parse_amount_de("30.387") == Decimal("30387")
    assert parse_amount_de("-1") is None  # no negative amounts
    assert parse_amount_de("1e9") is None  # no exponent notation
    assert parse_amount_de("12,345") is None  # no fractions of a cent


def test_roles_in_the_words_of_the_rathaus() -> None:
    assert role_label("clerk") == "Sachbearbeitung"
    assert role_label("mayor") == "Bürgermeister/in"
    assert role_label("secretary") == "Sitzungsdienst"
    assert role_label("council_member") == "Gemeinderat/Gemeinderätin"
    assert role_label("district_coordinator") == "Landratsamt"
    assert role_label("admin") == "Administration"


def test_guard_messages_read_as_sentences() -> None:
    """Each refusal is a sentence of its own, not a capital after a semicolon."""
    assert sentences(
        ["Die Sitzung ist erst am 15.12.2026", "Die Anwesenheit ist nicht erfasst."]
    ) == ("Die Sitzung ist erst am 15.12.2026. Die Anwesenheit ist nicht erfasst.")
    assert sentences(["Nur für Sitzungsdienst"]) == "Nur für Sitzungsdienst."


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("opened", "Einladungsfrist läuft bis 16.04.2024"),
        ("met", "Einladungsfrist: gewahrt"),
        ("missed", "Einladungsfrist: versäumt (bis 16.04.2024)"),
        ("elapsed", "Einladungsfrist: abgelaufen am 16.04.2024"),
        ("cancelled", "Einladungsfrist: entfällt"),
    ],
)
def test_what_a_step_does_to_a_deadline(change: str, words: str) -> None:
    assert effect_words(change, "Einladungsfrist", date(2024, 4, 16)) == words


def test_dates_in_other_scripts_digits_are_no_dates() -> None:
    assert parse_date_de("٢٣.٠٤.٢٠٢٧") is None
    assert parse_date_de("２０２４-０４-２３") is None
    assert parse_date_de("23.04.2027") == date(2027, 4, 23)
