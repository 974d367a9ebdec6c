"""The head of a Vorlage: "Vorlage Nr. 8 / 2024", Aktenzeichen, Amt, Verfasser, Datum, title."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from workflow.importing.lines import INPUT_TAG, Line, Reader, is_placeholder

_VORLAGE: Final = re.compile(r"^Vorlage\b", re.IGNORECASE)

_VORLAGE_NR: Final = re.compile(
    r"^Vorlage\s+Nr\.?\s*:?\s*(?P<number>\d+)\s*/\s*(?P<year>\d{4})$", re.IGNORECASE
)

_MATRIX_HEADER: Final = re.compile(r"^Beratung\s*[:/|]?\s*Beschluss$", re.IGNORECASE)

_AZ: Final = re.compile(r"^(?:Aktenzeichen|AZ|Az)\.?\s*:?(?:\s+(?P<value>.*))?$")

_AMT: Final = re.compile(r"^Amt\s*:?(?:\s+(?P<value>.*))?$")

_DATUM: Final = re.compile(r"^Datum\b\s*:?\s*(?P<value>.*)$")

_AUTHOR_PREFIX: Final = re.compile(
    r"^(?:Verfasser(?:in)?|Sachbearbeiter(?:in)?|Bearbeiter(?:in)?)\s*:\s*", re.IGNORECASE
)

_AUTHOR_NO_COMMA: Final = re.compile(r"^(?P<name>.*?[^\d\s+])\s+(?P<phone>\+?\d[\d\s/()\-–]*\d)$")


@dataclass(frozen=True)
class _Head:
    file_reference: str | None
    department: str | None
    author_name: str | None
    author_phone: str | None
    datum_line: Line
    proposal_date: date


class HeaderReader(Reader):
    def _vorlage_number(self, line: Line) -> tuple[int, int]:
        self._no_boxes_here(line, "Kopfzeile")
        if not _VORLAGE.match(line.text):
            raise self._error(
                line.no,
                f'Die Vorlage muss mit "Vorlage Nr. <Nummer> / <Jahr>" beginnen, gefunden: '
                f'"{line.text}".',
            )
        match = _VORLAGE_NR.match(line.text)
        if not match:
            raise self._error(
                line.no,
                f'Vorlagennummer nicht lesbar: "{line.text}" '
                '(erwartet z. B. "Vorlage Nr. 8 / 2024").',
            )
        number, year = int(match["number"]), int(match["year"])
        if number < 1:
            raise self._error(line.no, f"Die Vorlagennummer muss positiv sein, gefunden: {number}.")
        if not 1900 <= year <= 2100:
            raise self._error(line.no, f"Das Jahr {year} der Vorlagennummer ist nicht plausibel.")
        return number, year

    def _head(self, pos: int) -> tuple[int, _Head]:
        file_reference: str | None = None
        department: str | None = None
        author: Line | None = None
        seen: dict[str, Line] = {}
        for index in range(pos, len(self.lines)):
            line = self.lines[index]
            if not line.text:
                continue
            self._no_boxes_here(line, "Kopf der Vorlage")
            if self._heading(line) or _MATRIX_HEADER.match(line.text):
                raise self._error(
                    line.no, 'Die Angabe "Datum TT.MM.JJJJ" fehlt im Kopf der Vorlage.'
                )
            datum = _DATUM.match(line.text)
            if datum:
                proposal_date = self._date(datum["value"], line.no, "Datum der Vorlage")
                if proposal_date is None:
                    raise self._error(line.no, "Das Datum der Vorlage ist nicht ausgefüllt.")
                name, phone = self._author(author)
                return index + 1, _Head(
                    file_reference, department, name, phone, line, proposal_date
                )
            az, amt = _AZ.match(line.text), _AMT.match(line.text)
            kind = "AZ" if az else "Amt" if amt else "Verfasser"
            if kind == "Verfasser" and kind in seen:
                raise self._error(
                    line.no,
                    f'Erwartet "Datum TT.MM.JJJJ", gefunden: "{line.text}" '
                    f"(der Verfasser steht bereits in Zeile {seen[kind].no}).",
                )
            if kind in seen:
                raise self._error(
                    line.no,
                    f'Unerwartete Zeile im Kopf der Vorlage: "{line.text}" '
                    f"(Angabe {kind} bereits in Zeile {seen[kind].no}).",
                )
            seen[kind] = line
            if az:
                value = (az["value"] or "").strip()
                file_reference = None if is_placeholder(value) else value
            elif amt:
                value = (amt["value"] or "").strip()
                department = None if is_placeholder(value) else value
            else:
                author = line
        raise self._error(
            len(self.lines), 'Die Angabe "Datum TT.MM.JJJJ" fehlt im Kopf der Vorlage.'
        )

    @staticmethod
    def _author(line: Line | None) -> tuple[str | None, str | None]:
        if line is None:
            return None, None
        text = _AUTHOR_PREFIX.sub("", line.text)
        name, sep, phone = text.partition(",")
        if sep:
            return name.strip() or None, phone.strip() or None
        match = _AUTHOR_NO_COMMA.match(text)
        if match:
            return match["name"].strip(), match["phone"].strip()
        return text or None, None

    def _title(self, pos: int, datum_line: Line) -> tuple[int, str, Line]:
        parts: list[str] = []
        for index in range(pos, len(self.lines)):
            line = self.lines[index]
            if not line.text:
                continue
            if _MATRIX_HEADER.match(line.text):
                if not parts:
                    raise self._error(
                        line.no,
                        f'Der Titel der Vorlage fehlt (erwartet nach "Datum" in Zeile '
                        f"{datum_line.no}, vor der Beratungsmatrix).",
                    )
                return index + 1, " ".join(parts), line
            heading = self._heading(line)
            if heading or INPUT_TAG.search(line.raw):
                where = f'dem Abschnitt "{heading[0]}"' if heading else "den ersten Kästchen"
                raise self._error(
                    line.no,
                    f'Die Kopfzeile der Beratungsmatrix ("Beratung" / "Beschluss") fehlt vor '
                    f"{where}.",
                )
            parts.append(line.text)
        raise self._error(len(self.lines), 'Die Beratungsmatrix ("Beratung" / "Beschluss") fehlt.')
