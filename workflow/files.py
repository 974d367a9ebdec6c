"""Uploaded files: a content-addressed store on disk, content types read from the bytes,
and file names made safe to store and to send back."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG, JPEG, GIF = "image/png", "image/jpeg", "image/gif"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PNG: "png", JPEG: "jpg", GIF: "gif"}
ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG}


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, for the types accepted as attachments."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def too_large(max_bytes: int) -> str:
    """The refusal of a file above the limit: the limit in words a person reads (MB, KB)
    and in bytes (which is what counts)."""
    exact = f"{max_bytes:,}".replace(",", ".")
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if max_bytes >= size:
            amount = f"{max_bytes / size:.1f}".removesuffix(".0").replace(".", ",")
            return f"Die Datei ist zu groß: erlaubt sind höchstens {amount} {unit} ({exact} Bytes)."
    return f"Die Datei ist zu groß: erlaubt sind höchstens {exact} Bytes."


def normalise_type(declared: str | None) -> str | None:
    """``image/JPG; charset=…`` → ``image/jpeg``; None for the generic ones browsers send
    when they do not know (then the bytes decide)."""
    if not declared:
        return None
    value = declared.split(";", 1)[0].strip().lower()
    if value in ("", "application/octet-stream", "binary/octet-stream"):
        return None
    return ALIASES.get(value, value)


_UNSAFE = re.compile(r"[^\w .()+,€§-]", re.UNICODE)


def safe_name(name: str | None, content_type: str) -> str:
    """The last path component, NFC, without control or shell-special characters, no
    leading dots, at most 120 characters, ending in the extension of the real type."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"\s+", " ", _UNSAFE.sub("_", base)).strip(" .")
    extension = EXTENSIONS.get(content_type, "bin")
    stem, dot, ext = base.rpartition(".")
    if not dot or ext.lower() not in (extension, "jpeg" if extension == "jpg" else extension):
        stem = base
    stem = stem.strip(" .")[:110] or "Anlage"
    return f"{stem}.{extension}"


@dataclass(frozen=True)
class FileStore:
    """Files named by their SHA-256 below ``root`` (two-level fan-out); the same bytes are
    stored once however often they are uploaded."""

    root: Path

    def path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("kein SHA-256")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)  # atomic: readers see all bytes or no file
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return digest

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except (OSError, ValueError):
            return None

    def remove(self, sha256: str) -> None:
        try:
            self.path(sha256).unlink(missing_ok=True)
        except (OSError, ValueError):
            pass
