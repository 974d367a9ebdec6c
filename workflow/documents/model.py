"""The structured document every format is rendered from, so all formats say the same.

A builder (``vorlage``, ``sitzung``, ``auszug``) reads the database once and produces a
``Document``; the HTML template, the DOCX writer and the plain text of e-mails only lay it
out. The Beschlussvorschlag printed twice in a Vorlage is one string printed twice: the
seed's two differing copies ("Ilfeld"/"Ilsfeld") cannot happen here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

KINDS = ("vorlage", "einladung", "beschlussauszug", "niederschrift", "bekanntmachung")
FORMATS = ("html", "pdf", "docx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
CHECKED, UNCHECKED = "☒", "☐"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Literal["", "box", "note"] = ""  # box: a Beschluss(vorschlag); note: a remark


@dataclass(frozen=True)
class Fields:
    """Label–value lines (AZ, Amt, Datum …), laid out as a two-column table."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Signature:
    function: str  # Vorsitz, Schriftführung, Bürgermeisterin …
    name: str
    signed: str | None = None  # "gez. am 29.04.2024"; None: a line to sign on


@dataclass(frozen=True)
class Signatures:
    entries: tuple[Signature, ...]


Block = Heading | Paragraph | Fields | Table | Signatures


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    municipality: str  # as it names itself: "Gemeinde Ilsfeld", "Stadt Neckarsulm"
    blocks: tuple[Block, ...]
    filename: str  # without extension, e.g. "vorlage-8-2024"
    subtitle: str | None = None
    draft: bool = False  # e.g. minutes not yet signed (§ 38 Abs. 2 GemO)
    # False: contains non-public matter (§ 35 Abs. 1 GemO); printed with a notice.
    public: bool = True
    attachments: tuple[str, ...] = field(default_factory=tuple)
    # The municipality's coat of arms as a data: URI (settings "coat_of_arms"); empty slot if
    # none. Only data: URIs, so rendering never fetches anything from the network.
    coat_of_arms: str | None = None


def document_label(document: Document) -> str:
    """``Einladung zur Sitzung des Gemeinderats am …``, ``Vorlage – Nr. 8/2024``: title and
    subtitle as one line (a subtitle that continues the title follows without a dash)."""
    subtitle = document.subtitle
    if not subtitle:
        return document.title
    joint = " " if subtitle[:1].islower() else " – "
    return f"{document.title}{joint}{subtitle}"


def footer_label(document: Document) -> str:
    """The left of every page's footer, in the PDF as in the DOCX: ``Vorlage – Nr. 8/2024 ·
    Gemeinde Ilsfeld``; the right says "Seite 2 von 5"."""
    return f"{document_label(document)} · {document.municipality}"


def plain_text(document: Document) -> str:
    """The document as e-mail text: the same words as the PDF, without layout."""
    lines: list[str] = [document.municipality, "", document.title]
    if document.subtitle:
        lines.append(document.subtitle)
    if document.draft:
        lines.append("ENTWURF")
    if not document.public:
        lines.append("NICHTÖFFENTLICH (§ 35 GemO) – vertraulich zu behandeln")
    for block in document.blocks:
        lines.append("")
        if isinstance(block, Heading):
            lines += [block.text, "-" * len(block.text)]
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Fields):
            lines += [f"{label}: {value}" if value else label for label, value in block.rows]
        elif isinstance(block, Table):
            lines.append(" | ".join(block.header))
            lines += [" | ".join(row) for row in block.rows]
        else:  # as a letter closes: the name, under it the office; or a line to sign on
            for i, entry in enumerate(block.entries):
                signed = f" ({entry.signed})" if entry.signed else ""
                if i:
                    lines.append("")
                if entry.name.strip():
                    lines += [f"{entry.name}{signed}", entry.function]
                else:
                    lines.append(f"{entry.function}: ____________________{signed}")
    return "\n".join(lines).rstrip() + "\n"
