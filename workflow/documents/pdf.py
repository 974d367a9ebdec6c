"""PDF through WeasyPrint from the HTML, and the Sitzungsmappe as one PDF."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError

from workflow.documents.german import file_size
from workflow.documents.html import (
    render_html,
    render_mappe_footers_html,
    render_mappe_toc_html,
)
from workflow.documents.model import Document, document_label
from workflow.documents.office import KIND_NAMES, to_pdf

logger = logging.getLogger(__name__)


def _data_only() -> Any:
    """Rendering reads nothing from outside: only ``data:`` URIs (coat of arms, images). A
    WeasyPrint ``URLFetcher`` (its API from version 70 on; the function
    ``default_url_fetcher`` before it is gone) limited to that scheme; what it refuses,
    WeasyPrint leaves out of the document and logs. One per rendering: the fetcher keeps
    the request it is serving, and documents render in several threads at once."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: pango loads only when a PDF is made

    # Tagged (headings, paragraphs, tables as structure): screen readers read the published
    # documents of a public body in order (BITV 2.0 / EN 301 549 ask for tagged PDF).
    pdf: bytes = HTML(string=html, url_fetcher=_data_only()).write_pdf(pdf_tags=True)
    return pdf


def render_pdf(document: Document) -> bytes:
    return html_to_pdf(render_html(document))


@dataclass(frozen=True)
class Appendix:
    """A file appended to the Sitzungsmappe (an Anlage)."""

    name: str
    content_type: str
    data: bytes
    top: str | None = None  # the TOP number of the Vorlage it belongs to ("1", "NÖ 2")


def _entry(label: str, top: str | None) -> str:
    """A line of the Mappe's contents: ``TOP 1: Vorlage Nr. 8/2024``, ``TOP NÖ 1, Anlage:
    Lageplan.pdf``; the numbers as on the agenda (``agenda_numbers``)."""
    if top is None:
        return label
    return f"TOP {top}, {label}" if label.startswith("Anlage: ") else f"TOP {top}: {label}"


def _stamp(page: PageObject, footer: PageObject) -> None:
    """The footer laid over the page at its lower right corner, also on an attachment of
    another size or turned (its turn moved into its content first); the merged content
    compressed again (pypdf writes it uncompressed: 660 of the 840 KiB of a 63-page
    Mappe)."""
    if page.rotation:
        page.transfer_rotation_to_content()
    box = page.cropbox
    dx = float(box.right) - float(footer.mediabox.right)
    dy = float(box.bottom) - float(footer.mediabox.bottom)
    if dx or dy:
        page.merge_transformed_page(footer, Transformation().translate(dx, dy))
    else:
        page.merge_page(footer)
    page.compress_content_streams()


def _not_included(appendix: Appendix) -> bytes:
    """A page in place of a file that could not be made a PDF (no LibreOffice on this
    machine): the reader learns it exists and where to find it."""
    kind = KIND_NAMES.get(appendix.content_type, f"Datei ({appendix.content_type})")
    name = escape(appendix.name)
    return html_to_pdf(
        '<html lang="de"><body style="font-family:sans-serif;margin:3cm 2cm">'
        f"<h2>Anlage: {name}</h2>"
        f"<p>Die Anlage „{name}“ ({file_size(len(appendix.data))}) liegt als {kind} bei "
        "und ist nicht in die Mappe aufgenommen.</p>"
        "<p>Sie finden sie bei den Anlagen der Vorlage oder der Sitzung in Ratsflow und in "
        "der Einladung.</p></body></html>"
    )


def _as_pdf(appendix: Appendix) -> bytes | None:
    """PDFs as they are, images on a page of their own, DOCX and XLSX converted by
    LibreOffice where it is installed, else a page saying the file is not included."""
    if appendix.content_type == "application/pdf":
        return appendix.data
    if appendix.content_type.startswith("image/"):
        uri = f"data:{appendix.content_type};base64,{base64.b64encode(appendix.data).decode()}"
        return html_to_pdf(
            '<html><body style="margin:0"><img style="max-width:100%;max-height:25cm" '
            f'src="{uri}"></body></html>'
        )
    converted = to_pdf(appendix.data, appendix.content_type)
    return converted if converted is not None else _not_included(appendix)


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
    tops: Sequence[str | None] = (),
) -> bytes:
    """Title and contents, invitation, every Vorlage, then the attachments.

    Each document is laid out once, on its own pages; the contents' length does not depend
    on its page numbers: laid out once with placeholders, it tells where the first document
    starts; then once more with the real numbers. The footers ("Sitzungsmappe, Seite 5 von
    64") need the total, known only when all is laid out: they are laid out apart, on blank
    pages, and stamped onto every page, the attachments' included (they count in the total).
    ``tops``: each document's TOP number (None for the invitation), for its contents line.
    """
    from weasyprint import HTML

    readers = [
        (_entry(f"Anlage: {a.name}", a.top), _pages(pdf) if (pdf := _as_pdf(a)) else None)
        for a in appendices
    ]
    numbers = [*tops, *([None] * (len(documents) - len(tops)))]
    labels = [_entry(document_label(d), n) for d, n in zip(documents, numbers, strict=True)]
    placeholder: list[tuple[str, int | None]] = [(label, 999) for label in labels]
    placeholder += [(n, 999 if r is not None else None) for n, r in readers]
    toc_length = len(
        HTML(
            string=render_mappe_toc_html(
                title=title, municipality=municipality, entries=placeholder
            ),
            url_fetcher=_data_only(),
        )
        .render()
        .pages
    )
    laid_out = [
        HTML(string=render_html(document, in_mappe=True), url_fetcher=_data_only()).render()
        for document in documents
    ]
    entries: list[tuple[str, int | None]] = []
    page = toc_length + 1
    for label, rendered in zip(labels, laid_out, strict=True):
        entries.append((label, page))
        page += len(rendered.pages)
    for name, reader in readers:
        entries.append((name, page if reader is not None else None))
        page += len(reader.pages) if reader is not None else 0
    html = render_mappe_toc_html(title=title, municipality=municipality, entries=entries)
    toc = HTML(string=html, url_fetcher=_data_only()).render()
    pages = [*toc.pages, *(page for rendered in laid_out for page in rendered.pages)]
    main: bytes = toc.copy(pages).write_pdf(pdf_tags=True)
    writer = PdfWriter()
    writer.append(io.BytesIO(main))
    writer.add_metadata({"/Title": title, "/Author": municipality})
    for name, reader in readers:
        if reader is not None:
            writer.append(reader, outline_item=name)
    total = len(writer.pages)
    footers = PdfReader(
        io.BytesIO(html_to_pdf(render_mappe_footers_html(pages=total, total=total)))
    )
    for own, footer in zip(writer.pages, footers.pages, strict=True):
        _stamp(own, footer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
