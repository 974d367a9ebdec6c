"""DOCX through python-docx, from the same document model as the HTML."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from workflow.documents.model import (
    Document,
    Fields,
    Heading,
    Paragraph,
    Signatures,
    Table,
    document_label,
)

RED = RGBColor(0xAA, 0x00, 0x00)


def render_docx(document: Document) -> bytes:
    out = new_docx()
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
