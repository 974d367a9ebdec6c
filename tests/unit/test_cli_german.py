"""The console script speaks German: argparse's frame, every option, errors, hints."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from api.cli import COMMANDS
from api.cli import main as ratsflow
from workflow.cli.main import _parser

ENGLISH = re.compile(r"usage:|options:|positional arguments|show this help|optional arguments")


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def test_every_help_page_is_german_and_explains_every_argument() -> None:
    parsers = list(_parsers(_parser(COMMANDS)))
    assert len(parsers) >= 11  # ratsflow, its commands and the nested ones
    for parser in parsers:
        text = parser.format_help()
        assert ENGLISH.search(text) is None, text
        assert text.startswith("Aufruf: "), text
        assert "diese Hilfe anzeigen und beenden" in text
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                assert all(a.help for a in action._choices_actions), parser.prog
                continue
            assert action.help, f"{parser.prog}: {action.dest} ohne Erklärung"


def test_help_exits_0_with_the_german_frame(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        ratsflow(["import-vorlage", "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert out.startswith("Aufruf: ratsflow import-vorlage")
    assert "Optionen:" in out
    assert "Argumente:" in out
    assert "Klartext im Layout des Sitzungsdienstes" in " ".join(ratsflow_help(capsys).split())
    assert "Format des Seeds" not in out


def ratsflow_help(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        ratsflow(["--help"])
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "german"),
    [
        (
            ["deadline", "later", "2024-04-23", "--period", "P1W"],
            "Argument RICHTUNG: ungültige Auswahl: 'later'",
        ),
        (["import-vorlage"], "diese Angaben fehlen: DATEI"),
        (["worker", "--interval", "oft"], "Argument --interval: keine Zahl: 'oft'"),
        (["demo", "--schnell"], "unbekannte Angaben: --schnell"),
    ],
)
def test_usage_errors_are_german(
    argv: list[str], german: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        ratsflow(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("Aufruf: ratsflow")
    assert "Fehler: " + german in err, err


def test_diagram_of_an_unknown_definition_lists_the_valid_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert ratsflow(["definitions", "diagram", "vorlage"]) == 1
    err = capsys.readouterr().err
    assert 'Unbekannte Definition "vorlage"' in err
    assert "vorhanden: decision_request, decision_response, meeting, proposal" in err
