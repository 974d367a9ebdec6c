"""The admin creates a user in a real browser; the new account signs in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_an_admin_creates_a_user(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "admin")
    # the admin's start page leads to Verwaltung and the Abläufe (no tasks, no Vorlagen)
    assert page.title() == "Übersicht – Ratsflow"
    assert page.get_by_role("link", name="Benutzerkonten").is_visible()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link", name="Vorlagen").count() == 0
    check_accessibility(page)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Verwaltung"
    ).click()
    assert page.title() == "Verwaltung – Ratsflow"
    check_accessibility(page)
    screenshot(page, "verwaltung")
    # a long action shows its progress while the server works, and cannot be sent twice
    shown = page.evaluate(
        """() => {
          const form = document.querySelector("form[data-rf-lange-aktion]");
          form.addEventListener("submit", (e) => e.preventDefault());
          form.requestSubmit();
          form.requestSubmit();
          return [document.querySelector(".rf-progress").hidden, form.dataset.rfSent];
        }"""
    )
    assert shown == [False, "ja"]
    assert page.get_by_role("status").filter(has_text="Das Konto wird angelegt").is_visible()
    page.goto("/verwaltung")
    page.get_by_label("Vollständiger Name").fill("Lena Browser")
    page.get_by_label("Benutzername").fill("ilsfeld.lena")
    page.get_by_label("Rolle").select_option(label="Sitzungsdienst")
    page.get_by_label("Erstes Passwort").fill("kurz")
    page.get_by_label("Passwort wiederholen").fill("kurz")
    page.get_by_role("button", name="Konto anlegen").click()
    summary = page.locator("#fehler")
    assert "mindestens 12 Zeichen" in summary.inner_text()
    # the page opens at the summary, the keyboard goes on from there
    assert page.evaluate("document.activeElement.id") == "fehler"
    check_accessibility(page)
    page.get_by_label("Erstes Passwort").fill("sicher-genug-2")
    page.get_by_label("Passwort wiederholen").fill("sicher-genug-2")
    page.get_by_role("button", name="Konto anlegen").click()
    assert page.get_by_text("Das Konto „ilsfeld.lena“ für Lena Browser").is_visible()
    row = page.get_by_role("row").filter(has_text="ilsfeld.lena")
    assert "Sitzungsdienst" in row.inner_text()
    page.get_by_role("button", name="Abmelden").click()
    page.goto("/anmelden")
    page.get_by_label("Benutzername").fill("ilsfeld.lena")
    page.get_by_label("Passwort").fill("sicher-genug-2")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/anmelden" not in url)
    assert "Lena Browser" in page.locator(".rf-header").inner_text()


def test_the_admin_gives_a_member_his_address_for_invitations(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    """Beside each seat: where the member's invitation goes; a mistyped address is said at
    its field, the summary leads there, and the corrected one is shown at the seat."""
    sign_in(page, "admin")
    page.goto("/verwaltung")
    page.get_by_role("link", name="Gemeinderat", exact=True).click()
    own = "Name und E-Mail-Adresse von Bernd Keller"  # his seat's own form, by its summary
    seat = page.locator(".rf-members > li").filter(has=page.locator("summary", has_text=own))
    assert "Keine E-Mail-Adresse: Einladung schriftlich" in seat.inner_text()
    seat.get_by_text("Name und E-Mail-Adresse").click()
    seat.get_by_label("E-Mail-Adresse für Einladungen").fill("bernd.keller@")
    seat.get_by_role("button", name="Speichern").first.click()
    summary = page.locator("#fehler")
    assert "gültige E-Mail-Adresse" in summary.inner_text()
    summary.get_by_role("link").first.click()
    focused = page.evaluate("document.activeElement.name")
    assert focused == "email"
    check_accessibility(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("bernd.keller@ilsfeld.example")
    page.keyboard.press("Enter")
    page.get_by_text(  # the form is sent by Enter; the page after it says what was saved
        "Bernd Keller ist gespeichert. Einladungen gehen an bernd.keller@ilsfeld.example."
    ).wait_for()
    seat = page.locator(".rf-members > li").filter(has=page.locator("summary", has_text=own))
    assert "Einladung per E-Mail an bernd.keller@ilsfeld.example" in seat.inner_text()
    check_accessibility(page)
    screenshot(page, "gremium")
