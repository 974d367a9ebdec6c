"""A meeting is named as its invitation names it, with the body in the genitive."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.meeting_titles import accusative, genitive, meeting_title, nominative


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Gemeinderat", "des Gemeinderats"),
        ("Ortschaftsrat", "des Ortschaftsrats"),
        ("Verwaltungsausschuss", "des Verwaltungsausschusses"),
        ("Technischer Ausschuss", "des Technischen Ausschusses"),
        ("Ausschuss für Umwelt und Technik", "des Ausschusses für Umwelt und Technik"),
        ("Ausschuss für Technik und Umwelt", "des Ausschusses für Technik und Umwelt"),
        ("Ausschuss", "des Ausschusses"),
        # the head noun is declined, not the end of the whole name
        ("Ortschaftsrat Auenstein", "des Ortschaftsrats Auenstein"),
        ("Ortschaftsrat Schozach-Ost", "des Ortschaftsrats Schozach-Ost"),
        ("Jugendgemeinderat", "des Jugendgemeinderats"),
        ("Beirat für Menschen mit Behinderung", "des Beirats für Menschen mit Behinderung"),
        ("Technischer Ausschuss Nord", "des Technischen Ausschusses Nord"),
        ("Beratender Ausschuss", "des Beratenden Ausschusses"),
        ("Der Ältestenrat", "des Ältestenrats"),
        ("Gemeindeversammlung", "der Gemeindeversammlung"),
        ("Die Bürgerversammlung", "der Bürgerversammlung"),
        # unknown inflection: the name stays as written
        ("Jugendforum", "des Gremiums „Jugendforum“"),
        ("Forum Innenstadt", "des Gremiums „Forum Innenstadt“"),
        ("Arbeitskreis Ortsmitte", "des Gremiums „Arbeitskreis Ortsmitte“"),
    ],
)
def test_genitive(body: str, expected: str) -> None:
    assert genitive(body) == expected


def test_meeting_title_declines_the_head_of_a_named_body() -> None:
    """The invitation of an Ortschaftsrat (§ 69 GemO) names it as a person would."""
    day = date(2024, 4, 23)
    assert (
        meeting_title("Ortschaftsrat Auenstein", day)
        == "Sitzung des Ortschaftsrats Auenstein am 23.04.2024"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Gemeinderat", "den Gemeinderat"),
        ("Ortschaftsrat Helfenberg", "den Ortschaftsrat Helfenberg"),
        ("Verwaltungsausschuss", "den Verwaltungsausschuss"),
        ("Technischer Ausschuss", "den Technischen Ausschuss"),
        ("Ausschuss für Umwelt und Technik", "den Ausschuss für Umwelt und Technik"),
        ("Jugendforum", "das Gremium „Jugendforum“"),
    ],
)
def test_accusative(body: str, expected: str) -> None:
    """An Empfehlung an den Technischen Ausschuss, an den Gemeinderat."""
    assert accusative(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Gemeinderat", "der Gemeinderat"),
        ("Ortschaftsrat Helfenberg", "der Ortschaftsrat Helfenberg"),
        ("Verwaltungsausschuss", "der Verwaltungsausschuss"),
        ("Technischer Ausschuss", "der Technische Ausschuss"),
        ("Ausschuss für Umwelt und Technik", "der Ausschuss für Umwelt und Technik"),
        ("Gemeindeversammlung", "die Gemeindeversammlung"),
        ("Die Bürgerversammlung", "die Bürgerversammlung"),
        ("Jugendforum", "das Gremium „Jugendforum“"),
        ("Ältestenrat", "der Ältestenrat"),
    ],
)
def test_nominative(body: str, expected: str) -> None:
    """Der Technische Ausschuss beschließt, die Gemeindeversammlung beschließt."""
    assert nominative(body) == expected


def test_meeting_title() -> None:
    day = date(2024, 4, 23)
    assert meeting_title("Gemeinderat", day) == "Sitzung des Gemeinderats am 23.04.2024"
    assert meeting_title(None, day) == "Sitzung am 23.04.2024"
