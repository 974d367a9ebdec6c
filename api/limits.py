"""Bounded request bodies: 413 before an oversized body is read in full.

A declared ``Content-Length`` above the limit is refused before the application sees the
request; a body without one (chunked) is counted while it is read and refused as soon as it
passes the limit. Uploads (``multipart/form-data``) have their own, larger limit: the file's
own size plus room for what the form sends around it (boundaries, part headers, the CSRF
token and the other fields), so a file of exactly the allowed size gets through; the file's
bytes are counted against the limit where they are read (``workflow.services.attachments``).
An upload refused here is answered in the words of that refusal (the file's limit in MB), as
problem+json to the API and, to a browser, on the form's page (``api.ui.web``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import MACHINE_PREFIXES, ApiError, problem_response
from workflow.files import too_large

UPLOAD_TYPE = b"multipart/form-data"
# What a form sends around its file: boundaries, part headers, file name, the other fields.
MULTIPART_OVERHEAD = 64 * 1024


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        f"Der Anfragekörper ist zu groß (höchstens {limit} Bytes).",
        slug="payload-too-large",
    )


class UploadTooLarge(ApiError):
    """An upload refused before it was read: the file's own limit, not the body's, is what
    the person can act on (a smaller file)."""

    def __init__(self, max_upload_bytes: int) -> None:
        super().__init__(413, too_large(max_upload_bytes), slug="too-large")


def _browser_page(headers: dict[bytes, bytes], path: str) -> bool:
    """A browser sending a form to a page (not the API): see ``api.ui.web.wants_html``."""
    return b"text/html" in headers.get(b"accept", b"") and not path.startswith(MACHINE_PREFIXES)


class BodyLimitMiddleware:
    """Pure ASGI (no buffering of its own), so streaming stays streaming."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.max_multipart_bytes = max_upload_bytes + MULTIPART_OVERHEAD

    def _refusal(self, *, upload: bool, limit: int) -> ApiError:
        return UploadTooLarge(self.max_upload_bytes) if upload else _too_large(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        upload = headers.get(b"content-type", b"").lower().startswith(UPLOAD_TYPE)
        limit = self.max_multipart_bytes if upload else self.max_body_bytes
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:  # bytes: ASCII digits only
            refusal = self._refusal(upload=upload, limit=limit)
            if not _browser_page(headers, scope["path"]):
                response = problem_response(Request(scope), 413, refusal.detail, slug=refusal.slug)
                await response(scope, receive, send)
                return

            async def refusing_receive() -> Message:
                # Refused at the first read, inside the application, whose handlers answer
                # a browser with a German page (a form with a huge text), not problem+json.
                raise refusal

            await self.app(scope, refusing_receive, send)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException: FastAPI passes it through body parsing unchanged, and
                    # the problem handler renders it.
                    raise self._refusal(upload=upload, limit=limit)
            return message

        await self.app(scope, bounded_receive, send)
