"""§ 39 Abs. 2 GemO as the statute words it (GemO as amended 18.11.2025)."""

from __future__ import annotations

import pytest

from workflow.law.reserved_matters import RESERVED_MATTERS


def by_number(number: int) -> str:
    return next(m.label for m in RESERVED_MATTERS.values() if m.number == number)


def test_nineteen_numbers_in_order() -> None:
    assert [m.number for m in RESERVED_MATTERS.values()] == list(range(1, 20))


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "Angelegenheiten nach § 24 Abs. 2 Satz 1 bei leitenden Gemeindebediensteten"),
        (9, "Einvernehmen zur Abgrenzung der Geschäftskreise der Beigeordneten"),
        (12, "und von solchen, an denen die Gemeinde beteiligt ist"),
        (13, "der ihnen wirtschaftlich gleichkommenden Rechtsgeschäfte"),
        (14, "Erweiterten Beteiligungsberichts"),
        (16, "von erheblicher wirtschaftlicher Bedeutung"),
        (19, "Beteiligung an einem körperschaftlichen Forstamt nach § 47a des Landeswaldgesetzes"),
    ],
)
def test_wording_of_the_statute(number: int, words: str) -> None:
    assert words in by_number(number)


def test_forestry_office_is_participation_not_formation() -> None:
    assert "Bildung" not in by_number(19)
    assert "Zustimmung" not in by_number(9)
