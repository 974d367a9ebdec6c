"""Word and Excel attachments in the Sitzungsmappe: converted to PDF by LibreOffice where it
is installed; without it a page names the file and says it is not included."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_attachments_http import release, upload
from tests.conftest import World, berlin
from tests.documents import pdf_pages
from tests.integration.flow import DAY, new_meeting, new_proposal, scheduled
from workflow.documents.docx_writer import render_docx
from workflow.documents.model import Document, Paragraph
from workflow.files import DOCX, XLSX

WORD_TEXT = "Kostenberechnung nach DIN 276 für die Festhalle"


def word_file() -> bytes:
    return render_docx(
        Document("anlage", "Kostenberechnung", "Ilsfeld", (Paragraph(WORD_TEXT),), "anlage")
    )


def excel_file() -> bytes:
    """The parts by which an XLSX is known (the workbook itself is not read here)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def mappe_with(
    world: World, client: Any, as_user: Any, files: list[tuple[bytes, str, str]]
) -> list[str]:
    pid = new_proposal(world, title="Sanierung der Festhalle")
    clerk = as_user("ilsfeld.clerk")
    for data, name, content_type in files:
        got = upload(
            client, clerk, f"/api/v1/proposals/{pid}/attachments", data, name, content_type
        )
        assert got.status_code == 201, got.text
    release(world, pid)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    got = client.get(f"/api/v1/meetings/{mid}/sitzungsmappe.pdf")
    assert got.status_code == 200, got.text
    return pdf_pages(got.content)


def page_of(pages: list[str], name: str) -> int:
    """The page the contents give for an attachment."""
    [line] = [p for p in pages[0].split("Anlage: ")[1:] if p.startswith(name)]
    return int(line.split("Seite ")[1].split()[0])


def test_without_libreoffice_a_page_says_the_file_is_not_included(
    world: World, client: Any, as_user: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without soffice/libreoffice
    word, excel = word_file(), excel_file()
    pages = mappe_with(
        world,
        client,
        as_user,
        [(word, "Kostenberechnung.docx", DOCX), (excel, "Finanzplan.xlsx", XLSX)],
    )
    for name, kind, size in [
        ("Kostenberechnung.docx", "Word-Dokument (DOCX)", word),
        ("Finanzplan.xlsx", "Excel-Tabelle (XLSX)", excel),
    ]:
        text = " ".join(pages[page_of(pages, name) - 1].split())
        assert f"Anlage: {name}" in text
        assert f"liegt als {kind} bei und ist nicht in die Mappe aufgenommen" in text
        assert f"({max(1, round(len(size) / 1024))} KB)" in text
    assert page_of(pages, "Finanzplan.xlsx") == len(pages)
    assert WORD_TEXT not in " ".join(pages)


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed (too heavy for CI; the fallback is tested above)",
)
def test_with_libreoffice_a_word_file_is_converted(world: World, client: Any, as_user: Any) -> None:
    pages = mappe_with(world, client, as_user, [(word_file(), "Kostenberechnung.docx", DOCX)])
    converted = " ".join(pages[page_of(pages, "Kostenberechnung.docx") - 1].split())
    assert WORD_TEXT in converted
    assert "nicht in die Mappe aufgenommen" not in converted
