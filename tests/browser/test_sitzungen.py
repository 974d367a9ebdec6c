"""The whole case in a real browser: a Vorlage goes through co-signing and release, the
Sitzungsdienst builds the agendas of the Technischer Ausschuss and the Gemeinderat, invites,
runs both sessions on the meeting screen, and the resolution with its objection week shows
on the Vorlage; axe-core on every Sitzungen page, screenshots for the README."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.browser.test_foundation import _api_token
from tests.conftest import berlin_today
from workflow.law.periods import WorkingCalendar, latest_before, period_end

TITLE = "Sanierung Sporthalle Auenstein"


def _bodies(server: str, token: str) -> dict[str, int]:
    response = httpx.get(
        f"{server}/api/v1/bodies", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return {b["name"]: b["id"] for b in response.json()["data"]}


def _draft(server: str) -> int:
    """The clerk's draft (the draft editor is the Vorlagen pages' part): the committee
    deliberates first, the council decides."""
    token = _api_token(server, "ilsfeld.clerk")
    bodies = _bodies(server, token)
    created = httpx.post(
        f"{server}/api/v1/proposals",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "title": TITLE,
            "resolution_text": "Der Gemeinderat beschließt die Sanierung der Sporthalle.",
            "proposal_date": berlin_today().isoformat(),
            "steps": [
                {"body_id": bodies["Technischer Ausschuss"], "advises": True, "decides": False},
                {"body_id": bodies["Gemeinderat"], "decides": True},
            ],
        },
        timeout=10,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _as(page: Any, sign_in: Callable[[Any, str], None], username: str) -> None:
    """Another person at the same browser: the last one signed out."""
    page.context.clear_cookies()
    sign_in(page, username)


def _release(page: Any, sign_in: Callable[[Any, str], None], proposal: int) -> None:
    _as(page, sign_in, "ilsfeld.clerk")
    page.goto(f"/vorlagen/{proposal}")
    page.get_by_label("Heike Amtsleiter").check()
    page.get_by_label("Felix Kämmerer (Kämmerei)").check()
    page.get_by_role("button", name="Zur Mitzeichnung geben").click()
    page.wait_for_load_state()
    for cosigner in ("ilsfeld.head", "ilsfeld.finance"):
        _as(page, sign_in, cosigner)
        page.goto(f"/vorlagen/{proposal}")
        page.get_by_role("button", name="Mitzeichnen", exact=True).click()
        page.wait_for_load_state()
    _as(page, sign_in, "ilsfeld.mayor")
    page.goto(f"/vorlagen/{proposal}")
    page.get_by_role("button", name="Weiter zur Prüfung: Freigeben").click()
    page.get_by_role("button", name="Jetzt verbindlich: Freigeben").click()
    page.wait_for_url(f"**/vorlagen/{proposal}")
    assert "Beratungsreif" in page.locator("main").inner_text()


def _new_meeting(page: Any, body: str, start: str) -> int:
    page.goto("/sitzungen/neu")
    page.get_by_label("Gremium").select_option(label=body)
    page.get_by_label("Sitzungstag").fill(berlin_today().isoformat())
    page.get_by_label("Beginn").fill(start)
    page.get_by_role("button", name="Sitzung anlegen").click()
    page.wait_for_url("**/sitzungen/*")
    return int(page.url.rstrip("/").split("/")[-1])


def _agenda_and_invite(page: Any, meeting: int, check: Callable[[Any], Any]) -> None:
    page.goto(f"/sitzungen/{meeting}")
    # a refusal goes to the banners, not to the agenda (#tagesordnung) below them
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    page.wait_for_url("**#meldungen")
    refusal = page.locator(".rf-flashes .kern-alert--danger")
    assert "Bitte wählen Sie eine Vorlage aus." in refusal.inner_text()
    assert page.evaluate("document.activeElement.id") == "meldungen"
    box = refusal.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    choice = page.get_by_label("Freigegebene Vorlage für dieses Gremium")
    value = choice.locator("option", has_text=TITLE).get_attribute("value")
    choice.select_option(value=value)
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    page.wait_for_load_state()
    page.get_by_label("Betreff").fill("Bekanntgaben")
    page.get_by_role("button", name="Punkt aufnehmen").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Tagesordnung festlegen").click()
    page.wait_for_load_state()
    # the period is explained before the click: today is too late for a meeting today
    latest = latest_before(berlin_today(), "P7D", WorkingCalendar()).date
    warning = page.get_by_text("Die Einladungsfrist ist nicht mehr gewahrt").first
    assert warning.is_visible()
    assert f"spätestens am {latest:%d.%m.%Y}" in page.locator("main").inner_text()
    check(page)
    page.get_by_label("Begründung der kürzeren Frist").fill(
        "Die Ausschreibungsfrist endet vor der nächsten regulären Sitzung."
    )
    page.get_by_role("button", name="Weiter zur Prüfung: Einladen").click()
    assert "Bitte prüfen" in page.locator("main").inner_text()
    check(page)
    page.get_by_role("button", name="Jetzt verbindlich: Einladen").click()
    page.wait_for_url(f"**/sitzungen/{meeting}")
    assert ": Eingeladen." in page.locator("main").inner_text()


def _run(
    page: Any,
    meeting: int,
    outcome: str,
    *,
    absent: str | None = None,
    biased: str | None = None,
    counts: tuple[int, int, int] | None = None,
    refuse_first: bool = False,
    notes: str | None = None,
) -> None:
    """Votes by name, or ``counts`` (Ja, Nein, Enthaltung) in the counts form;
    ``refuse_first``: the attendance and the counts are first sent so they are refused;
    ``notes``: the Beratungsverlauf typed, not saved by its own button, before the outcome."""
    page.goto(f"/sitzungen/{meeting}")
    page.get_by_role("link", name="Sitzung durchführen").click()
    page.wait_for_url(f"**/sitzungen/{meeting}/durchfuehren")
    if refuse_first:
        # the mayor unticked and nobody chosen to chair: refused, the page opens at the
        # error summary (focused), which links to the chair field
        mayor = page.get_by_label("Bürgermeisterin Beate Beispiel (Vorsitz)", exact=True)
        mayor.uncheck()
        page.get_by_role("button", name="Anwesenheit speichern").click()
        summary = page.locator("#fehler")
        assert "Bürgermeisterin Beate Beispiel ist nicht anwesend" in summary.inner_text()
        assert page.evaluate("document.activeElement.id") == "fehler"
        summary.get_by_role("link").click()
        assert page.evaluate("document.activeElement.id") == "chair_person_id"
        mayor.check()
    if absent:
        page.get_by_role("checkbox", name=absent, exact=True).uncheck()  # not the chair radio
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.get_by_text("Anwesenheit gespeichert").wait_for()
    page.get_by_role("button", name="Sitzung eröffnen").click()
    page.get_by_role("heading", name=f"TOP 1: {TITLE}", exact=False).wait_for()
    if biased:
        page.locator("summary", has_text="Befangenheit eines Mitglieds erfassen").click()
        page.get_by_label("Mitglied", exact=True).select_option(label=biased)
        page.get_by_label("Grund", exact=True).fill("Ehefrau ist Inhaberin eines Bieters")
        page.get_by_role("button", name="Befangenheit erfassen").click()
        page.get_by_text("Befangenheit erfasst").wait_for()
    if counts is not None and refuse_first:
        form = page.locator("#stimmenzahlen")
        form.get_by_label("Ja", exact=True).fill("99")
        form.get_by_role("button", name="Stimmenzahlen speichern").click()
        assert "99" in page.locator("#fehler").inner_text()
        # the summary has the focus, not the item's heading
        assert page.evaluate("document.activeElement.id") == "fehler"
        _refusal_wraps_in_the_counts_form(page)
        _motion_voted_down_after_a_refusal(page)
    if counts is not None:
        form = page.locator("#stimmenzahlen")
        for label, number in zip(("Ja", "Nein", "Enthaltung"), counts, strict=True):
            form.get_by_label(label, exact=True).fill(str(number))
        form.get_by_role("button", name="Stimmenzahlen speichern").click()
        page.get_by_text("Abstimmung gespeichert. Mehrheit erreicht").first.wait_for()
        page.get_by_role("button", name=outcome).click()
        page.get_by_text(f"Bitte prüfen: {outcome}").wait_for()
        return
    for radio in page.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    page.locator('input[type="radio"][value="abstain"]').last.check()
    page.get_by_text("(noch nicht gespeichert)").wait_for()  # majority computed live (htmx)
    page.get_by_role("button", name="Abstimmung speichern").click()
    page.get_by_text("Mehrheit erreicht").first.wait_for()
    if notes:
        page.get_by_label("Wesentlicher Inhalt der Beratung").fill(notes)
    page.get_by_role("button", name=outcome).click()
    page.get_by_text(f"Bitte prüfen: {outcome}").wait_for()


def _refusal_wraps_in_the_counts_form(page: Any) -> None:
    """The refusal at the "Ja" field wraps inside the counts form, at 1280 px and on a
    phone: the field no longer grows to the message's width and pushes the page sideways."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        form = page.locator("#stimmenzahlen").bounding_box()
        message = page.locator("#stimmenzahlen .kern-error").first.bounding_box()
        assert form is not None
        assert message is not None
        assert message["x"] + message["width"] <= form["x"] + form["width"] + 0.5, width
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= width, f"{width} px: the page scrolls sideways ({scrolled} px)"
    page.set_viewport_size({"width": 1280, "height": 900})


def _motion_voted_down_after_a_refusal(page: Any) -> None:
    """An Änderungsantrag whose vote is first refused (more votes than members): the
    screen opens at the error summary, not at a banner, with the counts as typed."""
    page.locator("summary", has_text="Antrag stellen").click()
    # the mover from the list: the municipality's Fraktionen beside the body's members
    page.get_by_label("Antragsteller/in", exact=True).select_option(
        label="Fraktion: Freie Wähler (FW)"
    )
    page.get_by_label("Wortlaut", exact=True).fill("Der Bauhof wird ohne Carport errichtet.")
    page.get_by_role("button", name="Antrag erfassen").click()
    page.get_by_text("Antrag erfasst").wait_for()
    page.get_by_text("(Antragsteller/in: Freie Wähler (FW))").wait_for()
    vote = page.locator("form", has=page.get_by_role("button", name="Abstimmung über den Antrag"))
    vote.get_by_label("Ja", exact=True).fill("99")
    vote.get_by_role("button", name="Abstimmung über den Antrag speichern").click()
    summary = page.locator("#fehler")
    assert "99 Stimmen, aber nur" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "fehler"
    assert page.locator(".rf-flashes .kern-alert--danger").count() == 0
    summary.get_by_role("link").click()
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("motion-ja-"), focused
    assert page.locator(f"#{focused}").input_value() == "99"
    for label, number in (("Ja", "0"), ("Nein", "8"), ("Enthaltung", "1")):
        vote.get_by_label(label, exact=True).fill(number)
    vote.get_by_role("button", name="Abstimmung über den Antrag speichern").click()
    page.get_by_text("Der Antrag ist abgelehnt.").wait_for()


def test_a_vorlage_through_committee_and_council(
    page: Any,
    server: str,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    proposal = _draft(server)
    _release(page, sign_in, proposal)

    _as(page, sign_in, "ilsfeld.secretary")
    page.goto("/sitzungen")
    committee = _new_meeting(page, "Technischer Ausschuss", "17:00")
    council = _new_meeting(page, "Gemeinderat", "19:00")
    _agenda_and_invite(page, committee, check_accessibility)

    # the committee's vote is taken as counts (the meeting screen's counts form)
    _run(
        page, committee, "Empfehlung beschließen (Vorberatung)", counts=(8, 0, 1), refuse_first=True
    )
    page.get_by_role("button", name="Jetzt verbindlich: Empfehlung beschließen").click()
    page.get_by_text("Ergebnis „Empfehlung beschlossen“ ist festgestellt").wait_for()
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.get_by_text("Ergebnis gespeichert").wait_for()
    page.get_by_role("button", name="Weiter zur Prüfung: Sitzung schließen").click()
    page.get_by_role("button", name="Jetzt verbindlich: Sitzung schließen").click()
    page.get_by_text("Niederschrift unterzeichnen").first.wait_for()

    _agenda_and_invite(page, council, check_accessibility)
    # the notes typed go with the outcome to its check page, unsaved, and are saved with it
    notes = "Die Fraktion FW regt an, den Bauhof später zu erweitern."
    _run(page, council, "Beschluss gefasst", absent="Anna Bauer", biased="Bernd Keller",
         notes=notes)  # fmt: skip
    assert page.get_by_label("Wesentlicher Inhalt der Beratung").input_value() == notes
    objection_end = period_end(berlin_today(), "P1W", WorkingCalendar()).date
    check_text = page.locator("main").inner_text()
    assert f"Widerspruchsfrist der Bürgermeisterin läuft bis {objection_end:%d.%m.%Y}" in check_text
    assert "befangen: 1" in check_text
    check_accessibility(page)
    screenshot(page, "sitzung-durchfuehren")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Jetzt verbindlich: Beschluss gefasst").click()
    page.get_by_text("ist festgestellt").wait_for()
    assert asked == [], "the confirmation saves the notes: nothing to ask"
    page.locator(".rf-screen__agenda a").first.click()
    page.get_by_text("Erledigt:").wait_for()
    assert page.get_by_label("Wesentlicher Inhalt der Beratung").input_value() == notes

    page.goto(f"/vorlagen/{proposal}")
    text = page.locator("main").inner_text()
    assert "Beschlossen – Widerspruchsfrist läuft" in text
    assert "erledigt: beschlossen" in text
    assert "erledigt: Empfehlung beschlossen" in text
    assert "Widerspruchsfrist der Bürgermeisterin" in text
    assert f"Widerspruchsfrist der Bürgermeisterin: bis {objection_end:%d.%m.%Y}" in text

    page.goto(f"/sitzungen/{council}")
    check_accessibility(page)
    screenshot(page, "sitzung")
    page.goto("/sitzungen?zeitraum=alle")
    check_accessibility(page)
    screenshot(page, "sitzungen")
    page.goto("/sitzungen/kalender")
    check_accessibility(page)
    screenshot(page, "sitzungskalender")
    link = page.locator(f'a[href="/sitzungen/{council}"]')
    assert link.count() == 1
    # on a phone the month is a list of days with meetings: names are not broken mid-word
    page.set_viewport_size({"width": 390, "height": 844})
    day = page.locator("td", has=link)
    assert day.locator(".rf-calendar__date").is_visible()
    assert not page.locator("td.rf-calendar__empty").first.is_visible()  # only meeting days
    assert day.locator(".kern-sr-only").count() >= 1  # the date for screen readers stays
    box = link.bounding_box()
    assert box is not None
    assert box["width"] > 200
    page.set_viewport_size({"width": 1280, "height": 900})


def test_sitzungen_fit_a_tablet(
    page: Any, server: str, sign_in: Callable[[Any, str], None]
) -> None:
    token = _api_token(server, "ilsfeld.secretary")
    meetings = httpx.get(
        f"{server}/api/v1/meetings", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()["data"]
    assert meetings, "the demo and the story above leave meetings"
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, "ilsfeld.secretary")
    last = meetings[-1]["id"]
    for path in ("/sitzungen", "/sitzungen/kalender", f"/sitzungen/{last}",
                 f"/sitzungen/{last}/durchfuehren"):  # fmt: skip
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 768, f"{path} scrolls sideways at 768 px ({width} px)"


def _invited(server: str, body: str, day: date, *, late: bool = False) -> int:
    """A meeting of ``body`` on ``day`` with one free item, its agenda set and invited by
    the API; ``late``: with the reason for the shorter period (§ 34 Abs. 1 GemO)."""
    token = _api_token(server, "ilsfeld.secretary")
    auth = {"Authorization": f"Bearer {token}"}
    created = httpx.post(
        f"{server}/api/v1/meetings",
        headers=auth,
        json={"body_id": _bodies(server, token)[body], "meeting_date": day.isoformat()},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    meeting = int(created.json()["id"])
    url = f"{server}/api/v1/meetings/{meeting}"

    def version() -> int:
        return int(httpx.get(url, headers=auth, timeout=10).json()["version"])

    item = httpx.post(
        f"{url}/agenda-items",
        headers=auth,
        json={"title": "Bekanntgaben", "expected_version": version()},
        timeout=10,
    )
    assert item.status_code == 201, item.text
    data = {"late_reason": "Die Frist für den Zuschuss endet morgen."} if late else {}
    for trigger in ("set_agenda", "invite"):
        fired = httpx.post(
            f"{url}/transitions",
            headers=auth,
            json={"trigger": trigger, "expected_version": version(), "data": data},
            timeout=30,
        )
        assert fired.status_code == 200, fired.text
    return meeting


# Whether a "Vorsitz" choice shows its whole text: a radio's label neither clipped nor
# wider than the attendance column; a select whose box wraps (customizable select) if
# each choice, chosen, fits its box inside the column; any other select only if the chosen
# text fits its closed box on one line (Chromium cuts it).
_READABLE = """(el) => {
  const column = el.closest('section').getBoundingClientRect();
  if (el.tagName === 'SELECT' && getComputedStyle(el).appearance === 'base-select') {
    const kept = el.selectedIndex;
    const fits = [...el.options].every((o, i) => {
      el.selectedIndex = i;
      const box = el.getBoundingClientRect();
      return el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1
        && box.right <= column.right + 0.5 && box.left >= column.left - 0.5;
    });
    el.selectedIndex = kept;
    return fits;
  }
  if (el.tagName === 'SELECT') {
    const style = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = style.font;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [...el.options].every((o) => ctx.measureText(o.text).width <= room);
  }
  const label = document.querySelector(`label[for="${el.id}"]`);
  const box = label.getBoundingClientRect();
  return label.scrollWidth <= label.clientWidth + 1 && box.right <= column.right + 0.5
    && box.left >= column.left - 0.5;
}"""


def test_the_session_chair_choice_reads_in_full_on_desktop_and_phone(
    page: Any,
    server: str,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
) -> None:
    """The attendance column's "Vorsitz" was a select that cut "Keine Stellvertretung:
    Bürgermeisterin Beate Beispiel" at 1280 px and 390 px: every choice reads in full."""
    day = berlin_today() + timedelta(days=30)  # invited in time (§ 34 Abs. 1 GemO)
    meeting = _invited(server, "Gemeinderat", day)
    sign_in(page, "ilsfeld.secretary")
    page.goto(f"/sitzungen/{meeting}/durchfuehren")
    mayor = page.get_by_label("Keine Stellvertretung: Bürgermeisterin Beate Beispiel", exact=True)
    assert mayor.is_checked()
    page.locator(".rf-radios__more > summary").click()  # every other member
    choices = page.locator('input[name="chair_person_id"]')
    assert choices.count() > 10
    check_accessibility(page)
    for width, name in ((1280, "vorsitz-1280"), (390, "vorsitz-390")):
        page.set_viewport_size({"width": width, "height": 900})
        cut = [
            choices.nth(i).get_attribute("id")
            for i in range(choices.count())
            if not choices.nth(i).evaluate(_READABLE)
        ]
        assert cut == [], f"cut at {width} px: {cut}"
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= width, f"scrolls sideways at {width} px ({scrolled} px)"
        page.locator(".rf-screen__attendance").screenshot(
            path=str(Path(os.environ.get("RATSFLOW_SHOTS", "/tmp")) / f"{name}.png")
        )
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_item_chair_choice_fits_a_phone(
    page: Any,
    server: str,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
) -> None:
    """A committee's item offers the handover of its chair (§ 40 Abs. 4 GemO) as a select,
    whose closed box Chromium cuts without an ellipsis: at 390 px every choice reads in
    full, and the hint's citations keep together."""
    meeting = _invited(server, "Technischer Ausschuss", berlin_today(), late=True)
    sign_in(page, "ilsfeld.secretary")
    page.goto(f"/sitzungen/{meeting}/durchfuehren")
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.get_by_text("Anwesenheit gespeichert").wait_for()
    page.get_by_role("button", name="Sitzung eröffnen").click()
    page.get_by_role("heading", name="TOP 1: Bekanntgaben", exact=False).wait_for()
    choice = page.locator("#item-chair")
    assert choice.count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".rf-screen__item").screenshot(
        path=str(Path(os.environ.get("RATSFLOW_SHOTS", "/tmp")) / "vorsitz-top-390.png")
    )
    assert choice.evaluate(_READABLE), "an item-chair choice is cut at 390 px"
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= 390, f"scrolls sideways at 390 px ({scrolled} px)"
    # "(§" no longer stands alone at a line's end (api.ui.citations)
    hint = page.locator("#item-chair-hinweis").inner_text()
    assert "(§\xa040 Abs.\xa04, §\xa041 Abs.\xa02 GemO)" in hint
    check_accessibility(page)
    page.set_viewport_size({"width": 1280, "height": 900})
