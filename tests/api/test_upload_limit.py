"""The upload limit is the file's own size: a file of exactly RATSFLOW_MAX_UPLOAD_BYTES is
taken, one byte more is refused in words, though the form around it adds its own bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import SECRET, TestClient
from tests.api.test_attachments_http import upload
from tests.api.test_ui_foundation import HTML, csrf_of, sign_in
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


FAR_ABOVE = LIMIT + 64 * 1024 + 1  # beyond what the form around a file may add


def test_a_file_far_above_the_limit_is_refused_on_the_form_page(
    world: World, client: TestClient, settings: Settings
) -> None:
    """Refused before the app reads the form (api.limits), the browser is still sent back
    to the page it came from, the limit in MB/KB in its banners, and nothing is stored."""
    pid = new_proposal(world)
    sign_in(client, "ilsfeld.clerk")
    page = f"/vorlagen/{pid}"
    token = csrf_of(client.get(page).text)
    refused = client.post(
        f"{page}/anlagen",
        data={"csrf_token": token},
        files={"file": ("Kaufvertrag.pdf", pdf_of(FAR_ABOVE), "application/pdf")},
        headers={**HTML, "Referer": f"http://testserver{page}"},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    assert refused.headers["location"] == f"{page}#meldungen"
    shown = client.get(refused.headers["location"])
    assert shown.status_code == 200
    assert REFUSAL in shown.text
    assert "Kaufvertrag.pdf" not in shown.text
    assert stored(settings) == 0


def test_a_file_far_above_the_limit_without_its_page_gets_a_german_page(
    world: World, client: TestClient, settings: Settings
) -> None:
    pid = new_proposal(world)
    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get(f"/vorlagen/{pid}").text)
    refused = client.post(
        f"/vorlagen/{pid}/anlagen",
        data={"csrf_token": token},
        files={"file": ("Kaufvertrag.pdf", pdf_of(FAR_ABOVE), "application/pdf")},
        headers=HTML,  # no Referer
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert REFUSAL in refused.text
    assert stored(settings) == 0


def test_the_api_refuses_a_file_far_above_the_limit_in_words(
    world: World, client: TestClient, as_user: Any, settings: Settings
) -> None:
    """The same problem as for a file just above the limit, though refused before the app
    reads the body: the file's limit in MB/KB, not the byte count of the body's."""
    pid = new_proposal(world)
    over = upload(
        client, as_user("ilsfeld.clerk"), f"/api/v1/proposals/{pid}/attachments",
        pdf_of(FAR_ABOVE),
    )  # fmt: skip
    assert over.status_code == 413
    assert over.headers["content-type"] == "application/problem+json"
    problem = over.json()
    assert problem["detail"] == REFUSAL
    assert problem["type"] == "urn:ratsflow:problem:too-large"
    assert stored(settings) == 0
