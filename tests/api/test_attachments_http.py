"""Anlagen over HTTP: stored by content, type read from the bytes, limits, visibility."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from tests.conftest import World, berlin
from tests.documents import pdf_pages, pdf_text, text_of
from tests.integration.flow import DAY, new_meeting, new_proposal, scheduled
from workflow.db import unit_of_work
from workflow.documents.pdf import html_to_pdf
from workflow.files import FileStore
from workflow.models import Attachment
from workflow.services import attachments as service
from workflow.settings import Settings

SECRET_NOTE = "Kaufpreisliste der Eigentümer"


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return html_to_pdf("<p>Anlagentext: Kostenschätzung der Festhalle</p>")


def upload(
    client: Any,
    headers: dict[str, str],
    path: str,
    data: bytes,
    name: str = "Bericht.pdf",
    content_type: str = "application/pdf",
    public: bool = True,
) -> Any:
    return client.post(
        path,
        files={"file": (name, data, content_type)},
        data={"public": "true" if public else "false"},
        headers=headers,
    )


def release(world: World, pid: int) -> None:
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(DAY, 11))


def test_upload_stores_by_content_and_sanitises_the_name(
    world: World, client: Any, as_user: Any, settings: Settings, pdf: bytes
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    got = upload(
        client, clerk, f"/api/v1/proposals/{pid}/attachments", pdf, "../../etc/Bericht <1>;.pdf"
    )
    assert got.status_code == 201, got.text
    row = got.json()
    digest = hashlib.sha256(pdf).hexdigest()
    assert (row["name"], row["content_type"], row["size"], row["sha256"]) == (
        "Bericht _1__.pdf",
        "application/pdf",
        len(pdf),
        digest,
    )
    assert row["uploaded_by"] == world.data.users["ilsfeld.clerk"].id
    assert (settings.files_dir / digest[:2] / digest).read_bytes() == pdf
    again = upload(client, clerk, f"/api/v1/proposals/{pid}/attachments", pdf, "Kopie.pdf")
    assert again.json()["sha256"] == digest  # same bytes, one file
    assert len(list(settings.files_dir.rglob("*"))) == 2  # the fan-out directory and the file
    download = client.get(f"/api/v1/attachments/{row['id']}/content", headers=clerk)
    assert download.status_code == 200
    assert download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    listed = client.get(f"/api/v1/proposals/{pid}/attachments", headers=clerk).json()
    assert [a["name"] for a in listed] == ["Bericht _1__.pdf", "Kopie.pdf"]
    history = client.get(f"/api/v1/proposals/{pid}/history", headers=clerk).json()
    events = [e for e in history if e["trigger"] == "add_attachment"]
    assert [e["data"]["sha256"] for e in events] == [digest, digest]


def test_unicode_names_download_with_an_ascii_fallback(
    world: World, client: Any, as_user: Any, pdf: bytes
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    row = upload(
        client, clerk, f"/api/v1/proposals/{pid}/attachments", pdf, "Übersicht €.pdf"
    ).json()
    assert row["name"] == "Übersicht €.pdf"
    got = client.get(f"/api/v1/attachments/{row['id']}/content", headers=clerk)
    assert got.status_code == 200
    assert "filename*=UTF-8''%C3%9Cbersicht%20%E2%82%AC.pdf" in got.headers["content-disposition"]


@pytest.mark.parametrize(
    ("data", "content_type", "detail"),
    [
        (b"%PDF-1.7 not really", "image/png", "passt nicht zum angegebenen Typ"),
        (b"Hallo, nur Text", "text/plain", "Dateityp ist als Anlage nicht erlaubt"),
        (b"PK\x03\x04kaputt", "application/octet-stream", "Dateityp ist als Anlage nicht erlaubt"),
        (b"", "application/pdf", "Die Datei ist leer"),
    ],
)
def test_the_bytes_decide_the_type(
    world: World, client: Any, as_user: Any, data: bytes, content_type: str, detail: str
) -> None:
    pid = new_proposal(world)
    got = upload(
        client,
        as_user("ilsfeld.clerk"),
        f"/api/v1/proposals/{pid}/attachments",
        data,
        "x.pdf",
        content_type,
    )
    assert got.status_code == 422
    assert got.headers["content-type"] == "application/problem+json"
    assert detail in got.json()["detail"]


def test_docx_and_png_are_recognised(world: World, client: Any, as_user: Any) -> None:
    from workflow.documents.docx_writer import render_docx
    from workflow.documents.model import Document, Paragraph

    docx = render_docx(Document("x", "Titel", "Ilsfeld", (Paragraph("Text"),), "x"))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    path = f"/api/v1/proposals/{pid}/attachments"
    # Browsers send octet-stream when they do not know; the name's wrong suffix is replaced.
    first = upload(client, clerk, path, docx, "Plan.bin", "application/octet-stream").json()
    assert (first["name"], first["content_type"]) == (
        "Plan.bin.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    second = upload(client, clerk, path, png, "Lageplan.PNG", "image/png").json()
    assert (second["name"], second["content_type"]) == ("Lageplan.png", "image/png")


def test_size_limit_is_413(world: World, client: Any, as_user: Any, settings: Settings) -> None:
    pid = new_proposal(world)
    settings.max_upload_bytes = 1000
    big = b"%PDF-1.4\n" + b"0" * 1000
    got = upload(client, as_user("ilsfeld.clerk"), f"/api/v1/proposals/{pid}/attachments", big)
    assert got.status_code == 413
    assert got.headers["content-type"] == "application/problem+json"
    assert "zu groß" in got.json()["detail"]
    assert not settings.files_dir.exists() or not any(settings.files_dir.rglob("*"))


def test_non_public_attachments_reach_only_the_entitled(
    world: World, client: Any, as_user: Any, pdf: bytes
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    path = f"/api/v1/proposals/{pid}/attachments"
    public = upload(client, clerk, path, pdf, "Kostenschätzung.pdf").json()
    secret = upload(client, clerk, path, pdf + b"\n", f"{SECRET_NOTE}.pdf", public=False).json()
    release(world, pid)
    # Sent to the members with the invitation: published from then on (§ 41b Abs. 2 GemO).
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    both = {"Kostenschätzung.pdf", f"{SECRET_NOTE}.pdf"}
    for user, expected in [
        (None, {"Kostenschätzung.pdf"}),
        ("flein.council", {"Kostenschätzung.pdf"}),
        ("lra.coordinator", {"Kostenschätzung.pdf"}),
        ("ilsfeld.council", both),  # member of the Gemeinderat, which decides it
        ("ilsfeld.secretary", both),
    ]:
        listed = client.get(path, headers=as_user(user)).json()
        assert {a["name"] for a in listed} == expected, user
        status = client.get(f"/api/v1/attachments/{secret['id']}/content", headers=as_user(user))
        assert status.status_code == (200 if expected == both else 404), user
        vorlage = client.get(
            f"/api/v1/proposals/{pid}/documents/vorlage.html", headers=as_user(user)
        )
        assert ("Kostenschätzung.pdf" in vorlage.text, SECRET_NOTE in vorlage.text) == (
            True,
            expected == both,
        ), user
    assert client.get(f"/api/v1/attachments/{public['id']}").status_code == 200


def test_delete_only_while_draft(
    world: World, client: Any, as_user: Any, settings: Settings, pdf: bytes
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    path = f"/api/v1/proposals/{pid}/attachments"
    first = upload(client, clerk, path, pdf, "A.pdf").json()
    second = upload(client, clerk, path, pdf + b" ", "B.pdf").json()
    # A councillor does not see a draft of the administration at all (issue 8): 404.
    assert (
        client.delete(
            f"/api/v1/attachments/{first['id']}", headers=as_user("ilsfeld.council")
        ).status_code
        == 404
    )

    assert (
        client.delete(
            f"/api/v1/attachments/{first['id']}", headers=as_user("flein.clerk")
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/attachments/{first['id']}", headers=clerk).status_code == 204
    assert not (settings.files_dir / first["sha256"][:2] / first["sha256"]).exists()
    assert client.get(f"/api/v1/attachments/{first['id']}", headers=clerk).status_code == 404
    history = client.get(f"/api/v1/proposals/{pid}/history", headers=clerk).json()
    assert [e["data"]["name"] for e in history if e["trigger"] == "delete_attachment"] == ["A.pdf"]
    release(world, pid)
    refused = client.delete(f"/api/v1/attachments/{second['id']}", headers=clerk)
    assert refused.status_code == 409
    assert "nur im Entwurf" in refused.json()["detail"]
    late = upload(client, clerk, path, pdf, "C.pdf")
    assert late.status_code == 409


def test_a_deletion_rolled_back_keeps_the_file(
    world: World, client: Any, as_user: Any, settings: Settings, pdf: bytes
) -> None:
    """The file leaves the disk only with the committed deletion: a rollback of the
    transaction, or of the savepoint the deletion ran in, keeps the row and its file."""
    pid = new_proposal(world)
    sent = upload(client, as_user("ilsfeld.clerk"), f"/api/v1/proposals/{pid}/attachments", pdf)
    row = sent.json()
    file = settings.files_dir / row["sha256"][:2] / row["sha256"]
    store = FileStore(settings.files_dir)

    def delete(session: Session) -> None:
        service.delete(
            session=session,
            store=store,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 12),
            attachment_id=row["id"],
        )

    class Failed(Exception):
        pass

    def delete_then_fail() -> None:
        with unit_of_work(world.engine) as session:
            delete(session)
            assert file.exists(), "not before the commit"
            raise Failed  # e.g. the commit, or a later step of the request, fails

    with pytest.raises(Failed):
        delete_then_fail()
    assert file.exists()
    assert world.get(Attachment, row["id"]) is not None
    with unit_of_work(world.engine) as session:
        savepoint = session.begin_nested()
        delete(session)
        savepoint.rollback()
    assert file.exists()
    assert world.get(Attachment, row["id"]) is not None
    with unit_of_work(world.engine) as session, session.begin_nested():
        delete(session)
    assert world.get(Attachment, row["id"]) is None
    assert not file.exists()


def test_sitzungsmappe_appends_the_attachments_with_page_numbers(
    world: World, client: Any, as_user: Any, pdf: bytes
) -> None:
    pid = new_proposal(world, title="Sanierung der Festhalle")
    clerk = as_user("ilsfeld.clerk")
    upload(client, clerk, f"/api/v1/proposals/{pid}/attachments", pdf, "Kostenschätzung.pdf")
    upload(
        client,
        clerk,
        f"/api/v1/proposals/{pid}/attachments",
        pdf + b"\n",
        f"{SECRET_NOTE}.pdf",
        public=False,
    )
    release(world, pid)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    got = client.get(f"/api/v1/meetings/{mid}/sitzungsmappe.pdf")
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    pages = pdf_pages(got.content)
    text = pdf_text(got.content)
    assert "Sitzungsmappe zur Sitzung des Gemeinderats am 23.04.2024 Inhalt" in text
    assert "Einladung" in text
    assert "Die Sitzungsunterlagen folgen in dieser Sitzungsmappe." in text
    assert "Vorlage Nr. 1/2024" in text
    [line] = [p for p in pages[0].split("Anlage: ")[1:] if p.startswith("Kostenschätzung")]
    number = int(line.split("Seite ")[1].split()[0])
    assert "Anlagentext: Kostenschätzung der Festhalle" in pages[number - 1]
    assert number == len(pages)  # the public attachment only: the secret one is left out
    # The contents give each Vorlage and its attachments the TOP number of the agenda.
    assert "TOP 1: Vorlage Nr. 1/2024" in pages[0]
    assert "TOP 1, Anlage: Kostenschätzung.pdf" in pages[0]
    # The footers count the Mappe's pages as its contents do: Vorlage on page N says "Seite
    # N", of all pages, the attachments' included, which carry the same footer.
    entry = pages[0].split("Vorlage Nr. 1/2024")[1]
    start = int(entry.split("Seite ")[1].split()[0])
    raw = [page.extract_text() for page in PdfReader(io.BytesIO(got.content)).pages]
    assert "Vorlage Nr. 1/2024" in raw[start - 1]
    assert f"Sitzungsmappe, Seite {start} von {len(raw)}" in raw[start - 1]
    assert f"Sitzungsmappe, Seite 1 von {len(raw)}" in raw[0]
    assert all(f"von {len(raw)}" in page for page in raw)
    assert f"Sitzungsmappe, Seite {len(raw)} von {len(raw)}" in raw[-1]  # the attachment
    assert SECRET_NOTE not in text
    full = client.get(
        f"/api/v1/meetings/{mid}/sitzungsmappe.pdf", headers=as_user("ilsfeld.council")
    )
    assert SECRET_NOTE in text_of(full.content, "pdf")

    def appended(pdf: bytes) -> int:
        return sum(page.startswith("Anlagentext:") for page in pdf_pages(pdf))

    assert (appended(got.content), appended(full.content)) == (1, 2)
    # The public reads the published Vorlage, which says that an Anlage is left out.
    assert "1 Anlage" in text
    assert "§ 41b Abs. 2 Satz 2 GemO" in text


def test_a_lost_file_is_told_without_the_attachments_id(
    world: World, client: Any, as_user: Any, settings: Settings, pdf: bytes
) -> None:
    """The row stays, its bytes are gone from the store (a restore without the files): a
    404 in words the reader understands, not the database's id of the Anlage."""
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    row = upload(client, clerk, f"/api/v1/proposals/{pid}/attachments", pdf).json()
    (settings.files_dir / row["sha256"][:2] / row["sha256"]).unlink()
    lost = client.get(f"/api/v1/attachments/{row['id']}/content", headers=clerk)
    assert lost.status_code == 404
    assert lost.headers["content-type"] == "application/problem+json"
    assert lost.json()["detail"] == "Die Datei dieser Anlage ist nicht mehr vorhanden."
    assert str(row["id"]) not in lost.json()["detail"]
