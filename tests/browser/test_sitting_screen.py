"""The meeting screen in the browser: a typed Beratungsverlauf is saved with the outcome and
not lost silently when leaving the item, and the keyboard goes on where the work does."""

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


def test_typed_notes_are_saved_with_the_outcome_and_asked_for_before_leaving(
    page: Any, server: str, sign_in: Callable[[Any, str], None]
) -> None:
    _opened(page, server, sign_in)
    notes = page.get_by_label("Wesentlicher Inhalt der Beratung")
    notes.fill(NOTES)
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    # leaving the item by the agenda: the page asks; "Abbrechen" keeps the text and its focus
    page.locator(".rf-screen__agenda a").first.click()
    assert asked == [
        "Der wesentliche Inhalt der Beratung zu TOP 1 ist noch nicht gespeichert. "
        "Ohne Speichern fortfahren?"
    ]
    assert notes.input_value() == NOTES
    assert page.evaluate("document.activeElement.name") == "deliberation_notes"
    # its own button saves the text alone
    page.get_by_role("button", name="Beratungsverlauf speichern").click()
    page.get_by_text("Der Verlauf der Beratung ist gespeichert.").wait_for()
    assert "Ergebnis gespeichert" not in page.locator("main").inner_text()
    # more typed, then "Ergebnis speichern": no question, the notes saved with the outcome
    more = NOTES + " Fragen gibt es keine."
    notes.fill(more)
    page.get_by_label("Ergebnis", exact=True).select_option(label="zur Kenntnis genommen")
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.get_by_text("Ergebnis gespeichert: zur Kenntnis genommen.").wait_for()
    assert len(asked) == 1
    # the item, done, shows its notes as saved
    page.locator(".rf-screen__agenda a").first.click()
    page.get_by_text("Erledigt:").wait_for()
    assert page.get_by_label("Wesentlicher Inhalt der Beratung").input_value() == more
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


def test_the_quorum_follows_the_ticks_before_they_are_saved(
    page: Any, server: str, sign_in: Callable[[Any, str], None]
) -> None:
    """§ 37 Abs. 2 GemO, live: unticking members turns the badge to "nicht beschlussfähig"
    before anything is saved (htmx); saved, the screen says the same."""
    meeting = _invited(server, "Technischer Ausschuss", berlin_today(), late=True)
    sign_in(page, "ilsfeld.secretary")
    page.goto(f"/sitzungen/{meeting}/durchfuehren")
    badge = page.locator("#beschlussfaehigkeit")
    assert "Anwesenheit noch nicht erfasst" in badge.inner_text()
    boxes = page.locator("input[name=present]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    page.get_by_text("nicht beschlussfähig: 0 von").wait_for()
    assert "(noch nicht gespeichert)" in badge.inner_text()
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.locator("#beschlussfaehigkeit .kern-badge--success").wait_for()
    assert "nicht beschlussfähig" not in badge.inner_text()
