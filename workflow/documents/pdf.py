"""PDF through WeasyPrint from the HTML, and the Sitzungsmappe as one PDF."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from workflow.documents.html import render_html, render_mappe_html
from workflow.documents.model import Document

logger = logging.getLogger(__name__)


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Rendering reads nothing from outside: only ``data:`` URIs (coat of arms, images)."""
    from weasyprint.urls import default_url_fetcher

    if not url.startswith("data:"):
        raise ValueError(f"Externe Ressourcen werden nicht geladen: {url[:60]}")
    result: dict[str, Any] = default_url_fetcher(url)
    return result


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: pango loads only when a PDF is made

    pdf: bytes = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    return pdf


def render_pdf(document: Document) -> bytes:
    return html_to_pdf(render_html(document))


@dataclass(frozen=True)
class Appendix:
    """A file appended to the Sitzungsmappe (an Anlage)."""

    name: str
    content_type: str
    data: bytes


def _as_pdf(appendix: Appendix) -> bytes | None:
    """PDFs as they are, images on a page of their own; other types (DOCX, XLSX) are only
    named in the table of contents."""
    if appendix.content_type == "application/pdf":
        return appendix.data
    if appendix.content_type.startswith("image/"):
        uri = f"data:{appendix.content_type};base64,{base64.b64encode(appendix.data).decode()}"
        return html_to_pdf(
            '<html><body style="margin:0"><img style="max-width:100%;max-height:25cm" '
            f'src="{uri}"></body></html>'
        )
    return None


def _pages(pdf: bytes) -> PdfReader | None:
    try:
        reader = PdfReader(io.BytesIO(pdf))
        len(reader.pages)
    except (PyPdfError, ValueError, OSError) as exc:
        logger.warning("attachment not appended, unreadable PDF: %s", exc)
        return None
    return reader


def render_mappe_pdf(
    *,
    title: str,
    municipality: str,
    documents: Sequence[Document],
    appendices: Sequence[Appendix] = (),
) -> bytes:
    """Invitation, every Vorlage, then the attachments, with a table of contents.

    The attachments' page numbers depend on the length of the rendered part, so that part is
    laid out once with placeholders and, when attachments follow, once more with the numbers.
    """
    from weasyprint import HTML

    readers = [(a.name, _pages(pdf) if (pdf := _as_pdf(a)) else None) for a in appendices]

    def layout(first_page: int) -> Any:
        appended: list[tuple[str, int | None]] = []
        page = first_page
        for name, reader in readers:
            appended.append((name, page if reader is not None else None))
            page += len(reader.pages) if reader is not None else 0
        html = render_mappe_html(
            title=title, municipality=municipality, documents=documents, appended=appended
        )
        return HTML(string=html, url_fetcher=_fetch_nothing).render()

    rendered = layout(first_page=0)
    if any(reader is not None for _, reader in readers):
        rendered = layout(first_page=len(rendered.pages) + 1)
    main: bytes = rendered.write_pdf()
    writer = PdfWriter()
    writer.append(io.BytesIO(main))
    for name, reader in readers:
        if reader is not None:
            writer.append(reader, outline_item=f"Anlage: {name}")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
