"""§ 34 Abs. 1 S. 3–6, § 20b Abs. 2 GemO as arithmetic: quorums, the six months, the
next-but-one session."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.law import council_requests as law


@pytest.mark.parametrize(
    ("councillors", "quarter", "sixth"),
    [(0, 0, 0), (1, 1, 1), (12, 3, 2), (18, 5, 3), (22, 6, 4), (24, 6, 4), (26, 7, 5)],
)
def test_quarter_and_sixth_round_up(councillors: int, quarter: int, sixth: int) -> None:
    assert law.quarter(councillors) == quarter
    assert law.sixth(councillors) == sixth


def test_session_quorum_in_words() -> None:
    short = law.session_quorum(4, 18)
    assert (short.reached, short.needed) == (False, 5)
    assert short.explanation == (
        "4 von 18 Gemeinderäten; nötig ist ein Viertel, also 5 (§ 34 Abs. 1 Satz 3 GemO)"
    )
    assert law.session_quorum(5, 18).reached
    assert not law.session_quorum(0, 0).reached  # no councillors, no quorum


def test_agenda_quorum_a_fraktion_suffices() -> None:
    assert not law.agenda_quorum(2, 18, faction=False).reached
    assert law.agenda_quorum(3, 18, faction=False).reached
    fraktion = law.agenda_quorum(0, 18, faction=True)
    assert fraktion.reached
    assert "Fraktion" in fraktion.explanation


def test_signature_quorum() -> None:
    assert not law.signature_quorum(199, 200).reached
    assert law.signature_quorum(200, 200).reached
    assert law.signature_quorum(10, None).reached  # not determined yet: not refused for it


@pytest.mark.parametrize(
    ("dealt_on", "expected"),
    [
        (date(2024, 4, 8), True),
        (date(2023, 10, 8), True),  # exactly six months before
        (date(2023, 10, 7), False),
        (date(2024, 4, 9), False),  # after the receipt
    ],
)
def test_six_months_before_receipt(dealt_on: date, expected: bool) -> None:
    assert law.dealt_with_recently(dealt_on, date(2024, 4, 8)) is expected


def test_six_months_clamp_to_month_end() -> None:
    # 31.08. minus six months is 29.02. in a leap year (§ 188 Abs. 3 BGB).
    assert law.dealt_with_recently(date(2024, 2, 29), date(2024, 8, 31))
    assert not law.dealt_with_recently(date(2024, 2, 28), date(2024, 8, 31))


def test_next_but_one_session() -> None:
    days = [date(2024, 5, 14), date(2024, 4, 8), date(2024, 4, 23), date(2024, 6, 4)]
    # A session on the day of receipt does not count; the next is 23.04., the one after 14.05.
    assert law.next_but_one(days, date(2024, 4, 8)) == date(2024, 5, 14)
    assert law.next_but_one(days, date(2024, 5, 20)) is None
    assert law.next_but_one([], date(2024, 4, 8)) is None
