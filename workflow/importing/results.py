"""Parser für Beschlussvorlagen im Klartextformat (reine Funktion, keine Datenbank).

Das Format entspricht dem Export der Sitzungsvorlagen: Kopfzeilen ("Vorlage Nr. 8 / 2024",
"AZ …", "Amt …", Verfasser mit Telefon, "Datum TT.MM.JJJJ"), Titel, die Beratungs-/
Beschlussmatrix mit ``<input type="checkbox"/>``-Kästchen, danach die Abschnitte
"Befangenheit", "Beschlussvorschlag", "Bisherige Sitzungen", "Finanzierung", "Sachvortrag"
und der abschließende "Beschlussvorschlag:".

Formfehler führen zu :class:`VorlageFormatError` (mit Zeilennummer); inhaltliche Widersprüche
werden nicht stillschweigend aufgelöst, sondern als :class:`Inconsistency` gemeldet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ParsedStep:
    """Ein angekreuztes Gremium der Beratungsmatrix."""

    body_name: str
    planned_date: date | None
    advises: bool
    """Nur in der Spalte "Beratung" angekreuzt."""
    decides: bool
    """In der Spalte "Beschluss" angekreuzt (auch wenn zusätzlich "Beratung" angekreuzt ist)."""
    public: bool
    """Öffentlichkeit der jeweiligen Spalte (Beratung für beratende, Beschluss für beschließende
    Schritte)."""


@dataclass(frozen=True)
class ParsedSession:
    """Eine Zeile aus "Bisherige Sitzungen"."""

    session_date: date
    body_name: str


@dataclass(frozen=True)
class ParsedFinancing:
    budget_line: str | None  # the Haushaltsstelle as text, e.g. "5410.0960.000"
    covered_by_budget: bool | None
    remaining_amount: Decimal | None
    unplanned_amount: Decimal | None
    unplanned_coverage: str | None
    covered_amount: Decimal | None = None  # the amount the budget plan covers


@dataclass(frozen=True)
class Inconsistency:
    line: int
    message: str


@dataclass(frozen=True)
class ParsedVorlage:
    number: int
    year: int
    file_reference: str | None
    department: str | None
    author_name: str | None
    author_phone: str | None
    proposal_date: date
    title: str
    steps: tuple[ParsedStep, ...]
    public: bool
    bias_notes: str | None
    resolution_text: str
    initial_resolution_text: str | None
    previous_sessions: tuple[ParsedSession, ...]
    financing: ParsedFinancing
    facts: str
    inconsistencies: tuple[Inconsistency, ...]


class VorlageFormatError(ValueError):
    """Die Eingabe entspricht nicht dem Vorlagenformat; ``line`` ist 1-basiert."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}:{line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason
