"""Neue Abfrage in the web UI: the Landratsamt asks the municipalities of its district it
chooses (all of them ticked to begin with), each with an optional amount."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, field_of, sign_in
from tests.conftest import World, berlin
from tests.integration.test_decisions import REPLY
from workflow.models import DecisionRequest, DecisionResponse, Municipality

TITLE = "Integrationsmanagement ab 01.01.2025"
FORM = {
    "title": TITLE,
    "explanation": "Bleibt das Integrationsmanagement beim Landkreis?",
    "reply_deadline": REPLY.isoformat(),
    "effective_date": "2025-01-01",
    "option-1-label": "beim Landkreis belassen",
    "option-1-description": "Der Landkreis führt es weiter durch.",
    "option-2-label": "eigene Regie",
    "option-2-description": "Die Gemeinde führt es selbst durch.",
    "default_option": "1",
}


def _requests(world: World) -> list[DecisionRequest]:
    return list(world.run(lambda s: list(s.exec(select(DecisionRequest)))))


def _ticked(html: str) -> list[str]:
    """The municipalities' ids the form has ticked."""
    return re.findall(r'name="gemeinde" value="(\d+)" checked', html)


def _town_id(world: World, name: str) -> str:
    return str(
        world.run(
            lambda s: s.exec(select(Municipality.id).where(Municipality.name == name)).one()
        )  # fmt: skip
    )


def test_the_coordinator_sends_a_new_request_to_every_municipality(
    world: World, client: TestClient
) -> None:
    sign_in(client, "lra.coordinator")
    listed = client.get("/abfragen").text
    assert 'href="/abfragen/neu"' in listed
    page = client.get("/abfragen/neu")
    assert page.status_code == 200
    assert 'for="reply_deadline"' in page.text
    # the option rows start empty; the default option is chosen beside its row, not from a
    # list of "Option 1" … "Option 4" that names no option the person typed
    assert re.findall(r'name="option-\d-label" type="text" value=""', page.text)
    assert "<select" not in page.text
    radios = re.findall(r'type="radio" id="default_option[-\d]*" name="default_option"', page.text)
    assert len(radios) == 4
    assert re.search(r'name="default_option" value="1" checked', page.text)
    ticked = _ticked(page.text)
    assert len(ticked) == 46  # every municipality of the district, until the coordinator unticks
    made = client.post(
        "/abfragen/neu",
        data={**FORM, "csrf_token": csrf_of(page.text), "gemeinde": ticked},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    [created] = _requests(world)
    assert made.headers["location"] == f"/abfragen/{created.id}"
    assert (created.state, created.default_option) == ("sent", "beim_landkreis_belassen")
    assert [o["key"] for o in created.options] == ["beim_landkreis_belassen", "eigene_regie"]
    shown = client.get(made.headers["location"]).text
    assert "wurde an 46 Gemeinden versandt" in shown
    assert "<strong>46</strong> Gemeinden" in shown
    responses = world.run(
        lambda s: list(
            s.exec(select(DecisionResponse).where(DecisionResponse.request_id == created.id))
        )  # fmt: skip
    )
    assert len(responses) == 46
    sign_in(client, "ilsfeld.clerk")
    theirs = client.get("/abfragen").text
    assert TITLE in theirs
    assert 'href="/abfragen/neu"' not in theirs


def test_the_examples_name_the_next_new_year(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The "Gilt ab" and the question's example name the coming 1 January, not 01.01.2025;
    also on the page that names a mistake."""
    clock.now = berlin(date(2026, 12, 7), 9)
    sign_in(client, "lra.coordinator")
    page = client.get("/abfragen/neu").text
    assert "z. B. 01.01.2027" in field_of(page, "effective_date")
    assert "z. B. Integrationsmanagement ab 01.01.2027: " in field_of(page, "title")
    assert "2025" not in page
    data = {"csrf_token": csrf_of(page), **FORM, "reply_deadline": "2027-01-15"}
    bad = client.post("/abfragen/neu", data={**data, "effective_date": "bald"})
    assert bad.status_code == 422
    assert "Bitte geben Sie das Datum, ab dem es gilt, als Datum ein." in bad.text
    assert "z. B. 01.01.2027" in field_of(bad.text, "effective_date")


def test_a_municipality_cannot_create_a_request(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.mayor")
    assert client.get("/abfragen/neu").status_code == 403
    token = csrf_of(client.get("/vorlagen").text)
    refused = client.post("/abfragen/neu", data={**FORM, "csrf_token": token})
    assert refused.status_code == 403
    assert _requests(world) == []


def test_bad_input_is_named_in_german_and_kept(world: World, client: TestClient) -> None:
    sign_in(client, "lra.coordinator")
    token = csrf_of(client.get("/abfragen/neu").text)
    bad = {
        **FORM,
        "csrf_token": token,
        "title": "",
        "reply_deadline": "2020-01-01",
        "option-2-label": "",
        "option-2-description": "nur eine Erläuterung",
        "default_option": "3",
    }
    refused = client.post("/abfragen/neu", data=bad)
    assert refused.status_code == 422
    assert 'id="fehler"' in refused.text
    for message in (
        "Bitte geben Sie die Frage an die Gemeinden ein.",
        "Die Antwortfrist muss in der Zukunft liegen.",
        "Bitte geben Sie die Bezeichnung der Option 2 ein.",
        "Bitte wählen Sie eine ausgefüllte Option",
    ):
        assert message in refused.text.replace("\xa0", " ")  # citations keep together
    assert 'href="#reply_deadline"' in refused.text
    assert 'href="#default_option"' in refused.text
    assert 'id="default_option" name="default_option" value="1"' in refused.text
    assert 'id="reply_deadline-fehler"' in refused.text
    assert 'value="beim Landkreis belassen"' in refused.text
    assert "nur eine Erläuterung</textarea>" in refused.text
    assert _requests(world) == []


def test_the_coordinator_asks_chosen_municipalities_with_their_amounts(
    world: World, client: TestClient
) -> None:
    sign_in(client, "lra.coordinator")
    page = client.get("/abfragen/neu").text
    assert "Betrag bei eigener Durchführung (Euro)" in page
    ilsfeld, flein = _town_id(world, "Ilsfeld"), _town_id(world, "Flein")
    made = client.post(
        "/abfragen/neu",
        data={
            **FORM,
            "csrf_token": csrf_of(page),
            "gemeinde": [ilsfeld, flein],
            f"betrag-{ilsfeld}": "30.387,20",
            f"betrag-{flein}": "1200",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    [created] = _requests(world)
    assert sorted(created.targets) == sorted([int(ilsfeld), int(flein)])
    assert created.amounts == {"Ilsfeld": "30387.20", "Flein": "1200.00"}
    shown = client.get(made.headers["location"]).text
    assert "wurde an 2 Gemeinden versandt" in shown
    assert "<strong>2</strong> Gemeinden" in shown
    asked = select(DecisionResponse).where(DecisionResponse.request_id == created.id)
    responses = world.run(lambda s: {r.municipality_id: r.amount for r in s.exec(asked)})
    assert responses == {int(ilsfeld): Decimal("30387.20"), int(flein): Decimal("1200.00")}
    sign_in(client, "ilsfeld.clerk")
    listed = client.get("/abfragen").text
    assert TITLE in listed
    answer = client.get(f"/abfragen/{created.id}", follow_redirects=True).text
    assert "30.387,20 €" in answer
    # a municipality not asked does not see the request
    sign_in(client, "lra.coordinator")
    token = csrf_of(client.get("/abfragen/neu").text)
    sent_one = client.post(
        "/abfragen/neu",
        data={**FORM, "title": "Nur Flein", "csrf_token": token, "gemeinde": [flein]},
    )
    assert "wurde an 1 Gemeinde versandt" in sent_one.text
    sign_in(client, "ilsfeld.clerk")
    assert "Nur Flein" not in client.get("/abfragen").text


def test_a_refused_choice_of_municipalities_keeps_what_was_typed(
    world: World, client: TestClient
) -> None:
    sign_in(client, "lra.coordinator")
    token = csrf_of(client.get("/abfragen/neu").text)
    ilsfeld, flein = _town_id(world, "Ilsfeld"), _town_id(world, "Flein")
    nobody = client.post("/abfragen/neu", data={**FORM, "csrf_token": token})
    assert nobody.status_code == 422
    assert 'href="#gemeinde">Bitte wählen Sie mindestens eine Gemeinde aus.' in nobody.text
    assert 'id="gemeinde"' in nobody.text
    assert _ticked(nobody.text) == []
    bad = client.post(
        "/abfragen/neu",
        data={
            **FORM,
            "csrf_token": token,
            "gemeinde": [flein, "999999", "x"],
            f"betrag-{flein}": "zwölf Euro",
            f"betrag-{ilsfeld}": "1.000",
        },
    )
    assert bad.status_code == 422
    text = bad.text.replace("\xa0", " ")
    assert 'id="fehler"' in text
    assert f'href="#betrag-{flein}">Bitte geben Sie den Betrag für Flein in Euro ein' in text
    assert f'href="#betrag-{ilsfeld}">Für Ilsfeld ist ein Betrag eingetragen' in text
    assert f'id="betrag-{flein}-fehler"' in text
    assert 'value="zwölf Euro"' in text
    assert 'value="1.000"' in text
    assert _ticked(text) == [flein]
    assert 'value="beim Landkreis belassen"' in text
    for amount in ("-5", "1e9", "1,234", "1000000000000"):
        refused = client.post(
            "/abfragen/neu",
            data={**FORM, "csrf_token": token, "gemeinde": [flein], f"betrag-{flein}": amount},
        )
        assert refused.status_code == 422, amount
        assert "Bitte geben Sie den Betrag für Flein in Euro ein" in refused.text
    assert _requests(world) == []
