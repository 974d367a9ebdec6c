"""Parser für Beschlussvorlagen im Klartextformat (reine Funktion, keine Datenbank): the
sections are read by the readers of this package, assembled here."""

from __future__ import annotations

from workflow.documents import german
from workflow.importing.financing import FinancingReader
from workflow.importing.header import HeaderReader
from workflow.importing.lines import (
    BEFANGENHEIT,
    BISHERIGE,
    FINANZIERUNG,
    SACHVORTRAG,
)
from workflow.importing.results import (
    Inconsistency,
    ParsedFinancing,
    ParsedSession,
    ParsedStep,
    ParsedVorlage,
    VorlageFormatError,
)
from workflow.importing.table import TableReader
from workflow.importing.texts import TextsReader

__all__ = [
    "Inconsistency",
    "ParsedFinancing",
    "ParsedSession",
    "ParsedStep",
    "ParsedVorlage",
    "VorlageFormatError",
    "parse_vorlage",
]


def parse_vorlage(text: str, *, source: str = "<eingabe>") -> ParsedVorlage:
    """Liest eine Vorlage im Klartextformat; wirft :class:`VorlageFormatError` bei Formfehlern."""
    return _Parser(text, source).parse()


class _Parser(HeaderReader, TableReader, TextsReader, FinancingReader):
    def parse(self) -> ParsedVorlage:
        lines = self.lines
        pos = next((i for i, line in enumerate(lines) if line.text), None)
        if pos is None:
            raise self._error(1, "Die Eingabe ist leer.")
        header = lines[pos]
        number, year = self._vorlage_number(header)

        pos, head = self._head(pos + 1)
        proposal_date, datum_line = head.proposal_date, head.datum_line
        if year != proposal_date.year:
            self._issue(
                header.no,
                f"Das Jahr der Vorlagennummer ({year}) weicht vom Jahr des Datums "
                f"{german.day(proposal_date)} (Zeile {datum_line.no}) ab.",
            )

        pos, title, matrix_header = self._title(pos, datum_line)
        pos, rows, advise_public, decide_public = self._matrix(pos, matrix_header)
        steps = self._steps(rows, matrix_header, proposal_date, advise_public, decide_public)

        sections, initial, closing = self._sections(pos, matrix_header)
        resolution_text, initial_text = self._resolutions(initial, closing)
        bias_notes = self._bias(sections.get(BEFANGENHEIT))
        previous = self._previous_sessions(sections.get(BISHERIGE), proposal_date)
        financing = self._financing(sections.get(FINANZIERUNG))
        facts = self._facts(sections[SACHVORTRAG])

        public = not any(step.decides and not step.public for step in steps)
        issues = tuple(sorted(self.issues, key=lambda issue: issue.line))
        return ParsedVorlage(
            number=number,
            year=year,
            file_reference=head.file_reference,
            department=head.department,
            author_name=head.author_name,
            author_phone=head.author_phone,
            proposal_date=proposal_date,
            title=title,
            steps=steps,
            public=public,
            bias_notes=bias_notes,
            resolution_text=resolution_text,
            initial_resolution_text=initial_text,
            previous_sessions=previous,
            financing=financing,
            facts=facts,
            inconsistencies=issues,
        )
