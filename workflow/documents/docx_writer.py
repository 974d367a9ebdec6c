"""DOCX through python-docx, from the same document model as the HTML."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph

from workflow.documents.html import page_margins
from workflow.documents.model import (
    Document,
    Fields,
    Heading,
    Paragraph,
    Signatures,
    Table,
    document_label,
    footer_label,
)

RED = RGBColor(0xAA, 0x00, 0x00)
A4 = (Twips(11906), Twips(16838))  # 210 × 297 mm; python-docx's template is US Letter


def _page(out: DocxDocument) -> None:
    """The PDF's page: A4 (print.css ``size: A4``) with its ``@page`` margins."""
    section = out.sections[0]
    section.page_width, section.page_height = A4
    top, right, bottom, left = page_margins()
    section.top_margin, section.right_margin = Cm(top), Cm(right)
    section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)


def _field_char(paragraph: DocxParagraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _field(paragraph: DocxParagraph, code: str, shown: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) Word fills in as it lays out the pages,
    ``shown`` until it does: begin, instruction, separate, result, end."""
    _field_char(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run(shown)
    _field_char(paragraph, "end")


def _footer(out: DocxDocument, document: Document) -> None:
    """As on the PDF's pages: the document and the municipality on the left, "Seite 2 von
    5" on the right (Word's PAGE and NUMPAGES fields)."""
    section = out.sections[0]
    paragraph = section.footer.paragraphs[0]
    paragraph.style = out.styles["Normal"]  # without the tab stops of the "Footer" style
    # the text's width, page and margins as the PDF's (_page)
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Length(width), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(f"{footer_label(document)}\tSeite ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" von ")
    _field(paragraph, "NUMPAGES", "1")
    for run in paragraph.runs:
        run.font.size = Pt(8)


def render_docx(document: Document) -> bytes:
    out = new_docx()
    _page(out)  # first: tables take their width from it
    # Word shows these as the file's author and title (python-docx's own name otherwise).
    out.core_properties.author = document.municipality
    out.core_properties.title = document_label(document)
    out.core_properties.last_modified_by = "Ratsflow"
    out.core_properties.comments = ""
    normal = out.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    header = out.sections[0].header.paragraphs[0]
    header.text = document.municipality
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _footer(out, document)
    if document.draft:
        run = out.add_paragraph().add_run("ENTWURF")
        run.bold, run.font.color.rgb = True, RED
    if not document.public:
        run = out.add_paragraph().add_run("Nichtöffentlich (§ 35 GemO) – vertraulich zu behandeln")
        run.bold, run.font.color.rgb = True, RED
    out.add_heading(document.title, level=1)
    if document.subtitle:
        out.add_paragraph(document.subtitle)
    for block in document.blocks:
        if isinstance(block, Heading):
            out.add_heading(block.text, level=min(block.level, 9))
        elif isinstance(block, Paragraph):
            paragraph = out.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = block.style == "box"
            run.italic = block.style == "note"
        elif isinstance(block, Fields):
            table = out.add_table(rows=0, cols=2)
            for label, value in block.rows:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
        elif isinstance(block, Table):
            table = out.add_table(rows=1, cols=len(block.header), style="Table Grid")
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
        elif isinstance(block, Signatures):
            table = out.add_table(rows=0, cols=3)
            for entry in block.entries:
                cells = table.add_row().cells
                cells[0].text = entry.signed or "______________________"
                cells[1].text = entry.name
                cells[2].text = entry.function
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
