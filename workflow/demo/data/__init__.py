"""The demo's data, shipped as package data so an installed wheel needs nothing beside it."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

MUNICIPALITIES_PATH = _HERE / "landkreis-heilbronn-municipalities.txt"
# Vorlage Nr. 8/2024 of Gemeinde Ilsfeld as plain text in the Sitzungsdienst layout.
SEED_PATH = _HERE / "vorlage-ilsfeld-8-2024.txt"


def municipality_names() -> list[str]:
    """The 46 municipalities of Landkreis Heilbronn, one per line, ``#`` comments skipped."""
    text = MUNICIPALITIES_PATH.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")
