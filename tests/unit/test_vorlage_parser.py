"""Tests für den Klartext-Parser der Beschlussvorlagen (workflow.importing.parser)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from workflow.demo.data import SEED_PATH, seed_text
from workflow.importing.parser import (
    Inconsistency,
    ParsedFinancing,
    ParsedSession,
    ParsedStep,
    ParsedVorlage,
    VorlageFormatError,
    parse_vorlage,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "vorlagen"
SEED_NAME = SEED_PATH.name
SEED_FINANCING_LINE = "Durch HH-Plan....., Haushaltsstelle abgedeckt:\t"


def _seed_text() -> str:
    return seed_text()


def _parse_file(name: str) -> ParsedVorlage:
    return parse_vorlage((DATA / name).read_text(encoding="utf-8"), source=name)


def _without_lines(result: ParsedVorlage) -> ParsedVorlage:
    """Ergebnis ohne Zeilennummern (für Vergleiche zwischen Formatvarianten)."""
    issues = tuple(
        Inconsistency(line=0, message=_strip_line_refs(issue.message))
        for issue in result.inconsistencies
    )
    return dataclasses.replace(result, inconsistencies=issues)


def _strip_line_refs(message: str) -> str:
    return re.sub(r"Zeile \d+", "Zeile ?", message)


# --------------------------------------------------------------------------------------------
# Baukasten für kleine Vorlagen
# --------------------------------------------------------------------------------------------

UNCHECKED = '<input type="checkbox"/>'
CHECKED = '<input checked="" type="checkbox"/>'
RESOLUTION = "Der Gemeinderat stimmt der Beschaffung zu."


def _cell(body: str, checked: bool, when: str) -> str:
    return f"{CHECKED if checked else UNCHECKED} {body} am{' ' + when if when else ''}"


def _row(
    body: str,
    *,
    advise: bool = False,
    decide: bool = False,
    advise_date: str = "",
    decide_date: str = "",
) -> str:
    return f"{_cell(body, advise, advise_date)}\t{_cell(body, decide, decide_date)}"


def _visibility(advise_public: bool = True, decide_public: bool = True) -> str:
    def column(public: bool) -> str:
        return (
            f"{CHECKED if public else UNCHECKED} öffentlich "
            f"{UNCHECKED if public else CHECKED} nicht öffentlich"
        )

    return f"{column(advise_public)}\t{column(decide_public)}"


DEFAULT_MATRIX = (
    _row("Technischer Ausschuss"),
    _row("Gemeinderat", decide=True, decide_date="19.03.2024"),
    _visibility(),
)
EMPTY_FINANCING = (
    "Durch HH-Plan....., Haushaltsstelle abgedeckt:\t",
    "Restliche Verfügungssumme bei der HH-Stelle:\t_____",
    "Außer-/Überplanmäßig:\t_____",
)


def _vorlage(
    *,
    header: str = "Vorlage Nr. 5 / 2024",
    datum: str = "Datum 04.03.2024",
    matrix: Sequence[str] = DEFAULT_MATRIX,
    bias: Sequence[str] | None = ("keine",),
    first: str | None = RESOLUTION,
    sessions: Sequence[str] = (),
    financing: Sequence[str] = EMPTY_FINANCING,
    facts: str = "Die Beschaffung ist im Haushaltsplan vorgesehen.",
    closing: str | None = RESOLUTION,
) -> str:
    lines = [header, "", "AZ 052.11", "", "Amt Hauptamt", "", "Eva Keller, 07133/2010 - 12", ""]
    lines += [datum, "", "Beschaffung von Büromöbeln für das Rathaus", ""]
    lines += ["<u>Beratung</u>\t<u>Beschluss</u>", *matrix, ""]
    if bias is not None:
        lines += ["Befangenheit", "", *bias, ""]
    if first is not None:
        lines += ["Beschlussvorschlag", "", first, ""]
    lines += ["Bisherige Sitzungen", "", "<u>Datum</u>\t<u>Gremium</u>", *sessions, ""]
    lines += ["Finanzierung", "", *financing, ""]
    lines += ["Sachvortrag", "", facts, ""]
    if closing is not None:
        lines += ["Beschlussvorschlag:", "", closing]
    return "\n".join(lines) + "\n"


def _messages(result: ParsedVorlage) -> list[str]:
    return [issue.message for issue in result.inconsistencies]


# --------------------------------------------------------------------------------------------
# Die echte Seed-Vorlage
# --------------------------------------------------------------------------------------------


def test_seed_vorlage_is_parsed_completely() -> None:
    result = parse_vorlage(_seed_text(), source=SEED_NAME)

    assert result.number == 8
    assert result.year == 2024
    assert result.file_reference == "022.31"
    assert result.department == "Fachbereich Allgemeine Verwaltung"
    assert result.author_name == "Sven Frank"
    assert result.author_phone == "07062/9042 - 20"
    assert result.proposal_date == date(2024, 4, 7)
    assert result.title == "Integrationsmanagement im Landkreis Heilbronn ab 2025"
    assert result.steps == (
        ParsedStep(
            body_name="Gemeinderat",
            planned_date=date(2024, 4, 23),
            advises=False,
            decides=True,
            public=True,
        ),
    )
    assert result.public is True
    assert result.bias_notes is None
    assert "Ilsfeld" in result.resolution_text
    assert "Ilfeld" not in result.resolution_text
    assert result.initial_resolution_text is not None
    assert "Ilfeld" in result.initial_resolution_text
    assert result.previous_sessions == ()
    assert result.financing == ParsedFinancing(
        budget_line=None,
        covered_by_budget=None,
        covered_amount=None,
        remaining_amount=None,
        unplanned_amount=None,
        unplanned_coverage=None,
    )
    assert "30.387,20 Euro" in result.facts
    assert result.facts.startswith("Kernelement des Paktes für Integration")
    assert result.facts.count("\n\n") == 8
    assert len(result.inconsistencies) == 1
    issue = result.inconsistencies[0]
    assert "Ilfeld" in issue.message
    assert "Ilsfeld" in issue.message
    assert issue.line == 27
    assert issue.message == (
        'Die beiden Beschlussvorschläge weichen voneinander ab: "…Ilfeld…" (Zeile 27) '
        'gegenüber "…Ilsfeld…" (Zeile 61); übernommen wird der abschließende.'
    )


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: text.replace("\t", "    "), id="spaces-instead-of-tabs"),
        pytest.param(lambda text: text.replace("<u>", "").replace("</u>", ""), id="no-underline"),
        pytest.param(lambda text: text.replace("Nr. 8 / 2024", "Nr. 8/2024"), id="compact-nr"),
        pytest.param(lambda text: "\n\n\n \t\n" + text.lstrip("\n"), id="leading-blank-lines"),
        pytest.param(lambda text: text.replace("\n\n", "\n \n\n"), id="more-blank-lines"),
        pytest.param(lambda text: text.replace("\n", " \t\n"), id="trailing-whitespace"),
        pytest.param(lambda text: text + "\n\n", id="trailing-newlines"),
        pytest.param(lambda text: unicodedata.normalize("NFD", text), id="decomposed-umlauts"),
        pytest.param(lambda text: text.replace(" am 23.04.2024", " am\u00a023.04.2024"), id="nbsp"),
    ],
)
def test_seed_format_variants_give_same_result(variant: Callable[[str], str]) -> None:
    original = parse_vorlage(_seed_text())
    changed = parse_vorlage(variant(_seed_text()))

    assert _without_lines(changed) == _without_lines(original)


def test_seed_crlf_keeps_line_numbers() -> None:
    result = parse_vorlage(_seed_text().replace("\n", "\r\n"))

    assert [issue.line for issue in result.inconsistencies] == [27]


# --------------------------------------------------------------------------------------------
# Beispielvorlagen
# --------------------------------------------------------------------------------------------


def test_committee_decides() -> None:
    result = _parse_file("committee_decides.txt")

    assert (result.number, result.year) == (23, 2024)
    assert result.steps == (
        ParsedStep("Verwaltungsausschuss", date(2024, 5, 28), True, False, True),
        ParsedStep("Technischer Ausschuss", date(2024, 6, 11), False, True, True),
    )
    assert all(step.body_name != "Gemeinderat" for step in result.steps)
    assert result.public is True
    assert result.financing.budget_line == "1.6300.9510"
    assert result.financing.covered_by_budget is True
    assert result.financing.remaining_amount == Decimal("11269.48")
    assert result.resolution_text == result.initial_resolution_text
    assert result.inconsistencies == ()


def test_non_public_land_purchase() -> None:
    result = _parse_file("non_public.txt")

    assert result.public is False
    assert [step.body_name for step in result.steps] == ["Verwaltungsausschuss", "Gemeinderat"]
    assert all(not step.public for step in result.steps)
    assert result.steps[1].decides
    assert "Flst. Nr. 2187" in result.title
    assert result.inconsistencies == ()


def test_bias_named() -> None:
    result = _parse_file("bias_named.txt")

    assert result.bias_notes is not None
    assert result.bias_notes.splitlines() == [
        "GR Müller (§ 18 Abs. 1 GemO, Grundstückseigentümer)",
        "GRin Schäfer (§ 18 Abs. 1 Nr. 1 GemO, Ehegatte ist Pächter im Plangebiet)",
    ]
    assert result.resolution_text.startswith("1. Für den im Lageplan")
    assert "\n2. Die frühzeitige Beteiligung" in result.resolution_text
    assert [(step.body_name, step.advises, step.decides) for step in result.steps] == [
        ("Technischer Ausschuss", True, False),
        ("Gemeinderat", False, True),
    ]
    assert result.inconsistencies == ()


def test_financing_filled() -> None:
    result = _parse_file("financing_filled.txt")

    assert result.financing == ParsedFinancing(
        budget_line="1.5400.9350",
        covered_by_budget=True,
        covered_amount=None,
        remaining_amount=Decimal("12500.00"),
        unplanned_amount=Decimal("3200.00"),
        unplanned_coverage="Deckung durch Minderausgaben bei HHSt 1.2300.5000",
    )
    assert result.inconsistencies == ()


def test_budget_line_and_covered_amount_are_separate_fields() -> None:
    result = _parse_file("budget_line_covered_amount.txt")

    assert result.financing == ParsedFinancing(
        budget_line="5410.0960.000",
        covered_by_budget=True,
        covered_amount=Decimal("1350000.00"),
        remaining_amount=Decimal("62584.38"),
        unplanned_amount=None,
        unplanned_coverage=None,
    )
    assert result.inconsistencies == ()


@pytest.mark.parametrize(
    ("value", "budget_line", "covered", "amount"),
    [
        ("ja, 12.000 € bei HHSt. 1.2300.5000", "1.2300.5000", True, Decimal("12000.00")),
        ("HH-Stelle 1.5400.9350", "1.5400.9350", True, None),
        ("3.200,- Euro", None, True, Decimal("3200.00")),
        ("nein", None, False, None),
        ("ja", None, True, None),
        ("_____", None, None, None),
    ],
)
def test_budget_coverage_forms(
    value: str, budget_line: str | None, covered: bool | None, amount: Decimal | None
) -> None:
    line = f"Durch HH-Plan 2024, Haushaltsstelle abgedeckt:\t{value}"
    financing = parse_vorlage(_seed_text().replace(SEED_FINANCING_LINE, line)).financing
    assert (financing.budget_line, financing.covered_by_budget, financing.covered_amount) == (
        budget_line,
        covered,
        amount,
    )


def test_unrecognised_budget_text_is_reported_not_lost() -> None:
    line = "Durch HH-Plan 2024, Haushaltsstelle abgedeckt:\tsiehe Anlage 3"
    result = parse_vorlage(_seed_text().replace(SEED_FINANCING_LINE, line))
    assert result.financing.covered_by_budget is True
    assert result.financing.budget_line is None
    assert any('"siehe Anlage 3"' in issue.message for issue in result.inconsistencies)


def test_previous_sessions() -> None:
    result = _parse_file("previous_sessions.txt")

    assert result.previous_sessions == (
        ParsedSession(date(2024, 3, 5), "Verwaltungsausschuss"),
        ParsedSession(date(2024, 3, 19), "Gemeinderat"),
    )
    assert [step.body_name for step in result.steps] == ["Gemeinderat"]
    assert result.inconsistencies == ()


# --------------------------------------------------------------------------------------------
# Fehlerhafte Eingaben
# --------------------------------------------------------------------------------------------

INVALID_CASES = [
    ("missing_header.txt", 2, 'Die Vorlage muss mit "Vorlage Nr. <Nummer> / <Jahr>" beginnen'),
    ("bad_number.txt", 1, 'Vorlagennummer nicht lesbar: "Vorlage Nr. zwölf / 2024"'),
    ("bad_date.txt", 9, 'Datum der Vorlage "31.02.2024" ist kein gültiges Kalenderdatum.'),
    ("missing_datum.txt", 9, 'Erwartet "Datum TT.MM.JJJJ"'),
    ("missing_title.txt", 11, "Der Titel der Vorlage fehlt"),
    ("missing_matrix_header.txt", 13, "Die Kopfzeile der Beratungsmatrix"),
    ("unknown_checkbox_radio.txt", 15, 'Unbekanntes Kästchen-Markup "<input type="radio"/>"'),
    ("unknown_checkbox_brackets.txt", 16, 'Unbekanntes Kästchen-Markup "[x]"'),
    ("bad_step_date.txt", 16, '"31.04.2024" ist kein gültiges Kalenderdatum.'),
    ("mismatched_bodies.txt", 16, "nennt zwei verschiedene Gremien"),
    ("missing_visibility.txt", 13, '"öffentlich / nicht öffentlich" fehlt'),
    ("missing_resolution.txt", 42, 'Der Abschnitt "Beschlussvorschlag" fehlt.'),
    ("empty_resolution.txt", 23, "Der Beschlussvorschlag enthält keinen Text."),
    ("missing_sachvortrag.txt", 35, 'Der Abschnitt "Sachvortrag" fehlt.'),
    ("bad_amount.txt", 34, '"ca. 12.500 €" ist kein Betrag'),
    ("bad_session_date.txt", 30, 'Sitzungsdatum "5.3.24" ist kein Datum im Format TT.MM.JJJJ.'),
    ("duplicate_section.txt", 31, 'Der Abschnitt "Befangenheit" kommt doppelt vor'),
]


@pytest.mark.parametrize(("name", "line", "reason"), INVALID_CASES)
def test_invalid_files(name: str, line: int, reason: str) -> None:
    text = (DATA / "invalid" / name).read_text(encoding="utf-8")

    with pytest.raises(VorlageFormatError) as excinfo:
        parse_vorlage(text, source=name)

    error = excinfo.value
    assert error.line == line
    assert error.source == name
    assert reason in error.reason
    assert str(error) == f"{name}:{line}: {error.reason}"


def test_every_invalid_file_is_covered() -> None:
    on_disk = {path.name for path in (DATA / "invalid").glob("*.txt")}

    assert on_disk == {name for name, _line, _reason in INVALID_CASES}


def test_error_is_a_value_error_with_default_source() -> None:
    with pytest.raises(ValueError, match=r"^<eingabe>:1: Die Eingabe ist leer\.$") as excinfo:
        parse_vorlage("")

    assert isinstance(excinfo.value, VorlageFormatError)


def test_blank_input_names_first_line() -> None:
    with pytest.raises(VorlageFormatError) as excinfo:
        parse_vorlage("\ufeff\r\n \t\r\n")

    assert excinfo.value.line == 1


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        (
            '<input checked="" type="checkbox"/> Gemeinderat am 19.03.2024',
            '<input checked="false" type="checkbox"/> Gemeinderat am 19.03.2024',
            15,
            "Mehrdeutiges Kästchen-Markup",
        ),
        (
            '<input checked="" type="checkbox"/> Gemeinderat am 19.03.2024',
            "☒ Gemeinderat am 19.03.2024",
            15,
            'Unbekanntes Kästchen-Markup "☒"',
        ),
        (
            '<input checked="" type="checkbox"/> Gemeinderat am 19.03.2024',
            "<checkbox checked/> Gemeinderat am 19.03.2024",
            15,
            "Unbekanntes Markup",
        ),
        ("Gemeinderat am 19.03.2024", "Gemeinderat am Dienstag", 15, '"Dienstag" ist kein Datum'),
        ("Vorlage Nr. 5 / 2024", "Vorlage Nr. 0 / 2024", 1, "muss positiv sein"),
        ("Datum 04.03.2024", "Datum ____", 9, "nicht ausgefüllt"),
        ("Restliche Verfügungssumme", "Verbleibende Summe", 33, "Unbekannte Zeile"),
    ],
)
def test_inline_format_errors(old: str, new: str, line: int, reason: str) -> None:
    base = _vorlage()
    assert old in base

    with pytest.raises(VorlageFormatError) as excinfo:
        parse_vorlage(base.replace(old, new, 1))

    assert excinfo.value.line == line
    assert reason in excinfo.value.reason


def test_section_after_closing_resolution_is_rejected() -> None:
    text = _vorlage() + "\nBefangenheit: keine\n"
    line = text.splitlines().index("Befangenheit: keine") + 1

    with pytest.raises(VorlageFormatError) as excinfo:
        parse_vorlage(text)

    assert excinfo.value.line == line
    assert "nach dem abschließenden Beschlussvorschlag" in excinfo.value.reason


def test_checkbox_inside_text_section_is_rejected() -> None:
    text = _vorlage(facts=f"{CHECKED} erledigt")

    with pytest.raises(VorlageFormatError) as excinfo:
        parse_vorlage(text)

    assert "außerhalb der Beratungsmatrix" in excinfo.value.reason


# --------------------------------------------------------------------------------------------
# Gemeldete Unstimmigkeiten
# --------------------------------------------------------------------------------------------


def test_consistent_minimal_vorlage_has_no_inconsistencies() -> None:
    result = parse_vorlage(_vorlage())

    assert result.inconsistencies == ()
    assert result.resolution_text == RESOLUTION
    assert result.initial_resolution_text == RESOLUTION


def test_no_deciding_body() -> None:
    matrix = (
        _row("Verwaltungsausschuss", advise=True, advise_date="12.03.2024"),
        _row("Gemeinderat"),
        _visibility(),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert [step.decides for step in result.steps] == [False]
    assert result.public is True
    assert len(result.inconsistencies) == 1
    assert result.inconsistencies[0].line == 13
    assert 'Kein Gremium ist in der Spalte "Beschluss" angekreuzt' in _messages(result)[0]


def test_more_than_one_deciding_body() -> None:
    matrix = (
        _row("Technischer Ausschuss", decide=True, decide_date="12.03.2024"),
        _row("Gemeinderat", decide=True, decide_date="19.03.2024"),
        _visibility(),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert [step.body_name for step in result.steps if step.decides] == [
        "Technischer Ausschuss",
        "Gemeinderat",
    ]
    assert len(result.inconsistencies) == 1
    assert result.inconsistencies[0].line == 15
    assert "Mehrere Gremien" in _messages(result)[0]
    assert "Technischer Ausschuss, Gemeinderat" in _messages(result)[0]


def test_step_date_before_vorlage_date() -> None:
    matrix = (_row("Gemeinderat", decide=True, decide_date="01.03.2024"), _visibility())
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert result.inconsistencies == (
        Inconsistency(
            line=14,
            message='Die Sitzung im Gremium "Gemeinderat" am 01.03.2024 liegt vor dem Datum '
            "der Vorlage (04.03.2024).",
        ),
    )


def test_checked_body_without_date() -> None:
    matrix = (
        _row("Verwaltungsausschuss", advise=True),
        _row("Gemeinderat", decide=True, decide_date="19.03.2024"),
        _visibility(),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert result.steps[-1] == ParsedStep("Verwaltungsausschuss", None, True, False, True)
    assert [issue.line for issue in result.inconsistencies] == [14]
    assert "kein Sitzungsdatum" in _messages(result)[0]


def test_year_of_number_differs_from_datum() -> None:
    result = parse_vorlage(_vorlage(header="Vorlage Nr. 5 / 2023"))

    assert result.year == 2023
    assert [issue.line for issue in result.inconsistencies] == [1]
    assert "(2023)" in _messages(result)[0]
    assert "04.03.2024" in _messages(result)[0]


def test_advising_after_decision() -> None:
    matrix = (
        _row("Verwaltungsausschuss", advise=True, advise_date="26.03.2024"),
        _row("Gemeinderat", decide=True, decide_date="19.03.2024"),
        _visibility(),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert [step.body_name for step in result.steps] == ["Gemeinderat", "Verwaltungsausschuss"]
    assert "liegt nach der Beschlussfassung" in _messages(result)[0]


def test_body_checked_in_both_columns_is_one_deciding_step() -> None:
    matrix = (
        _row(
            "Gemeinderat",
            advise=True,
            decide=True,
            advise_date="19.03.2024",
            decide_date="26.03.2024",
        ),
        _visibility(advise_public=True, decide_public=False),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert result.steps == (ParsedStep("Gemeinderat", date(2024, 3, 26), False, True, False),)
    assert result.public is False
    assert "verschiedene Daten" in _messages(result)[0]


def test_public_flag_follows_column() -> None:
    matrix = (
        _row("Verwaltungsausschuss", advise=True, advise_date="12.03.2024"),
        _row("Gemeinderat", decide=True, decide_date="19.03.2024"),
        _visibility(advise_public=False, decide_public=True),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert [(step.body_name, step.public) for step in result.steps] == [
        ("Verwaltungsausschuss", False),
        ("Gemeinderat", True),
    ]
    assert result.public is True


def test_both_visibility_boxes_checked_is_reported_and_non_public() -> None:
    both = f"{CHECKED} öffentlich {CHECKED} nicht öffentlich"
    matrix = (DEFAULT_MATRIX[0], DEFAULT_MATRIX[1], f"{both}\t{both}")
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert result.public is False
    assert len(result.inconsistencies) == 2
    assert all("angenommen: nicht öffentlich" in message for message in _messages(result))


def test_no_visibility_box_checked_defaults_to_public_with_report() -> None:
    none = f"{UNCHECKED} öffentlich {UNCHECKED} nicht öffentlich"
    matrix = (DEFAULT_MATRIX[0], DEFAULT_MATRIX[1], f"{none}\t{none}")
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert result.public is True
    assert len(result.inconsistencies) == 2


def test_date_on_unchecked_body_is_reported() -> None:
    matrix = (
        _row("Technischer Ausschuss", decide_date="12.03.2024"),
        _row("Gemeinderat", decide=True, decide_date="19.03.2024"),
        _visibility(),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert [step.body_name for step in result.steps] == ["Gemeinderat"]
    assert "aber kein Kästchen angekreuzt" in _messages(result)[0]


def test_resolution_diff_hint_for_inserted_words() -> None:
    closing = "Der Gemeinderat stimmt der Beschaffung von Büromöbeln zu."
    result = parse_vorlage(_vorlage(closing=closing))

    assert result.resolution_text == closing
    assert result.initial_resolution_text == RESOLUTION
    message = _messages(result)[0]
    assert '"…Beschaffung zu.…"' in message
    assert '"…Beschaffung von Büromöbeln zu.…"' in message
    assert message.endswith("übernommen wird der abschließende.")


def test_resolution_whitespace_differences_are_not_reported() -> None:
    closing = RESOLUTION.replace(" ", "  ")
    result = parse_vorlage(_vorlage(closing=closing))

    assert result.inconsistencies == ()


def test_only_closing_resolution() -> None:
    result = parse_vorlage(_vorlage(first=None))

    assert result.resolution_text == RESOLUTION
    assert result.initial_resolution_text is None
    assert result.inconsistencies == ()


def test_only_initial_resolution() -> None:
    result = parse_vorlage(_vorlage(closing=None))

    assert result.resolution_text == RESOLUTION
    assert result.initial_resolution_text == RESOLUTION


def test_missing_bias_section_is_reported() -> None:
    result = parse_vorlage(_vorlage(bias=None))

    assert result.bias_notes is None
    assert 'Der Abschnitt "Befangenheit" fehlt' in _messages(result)[0]


def test_previous_session_after_vorlage_date_is_reported() -> None:
    result = parse_vorlage(_vorlage(sessions=("12.03.2024\tVerwaltungsausschuss",)))

    assert result.previous_sessions == (ParsedSession(date(2024, 3, 12), "Verwaltungsausschuss"),)
    assert "liegt nach dem Datum der Vorlage" in _messages(result)[0]


def test_unplanned_amount_without_coverage_is_reported() -> None:
    financing = (
        "Durch HH-Plan 2024, Haushaltsstelle abgedeckt:\t1.0200.9350",
        "Restliche Verfügungssumme bei der HH-Stelle:\t€ 1.000",
        "Außer-/Überplanmäßig:\t2.500,-- EUR",
    )
    result = parse_vorlage(_vorlage(financing=financing))

    assert result.financing == ParsedFinancing(
        budget_line="1.0200.9350",
        covered_by_budget=True,
        covered_amount=None,
        remaining_amount=Decimal("1000.00"),
        unplanned_amount=Decimal("2500.00"),
        unplanned_coverage=None,
    )
    assert "2.500,00 €" in _messages(result)[0]
    assert "keine Deckung" in _messages(result)[0]


def test_unplanned_coverage_on_following_line() -> None:
    financing = (
        "Durch HH-Plan....., Haushaltsstelle abgedeckt:\tnein",
        "Restliche Verfügungssumme bei der HH-Stelle:\t_____",
        "Außer-/Überplanmäßig:\t30.387,20 Euro",
        "Deckung durch Mehrerträge bei HHSt 1.0600.1710",
    )
    result = parse_vorlage(_vorlage(financing=financing))

    assert result.financing == ParsedFinancing(
        budget_line=None,
        covered_by_budget=False,
        remaining_amount=None,
        unplanned_amount=Decimal("30387.20"),
        unplanned_coverage="Deckung durch Mehrerträge bei HHSt 1.0600.1710",
    )
    assert result.inconsistencies == ()


# --------------------------------------------------------------------------------------------
# Weitere Formatvarianten
# --------------------------------------------------------------------------------------------


def test_header_variants() -> None:
    text = _vorlage(header="Vorlage Nr.12/2024").replace("AZ 052.11", "Az.: 052.11")
    text = text.replace("Eva Keller, 07133/2010 - 12", "Eva Keller 07133/2010-12")
    result = parse_vorlage(text)

    assert (result.number, result.year) == (12, 2024)
    assert result.file_reference == "052.11"
    assert result.author_name == "Eva Keller"
    assert result.author_phone == "07133/2010-12"


def test_optional_header_lines_may_be_missing() -> None:
    text = _vorlage().replace("AZ 052.11\n", "").replace("Amt Hauptamt\n", "")
    text = text.replace("Eva Keller, 07133/2010 - 12\n", "")
    result = parse_vorlage(text)

    assert result.file_reference is None
    assert result.department is None
    assert result.author_name is None
    assert result.author_phone is None


def test_multi_line_title_and_html_checkbox_variants() -> None:
    text = _vorlage(
        matrix=(
            "<input type='checkbox'> Verwaltungsausschuss am 12. März 2024\t"
            "<input type='checkbox'> Verwaltungsausschuss am",
            '<INPUT TYPE=checkbox> Gemeinderat am\t<input type="checkbox" checked> '
            "Gemeinderat am 19.03.2024",
            _visibility(),
        )
    ).replace(
        "Beschaffung von Büromöbeln für das Rathaus\n",
        "Beschaffung von Büromöbeln\nfür das Rathaus\n",
    )
    result = parse_vorlage(text)

    assert result.title == "Beschaffung von Büromöbeln für das Rathaus"
    assert result.steps == (ParsedStep("Gemeinderat", date(2024, 3, 19), False, True, True),)
    assert "aber kein Kästchen angekreuzt" in _messages(result)[0]


def test_inline_section_contents_after_colon() -> None:
    text = _vorlage(bias=()).replace("Befangenheit\n\n", "Befangenheit: GR Braun (§ 18 GemO)\n")
    result = parse_vorlage(text)

    assert result.bias_notes == "GR Braun (§ 18 GemO)"


def test_headings_inside_facts_are_free_text() -> None:
    facts = "Finanzierung\n\nDie Finanzierung ist gesichert."
    result = parse_vorlage(_vorlage(facts=facts))

    assert result.facts == "Finanzierung\n\nDie Finanzierung ist gesichert."


def test_rows_with_a_single_checkbox_use_the_tab_as_column_separator() -> None:
    matrix = (
        f"{CHECKED} Verwaltungsausschuss am 12.03.2024\t",
        f"\t{CHECKED} Gemeinderat am 19.03.2024",
        _visibility(),
    )
    result = parse_vorlage(_vorlage(matrix=matrix))

    assert result.steps == (
        ParsedStep("Verwaltungsausschuss", date(2024, 3, 12), True, False, True),
        ParsedStep("Gemeinderat", date(2024, 3, 19), False, True, True),
    )
    assert result.inconsistencies == ()


def test_single_checkbox_without_column_separator_is_rejected() -> None:
    matrix = (f"{CHECKED} Gemeinderat am 19.03.2024", _visibility())

    with pytest.raises(VorlageFormatError) as excinfo:
        parse_vorlage(_vorlage(matrix=matrix))

    assert excinfo.value.line == 14
    assert "mit 1 Kästchen" in excinfo.value.reason
