"""The Sitzungsdienst keeps Ilsfeld's Fraktionen in a real browser, with axe-core: the demo's
three, one of them staffed anew with its Vorsitz (§ 32a GemO), offered to the ticked
members only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_the_secretary_sets_the_members_of_a_fraktion(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
) -> None:
    sign_in(page, "ilsfeld.secretary")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Fraktionen"
    ).click()
    assert page.title() == "Fraktionen – Verwaltung – Ratsflow"
    table = page.get_by_role("table").inner_text()
    for name in ("Freie Wähler", "CDU", "SPD/Grüne"):
        assert name in table
    check_accessibility(page)
    page.get_by_role("link", name="SPD/Grüne").click()
    assert page.title() == "SPD/Grüne – Fraktionen – Ratsflow"
    check_accessibility(page)
    # Renate Busch is fraktionslos in the demo (workflow.demo.factions).
    box = page.locator("#person_id").get_by_label("Renate Busch")
    radio = page.locator(f"#vorsitz-{box.get_attribute('value')}")
    assert radio.is_hidden(), "the Vorsitz is offered to the members only"
    box.check()
    assert radio.is_visible(), "ticked: offered at once (static/ratsflow.js)"
    radio.check()
    box.uncheck()
    assert radio.is_hidden()
    assert page.locator("#vorsitz-keiner").is_checked(), "no Vorsitz left who is no member"
    box.check()
    radio.check()
    page.get_by_role("button", name="Mitglieder speichern").click()
    assert page.get_by_text("Renate Busch – Vorsitz").is_visible()
    assert page.get_by_role("status").filter(has_text="hat jetzt 5 Mitglieder").is_visible()
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768, "no sideways scrolling"
