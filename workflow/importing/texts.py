"""The text sections of a Vorlage: Befangenheit, Beschlussvorschlag (initial and closing),
Bisherige Sitzungen and Sachvortrag."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from workflow.documents import german
from workflow.importing.checks import diff_hint
from workflow.importing.lines import (
    BEFANGENHEIT,
    BESCHLUSSVORSCHLAG,
    SACHVORTRAG,
    Line,
    Reader,
    Section,
    is_placeholder,
    join_paragraphs,
    split_paragraphs,
)
from workflow.importing.results import ParsedSession
from workflow.rules.common import count_of

_SESSIONS_HEADER: Final = re.compile(r"^Datum\s*[:/|]?\s*Gremium$", re.IGNORECASE)

_SESSION_ROW: Final = re.compile(r"^(?P<date>\S+)\s*[:|–-]?\s+(?P<body>.+)$")

_NO_BIAS: Final = frozenset(
    {"keine", "keine befangenheit", "keine bekannt", "entfällt", "nein", "-", "–", "—", "./."}
)


class TextsReader(Reader):
    def _sections(
        self, pos: int, matrix_header: Line
    ) -> tuple[dict[str, Section], Section | None, Section | None]:
        sections: dict[str, Section] = {}
        initial: Section | None = None
        closing: Section | None = None
        current: Section | None = None
        for line in self.lines[pos:]:
            heading = self._heading(line) if line.text else None
            in_free_text = SACHVORTRAG in sections
            if heading and closing is not None:
                raise self._error(
                    line.no,
                    f'Abschnitt "{heading[0]}" nach dem abschließenden Beschlussvorschlag '
                    f"(Zeile {closing.heading.no}).",
                )
            if heading and (not in_free_text or heading[0] == BESCHLUSSVORSCHLAG):
                name, rest = heading
                if name == BESCHLUSSVORSCHLAG:
                    previous = None if in_free_text else initial
                else:
                    previous = sections.get(name)
                if previous is not None and name == BESCHLUSSVORSCHLAG:
                    raise self._error(
                        line.no,
                        'Zweiter Beschlussvorschlag vor dem Abschnitt "Sachvortrag" (erster in '
                        f"Zeile {previous.heading.no}); fehlt der Sachvortrag?",
                    )
                if previous is not None:
                    raise self._error(
                        line.no,
                        f'Der Abschnitt "{name}" kommt doppelt vor '
                        f"(zuerst in Zeile {previous.heading.no}).",
                    )
                current = Section(name, line)
                if name == BESCHLUSSVORSCHLAG and in_free_text:
                    closing = current
                elif name == BESCHLUSSVORSCHLAG:
                    initial = current
                else:
                    sections[name] = current
                if rest:
                    current.lines.append(Line(line.no, rest, rest))
                continue
            if current is None:  # pragma: no cover - die Matrix endet nur an einer Überschrift
                raise self._error(line.no, f'Unerwarteter Text: "{line.text}".')
            self._no_boxes_here(line, f'Abschnitt "{current.name}"')
            current.lines.append(line)

        end = len(self.lines)
        if initial is None and closing is None:
            raise self._error(end, 'Der Abschnitt "Beschlussvorschlag" fehlt.')
        if SACHVORTRAG not in sections:
            raise self._error(end, 'Der Abschnitt "Sachvortrag" fehlt.')
        if BEFANGENHEIT not in sections:
            first = min(
                (s.heading.no for s in (*sections.values(), initial, closing) if s is not None),
                default=matrix_header.no,
            )
            self._issue(
                first,
                'Der Abschnitt "Befangenheit" fehlt; angenommen: keine Befangenheit.',
            )
        return sections, initial, closing

    def _section_text(self, section: Section) -> tuple[str, int | None]:
        paragraphs = split_paragraphs(section.lines)
        first = paragraphs[0][0].no if paragraphs else None
        return join_paragraphs(paragraphs), first

    def _resolutions(
        self, initial: Section | None, closing: Section | None
    ) -> tuple[str, str | None]:
        texts: list[tuple[str, int]] = []
        for section in (initial, closing):
            if section is None:
                continue
            text, first = self._section_text(section)
            if first is None:
                label = "abschließende " if section is closing else ""
                raise self._error(
                    section.heading.no, f"Der {label}Beschlussvorschlag enthält keinen Text."
                )
            texts.append((text, first))
        if initial is not None and closing is not None:
            (first_text, first_line), (last_text, last_line) = texts
            if first_text.split() != last_text.split():
                snippet_a, snippet_b, more = diff_hint(first_text, last_text)
                extra = (
                    f" (und {count_of(more, 'weitere Abweichung', 'weitere Abweichungen')})"
                    if more
                    else ""
                )
                self._issue(
                    first_line,
                    f'Die beiden Beschlussvorschläge weichen voneinander ab: "{snippet_a}" '
                    f'(Zeile {first_line}) gegenüber "{snippet_b}" (Zeile {last_line}){extra}; '
                    "übernommen wird der abschließende.",
                )
            return last_text, first_text
        text = texts[0][0]
        return text, text if initial is not None else None

    def _bias(self, section: Section | None) -> str | None:
        if section is None:
            return None
        text, _first = self._section_text(section)
        if not text:
            self._issue(
                section.heading.no,
                'Der Abschnitt "Befangenheit" ist leer; angenommen: keine Befangenheit.',
            )
            return None
        if " ".join(text.split()).casefold().rstrip(".") in _NO_BIAS:
            return None
        return text

    def _previous_sessions(
        self, section: Section | None, proposal_date: date
    ) -> tuple[ParsedSession, ...]:
        if section is None:
            return ()
        sessions: list[ParsedSession] = []
        rows = [line for line in section.lines if line.text]
        for line in rows:
            if _SESSIONS_HEADER.match(line.text):
                continue
            if is_placeholder(line.text) and len(rows) <= 2:
                continue
            match = _SESSION_ROW.match(line.text)
            if not match:
                raise self._error(
                    line.no,
                    f'Zeile in "Bisherige Sitzungen" nicht lesbar: "{line.text}" '
                    "(erwartet: Datum und Gremium).",
                )
            when = self._date(match["date"], line.no, "Sitzungsdatum")
            if when is None:
                raise self._error(
                    line.no, f'In "Bisherige Sitzungen" fehlt das Datum: "{line.text}".'
                )
            body = match["body"].strip()
            if when > proposal_date:
                self._issue(
                    line.no,
                    f'Die bisherige Sitzung im Gremium "{body}" am {german.day(when)} liegt nach '
                    f"dem Datum der Vorlage ({german.day(proposal_date)}).",
                )
            sessions.append(ParsedSession(session_date=when, body_name=body))
        return tuple(sessions)

    def _facts(self, section: Section) -> str:
        text, _first = self._section_text(section)
        if not text:
            self._issue(section.heading.no, "Der Sachvortrag ist leer.")
        return text
