"""File answers shared by the API and the pages: one set of headers for documents,
the Sitzungsmappe and attachments (private, never cached, safe file names)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from workflow.documents import service
from workflow.documents.model import MEDIA_TYPES, Document
from workflow.models import Attachment

PRIVATE = "private, no-store"


def content_disposition(disposition: str, name: str) -> str:
    """RFC 6266/5987: an ASCII fallback and the UTF-8 name (headers are Latin-1 only)."""
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def document_response(document: Document, fmt: str) -> Response:
    """HTML and PDF open in the browser, DOCX is saved."""
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    return Response(
        content=service.render(document, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": content_disposition(disposition, f"{document.filename}.{fmt}"),
            "Cache-Control": PRIVATE,
        },
    )


def pdf_response(name: str, pdf: bytes) -> Response:
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition("inline", name),
            "Cache-Control": PRIVATE,
        },
    )


def attachment_response(row: Attachment, data: bytes) -> Response:
    """Always a download with its stored type and ``nosniff``: an uploaded file is never
    rendered as a page of Ratsflow."""
    return Response(
        content=data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": content_disposition("attachment", row.name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": PRIVATE,
            "ETag": f'"{row.sha256}"',
        },
    )
