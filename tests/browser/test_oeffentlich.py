"""Das öffentliche Portal in a real browser, without signing in: from the list of
municipalities to Ilsfeld, its next public session with the agenda, the published Vorlagen
and the search; axe-core on every page, a screenshot for the README."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_the_public_reads_sessions_and_vorlagen_without_an_account(
    page: Any,
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    page.goto("/oeffentlich")
    assert page.title() == "Öffentliche Ratsinformationen – Ratsflow"
    check_accessibility(page)
    page.get_by_role("link", name="Ilsfeld", exact=True).click()
    assert page.get_by_role("heading", name="Gemeinde Ilsfeld").is_visible()
    check_accessibility(page)
    screenshot(page, "oeffentlich")
    upcoming = page.locator("#termine ~ ul a, section[aria-labelledby=termine] ul a")
    assert upcoming.count() >= 1
    upcoming.first.click()
    assert page.get_by_role("heading", name="Tagesordnung – öffentlicher Teil").is_visible()
    assert page.get_by_role("link", name="Einladung mit Tagesordnung (PDF)").is_visible()
    check_accessibility(page)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Vorlagen").click()
    assert page.title().startswith("Vorlagen – Ilsfeld")
    check_accessibility(page)
    page.get_by_role("link", name="Vorlage 8/2024", exact=False).first.click()
    assert page.get_by_role("heading", name="Beratungsfolge").is_visible()
    check_accessibility(page)
    nav.get_by_role("link", name="Suche").click()
    page.get_by_label("Suchbegriff").fill("Vorlage")
    page.get_by_role("button", name="Suchen").click()
    assert page.get_by_role("heading", name="Vorlagen", exact=False).first.is_visible()
    check_accessibility(page)
    # The council's Fraktionen with their members (§ 32a GemO), from the Gemeinderat's page.
    nav.get_by_role("link", name="Übersicht").click()
    page.get_by_role("link", name="Gemeinderat", exact=True).first.click()
    page.get_by_role("link", name="Fraktionen und ihre Mitglieder").click()
    assert page.title().startswith("Fraktionen – Ilsfeld")
    assert page.get_by_role("heading", name="Freie Wähler (FW)").is_visible()
    check_accessibility(page)
    # Nothing non-public: an unknown or non-public id is "nicht gefunden", not "verboten".
    response = page.goto("/oeffentlich/1/vorlagen/999999")
    assert response is not None
    assert response.status == 404
