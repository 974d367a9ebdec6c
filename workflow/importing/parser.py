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

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from workflow.law.budget_coverage import BudgetCoverage, format_euro, parse_budget_coverage

__all__ = [
    "Inconsistency",
    "ParsedFinancing",
    "ParsedSession",
    "ParsedStep",
    "ParsedVorlage",
    "VorlageFormatError",
    "parse_vorlage",
]


# --------------------------------------------------------------------------------------------
# Öffentliche Ergebnistypen
# --------------------------------------------------------------------------------------------


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


def parse_vorlage(text: str, *, source: str = "<eingabe>") -> ParsedVorlage:
    """Liest eine Vorlage im Klartextformat; wirft :class:`VorlageFormatError` bei Formfehlern."""
    return _Parser(text, source).parse()


# --------------------------------------------------------------------------------------------
# Muster
# --------------------------------------------------------------------------------------------

_FORMAT_TAG: Final = re.compile(r"<\s*/?\s*(?:u|b|i|em|strong)\s*/?\s*>", re.IGNORECASE)
_ANY_TAG: Final = re.compile(
    r"<\s*(?P<close>/)?\s*(?P<name>[A-Za-z][A-Za-z0-9]*)(?P<attrs>[^<>]*)>"
)
_INPUT_TAG: Final = re.compile(r"<\s*input\b", re.IGNORECASE)
_ATTR: Final = re.compile(
    r"""(?P<name>[A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`/]+))?"""
)
_FOREIGN_BOXES: Final = re.compile(r"[☐☑☒✓✔✗✘]|\[\s*[xX✓]?\s*\]|\(\s*[xX]?\s*\)")

_VORLAGE: Final = re.compile(r"^Vorlage\b", re.IGNORECASE)
_VORLAGE_NR: Final = re.compile(
    r"^Vorlage\s+Nr\.?\s*:?\s*(?P<number>\d+)\s*/\s*(?P<year>\d{4})$", re.IGNORECASE
)
_AZ: Final = re.compile(r"^(?:Aktenzeichen|AZ|Az)\.?\s*:?(?:\s+(?P<value>.*))?$")
_AMT: Final = re.compile(r"^Amt\s*:?(?:\s+(?P<value>.*))?$")
_DATUM: Final = re.compile(r"^Datum\b\s*:?\s*(?P<value>.*)$")
_AUTHOR_PREFIX: Final = re.compile(
    r"^(?:Verfasser(?:in)?|Sachbearbeiter(?:in)?|Bearbeiter(?:in)?)\s*:\s*", re.IGNORECASE
)
_AUTHOR_NO_COMMA: Final = re.compile(r"^(?P<name>.*?[^\d\s+])\s+(?P<phone>\+?\d[\d\s/()\-–]*\d)$")
_MATRIX_HEADER: Final = re.compile(r"^Beratung\s*[:/|]?\s*Beschluss$", re.IGNORECASE)
_HEADING: Final = re.compile(
    r"^(?P<name>Befangenheit|Beschlussvorschlag|Bisherige\s+Sitzungen|Finanzierung|Sachvortrag)"
    r"\s*(?:(?P<colon>:)\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_SESSIONS_HEADER: Final = re.compile(r"^Datum\s*[:/|]?\s*Gremium$", re.IGNORECASE)
_SESSION_ROW: Final = re.compile(r"^(?P<date>\S+)\s*[:|–-]?\s+(?P<body>.+)$")

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
_STEP_CELL: Final = re.compile(r"^(?P<body>.*)\bam\b(?P<date>.*)$")
_TRAILING_DATE: Final = re.compile(r"^(?P<body>.*?)\s+(?P<date>\d{1,2}\.\s*\d{1,2}\.\s*\d{4})$")

_FIN_BUDGET: Final = re.compile(
    r"^(?P<label>Durch\b.*?\babgedeckt)\s*:(?P<value>.*)$", re.IGNORECASE
)
_FIN_REMAINING: Final = re.compile(
    r"^Restliche\s+Verf(?:ü|ue)gungssumme\b[^:]*:(?P<value>.*)$", re.IGNORECASE
)
_FIN_UNPLANNED: Final = re.compile(
    r"^(?:Au(?:ß|ss)er\s*-?\s*/\s*(?:Ü|Ue)ber|(?:Ü|Ue)ber\s*-?\s*/\s*Au(?:ß|ss)er)"
    r"planm(?:ä|ae)(?:ß|ss)ig\s*:(?P<value>.*)$",
    re.IGNORECASE,
)
_PLACEHOLDER: Final = re.compile(r"^[\s._\-–—/]*$")
_EMPTY_WORDS: Final = frozenset({"keine", "entfällt", "k.a.", "k. a.", "nicht erforderlich"})
_NO_BIAS: Final = frozenset(
    {"keine", "keine befangenheit", "keine bekannt", "entfällt", "nein", "-", "–", "—", "./."}
)
_AMOUNT: Final = re.compile(
    r"^(?:(?:€|EUR)\s*)?(?P<int>\d[\d.]*)(?:,(?P<frac>\d{1,2}|-{1,2}|–))?"
    r"\s*(?:€|EUR\b|Euro\b)?(?=$|\s|[,;]\s|\()",
    re.IGNORECASE,
)
_THOUSANDS: Final = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)$")

_BEFANGENHEIT: Final = "Befangenheit"
_BESCHLUSSVORSCHLAG: Final = "Beschlussvorschlag"
_BISHERIGE: Final = "Bisherige Sitzungen"
_FINANZIERUNG: Final = "Finanzierung"
_SACHVORTRAG: Final = "Sachvortrag"
_MAX_DIFF_CHUNKS: Final = 3


# --------------------------------------------------------------------------------------------
# Hilfsstrukturen
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    no: int
    raw: str
    text: str
    """Ohne Formatierungs-Tags, Leerraum zusammengefasst, getrimmt."""


@dataclass
class _Section:
    name: str
    heading: _Line
    lines: list[_Line] = field(default_factory=list)


@dataclass(frozen=True)
class _Head:
    file_reference: str | None
    department: str | None
    author_name: str | None
    author_phone: str | None
    datum_line: _Line
    proposal_date: date


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
    line: _Line
    body: str
    advise_checked: bool
    decide_checked: bool
    advise_date: date | None
    decide_date: date | None


def _clean(raw: str) -> str:
    return " ".join(_FORMAT_TAG.sub("", raw).split())


def _split_lines(text: str) -> list[_Line]:
    if text.startswith("\ufeff"):
        text = text[1:]
    text = unicodedata.normalize("NFC", text)
    raws = re.split(r"\r\n|\r|\n", text)
    if len(raws) > 1 and raws[-1] == "":
        raws.pop()  # abschließender Zeilenumbruch ist keine eigene Zeile
    return [_Line(no, raw, _clean(raw)) for no, raw in enumerate(raws, start=1)]


def _fmt_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


_fmt_eur = format_euro


def _paragraphs(lines: Iterable[_Line]) -> list[list[_Line]]:
    result: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def _join_paragraphs(paragraphs: Sequence[Sequence[_Line]]) -> str:
    return "\n\n".join("\n".join(line.text for line in para) for para in paragraphs)


def _visibility_label(piece: str) -> bool | None:
    """``False`` für "öffentlich", ``True`` für "nicht öffentlich", sonst ``None``."""
    label = " ".join(_clean(piece).casefold().replace("-", " ").split())
    label = label.replace("nichtöffentlich", "nicht öffentlich")
    return {"öffentlich": False, "nicht öffentlich": True}.get(label)


def _is_placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value)) or value.casefold().rstrip(".") in _EMPTY_WORDS


def _shorten(words: Sequence[str], limit: int = 8) -> str:
    if len(words) > limit:
        return " ".join([*words[:4], "…", *words[-3:]])
    return " ".join(words)


def _diff_hint(a: str, b: str) -> tuple[str, str, int]:
    """Wortweiser Unterschied: Ausschnitte beider Texte und Zahl der nicht gezeigten Stellen."""
    wa, wb = a.split(), b.split()
    matcher = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    chunks = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    parts_a: list[str] = []
    parts_b: list[str] = []
    for _tag, i1, i2, j1, j2 in chunks[:_MAX_DIFF_CHUNKS]:
        if i1 == i2 or j1 == j2:
            # Einfügung/Löschung: je ein Wort Kontext, damit keine Seite leer bleibt.
            i1, i2 = max(i1 - 1, 0), min(i2 + 1, len(wa))
            j1, j2 = max(j1 - 1, 0), min(j2 + 1, len(wb))
        parts_a.append(_shorten(wa[i1:i2]))
        parts_b.append(_shorten(wb[j1:j2]))
    return (
        "…" + "…".join(parts_a) + "…",
        "…" + "…".join(parts_b) + "…",
        max(len(chunks) - _MAX_DIFF_CHUNKS, 0),
    )


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


class _Parser:
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
        if _is_placeholder(value):
            return None, ""
        match = _AMOUNT.match(value)
        if not match or not _THOUSANDS.match(match["int"]):
            raise self._error(
                line, f'{what}: "{value}" ist kein Betrag im Format 12.345,67 € (oder leer/____).'
            )
        frac = match["frac"] or "00"
        if not frac.isdigit():
            frac = "00"
        amount = Decimal(f"{match['int'].replace('.', '')}.{frac}").quantize(Decimal("0.01"))
        rest = value[match.end() :].strip().lstrip(",;:–-").strip()
        return amount, rest

    @staticmethod
    def _heading(line: _Line) -> tuple[str, str] | None:
        match = _HEADING.match(line.text)
        if not match:
            return None
        canonical = {
            "befangenheit": _BEFANGENHEIT,
            "beschlussvorschlag": _BESCHLUSSVORSCHLAG,
            "bisherige sitzungen": _BISHERIGE,
            "finanzierung": _FINANZIERUNG,
            "sachvortrag": _SACHVORTRAG,
        }[" ".join(match["name"].split()).casefold()]
        return canonical, (match["rest"] or "").strip()

    def _no_boxes_here(self, line: _Line, where: str) -> None:
        if _INPUT_TAG.search(line.raw):
            raise self._error(line.no, f"Kästchen-Markup außerhalb der Beratungsmatrix ({where}).")

    # -- Gesamtablauf ------------------------------------------------------------------------

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
                f"{_fmt_date(proposal_date)} (Zeile {datum_line.no}) ab.",
            )

        pos, title, matrix_header = self._title(pos, datum_line)
        pos, rows, advise_public, decide_public = self._matrix(pos, matrix_header)
        steps = self._steps(rows, matrix_header, proposal_date, advise_public, decide_public)

        sections, initial, closing = self._sections(pos, matrix_header)
        resolution_text, initial_text = self._resolutions(initial, closing)
        bias_notes = self._bias(sections.get(_BEFANGENHEIT))
        previous = self._previous_sessions(sections.get(_BISHERIGE), proposal_date)
        financing = self._financing(sections.get(_FINANZIERUNG))
        facts = self._facts(sections[_SACHVORTRAG])

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

    # -- Kopf --------------------------------------------------------------------------------

    def _vorlage_number(self, line: _Line) -> tuple[int, int]:
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
        author: _Line | None = None
        seen: dict[str, _Line] = {}
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
                file_reference = None if _is_placeholder(value) else value
            elif amt:
                value = (amt["value"] or "").strip()
                department = None if _is_placeholder(value) else value
            else:
                author = line
        raise self._error(
            len(self.lines), 'Die Angabe "Datum TT.MM.JJJJ" fehlt im Kopf der Vorlage.'
        )

    @staticmethod
    def _author(line: _Line | None) -> tuple[str | None, str | None]:
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

    def _title(self, pos: int, datum_line: _Line) -> tuple[int, str, _Line]:
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
            if heading or _INPUT_TAG.search(line.raw):
                where = f'dem Abschnitt "{heading[0]}"' if heading else "den ersten Kästchen"
                raise self._error(
                    line.no,
                    f'Die Kopfzeile der Beratungsmatrix ("Beratung" / "Beschluss") fehlt vor '
                    f"{where}.",
                )
            parts.append(line.text)
        raise self._error(len(self.lines), 'Die Beratungsmatrix ("Beratung" / "Beschluss") fehlt.')

    # -- Matrix ------------------------------------------------------------------------------

    def _matrix(self, pos: int, header: _Line) -> tuple[int, list[_Row], bool, bool]:
        rows: list[_Row] = []
        visibility: tuple[_Line, bool, bool] | None = None
        index = pos
        while index < len(self.lines):
            line = self.lines[index]
            if line.text and self._heading(line):
                break
            index += 1
            if not line.text:
                continue
            boxes, pieces = self._boxes(line)
            if _visibility_label(pieces[1]) is not None:
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

    def _boxes(self, line: _Line) -> tuple[list[_Box], list[str]]:
        """Kästchen einer Matrixzeile und die Texte danach (``pieces[0]`` steht davor)."""
        foreign = _FOREIGN_BOXES.search(_FORMAT_TAG.sub("", line.raw))
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
        if _INPUT_TAG.search(_ANY_TAG.sub("", line.raw)):
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

    def _checked(self, line: _Line, tag: re.Match[str]) -> bool:
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

    def _visibility(self, line: _Line, boxes: list[_Box], pieces: list[str]) -> tuple[bool, bool]:
        if _clean(pieces[0]):
            raise self._error(line.no, f'Text vor dem ersten Kästchen: "{_clean(pieces[0])}".')
        labels: list[tuple[bool, bool]] = []  # (ist "nicht öffentlich", angekreuzt)
        for box, piece in zip(boxes, pieces[1:], strict=True):
            closed = _visibility_label(piece)
            if closed is None:
                raise self._error(
                    line.no,
                    f'Unbekannte Beschriftung "{_clean(piece)}" in der Zeile öffentlich / '
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

    def _row(self, line: _Line, boxes: list[_Box], pieces: list[str]) -> _Row:
        before = pieces[0]
        if _clean(before):
            raise self._error(line.no, f'Text vor dem ersten Kästchen: "{_clean(before)}".')
        if len(boxes) == 2:
            left: _Cell | None = _Cell(boxes[0].checked, _clean(pieces[1]))
            right: _Cell | None = _Cell(boxes[1].checked, _clean(pieces[2]))
        elif len(boxes) == 1 and "\t" in before:
            left, right = None, _Cell(boxes[0].checked, _clean(pieces[1]))
        elif len(boxes) == 1 and "\t" in pieces[1] and not _clean(pieces[1].split("\t")[-1]):
            left, right = _Cell(boxes[0].checked, _clean(pieces[1])), None
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

    def _cell(self, line: _Line, cell: _Cell | None, column: str) -> tuple[str, date | None]:
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
        header: _Line,
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
                        f'Beim Gremium "{row.body}" ist ein Sitzungsdatum ({_fmt_date(when)}) '
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
                        f'"Beschluss" verschiedene Daten ({_fmt_date(row.advise_date)} / '
                        f"{_fmt_date(row.decide_date)}); übernommen wird das Beschlussdatum.",
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
                    f'Die Sitzung im Gremium "{row.body}" am {_fmt_date(planned)} liegt vor dem '
                    f"Datum der Vorlage ({_fmt_date(proposal_date)}).",
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
                        f"{_fmt_date(step.planned_date)} liegt nach der Beschlussfassung am "
                        f"{_fmt_date(first_decision)}.",
                    )

        ordered = sorted(
            (step for step, _row in steps),
            key=lambda step: (step.planned_date is None, step.planned_date or date.min),
        )
        return tuple(ordered)

    # -- Abschnitte --------------------------------------------------------------------------

    def _sections(
        self, pos: int, matrix_header: _Line
    ) -> tuple[dict[str, _Section], _Section | None, _Section | None]:
        sections: dict[str, _Section] = {}
        initial: _Section | None = None
        closing: _Section | None = None
        current: _Section | None = None
        for line in self.lines[pos:]:
            heading = self._heading(line) if line.text else None
            in_free_text = _SACHVORTRAG in sections
            if heading and closing is not None:
                raise self._error(
                    line.no,
                    f'Abschnitt "{heading[0]}" nach dem abschließenden Beschlussvorschlag '
                    f"(Zeile {closing.heading.no}).",
                )
            if heading and (not in_free_text or heading[0] == _BESCHLUSSVORSCHLAG):
                name, rest = heading
                if name == _BESCHLUSSVORSCHLAG:
                    previous = None if in_free_text else initial
                else:
                    previous = sections.get(name)
                if previous is not None and name == _BESCHLUSSVORSCHLAG:
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
                current = _Section(name, line)
                if name == _BESCHLUSSVORSCHLAG and in_free_text:
                    closing = current
                elif name == _BESCHLUSSVORSCHLAG:
                    initial = current
                else:
                    sections[name] = current
                if rest:
                    current.lines.append(_Line(line.no, rest, rest))
                continue
            if current is None:  # pragma: no cover - die Matrix endet nur an einer Überschrift
                raise self._error(line.no, f'Unerwarteter Text: "{line.text}".')
            self._no_boxes_here(line, f'Abschnitt "{current.name}"')
            current.lines.append(line)

        end = len(self.lines)
        if initial is None and closing is None:
            raise self._error(end, 'Der Abschnitt "Beschlussvorschlag" fehlt.')
        if _SACHVORTRAG not in sections:
            raise self._error(end, 'Der Abschnitt "Sachvortrag" fehlt.')
        if _BEFANGENHEIT not in sections:
            first = min(
                (s.heading.no for s in (*sections.values(), initial, closing) if s is not None),
                default=matrix_header.no,
            )
            self._issue(
                first,
                'Der Abschnitt "Befangenheit" fehlt; angenommen: keine Befangenheit.',
            )
        return sections, initial, closing

    def _section_text(self, section: _Section) -> tuple[str, int | None]:
        paragraphs = _paragraphs(section.lines)
        first = paragraphs[0][0].no if paragraphs else None
        return _join_paragraphs(paragraphs), first

    def _resolutions(
        self, initial: _Section | None, closing: _Section | None
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
                snippet_a, snippet_b, more = _diff_hint(first_text, last_text)
                extra = f" (und {more} weitere Abweichung(en))" if more else ""
                self._issue(
                    first_line,
                    f'Die beiden Beschlussvorschläge weichen voneinander ab: "{snippet_a}" '
                    f'(Zeile {first_line}) gegenüber "{snippet_b}" (Zeile {last_line}){extra}; '
                    "übernommen wird der abschließende.",
                )
            return last_text, first_text
        text = texts[0][0]
        return text, text if initial is not None else None

    def _bias(self, section: _Section | None) -> str | None:
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
        self, section: _Section | None, proposal_date: date
    ) -> tuple[ParsedSession, ...]:
        if section is None:
            return ()
        sessions: list[ParsedSession] = []
        rows = [line for line in section.lines if line.text]
        for line in rows:
            if _SESSIONS_HEADER.match(line.text):
                continue
            if _is_placeholder(line.text) and len(rows) <= 2:
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
                    f'Die bisherige Sitzung im Gremium "{body}" am {_fmt_date(when)} liegt nach '
                    f"dem Datum der Vorlage ({_fmt_date(proposal_date)}).",
                )
            sessions.append(ParsedSession(session_date=when, body_name=body))
        return tuple(sessions)

    def _financing(self, section: _Section | None) -> ParsedFinancing:
        coverage = BudgetCoverage(budget_line=None, covered=None, amount=None)
        remaining: Decimal | None = None
        unplanned: Decimal | None = None
        coverage_parts: list[str] = []
        seen: dict[str, int] = {}
        unplanned_line: int | None = None
        for line in section.lines if section else []:
            if not line.text:
                continue
            budget = _FIN_BUDGET.match(line.text)
            rest = _FIN_REMAINING.match(line.text)
            extra = _FIN_UNPLANNED.match(line.text)
            kind = "budget" if budget else "remaining" if rest else "unplanned" if extra else ""
            if kind and kind in seen:
                raise self._error(
                    line.no,
                    f'Doppelte Angabe im Abschnitt "Finanzierung" (zuerst in Zeile {seen[kind]}).',
                )
            if kind:
                seen[kind] = line.no
            if budget:
                coverage = parse_budget_coverage(budget["label"], budget["value"])
                if coverage.unrecognised:
                    self._issue(
                        line.no,
                        "Haushaltsstelle oder gedeckter Betrag nicht vollständig erkannt: "
                        f'"{coverage.unrecognised}".',
                    )
            elif rest:
                remaining, tail = self._amount(rest["value"], line.no, "Restliche Verfügungssumme")
                if tail:
                    raise self._error(
                        line.no, f'Unerwarteter Text nach der Verfügungssumme: "{tail}".'
                    )
            elif extra:
                unplanned, tail = self._amount(
                    extra["value"], line.no, "Außer-/überplanmäßiger Betrag"
                )
                unplanned_line = line.no
                if tail:
                    coverage_parts.append(tail)
            elif unplanned_line is not None:
                coverage_parts.append(line.text)
            elif not (_is_placeholder(line.text) and not seen):
                raise self._error(
                    line.no, f'Unbekannte Zeile im Abschnitt "Finanzierung": "{line.text}".'
                )
        unplanned_coverage = " ".join(coverage_parts) or None
        if unplanned is not None and unplanned_coverage is None:
            assert unplanned_line is not None
            self._issue(
                unplanned_line,
                f"Für den außer-/überplanmäßigen Betrag von {_fmt_eur(unplanned)} ist keine "
                "Deckung angegeben (§ 84 GemO).",
            )
        if unplanned is None and unplanned_coverage is not None:
            assert unplanned_line is not None
            self._issue(
                unplanned_line,
                "Eine Deckung für außer-/überplanmäßige Ausgaben ist angegeben, aber kein Betrag.",
            )
        return ParsedFinancing(
            budget_line=coverage.budget_line,
            covered_by_budget=coverage.covered,
            covered_amount=coverage.amount,
            remaining_amount=remaining,
            unplanned_amount=unplanned,
            unplanned_coverage=unplanned_coverage,
        )

    def _facts(self, section: _Section) -> str:
        text, _first = self._section_text(section)
        if not text:
            self._issue(section.heading.no, "Der Sachvortrag ist leer.")
        return text
