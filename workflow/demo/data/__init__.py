"""The demo's data, shipped as package data so an installed wheel needs nothing beside it."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

MUNICIPALITIES_PATH = _HERE / "landkreis-heilbronn-municipalities.txt"
# Which of them are Städte or Große Kreisstädte, with the sources in the file's header.
STATUS_PATH = _HERE / "landkreis-heilbronn-status.txt"
# Vorlage Nr. 8/2024 of Gemeinde Ilsfeld as plain text in the Sitzungsdienst layout.
SEED_PATH = _HERE / "vorlage-ilsfeld-8-2024.txt"


def _data_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def municipality_names() -> list[str]:
    """The 46 municipalities of Landkreis Heilbronn, one per line, ``#`` comments skipped."""
    return _data_lines(MUNICIPALITIES_PATH)


def municipality_statuses() -> dict[str, str]:
    """Name → ``municipal_status`` for the Städte and Große Kreisstädte; the rest are Gemeinden."""
    statuses: dict[str, str] = {}
    for line in _data_lines(STATUS_PATH):
        name, status = line.split("\t")
        statuses[name.strip()] = status.strip()
    return statuses


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")
