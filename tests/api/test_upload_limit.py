"""The upload limit is the file's own size: a file of exactly RATSFLOW_MAX_UPLOAD_BYTES is
taken, one byte more is refused in words, though the form around it adds its own bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import SECRET, TestClient
from tests.api.test_attachments_http import upload
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.flow import new_proposal
from workflow.settings import Settings

LIMIT = 48 * 1024
REFUSAL = "Die Datei ist zu groß: erlaubt sind höchstens 48 KB (49.152 Bytes)."


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The app is built with this limit (the body limit of the middleware is set then)."""
    return Settings(secret_key=SECRET, files_dir=tmp_path / "files", max_upload_bytes=LIMIT)


def pdf_of(size: int) -> bytes:
    head = b"%PDF-1.4\n"  # the type is read from the first bytes
    return head + b"0" * (size - len(head))


def stored(settings: Settings) -> int:
    return sum(1 for p in settings.files_dir.rglob("*") if p.is_file())


def test_the_page_takes_a_file_of_exactly_the_limit(
    world: World, client: TestClient, settings: Settings
) -> None:
    pid = new_proposal(world)
    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get(f"/vorlagen/{pid}").text)
    at_limit = client.post(
        f"/vorlagen/{pid}/anlagen",
        data={"csrf_token": token},
        files={"file": ("Lageplan.pdf", pdf_of(LIMIT), "application/pdf")},
    )
    assert at_limit.status_code == 200
    assert "Die Anlage „Lageplan.pdf“ ist hochgeladen." in at_limit.text
    assert stored(settings) == 1
    over = client.post(
        f"/vorlagen/{pid}/anlagen",
        data={"csrf_token": token},
        files={"file": ("Kaufvertrag.pdf", pdf_of(LIMIT + 1), "application/pdf")},
    )
    assert over.status_code == 200  # back on the page, the refusal in its banners
    assert REFUSAL in over.text
    assert "Kaufvertrag.pdf</a>" not in over.text
    assert stored(settings) == 1


def test_the_api_takes_a_file_of_exactly_the_limit(
    world: World, client: TestClient, as_user: Any, settings: Settings
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    path = f"/api/v1/proposals/{pid}/attachments"
    at_limit = upload(client, clerk, path, pdf_of(LIMIT))
    assert at_limit.status_code == 201, at_limit.text
    assert at_limit.json()["size"] == LIMIT
    over = upload(client, clerk, path, pdf_of(LIMIT + 1), "Anderer.pdf")
    assert over.status_code == 413
    assert over.json()["detail"] == REFUSAL
    assert stored(settings) == 1
