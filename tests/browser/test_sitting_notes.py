"""The Beratungsverlauf on the meeting screen is saved by its own button: a typed text is
not lost silently when the Sitzungsdienst goes on with the item's Ergebnis instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.test_sitzungen import _invited
from tests.conftest import berlin_today

NOTES = "Die Verwaltung berichtet über den Stand der Bauarbeiten."


def test_unsaved_deliberation_notes_are_asked_for_before_the_outcome(
    page: Any, server: str, sign_in: Callable[[Any, str], None]
) -> None:
    meeting = _invited(server, "Technischer Ausschuss", berlin_today(), late=True)
    sign_in(page, "ilsfeld.secretary")
    page.goto(f"/sitzungen/{meeting}/durchfuehren")
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Sitzung eröffnen").click()
    page.wait_for_load_state()
    notes = page.get_by_label("Wesentlicher Inhalt der Beratung")
    notes.fill(NOTES)
    page.get_by_label("Ergebnis", exact=True).select_option(label="zur Kenntnis genommen")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Ergebnis speichern").click()
    # "Abbrechen": nothing is sent, the text stays and has the focus
    assert asked == [
        "Der wesentliche Inhalt der Beratung zu TOP 1 ist noch nicht gespeichert. "
        "Ohne Speichern fortfahren?"
    ]
    assert notes.input_value() == NOTES
    assert page.evaluate("document.activeElement.name") == "deliberation_notes"
    assert "Ergebnis gespeichert" not in page.locator("main").inner_text()
    # saved first, the outcome goes on without a question
    page.get_by_role("button", name="Beratungsverlauf speichern").click()
    page.get_by_text("Der Verlauf der Beratung ist gespeichert.").wait_for()
    page.on("dialog", dismiss)
    page.get_by_label("Ergebnis", exact=True).select_option(label="zur Kenntnis genommen")
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.get_by_text("Ergebnis gespeichert: zur Kenntnis genommen.").wait_for()
    assert len(asked) == 1
