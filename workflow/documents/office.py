"""Word and Excel attachments as PDF for the Sitzungsmappe, through LibreOffice when the
machine has it (``soffice --headless --convert-to pdf``); without it, or when the conversion
fails, the caller says in the Mappe that the file is not included."""

from __future__ import annotations

import logging
import os
import shutil
import signal
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
        if not _run(command, work, timeout):
            return None
        result = work / "out" / "anlage.pdf"
        if not result.is_file():
            logger.warning("LibreOffice wrote no PDF for an attachment")
            return None
        return result.read_bytes()


def _run(command: list[str], work: Path, timeout: float) -> bool:
    """Run LibreOffice in its own process group, so that a timeout ends the whole of it
    (``soffice`` is a wrapper that starts ``soffice.bin``)."""
    try:
        process = subprocess.Popen(
            command,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "HOME": str(work)},
            start_new_session=True,
        )
    except OSError as exc:
        logger.warning("LibreOffice could not be started: %s", exc)
        return False
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        logger.warning("LibreOffice took longer than %s s to convert an attachment", timeout)
        return False
    if process.returncode != 0:
        logger.warning("LibreOffice failed (%s): %s", process.returncode, stderr[-500:])
        return False
    return True
