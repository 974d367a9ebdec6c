"""The Landratsamt ends an Abfrage on its page: closes it once every answer is settled, or
withdraws it with a reason; the municipalities then read it as ended and answer no more."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_decision_requests import delegate
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.test_decisions import decide_in_council, response, send, states
from tests.integration.test_sweep import run_sweep
from workflow.collation import german_key
from workflow.models import AuditEvent, DecisionRequest


def _request(world: World, request_id: int) -> DecisionRequest:
    found = world.run(lambda s: s.get(DecisionRequest, request_id))
    assert found is not None
    return found


def _audit(world: World, request_id: int) -> list[tuple[str, str | None]]:
    rows = world.run(
        lambda s: s.exec(
            select(AuditEvent)
            .where(
                AuditEvent.instance_type == "decision_request",
                AuditEvent.instance_id == request_id,
            )
            .order_by(AuditEvent.id)  # type: ignore[arg-type]
        ).all()
    )
    return [(e.trigger, e.comment) for e in rows]


def test_the_coordinator_closes_a_settled_request_and_late_answers_end(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    request_id = send(world)
    page_url = f"/abfragen/{request_id}"
    sign_in(client, "lra.coordinator")
    running = client.get(page_url).text
    title = re.search(r"<title>(.*?)</title>", running, re.S)
    assert title
    assert title.group(1) == "Abfrage: Integrationsmanagement ab 01.01.2025 – Ratsflow"
    main = running[running.index("<main") :]
    assert main.index("Antworten der Gemeinden") < main.index("Abfrage beenden")
    assert "Abfrage abschließen" in running
    assert "Noch nicht möglich:" in running
    assert "46 Gemeinden haben noch nicht abschließend geantwortet" in running
    assert 'name="bestaetigt-close"' not in running  # nothing to confirm yet
    refused = client.post(
        f"{page_url}/beenden",
        data={"csrf_token": csrf_of(running), "schritt": "close", "bestaetigt-close": "ja"},
    )
    assert refused.status_code == 422
    assert "„Abfrage abschließen“ ist noch nicht möglich. 46 Gemeinden haben" in refused.text
    assert _request(world, request_id).state == "sent"
    # the reply deadline passes: every municipality but none answered gets the default
    run_sweep(world, berlin(date(2024, 6, 1), 0, 5))
    assert states(world, request_id) == {"defaulted": 46}
    clock.now = berlin(date(2024, 6, 3), 9)
    settled = client.get(page_url).text
    assert 'name="bestaetigt-close"' in settled
    token = csrf_of(settled)
    unconfirmed = client.post(f"{page_url}/beenden", data={"csrf_token": token, "schritt": "close"})
    assert unconfirmed.status_code == 422
    assert 'id="fehler"' in unconfirmed.text
    assert (
        'href="#bestaetigt-close">Bitte bestätigen Sie, dass die Abfrage abgeschlossen werden soll.'
        in unconfirmed.text
    )
    assert _request(world, request_id).state == "sent"
    closed = client.post(
        f"{page_url}/beenden",
        data={"csrf_token": token, "schritt": "close", "bestaetigt-close": "ja"},
        follow_redirects=False,
    )
    assert closed.status_code == 303, closed.text
    assert closed.headers["location"] == page_url
    shown = client.get(page_url).text
    assert "Die Abfrage „Integrationsmanagement ab 01.01.2025“ ist abgeschlossen." in shown
    assert "Abfrage beenden" not in shown
    assert _request(world, request_id).state == "closed"
    assert _audit(world, request_id)[-1] == ("close", None)
    # Ilsfeld got the default; a late answer is no longer taken, the page says why
    delegate(world, "Ilsfeld")
    sign_in(client, "ilsfeld.mayor")
    listed = client.get("/abfragen").text
    assert "Abfrage: Abgeschlossen" in listed
    ilsfeld = response(world, request_id, "Ilsfeld")
    answer_url = f"{page_url}/antworten/{ilsfeld.id}"
    answer_page = client.get(answer_url).text
    assert "Das Landratsamt hat die Abfrage abgeschlossen." in answer_page
    assert "Verspätete Antwort übermitteln" not in answer_page
    assert "Noch nicht möglich" not in answer_page
    late = client.post(
        answer_url,
        data={"csrf_token": csrf_of(answer_page), "schritt": "answer_late", "option": "belassen"},
    )
    assert late.status_code == 422
    assert response(world, request_id, "Ilsfeld").state == "defaulted"


def test_the_coordinator_withdraws_a_request_with_a_reason(
    world: World, client: TestClient
) -> None:
    request_id = send(world)
    page_url = f"/abfragen/{request_id}"
    sign_in(client, "lra.coordinator")
    page = client.get(page_url).text
    assert "Abfrage zurückziehen" in page
    token = csrf_of(page)
    bare = client.post(f"{page_url}/beenden", data={"csrf_token": token, "schritt": "cancel"})
    assert bare.status_code == 422
    text = bare.text
    assert 'href="#comment">Bitte begründen Sie, warum die Abfrage zurückgezogen wird.' in text
    assert 'href="#bestaetigt-cancel">Bitte bestätigen Sie' in text
    reason_only = client.post(
        f"{page_url}/beenden",
        data={"csrf_token": token, "schritt": "cancel", "comment": "VwV geändert"},
    )
    assert reason_only.status_code == 422
    assert "VwV geändert</textarea>" in reason_only.text  # what was typed stays
    assert _request(world, request_id).state == "sent"
    withdrawn = client.post(
        f"{page_url}/beenden",
        data={
            "csrf_token": token,
            "schritt": "cancel",
            "comment": "VwV geändert",
            "bestaetigt-cancel": "ja",
        },
    )
    assert withdrawn.status_code == 200  # followed to the page
    assert "Die Abfrage „Integrationsmanagement ab 01.01.2025“ ist zurückgezogen" in (
        withdrawn.text
    )
    assert _request(world, request_id).state == "cancelled"
    assert states(world, request_id) == {"withdrawn": 46}
    assert _audit(world, request_id)[-1] == ("cancel", "VwV geändert")
    again = client.post(
        f"{page_url}/beenden",
        data={"csrf_token": token, "schritt": "cancel", "comment": "x", "bestaetigt-cancel": "ja"},
    )
    assert again.status_code == 422
    # Flein reads it as withdrawn and can no longer answer or prepare a Vorlage
    sign_in(client, "flein.clerk")
    listed = client.get("/abfragen").text
    assert "Abfrage zurückgezogen" in listed
    flein = response(world, request_id, "Flein")
    answer_url = f"{page_url}/antworten/{flein.id}"
    answer_page = client.get(answer_url).text
    assert "Das Landratsamt hat die Abfrage zurückgezogen." in answer_page
    assert "Neue Vorlage aus der Abfrage anlegen" not in answer_page
    refused = client.post(
        answer_url,
        data={"csrf_token": csrf_of(answer_page), "schritt": "vorlage_anlegen", "option": "x"},
    )
    assert refused.status_code == 422
    assert response(world, request_id, "Flein").state == "withdrawn"


def test_only_the_coordinator_ends_a_request(world: World, client: TestClient) -> None:
    request_id = send(world)
    sign_in(client, "ilsfeld.mayor")
    token = csrf_of(client.get("/abfragen").text)
    refused = client.post(
        f"/abfragen/{request_id}/beenden",
        data={"csrf_token": token, "schritt": "cancel", "comment": "x", "bestaetigt-cancel": "ja"},
    )
    assert refused.status_code == 403
    unknown = client.post(
        "/abfragen/999999/beenden",
        data={"csrf_token": token, "schritt": "cancel", "comment": "x", "bestaetigt-cancel": "ja"},
    )
    assert unknown.status_code == 404
    assert _request(world, request_id).state == "sent"


def _towns(page: str) -> list[str]:
    table = page.split('id="gemeinden"')[1].split("</table>")[0]
    return re.findall(r'rf-cell-title"><a class="kern-link" href="[^"]+">([^<]+)</a>', table)


def test_the_coordinator_finds_the_towns_without_an_answer_and_sorts_the_table(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """46 rows are too many to scan: those without an answer alone, sorted by any column,
    without JavaScript (a GET form and header links)."""
    request_id = send(world)
    rid = decide_in_council(world, request_id, "eigene_regie")
    world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 2)))
    clock.now = berlin(date(2024, 5, 2), 9)
    sign_in(client, "lra.coordinator")
    page_url = f"/abfragen/{request_id}"
    everyone = _towns(client.get(page_url).text)
    assert len(everyone) == 46
    assert everyone == sorted(everyone, key=german_key)
    waiting = client.get(f"{page_url}?zeigen=offen").text
    assert "Ilsfeld" not in _towns(waiting)
    assert len(_towns(waiting)) == 45
    assert "45 von 46 Gemeinden: Noch ohne Antwort." in waiting
    by_answer = client.get(f"{page_url}?sortierung=antwort").text
    assert _towns(by_answer)[0] == "Ilsfeld", "the answered first"
    assert 'aria-sort="ascending">Antwort</th>' in by_answer
    assert f'href="{page_url}?sortierung=stand&amp;zeigen=alle#gemeinden"' in by_answer
    # odd values are the defaults, never an error
    odd = client.get(f"{page_url}?sortierung=%3Cx%3E&zeigen=nie")
    assert odd.status_code == 200
    assert _towns(odd.text) == everyone
    none_overdue = client.get(f"{page_url}?zeigen=ueberfaellig").text
    assert "Keine Gemeinde: Überfällig." in none_overdue
