"""Kinds of Vorlage in the browser: the Fassungen of a submitted Vorlage, and an
Ergänzungsvorlage started from the Vorlage it amends, both pages linking to each other."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

AMENDED = "Neufassung der Friedhofsgebührensatzung"  # the demo's Vorlage in co-signing
TITLE = "Friedhofsgebührensatzung: Gebühren für Urnenbaumgräber"


def test_fassungen_and_a_supplement(
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
    page.get_by_role("link", name="1 Fassung ansehen und vergleichen").click()
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
