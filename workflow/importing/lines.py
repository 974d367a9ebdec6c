"""The reading frame shared by the sections of a Vorlage: lines, patterns, dates, amounts,
errors and the inconsistencies found on the way."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from workflow.digits import is_digits
from workflow.importing.results import Inconsistency, VorlageFormatError

FORMAT_TAG: Final = re.compile(r"<\s*/?\s*(?:u|b|i|em|strong)\s*/?\s*>", re.IGNORECASE)

INPUT_TAG: Final = re.compile(r"<\s*input\b", re.IGNORECASE)

_HEADING: Final = re.compile(
    r"^(?P<name>Befangenheit|Beschlussvorschlag|Bisherige\s+Sitzungen|Finanzierung|Sachvortrag)"
    r"\s*(?:(?P<colon>:)\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)

_NUMERIC_DATE: Final = re.compile(r"^(?P<d>\d{1,2})\.\s*(?P<m>\d{1,2})\.\s*(?P<y>\d{4})$")

_MONTHS: Final = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}

_WORD_DATE: Final = re.compile(r"^(?P<d>\d{1,2})\.\s*(?P<m>[A-Za-zÄÖÜäöü]+)\s+(?P<y>\d{4})$")

_DATE_PLACEHOLDER: Final = re.compile(r"^(?:[\s._\-–—/]*|TT\.MM\.JJJJ|tt\.mm\.jjjj)$")

_PLACEHOLDER: Final = re.compile(r"^[\s._\-–—/]*$")

_EMPTY_WORDS: Final = frozenset({"keine", "entfällt", "k.a.", "k. a.", "nicht erforderlich"})

_AMOUNT: Final = re.compile(
    r"^(?:(?:€|EUR)\s*)?(?P<int>\d[\d.]*)(?:,(?P<frac>\d{1,2}|-{1,2}|–))?"
    r"\s*(?:€|EUR\b|Euro\b)?(?=$|\s|[,;]\s|\()",
    re.IGNORECASE,
)

_THOUSANDS: Final = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)$")

BEFANGENHEIT: Final = "Befangenheit"

BESCHLUSSVORSCHLAG: Final = "Beschlussvorschlag"

BISHERIGE: Final = "Bisherige Sitzungen"

FINANZIERUNG: Final = "Finanzierung"

SACHVORTRAG: Final = "Sachvortrag"


@dataclass(frozen=True)
class Line:
    no: int
    raw: str
    text: str
    """Ohne Formatierungs-Tags, Leerraum zusammengefasst, getrimmt."""


@dataclass
class Section:
    name: str
    heading: Line
    lines: list[Line] = field(default_factory=list)


def clean_text(raw: str) -> str:
    return " ".join(FORMAT_TAG.sub("", raw).split())


def _split_lines(text: str) -> list[Line]:
    if text.startswith("\ufeff"):
        text = text[1:]
    text = unicodedata.normalize("NFC", text)
    raws = re.split(r"\r\n|\r|\n", text)
    if len(raws) > 1 and raws[-1] == "":
        raws.pop()  # abschließender Zeilenumbruch ist keine eigene Zeile
    return [Line(no, raw, clean_text(raw)) for no, raw in enumerate(raws, start=1)]


def split_paragraphs(lines: Iterable[Line]) -> list[list[Line]]:
    result: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def join_paragraphs(paragraphs: Sequence[Sequence[Line]]) -> str:
    return "\n\n".join("\n".join(line.text for line in para) for para in paragraphs)


def visibility_label(piece: str) -> bool | None:
    """``False`` für "öffentlich", ``True`` für "nicht öffentlich", sonst ``None``."""
    label = " ".join(clean_text(piece).casefold().replace("-", " ").split())
    label = label.replace("nichtöffentlich", "nicht öffentlich")
    return {"öffentlich": False, "nicht öffentlich": True}.get(label)


def is_placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value)) or value.casefold().rstrip(".") in _EMPTY_WORDS


class Reader:
    """The lines of one Vorlage and what the section readers share."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = _split_lines(text)
        self.issues: list[Inconsistency] = []

    # -- Hilfen ------------------------------------------------------------------------------

    def _error(self, line: int, reason: str) -> VorlageFormatError:
        return VorlageFormatError(self.source, line, reason)

    def _issue(self, line: int, message: str) -> None:
        self.issues.append(Inconsistency(line=line, message=message))

    def _date(self, value: str, line: int, what: str) -> date | None:
        """Deutsches Datum oder ``None`` für Platzhalter; sonst Formfehler."""
        token = value.strip().strip(",;:").strip()
        if _DATE_PLACEHOLDER.match(token):
            return None
        day = month = year = 0
        numeric = _NUMERIC_DATE.match(token)
        worded = _WORD_DATE.match(token)
        if numeric:
            day, month, year = int(numeric["d"]), int(numeric["m"]), int(numeric["y"])
        elif worded and worded["m"].casefold() in _MONTHS:
            day, month, year = int(worded["d"]), _MONTHS[worded["m"].casefold()], int(worded["y"])
        else:
            raise self._error(line, f'{what} "{token}" ist kein Datum im Format TT.MM.JJJJ.')
        try:
            return date(year, month, day)
        except ValueError:
            raise self._error(line, f'{what} "{token}" ist kein gültiges Kalenderdatum.') from None

    def _amount(self, value: str, line: int, what: str) -> tuple[Decimal | None, str]:
        """Betrag am Anfang von ``value`` (deutsches Zahlformat) und der Resttext."""
        value = value.strip()
        if is_placeholder(value):
            return None, ""
        match = _AMOUNT.match(value)
        if not match or not _THOUSANDS.match(match["int"]):
            raise self._error(
                line, f'{what}: "{value}" ist kein Betrag im Format 12.345,67 € (oder leer/____).'
            )
        frac = match["frac"] or "00"
        if not is_digits(frac):
            frac = "00"
        amount = Decimal(f"{match['int'].replace('.', '')}.{frac}").quantize(Decimal("0.01"))
        rest = value[match.end() :].strip().lstrip(",;:–-").strip()
        return amount, rest

    @staticmethod
    def _heading(line: Line) -> tuple[str, str] | None:
        match = _HEADING.match(line.text)
        if not match:
            return None
        canonical = {
            "befangenheit": BEFANGENHEIT,
            "beschlussvorschlag": BESCHLUSSVORSCHLAG,
            "bisherige sitzungen": BISHERIGE,
            "finanzierung": FINANZIERUNG,
            "sachvortrag": SACHVORTRAG,
        }[" ".join(match["name"].split()).casefold()]
        return canonical, (match["rest"] or "").strip()

    def _no_boxes_here(self, line: Line, where: str) -> None:
        if INPUT_TAG.search(line.raw):
            raise self._error(line.no, f"Kästchen-Markup außerhalb der Beratungsmatrix ({where}).")
