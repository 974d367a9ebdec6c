"""Anträge an den Gemeinderat in a real browser, with axe-core: the Sitzungsdienst records a
Fraktionsantrag, sees its Frist (§ 34 Abs. 1 Satz 4 GemO) and puts it on the agenda."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_the_secretary_records_a_fraktionsantrag_and_sees_its_deadline(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
) -> None:
    sign_in(page, "ilsfeld.secretary")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Anträge"
    ).click()
    assert page.title() == "Anträge – Ratsflow"
    check_accessibility(page)
    page.get_by_role("link", name="Antrag erfassen").click()
    assert page.title() == "Antrag erfassen – Ratsflow"
    check_accessibility(page)
    page.get_by_role("button", name="Antrag erfassen").click()
    assert page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Eingaben").is_visible()
    page.get_by_label("Art des Antrags").select_option(label="Fraktionsantrag")
    # Another body: its members are swapped in to tick (htmx), then back to the council.
    page.get_by_label("Gerichtet an").select_option(label="Verwaltungsausschuss")
    page.get_by_label("Anna Bauer").wait_for(state="detached")
    assert page.get_by_label("Eva Schäfer").is_visible()
    page.get_by_label("Gerichtet an").select_option(label="Gemeinderat")
    page.get_by_label("Anna Bauer").wait_for(state="visible")
    page.get_by_label("Gegenstand", exact=True).fill("Photovoltaik auf der Festhalle")
    # The demo's Fraktionen (workflow.demo.factions): picked from the list, not typed.
    page.locator("#faction_id").select_option(label="SPD/Grüne")
    page.get_by_label("Anna Bauer").check()
    page.get_by_role("button", name="Antrag erfassen").click()
    page.wait_for_url("**/antraege/*")
    main = page.locator("main").inner_text()
    assert "Photovoltaik auf der Festhalle" in main
    assert "Antrag einer Fraktion" in main
    assert "übernächsten Sitzung" in main
    check_accessibility(page)
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768, "no sideways scrolling"
    page.goto("/antraege")
    row = page.get_by_role("row").filter(has_text="Photovoltaik auf der Festhalle")
    assert "fällig" in row.inner_text()
    check_accessibility(page)
