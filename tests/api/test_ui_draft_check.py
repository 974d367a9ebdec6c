"""Inline validation in the draft editor: the field's message while typing, from the same
``validate`` the save runs (one rule set), as an out-of-band fragment for the field's slot."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin

VALID = {
    "title": "Sanierung Grundschule",
    "proposal_date": "2024-04-08",
    "resolution_text": "Der Gemeinderat beschließt die Sanierung.",
    "remaining_amount": "30.387,20",
    "covered_by_budget": "ja",
    "public": "ja",
    "steps-0-body_id": "",
    "steps-0-role": "decides",
    "steps-0-public": "ja",
}


def check(client: TestClient, token: str, field: str, **changed: str) -> Any:
    data = {"csrf_token": token, **VALID, **changed, "feld": field}
    return client.post("/vorlagen/pruefen", data=data, headers={"HX-Request": "true"})


def message(html: str, field: str) -> str | None:
    """The text in the field's slot, None when it is empty; the slot must be out-of-band."""
    slot = re.search(
        rf'<div class="rf-field-message" id="{re.escape(field)}-meldung" aria-live="polite" '
        r'hx-swap-oob="true">(.*?)</div>',
        html,
        re.S,
    )
    assert slot, html
    text = re.sub(r"<[^>]+>", "", slot.group(1)).strip()
    return text or None


def test_each_field_gets_the_message_the_save_would_show(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/vorlagen/neu").text
    # The editor asks for the check on change and after typing, and every field has its slot.
    assert 'hx-post="/vorlagen/pruefen" hx-trigger="change, keyup delay:500ms"' in page
    assert 'id="title-meldung"' in page
    token = csrf_of(page)

    assert message(check(client, token, "title", title="").text, "title") == (
        "Bitte geben Sie den Betreff ein."
    )
    assert message(check(client, token, "title").text, "title") is None
    too_long = check(client, token, "title", title="x" * 501).text
    assert message(too_long, "title") == "Bitte höchstens 500 Zeichen eingeben."
    amount = check(client, token, "remaining_amount", remaining_amount="viel").text
    assert message(amount, "remaining_amount") == (
        "Bitte einen Betrag in Euro eingeben, z. B. 30.387,20."
    )
    for odd in ("-1", "1e9"):  # neither is an amount a Vorlage states
        refused = check(client, token, "unplanned_amount", unplanned_amount=odd).text
        assert message(refused, "unplanned_amount") == (
            "Bitte einen Betrag in Euro eingeben, z. B. 30.387,20."
        )
    # Other fields' mistakes do not show while the user is still elsewhere.
    elsewhere = check(client, token, "title", title="Neu", remaining_amount="viel").text
    assert message(elsewhere, "title") is None
    assert "remaining_amount-meldung" not in elsewhere
    # Choosing "nichtöffentlich" asks for the reason at the reason's field (§ 35 GemO).
    secret = check(client, token, "public", public="nein").text
    assert "warum die Vorlage nichtöffentlich beraten wird" in (
        message(secret, "non_public_reason") or ""
    )
    council = str(world.body_id("Gemeinderat"))
    planned = {"steps-0-body_id": council, "steps-0-planned_date": "morgen"}
    step = check(client, token, "steps-0-planned_date", **planned)
    assert message(step.text, "steps-0-planned_date") == "Bitte ein gültiges Datum eingeben."

    # The same words as the save path, which shows them all at once.
    saved = client.post(
        "/vorlagen/neu",
        data={"csrf_token": token, **VALID, "title": "", "remaining_amount": "viel"},
    )
    assert saved.status_code == 422
    assert "Bitte geben Sie den Betreff ein." in saved.text
    assert "Bitte einen Betrag in Euro eingeben, z. B. 30.387,20." in saved.text


def test_the_check_refuses_strangers_and_odd_field_names(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get("/vorlagen/neu").text)
    odd = check(client, token, '"><script>alert(1)</script>')
    assert odd.status_code == 204
    assert odd.text == ""
    without_token = client.post("/vorlagen/pruefen", data={**VALID, "feld": "title"})
    assert without_token.status_code == 403
    client.post("/abmelden", data={"csrf_token": token})
    sign_in(client, "ilsfeld.council")
    token = csrf_of(client.get("/").text)
    assert check(client, token, "title").status_code == 403


WRONG_BODY = (
    "Der Beschlussvorschlag nennt den Gemeinderat, beschließen soll aber der Technische Ausschuss."
)


def _hint(html: str) -> str:
    """The text of the Beschlussvorschlag's warning slot (empty when there is none)."""
    slot = re.search(r'<div id="beschlussorgan-hinweis"[^>]*>(.*?)</div>\s*</div>\s*</div>|'
                     r'<div id="beschlussorgan-hinweis"[^>]*></div>', html, re.S)  # fmt: skip
    assert slot, html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", slot.group(0))).strip()


def test_a_council_resolution_for_a_committees_matter_is_warned_not_refused(
    world: World, client: TestClient
) -> None:
    """§ 39 GemO: the Technischer Ausschuss decides, the Beschlussvorschlag has the
    Gemeinderat resolve: the check warns while typing, the save keeps the draft, and the
    Vorlage page and the editor say it again."""
    committee = str(world.body_id("Technischer Ausschuss"))
    council = str(world.body_id("Gemeinderat"))
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/vorlagen/neu").text
    assert 'id="beschlussorgan-hinweis"' in page
    assert WRONG_BODY not in page
    token = csrf_of(page)

    typed = check(client, token, "resolution_text", **{"steps-0-body_id": committee}).text
    assert 'id="beschlussorgan-hinweis" aria-live="polite" hx-swap-oob="true"' in typed
    assert WRONG_BODY in _hint(typed)
    assert "Hinweis" in _hint(typed)
    assert message(typed, "resolution_text") is None  # a warning, not an error
    # choosing the deciding body again tells it too; the council deciding: no warning
    chosen = check(client, token, "steps-0-body_id", **{"steps-0-body_id": committee}).text
    assert WRONG_BODY in _hint(chosen)
    fine = check(client, token, "steps-0-body_id", **{"steps-0-body_id": council}).text
    assert 'id="beschlussorgan-hinweis"' in fine
    assert WRONG_BODY not in fine
    named = check(
        client,
        token,
        "resolution_text",
        resolution_text="Der Technische Ausschuss beschließt die Sanierung.",
        **{"steps-0-body_id": committee},
    ).text
    assert WRONG_BODY not in named
    # other fields' checks carry no warning slot
    assert "beschlussorgan-hinweis" not in check(client, token, "title").text

    data = {"csrf_token": token, **VALID, "steps-0-body_id": committee}
    saved = client.post("/vorlagen/neu", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    location = saved.headers["location"]
    detail = client.get(location).text
    assert WRONG_BODY in detail
    assert WRONG_BODY in _hint(client.get(f"{location}/bearbeiten").text)
    data = {"csrf_token": token, **VALID, "steps-0-body_id": council}
    plain = client.post("/vorlagen/neu", data=data, follow_redirects=False)
    assert plain.status_code == 303, plain.text
    assert WRONG_BODY not in client.get(plain.headers["location"]).text


def test_a_wrong_date_is_told_with_an_example_of_today(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The example is the day the Vorlage is written on (Europe/Berlin), not "23.04.2024":
    while typing and on saving alike."""
    clock.now = berlin(date(2026, 12, 7), 9)
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/vorlagen/neu").text
    wrong = check(client, csrf_of(page), "proposal_date", proposal_date="31.02.2026").text
    assert message(wrong, "proposal_date") == "Bitte ein gültiges Datum eingeben, z. B. 07.12.2026."
    saved = client.post(
        "/vorlagen/neu", data={"csrf_token": csrf_of(page), **VALID, "proposal_date": "morgen"}
    )
    assert saved.status_code == 422
    assert "Bitte ein gültiges Datum eingeben, z. B. 07.12.2026." in saved.text
