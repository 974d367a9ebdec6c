"""Abläufe as diagrams: the definition page, and the instance's state highlighted on its page."""

from __future__ import annotations

from tests.api.conftest import TestClient
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World
from tests.integration.flow import new_proposal


def test_the_definition_page_draws_and_lists_every_step(client: TestClient) -> None:
    sign_in(client, "ilsfeld.council")
    page = client.get("/workflows/proposal")
    assert page.status_code == 200
    assert "<title>Ablauf: Beschlussvorlage – Ratsflow</title>" in page.text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text
    assert "Freigeben" in page.text
    assert "Bürgermeister/in" in page.text
    assert "awaiting_release" not in page.text
    assert "--current" not in page.text.split("</style>", 1)[1]


def test_unknown_definitions_and_versions_are_not_found(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    for url in ("/workflows/nichts", "/workflows/proposal?version=99", "/workflows/x?version=0"):
        answer = client.get(url, headers={"Accept": "text/html"})
        assert answer.status_code == 404, url
        assert "nicht gefunden" in answer.text.lower() or "gibt es nicht" in answer.text


def test_the_vorlage_page_highlights_its_state(world: World, client: TestClient) -> None:
    pid = new_proposal(world)
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}")
    assert "Ablauf als Diagramm anzeigen (aktueller Stand: Entwurf)" in page.text
    assert "Entwurf (aktueller Stand)" in page.text
    assert 'href="/workflows/proposal"' in page.text
