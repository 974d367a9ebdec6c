"""The layout, sign-in, CSRF and tenant isolation in a real browser, with axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.browser.conftest import PASSWORD

SECRET = "Nichtöffentlich: Ankauf Flurstück 815"


def _api_token(server: str, username: str) -> str:
    response = httpx.post(
        f"{server}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    token: str = response.json()["access_token"]
    return token


def test_sign_in_page_and_redirect_back(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    page.goto("/vorlagen")
    assert "/anmelden?next=%2Fvorlagen" in page.url
    assert page.title() == "Anmelden – Ratsflow"
    check_accessibility(page)
    screenshot(page, "anmelden")
    page.get_by_label("Benutzername").fill("ilsfeld.clerk")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    assert page.get_by_text("Benutzername oder Passwort ist falsch").first.is_visible()
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/vorlagen")
    assert page.title() == "Vorlagen – Ratsflow"


def test_layout_shows_who_and_where(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.mayor")
    assert page.title() == "Meine Aufgaben – Ratsflow"
    header = page.locator(".rf-header")
    assert "Gemeinde Ilsfeld" in header.inner_text()
    assert "Bürgermeister/in" in header.inner_text()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link", name="Meine Aufgaben").get_attribute("aria-current") == "page"
    assert nav.get_by_role("link", name="Vorlagen").is_visible()
    # the skip link is the first stop of the keyboard and leads to <main>
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    # Not even moderate findings: one banner landmark (the Kopfzeile), one main.
    assert [v["id"] for v in check_accessibility(page)] == []
    screenshot(page, "meine-aufgaben")


def test_vorlagen_search_by_number_and_detail(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.clerk")
    page.goto("/vorlagen")
    page.get_by_label("Suche (Betreff, Text, Nummer wie 8/2024)").fill("8/2024")
    page.get_by_role("button", name="Filtern").click()
    # htmx swaps the results in place and records the search in the address
    page.wait_for_url(re.compile(r"suche=8%2F2024"))
    page.wait_for_function("document.querySelectorAll('#ergebnisse tbody tr').length === 1")
    row = page.get_by_role("row").filter(has_text="8/2024")
    assert row.count() == 1
    check_accessibility(page)
    screenshot(page, "vorlagen")
    row.get_by_role("link").click()
    page.wait_for_url("**/vorlagen/*")
    assert page.title() == "Vorlage 8/2024 – Ratsflow"
    body = page.locator("main").inner_text()
    assert "Gemeinderat" in body
    assert "erledigt: beschlossen" in body
    assert "07.04.2024" in body
    assert "awaiting_release" not in page.content()
    check_accessibility(page)
    screenshot(page, "vorlage")


def test_council_member_of_another_town_gets_not_found(
    page: Any, server: str, sign_in: Callable[[Any, str], None]
) -> None:
    token = _api_token(server, "ilsfeld.clerk")
    created = httpx.post(
        f"{server}/api/v1/proposals",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "title": SECRET,
            "resolution_text": "Der Gemeinderat stimmt zu.",
            "proposal_date": "2024-05-02",
            "public": False,
            "non_public_reason": "Grundstücksgeschäft (§ 35 Abs. 1 GemO)",
        },
    )
    assert created.status_code == 201, created.text
    proposal_id = created.json()["id"]
    sign_in(page, "flein.council")
    response = page.goto(f"/vorlagen/{proposal_id}")
    assert response.status == 404
    assert "nicht gefunden" in page.locator("main").inner_text()
    assert SECRET not in page.content()


def test_a_form_without_csrf_token_is_refused(
    page: Any, sign_in: Callable[[Any, str], None]
) -> None:
    sign_in(page, "ilsfeld.clerk")
    refused = page.request.post("/abmelden", form={})
    assert refused.status == 403
    assert "Formular abgelehnt" in refused.text()
    page.goto("/")
    assert page.title() == "Meine Aufgaben – Ratsflow", "the refused form did not sign out"


def test_pages_fit_a_tablet(page: Any, sign_in: Callable[[Any, str], None]) -> None:
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, "ilsfeld.council")
    for path in ("/", "/vorlagen"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 768, f"{path} scrolls sideways at 768 px ({overflow} px)"
