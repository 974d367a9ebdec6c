"""Inline validation in the draft editor, in the browser: the field's message appears while
typing (htmx asks the server's check, the same rules as saving) and goes once it is right,
without disturbing what the user types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_messages_follow_the_typing(
    page: Any, sign_in: Callable[[Any, str], None], check_accessibility: Callable[[Any], Any]
) -> None:
    sign_in(page, "ilsfeld.clerk")
    page.goto("/vorlagen/neu")
    amount = page.get_by_label("Verfügbare Mittel (Euro)")
    amount.press_sequentially("viel")
    slot = page.locator("#remaining_amount-meldung")
    slot.get_by_text("Bitte einen Betrag in Euro eingeben, z. B. 30.387,20.").wait_for()
    assert page.evaluate("document.activeElement.id") == "remaining_amount"
    assert amount.input_value() == "viel"
    amount.fill("")
    amount.press_sequentially("30.387,20")
    page.wait_for_function(
        "!document.querySelector('#remaining_amount-meldung').textContent.trim()"
    )
    assert amount.input_value() == "30.387,20"

    # A required field emptied again is named at once; other fields stay quiet meanwhile.
    title = page.get_by_label("Betreff")
    title.press_sequentially("Neubau")
    title.press("Control+a")
    title.press("Backspace")
    page.locator("#title-meldung").get_by_text("Bitte geben Sie den Betreff ein.").wait_for()
    assert page.locator("#resolution_text-meldung").inner_text().strip() == ""
    page.get_by_label("nichtöffentlich (§ 35 Abs. 1 GemO)").check()
    page.locator("#non_public_reason-meldung").get_by_text(
        "warum die Vorlage nichtöffentlich beraten wird", exact=False
    ).wait_for()
    check_accessibility(page)


def test_a_council_resolution_for_a_committees_matter_is_warned_while_typing(
    page: Any, sign_in: Callable[[Any, str], None]
) -> None:
    """§ 39 GemO: choosing the Technischer Ausschuss to decide, a Beschlussvorschlag
    "Der Gemeinderat beschließt …" is pointed out under the text; naming the council to
    decide takes the hint away again."""
    warning = "Der Beschlussvorschlag nennt den Gemeinderat, beschließen soll aber"
    sign_in(page, "ilsfeld.clerk")
    page.goto("/vorlagen/neu")
    page.locator("#steps-0-body_id").select_option(label="Technischer Ausschuss")
    text = page.get_by_label("Beschlussvorschlag")
    text.press_sequentially("Der Gemeinderat beschließt den Bau.")
    page.locator("#beschlussorgan-hinweis").get_by_text(warning, exact=False).wait_for()
    assert "der Technische Ausschuss" in page.locator("#beschlussorgan-hinweis").inner_text()
    assert page.locator("#resolution_text-meldung").inner_text().strip() == ""
    assert text.input_value() == "Der Gemeinderat beschließt den Bau."
    page.locator("#steps-0-body_id").select_option(label="Gemeinderat")
    page.wait_for_function("!document.querySelector('#beschlussorgan-hinweis').textContent.trim()")
