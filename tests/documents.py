"""Reading rendered documents back: the text of a PDF (pypdf), a DOCX (python-docx), HTML."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

from docx import Document as open_docx
from docx.table import Table as DocxTable
from pypdf import PageObject, PdfReader

from workflow.demo.data import SEED_PATH

REPO = Path(__file__).resolve().parent.parent
# The seed Vorlage as the package ships it.
SEED_COPY = SEED_PATH


def flat(text: str) -> str:
    """Whitespace as single spaces: line breaks fall differently in every format."""
    return re.sub(r"\s+", " ", text).strip()


FOOTER = re.compile(r"(?:Sitzungsmappe, )?Seite \d+ von \d+")


def _page_text(page: PageObject) -> str:
    """The page's words without its footer; a word broken after its own hyphen at the end of
    a line ("baden-⏎württembergisch") is joined again."""
    text = FOOTER.sub(" ", page.extract_text() or "")
    return re.sub(r"(\w)-\n(?=\w)", r"\1-", text)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return flat(" ".join(_page_text(page) for page in reader.pages))


def pdf_pages(data: bytes) -> list[str]:
    return [flat(_page_text(p)) for p in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    """Header first, then paragraphs and table cells in document order."""
    document = open_docx(io.BytesIO(data))
    parts = [p.text for p in document.sections[0].header.paragraphs]
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return flat(" ".join(parts))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip = tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self.skip = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return flat(" ".join(parser.parts))


def text_of(data: bytes, fmt: str) -> str:
    return {"pdf": pdf_text, "docx": docx_text, "html": html_text}[fmt](data)
