"""The meeting screen in the browser: a typed Beratungsverlauf is not lost silently, and the
keyboard goes on where the work does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.test_sitzungen import _invited
from tests.conftest import berlin_today

NOTES = "Die Verwaltung berichtet über den Stand der Bauarbeiten."


def _opened(page: Any, server: str, sign_in: Callable[[Any, str], None]) -> int:
    """A committee meeting today with one free item, everyone present, the session open."""
    meeting = _invited(server, "Technischer Ausschuss", berlin_today(), late=True)
    sign_in(page, "ilsfeld.secretary")
    page.goto(f"/sitzungen/{meeting}/durchfuehren")
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Sitzung eröffnen").click()
    page.wait_for_load_state()
    return meeting


def test_unsaved_deliberation_notes_are_asked_for_before_the_outcome(
    page: Any, server: str, sign_in: Callable[[Any, str], None]
) -> None:
    _opened(page, server, sign_in)
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


def test_after_closing_and_each_signature_the_keyboard_goes_on_at_the_minutes(
    page: Any, server: str, sign_in: Callable[[Any, str], None]
) -> None:
    """The minutes' heading takes the focus as the current item's does: the next Tab is in
    the signature form, not at the top of the page."""
    _opened(page, server, sign_in)
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.get_by_text("Ergebnis gespeichert").wait_for()
    page.get_by_role("button", name="Weiter zur Prüfung: Sitzung schließen").click()
    page.get_by_role("button", name="Jetzt verbindlich: Sitzung schließen").click()
    page.get_by_text("Neuer Stand: Sitzung beendet").wait_for()
    focused = "document.activeElement.id"
    assert page.evaluate(focused) == "aktueller-top"
    assert "Niederschrift unterzeichnen" in page.locator("#aktueller-top").inner_text()
    page.get_by_label("Unterzeichnet hat").select_option(index=1)
    page.get_by_role("button", name="Unterschrift erfassen").click()
    page.get_by_text("erfasst.").first.wait_for()
    assert page.evaluate(focused) == "aktueller-top"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "signer"
