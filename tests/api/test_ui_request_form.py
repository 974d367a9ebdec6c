"""Neue Abfrage in the web UI: the Landratsamt asks every municipality of its district."""

from __future__ import annotations

from sqlmodel import select

from tests.api.conftest import TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.test_decisions import REPLY
from workflow.models import DecisionRequest, DecisionResponse

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


def test_the_coordinator_sends_a_new_request_to_every_municipality(
    world: World, client: TestClient
) -> None:
    sign_in(client, "lra.coordinator")
    listed = client.get("/abfragen").text
    assert 'href="/abfragen/neu"' in listed
    page = client.get("/abfragen/neu")
    assert page.status_code == 200
    assert 'for="reply_deadline"' in page.text
    made = client.post(
        "/abfragen/neu", data={**FORM, "csrf_token": csrf_of(page.text)}, follow_redirects=False
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
    assert 'id="reply_deadline-fehler"' in refused.text
    assert 'value="beim Landkreis belassen"' in refused.text
    assert "nur eine Erläuterung</textarea>" in refused.text
    assert _requests(world) == []
