"""Word and Excel attachments as PDF for the Sitzungsmappe, through LibreOffice when the
machine has it (``soffice --headless --convert-to pdf``); without it, or when the conversion
fails, the caller says in the Mappe that the file is not included."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from workflow.files import DOCX, EXTENSIONS, XLSX

logger = logging.getLogger(__name__)

CONVERTIBLE = (DOCX, XLSX)
TIMEOUT_SECONDS = 120.0
KIND_NAMES = {DOCX: "Word-Dokument (DOCX)", XLSX: "Excel-Tabelle (XLSX)"}


def office_binary() -> str | None:
    """``soffice`` or ``libreoffice`` on the PATH, else None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(data: bytes, content_type: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes | None:
    """The file as PDF, or None (no LibreOffice, not a DOCX/XLSX, conversion failed or
    timed out). Each call has its own temporary directory and LibreOffice profile, so
    conversions running at once do not lock each other out."""
    binary = office_binary()
    if binary is None or content_type not in CONVERTIBLE:
        return None
    with tempfile.TemporaryDirectory(prefix="ratsflow-office-") as tmp:
        work = Path(tmp)
        source = work / f"anlage.{EXTENSIONS[content_type]}"
        source.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(
                command,
                cwd=work,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=True,
                env={**os.environ, "HOME": str(work)},
            )
        except (subprocess.SubprocessError, OSError) as exc:
            logger.warning("LibreOffice could not convert an attachment: %s", exc)
            return None
        result = work / "out" / "anlage.pdf"
        if not result.is_file():
            logger.warning("LibreOffice wrote no PDF for an attachment")
            return None
        return result.read_bytes()
