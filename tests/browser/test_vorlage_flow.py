"""A Vorlage from draft to release in the browser: the clerk drafts and submits it, the head
of department and the finance office co-sign, the mayor checks and releases it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

TITLE = "Beschaffung eines Feuerwehrfahrzeugs HLF 10"


def _flash(page: Any) -> str:
    text: str = page.locator(".rf-flashes").inner_text()
    return text


def _do_task(page: Any, action: str) -> None:
    """From Meine Aufgaben: the task row of our Vorlage, its action link, the action's form."""
    page.goto("/")
    row = page.locator(".rf-task").filter(has_text=TITLE)
    row.get_by_role("link", name=action).click()
    page.wait_for_url(re.compile(r"/aktionen/"))


def test_draft_submit_cosign_release(
    browser: Any,
    page: Any,
    server: str,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    # The clerk drafts: a missing Betreff is named in the summary and at the field.
    sign_in(page, "ilsfeld.clerk")
    page.goto("/vorlagen")
    page.get_by_role("link", name="Neue Vorlage").click()
    assert page.title() == "Neue Vorlage – Ratsflow"
    check_accessibility(page)
    page.get_by_label("Beschlussvorschlag").fill("Der Gemeinderat beschließt die Beschaffung.")
    page.get_by_label("Verfügbare Mittel (Euro)").fill("385.000,00")
    page.get_by_role("button", name="Entwurf anlegen").click()
    summary = page.locator(".rf-error-summary")
    assert "Bitte geben Sie den Betreff ein." in summary.inner_text()
    summary.get_by_role("link", name="Bitte geben Sie den Betreff ein.").click()
    assert page.evaluate("document.activeElement.id") == "title"
    assert page.get_by_label("Verfügbare Mittel (Euro)").input_value() == "385.000,00"
    check_accessibility(page)
    screenshot(page, "vorlage-neu-fehler")
    page.get_by_label("Betreff").fill(TITLE)
    page.get_by_label("Gremium").first.select_option(label="Gemeinderat")
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url(re.compile(r"/vorlagen/\d+$"))
    assert "als Entwurf angelegt" in _flash(page)
    assert "385.000,00 €" in page.locator("main").inner_text()
    url = page.url

    # … and submits it to the head of department and the finance office.
    form = page.locator(".rf-action").filter(has_text="Zur Mitzeichnung geben")
    form.get_by_label("Heike Amtsleiter").check()
    form.get_by_label("Felix Kämmerer (Kämmerei)").check()
    form.get_by_role("button", name="Zur Mitzeichnung geben").click()
    assert "Neuer Stand: In Mitzeichnung" in _flash(page)
    signatures = page.locator("#mitzeichnung").locator("xpath=..").inner_text()
    assert signatures.count("steht noch aus") == 2
    check_accessibility(page)

    for username in ("ilsfeld.head", "ilsfeld.finance"):
        context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        cosigner = context.new_page()
        sign_in(cosigner, username)
        _do_task(cosigner, "Mitzeichnen")
        check_accessibility(cosigner)
        cosigner.get_by_role("button", name="Mitzeichnen").click()
        cosigner.wait_for_url(url)
        assert ": Mitgezeichnet" in _flash(cosigner)
        context.close()
    page.reload()
    assert "Zur Freigabe bei der Bürgermeisterin" in page.locator("main").inner_text()

    # The mayor checks what releasing does, then confirms.
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    mayor = context.new_page()
    sign_in(mayor, "ilsfeld.mayor")
    _do_task(mayor, "Freigeben")
    mayor.get_by_role("button", name="Weiter zur Prüfung").click()
    check = mayor.locator("main").inner_text()
    assert "Bitte prüfen" in check
    assert "Beratungsreif – zur Terminierung" in check
    check_accessibility(mayor)
    screenshot(mayor, "freigabe-pruefen")
    mayor.get_by_role("button", name="Jetzt verbindlich: Freigeben").click()
    mayor.wait_for_url(url)
    assert "Neuer Stand: Beratungsreif – zur Terminierung" in _flash(mayor)
    mayor.get_by_text("Verlauf anzeigen").click()
    history = mayor.locator("#verlauf-titel").locator("xpath=..").inner_text()
    assert "Freigegeben – Bürgermeisterin (" in history  # what happened, by her title
    assert "(ilsfeld." not in history  # people by name, not by login
    assert "Mitgezeichnet – Mitzeichnung (" in history
    assert "((" not in history
    assert "Amtsleitung, Kämmerei" not in history
    context.close()
