"""The Landratsamt's table of answers in the order and selection the coordinator asks for
(query ``sortierung`` and ``zeigen``): 46 municipalities are too many to scan for the few
that have not answered yet. Unknown values fall back to the default, never an error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from workflow.collation import german_key
from workflow.services.decision_overview import OverviewRow

SORTS = {
    "gemeinde": "Gemeinde",
    "stand": "Stand",
    "antwort": "Antwort",
    "datum": "Entschieden am",
}
SHOWS = {
    "alle": "Alle Gemeinden",
    "offen": "Noch ohne Antwort",
    "ueberfaellig": "Überfällig",
}

_KEYS: dict[str, Callable[[OverviewRow], Any]] = {
    "gemeinde": lambda r: german_key(r.municipality),
    "stand": lambda r: (german_key(r.state_label), german_key(r.municipality)),
    # the answered first, by their answer; those without one after them
    "antwort": lambda r: (r.option is None, german_key(r.option_label), german_key(r.municipality)),
    "datum": lambda r: (r.decided_on is None, r.decided_on or date.min, german_key(r.municipality)),
}
_SHOWN: dict[str, Callable[[OverviewRow], bool]] = {
    "alle": lambda r: True,
    # as the Frist column says "fällig": not yet answered (a Vorlage may be linked)
    "offen": lambda r: r.state in ("open", "in_preparation"),
    "ueberfaellig": lambda r: r.overdue,
}


def chosen(sort: str | None, show: str | None) -> tuple[str, str]:
    """The order and selection asked for, or the defaults."""
    return (sort if sort in SORTS else "gemeinde", show if show in SHOWS else "alle")


def ordered(rows: list[OverviewRow], sort: str, show: str) -> list[OverviewRow]:
    return sorted(filter(_SHOWN[show], rows), key=_KEYS[sort])
