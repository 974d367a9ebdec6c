"""Kinds of Vorlage in the browser: the Fassungen of a submitted Vorlage, and an
Ergänzungsvorlage started from the Vorlage it amends, both pages linking to each other."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

AMENDED = "Neufassung der Friedhofsgebührensatzung"  # the demo's Vorlage in co-signing
TITLE = "Friedhofsgebührensatzung: Gebühren für Urnenbaumgräber"


def _submit(page: Any) -> None:
    form = page.locator(".rf-action").filter(has_text="Zur Mitzeichnung geben")
    form.get_by_label("Heike Amtsleiter").check()
    form.get_by_role("button", name="Zur Mitzeichnung geben").click()
    assert "Neuer Stand: In Mitzeichnung" in page.locator(".rf-flashes").inner_text()


def test_fassungen_and_a_supplement(
    browser: Any,
    server: str,
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.clerk")
    page.goto("/vorlagen?suche=Friedhofsgeb%C3%BChrensatzung")
    page.get_by_role("link", name=AMENDED).click()
    page.wait_for_url(re.compile(r"/vorlagen/\d+$"))
    amended_url = page.url
    page.get_by_role("link", name="Fassung ansehen", exact=True).click()
    page.wait_for_url(re.compile(r"/fassungen$"))
    assert page.title().startswith("Fassungen der Vorlage")
    assert AMENDED in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "fassungen")

    page.goto(amended_url)
    page.get_by_role("link", name="Ergänzungsvorlage anlegen").click()
    page.wait_for_url(re.compile(r"/vorlagen/neu\?ergaenzt=\d+$"))
    assert page.get_by_label("Ergänzungsvorlage", exact=True).is_checked()
    assert AMENDED in page.get_by_label("Ergänzte Vorlage").inner_text()
    check_accessibility(page)
    page.get_by_label("Betreff").fill(TITLE)
    page.get_by_label("Beschlussvorschlag").fill("Die Gebühren für Urnenbaumgräber werden ergänzt.")
    page.get_by_label("Gremium").first.select_option(label="Gemeinderat")
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url(re.compile(r"/vorlagen/\d+$"))
    main = page.locator("main").inner_text()
    assert "Ergänzungsvorlage" in main
    assert "Ergänzt die Vorlage" in main
    check_accessibility(page)
    supplement_url = page.url
    page.get_by_role("link", name=re.compile(AMENDED)).first.click()
    page.wait_for_url(amended_url)
    page.get_by_role("link", name=re.compile(f"Ergänzungsvorlage .*{TITLE}")).click()
    page.wait_for_url(supplement_url)

    # Submitted, returned by the head of department, revised and submitted again: two
    # Fassungen, compared word by word.
    _submit(page)
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    head = context.new_page()
    sign_in(head, "ilsfeld.head")
    head.goto(supplement_url)
    back = head.locator(".rf-action").filter(has_text="Mit Anmerkung zurückgeben")
    back.get_by_label("Anmerkung für die Verfasserin oder den Verfasser").fill(
        "Bitte die Höhe der Gebühr nennen."
    )
    back.get_by_role("button", name="Mit Anmerkung zurückgeben").click()
    head.wait_for_url(supplement_url)
    context.close()
    page.goto(f"{supplement_url}/bearbeiten")
    page.get_by_label("Beschlussvorschlag").fill(
        "Die Gebühr für ein Urnenbaumgrab beträgt 1.200 Euro."
    )
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_url(supplement_url)
    _submit(page)
    page.get_by_role("link", name="2 Fassungen ansehen und vergleichen").click()
    page.get_by_role("button", name="Vergleichen").click()
    page.wait_for_url(re.compile(r"/fassungen/1/2$"))
    changed = page.locator("main").inner_text()
    assert "Fassung 1 und Fassung 2" in changed
    assert "1 Angabe wurde geändert." in changed
    assert page.locator("ins").filter(has_text="1.200 Euro").count() == 1
    check_accessibility(page)
    screenshot(page, "fassungen-vergleich")
