"""The Beratungs-/Beschlussmatrix: checkboxes per body and column, public or not, dates,
and the consultation steps read from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from workflow.documents import german
from workflow.importing.lines import (
    FORMAT_TAG,
    INPUT_TAG,
    Line,
    Reader,
    clean_text,
    visibility_label,
)
from workflow.importing.results import ParsedStep

_ANY_TAG: Final = re.compile(
    r"<\s*(?P<close>/)?\s*(?P<name>[A-Za-z][A-Za-z0-9]*)(?P<attrs>[^<>]*)>"
)

_ATTR: Final = re.compile(
    r"""(?P<name>[A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`/]+))?"""
)

_FOREIGN_BOXES: Final = re.compile(r"[☐☑☒✓✔✗✘]|\[\s*[xX✓]?\s*\]|\(\s*[xX]?\s*\)")

_STEP_CELL: Final = re.compile(r"^(?P<body>.*)\bam\b(?P<date>.*)$")

_TRAILING_DATE: Final = re.compile(r"^(?P<body>.*?)\s+(?P<date>\d{1,2}\.\s*\d{1,2}\.\s*\d{4})$")


@dataclass(frozen=True)
class _Box:
    start: int
    end: int
    checked: bool


@dataclass(frozen=True)
class _Cell:
    checked: bool
    text: str


@dataclass(frozen=True)
class _Row:
    line: Line
    body: str
    advise_checked: bool
    decide_checked: bool
    advise_date: date | None
    decide_date: date | None


class TableReader(Reader):
    def _matrix(self, pos: int, header: Line) -> tuple[int, list[_Row], bool, bool]:
        rows: list[_Row] = []
        visibility: tuple[Line, bool, bool] | None = None
        index = pos
        while index < len(self.lines):
            line = self.lines[index]
            if line.text and self._heading(line):
                break
            index += 1
            if not line.text:
                continue
            boxes, pieces = self._boxes(line)
            if visibility_label(pieces[1]) is not None:
                if visibility is not None:
                    raise self._error(
                        line.no,
                        "Die Zeile öffentlich / nicht öffentlich kommt doppelt vor "
                        f"(zuerst in Zeile {visibility[0].no}).",
                    )
                advise_public, decide_public = self._visibility(line, boxes, pieces)
                visibility = (line, advise_public, decide_public)
            else:
                rows.append(self._row(line, boxes, pieces))
        if not rows:
            raise self._error(header.no, "Die Beratungsmatrix enthält keine Gremien.")
        if visibility is None:
            raise self._error(
                header.no,
                'Die Zeile "öffentlich / nicht öffentlich" fehlt in der Beratungsmatrix.',
            )
        return index, rows, visibility[1], visibility[2]

    def _boxes(self, line: Line) -> tuple[list[_Box], list[str]]:
        """Kästchen einer Matrixzeile und die Texte danach (``pieces[0]`` steht davor)."""
        foreign = _FOREIGN_BOXES.search(FORMAT_TAG.sub("", line.raw))
        if foreign:
            raise self._error(
                line.no,
                f'Unbekanntes Kästchen-Markup "{foreign.group(0)}" in der Beratungsmatrix '
                '(erwartet <input type="checkbox"/> oder <input checked="" type="checkbox"/>).',
            )
        boxes: list[_Box] = []
        for tag in _ANY_TAG.finditer(line.raw):
            name = tag["name"].casefold()
            if name in {"u", "b", "i", "em", "strong"}:
                continue
            if name != "input" or tag["close"]:
                raise self._error(
                    line.no, f'Unbekanntes Markup "{tag.group(0)}" in der Beratungsmatrix.'
                )
            boxes.append(_Box(tag.start(), tag.end(), self._checked(line, tag)))
        if INPUT_TAG.search(_ANY_TAG.sub("", line.raw)):
            raise self._error(line.no, "Unvollständiges <input>-Markup in der Beratungsmatrix.")
        if not boxes:
            raise self._error(
                line.no,
                f'Zeile der Beratungsmatrix ohne Kästchen: "{line.text}" '
                '(erwartet <input type="checkbox"/>).',
            )
        bounds = [0, *(pos for box in boxes for pos in (box.start, box.end)), len(line.raw)]
        pieces = [line.raw[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
        return boxes, pieces

    def _checked(self, line: Line, tag: re.Match[str]) -> bool:
        markup = tag.group(0)
        attrs: dict[str, str | None] = {}
        for attr in _ATTR.finditer(tag["attrs"]):
            value = attr["value"]
            if value is not None and value[:1] in {'"', "'"}:
                value = value[1:-1]
            attrs[attr["name"].casefold()] = value
        if (attrs.get("type") or "").casefold() != "checkbox":
            raise self._error(
                line.no,
                f'Unbekanntes Kästchen-Markup "{markup}" in der Beratungsmatrix '
                '(erwartet type="checkbox").',
            )
        if "checked" not in attrs:
            return False
        if (attrs["checked"] or "").casefold() not in {"", "checked", "true"}:
            raise self._error(
                line.no, f'Mehrdeutiges Kästchen-Markup "{markup}" in der Beratungsmatrix.'
            )
        return True

    def _visibility(self, line: Line, boxes: list[_Box], pieces: list[str]) -> tuple[bool, bool]:
        if clean_text(pieces[0]):
            raise self._error(line.no, f'Text vor dem ersten Kästchen: "{clean_text(pieces[0])}".')
        labels: list[tuple[bool, bool]] = []  # (ist "nicht öffentlich", angekreuzt)
        for box, piece in zip(boxes, pieces[1:], strict=True):
            closed = visibility_label(piece)
            if closed is None:
                raise self._error(
                    line.no,
                    f'Unbekannte Beschriftung "{clean_text(piece)}" in der Zeile öffentlich / '
                    "nicht öffentlich.",
                )
            labels.append((closed, box.checked))
        if len(labels) == 2:
            columns = [labels, labels]
        elif len(labels) == 4:
            columns = [labels[:2], labels[2:]]
        else:
            raise self._error(
                line.no,
                "Die Zeile öffentlich / nicht öffentlich braucht je Spalte zwei Kästchen "
                f"(gefunden: {len(labels)}).",
            )
        result: list[bool] = []
        for column, column_pairs in zip(("Beratung", "Beschluss"), columns, strict=True):
            if sorted(kind for kind, _checked in column_pairs) != [False, True]:
                raise self._error(
                    line.no,
                    f'In der Spalte "{column}" fehlt die Auswahl öffentlich / nicht öffentlich.',
                )
            public = any(checked for kind, checked in column_pairs if not kind)
            closed = any(checked for kind, checked in column_pairs if kind)
            if public and closed:
                self._issue(
                    line.no,
                    f'In der Spalte "{column}" sind "öffentlich" und "nicht öffentlich" '
                    "angekreuzt; angenommen: nicht öffentlich.",
                )
            elif not public and not closed:
                self._issue(
                    line.no,
                    f'In der Spalte "{column}" ist weder "öffentlich" noch "nicht öffentlich" '
                    "angekreuzt; angenommen: öffentlich (§ 35 Abs. 1 GemO).",
                )
            result.append(not closed)
        return result[0], result[1]

    def _row(self, line: Line, boxes: list[_Box], pieces: list[str]) -> _Row:
        before = pieces[0]
        if clean_text(before):
            raise self._error(line.no, f'Text vor dem ersten Kästchen: "{clean_text(before)}".')
        if len(boxes) == 2:
            left: _Cell | None = _Cell(boxes[0].checked, clean_text(pieces[1]))
            right: _Cell | None = _Cell(boxes[1].checked, clean_text(pieces[2]))
        elif len(boxes) == 1 and "\t" in before:
            left, right = None, _Cell(boxes[0].checked, clean_text(pieces[1]))
        elif len(boxes) == 1 and "\t" in pieces[1] and not clean_text(pieces[1].split("\t")[-1]):
            left, right = _Cell(boxes[0].checked, clean_text(pieces[1])), None
        else:
            raise self._error(
                line.no,
                f"Zeile der Beratungsmatrix mit {len(boxes)} Kästchen; erwartet je ein Kästchen "
                'für "Beratung" und "Beschluss".',
            )
        advise_body, advise_date = self._cell(line, left, "Beratung")
        decide_body, decide_date = self._cell(line, right, "Beschluss")
        if advise_body and decide_body and advise_body.casefold() != decide_body.casefold():
            raise self._error(
                line.no,
                f'Die Zeile der Beratungsmatrix nennt zwei verschiedene Gremien: "{advise_body}" '
                f'(Beratung) und "{decide_body}" (Beschluss).',
            )
        body = decide_body or advise_body
        if not body:
            raise self._error(line.no, "In der Zeile der Beratungsmatrix fehlt das Gremium.")
        return _Row(
            line=line,
            body=body,
            advise_checked=bool(left and left.checked),
            decide_checked=bool(right and right.checked),
            advise_date=advise_date,
            decide_date=decide_date,
        )

    def _cell(self, line: Line, cell: _Cell | None, column: str) -> tuple[str, date | None]:
        if cell is None or not cell.text:
            return "", None
        match = _STEP_CELL.match(cell.text)
        if match:
            when = self._date(match["date"], line.no, f'Sitzungsdatum (Spalte "{column}")')
            return match["body"].strip(), when
        trailing = _TRAILING_DATE.match(cell.text)
        if trailing:
            when = self._date(trailing["date"], line.no, f'Sitzungsdatum (Spalte "{column}")')
            return trailing["body"].strip(), when
        return cell.text, None

    def _steps(
        self,
        rows: list[_Row],
        header: Line,
        proposal_date: date,
        advise_public: bool,
        decide_public: bool,
    ) -> tuple[ParsedStep, ...]:
        steps: list[tuple[ParsedStep, _Row]] = []
        for row in rows:
            if not row.advise_checked and not row.decide_checked:
                when = row.decide_date or row.advise_date
                if when is not None:
                    self._issue(
                        row.line.no,
                        f'Beim Gremium "{row.body}" ist ein Sitzungsdatum ({german.day(when)}) '
                        "eingetragen, aber kein Kästchen angekreuzt; das Gremium wird nicht "
                        "beteiligt.",
                    )
                continue
            decides = row.decide_checked
            if decides:
                planned = row.decide_date or (row.advise_date if row.advise_checked else None)
                if (
                    row.advise_checked
                    and row.advise_date
                    and row.decide_date
                    and row.advise_date != row.decide_date
                ):
                    self._issue(
                        row.line.no,
                        f'Beim Gremium "{row.body}" stehen in den Spalten "Beratung" und '
                        f'"Beschluss" verschiedene Daten ({german.day(row.advise_date)} / '
                        f"{german.day(row.decide_date)}); übernommen wird das Beschlussdatum.",
                    )
            else:
                planned = row.advise_date
            if planned is None:
                self._issue(
                    row.line.no,
                    f'Für das angekreuzte Gremium "{row.body}" ist kein Sitzungsdatum angegeben.',
                )
            elif planned < proposal_date:
                self._issue(
                    row.line.no,
                    f'Die Sitzung im Gremium "{row.body}" am {german.day(planned)} liegt vor dem '
                    f"Datum der Vorlage ({german.day(proposal_date)}).",
                )
            step = ParsedStep(
                body_name=row.body,
                planned_date=planned,
                advises=not decides,
                decides=decides,
                public=decide_public if decides else advise_public,
            )
            steps.append((step, row))

        deciding = [(step, row) for step, row in steps if step.decides]
        if not deciding:
            self._issue(
                header.no,
                'Kein Gremium ist in der Spalte "Beschluss" angekreuzt; es ist unklar, wer '
                "entscheidet.",
            )
        elif len(deciding) > 1:
            names = ", ".join(step.body_name for step, _row in deciding)
            self._issue(
                deciding[1][1].line.no,
                f'Mehrere Gremien sind in der Spalte "Beschluss" angekreuzt ({names}); '
                "beschließen darf nur eines.",
            )
        decision_dates = [step.planned_date for step, _row in deciding if step.planned_date]
        if decision_dates:
            first_decision = min(decision_dates)
            for step, row in steps:
                if step.advises and step.planned_date and step.planned_date > first_decision:
                    self._issue(
                        row.line.no,
                        f'Die Vorberatung im Gremium "{step.body_name}" am '
                        f"{german.day(step.planned_date)} liegt nach der Beschlussfassung am "
                        f"{german.day(first_decision)}.",
                    )

        ordered = sorted(
            (step for step, _row in steps),
            key=lambda step: (step.planned_date is None, step.planned_date or date.min),
        )
        return tuple(ordered)
