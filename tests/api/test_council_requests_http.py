"""Anträge an den Gemeinderat over HTTP: the JSON API (roles, problem+json in German, tenant
isolation) and the pages /antraege, /antraege/neu, /antraege/{id} with CSRF."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import new_meeting

URL = "/api/v1/council-requests"


def _create(client: TestClient, as_user: Any, world: World, **kw: Any) -> Any:
    body: dict[str, Any] = {
        "body_id": world.body_id("Gemeinderat"),
        "kind": "agenda_request",
        "subject": "Bürgerbus für die Ortsteile",
        "text": "Der Gemeinderat möge die Einrichtung eines Bürgerbusses beschließen.",
        "signer_person_ids": [p.id for p in world.data.ilsfeld.councillors[:3]],
    }
    body.update(kw)
    return client.post(URL, json=body, headers=as_user("ilsfeld.secretary"))


def test_api_create_schedule_and_read(world: World, client: TestClient, as_user: Any) -> None:
    first = new_meeting(world, day=date(2024, 4, 23))
    new_meeting(world, day=date(2024, 5, 14))
    created = _create(client, as_user, world)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["kind_label"] == "Tagesordnungsantrag (§ 34 Abs. 1 Satz 4 GemO)"
    assert data["state_label"] == "Eingegangen"
    assert data["quorum"]["reached"] is True
    assert data["quorum"]["needed"] == 3
    [deadline] = data["deadlines"]
    assert deadline["due_date"] == "2024-05-14"
    assert deadline["status"] == "open"
    rid = data["id"]
    listed = client.get(URL, headers=as_user("ilsfeld.council")).json()
    assert [r["id"] for r in listed["data"]] == [rid]
    assert client.get(URL, headers=as_user("flein.clerk")).json()["count"] == 0
    hidden = client.get(f"{URL}/{rid}", headers=as_user("flein.clerk"))
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith("application/problem+json")
    refused = client.post(
        f"{URL}/{rid}/schedule", json={"meeting_id": first}, headers=as_user("ilsfeld.clerk")
    )
    assert refused.status_code == 403
    assert "Sitzungsdienst" in refused.json()["detail"]
    done = client.post(
        f"{URL}/{rid}/schedule", json={"meeting_id": first}, headers=as_user("ilsfeld.secretary")
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "scheduled"
    assert done.json()["deadlines"][0]["status"] == "met"
    again = client.post(
        f"{URL}/{rid}/refuse",
        json={"ground": "other", "reason": "x"},
        headers=as_user("ilsfeld.mayor"),
    )
    assert again.status_code == 409
    assert "nicht" in again.json()["detail"]


def test_api_refusals_are_german_problems(world: World, client: TestClient, as_user: Any) -> None:
    weak = _create(
        client,
        as_user,
        world,
        kind="session_request",
        signer_person_ids=[world.data.ilsfeld.councillors[0].id],
    )
    assert weak.status_code == 201
    assert weak.json()["quorum"]["reached"] is False
    assert weak.json()["deadlines"] == []
    rid = weak.json()["id"]
    bad = client.post(
        f"{URL}/{rid}/refuse", json={"ground": "six_months"}, headers=as_user("ilsfeld.mayor")
    )
    assert bad.status_code == 422
    assert "Tagesordnungspunkt" in bad.json()["detail"]
    ok = client.post(
        f"{URL}/{rid}/refuse", json={"ground": "quorum"}, headers=as_user("ilsfeld.mayor")
    )
    assert ok.status_code == 200
    assert "nötig ist ein Viertel, also 5" in ok.json()["refusal_reason"]
    unknown = _create(client, as_user, world, kind="petition")
    assert unknown.status_code == 422
    stranger = _create(
        client, as_user, world, signer_person_ids=[world.data.flein.councillors[0].id]
    )
    assert stranger.status_code == 422
    assert "kein Mitglied" in stranger.json()["detail"]
    assert client.get(f"{URL}/999999", headers=as_user("ilsfeld.clerk")).status_code == 404
    assert client.get(f"{URL}?state=bogus", headers=as_user("ilsfeld.clerk")).status_code == 422


def test_api_take_over_creates_a_draft(world: World, client: TestClient, as_user: Any) -> None:
    rid = _create(client, as_user, world, kind="faction_motion", faction="Bürgerliste").json()["id"]
    taken = client.post(f"{URL}/{rid}/take-over", json={}, headers=as_user("ilsfeld.clerk"))
    assert taken.status_code == 200, taken.text
    pid = taken.json()["proposal_id"]
    proposal = client.get(f"/api/v1/proposals/{pid}", headers=as_user("ilsfeld.clerk")).json()
    assert proposal["title"] == "Bürgerbus für die Ortsteile"
    assert proposal["state"] == "draft"
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}")
    assert f'href="/antraege/{rid}">Fraktionsantrag „Bürgerbus für die Ortsteile“' in page.text


def test_pages_list_form_detail_and_actions(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    new_meeting(world, day=date(2024, 4, 23))
    sign_in(client, "ilsfeld.secretary")
    home = client.get("/")
    assert 'href="/antraege"' in home.text
    empty = client.get("/antraege")
    assert empty.status_code == 200
    assert "Keine Anträge" in empty.text
    form = client.get("/antraege/neu")
    assert form.status_code == 200
    assert "Anna Bauer" in form.text  # the council's members to tick
    committee = client.get(f"/antraege/neu?body_id={world.body_id('Verwaltungsausschuss')}")
    assert "Eva Schäfer" in committee.text
    assert "Anna Bauer" not in committee.text
    flein = world.body_id("Gemeinderat", "flein")
    foreign = client.get(f"/antraege/neu?body_id={flein}")  # never another town's members
    assert "Anna Bauer" in foreign.text
    assert "Tanja Lorenz" not in foreign.text
    token = csrf_of(form.text)
    missing = client.post(
        "/antraege/neu",
        data={"csrf_token": token, "kind": "faction_motion", "body_id": "", "subject": ""},
    )
    assert missing.status_code == 422
    assert "Bitte geben Sie den Gegenstand des Antrags ein." in missing.text
    no_csrf = client.post("/antraege/neu", data={"kind": "faction_motion", "subject": "x"})
    assert no_csrf.status_code in (400, 403)
    posted = client.post(
        "/antraege/neu",
        data={
            "csrf_token": token,
            "kind": "faction_motion",
            "body_id": str(world.body_id("Gemeinderat")),
            "subject": "Sanierung des Freibads",
            "faction": "Freie Wähler",
            "received_on": "08.04.2024",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    detail_url = posted.headers["location"]
    page = client.get(detail_url)
    assert "Sanierung des Freibads" in page.text
    assert "Erledigt" in page.text  # the flash
    assert "Antrag einer Fraktion" in page.text
    assert "fällig in" in page.text  # the two months' fallback: no two sessions planned
    assert "Auf die Tagesordnung setzen" in page.text
    listed = client.get("/antraege")
    assert "Sanierung des Freibads" in listed.text
    assert 'kern-label--small">Eingegangen</span>' in listed.text
    assert '<option value="received">Eingegangen</option>' in listed.text  # the filter
    assert "fällig in" in listed.text
    assert "Antrag: Sanierung des Freibads" in client.get("/fristen?art=council_request").text
    meeting_id = new_meeting(world, day=date(2024, 4, 30))
    scheduled = client.post(
        f"{detail_url}/tagesordnung",
        data={"csrf_token": csrf_of(page.text), "meeting_id": str(meeting_id)},
        follow_redirects=True,
    )
    assert "Der Antrag steht auf der Tagesordnung." in scheduled.text
    # the state's badge, capitalised as every object's state is
    assert 'kern-label--small">Auf der Tagesordnung</span>' in scheduled.text
    assert "Fraktionsantrag: Sanierung des Freibads" in scheduled.text
    secretary = world.data.users["ilsfeld.secretary"].full_name
    # the Verlauf, as a Vorlage's: what, who in which role, the state after
    history = scheduled.text.split('id="verlauf-titel"')[1]
    assert f"Erfasst – Sitzungsdienst ({secretary}); Stand danach: Eingegangen" in history
    assert (
        f"Auf die Tagesordnung gesetzt – Sitzungsdienst ({secretary}); "
        "Stand danach: Auf der Tagesordnung"
    ) in history
    assert history.index("Auf die Tagesordnung gesetzt") < history.index("Erfasst"), "newest first"
    title = re.search(r"<title>(.*?)</title>", scheduled.text, re.S)
    assert title is not None
    assert title.group(1) == "Antrag: Sanierung des Freibads – Ratsflow"
    assert scheduled.text.count('id="verlauf-titel"') == 1
    clock.now = berlin(date(2024, 4, 9), 9)
    sign_in(client, "flein.clerk")
    assert client.get(detail_url).status_code == 404
    sign_in(client, "ilsfeld.council")
    council_view = client.get(detail_url)
    assert council_view.status_code == 200
    assert "Als unzulässig ablehnen" not in council_view.text


def test_the_soft_session_deadline_can_be_waived_the_agenda_one_not(
    world: World, client: TestClient, as_user: Any
) -> None:
    signers = [p.id for p in world.data.ilsfeld.councillors[:5]]
    session_request = _create(
        client, as_user, world, kind="session_request", signer_person_ids=signers
    ).json()
    agenda_request = _create(client, as_user, world).json()
    soft = session_request["deadlines"][0]["id"]
    hard = agenda_request["deadlines"][0]["id"]
    waived = client.post(
        f"/api/v1/deadlines/{soft}/waive",
        json={"reason": "Sitzung im Einvernehmen mit den Antragstellern nach den Ferien"},
        headers=as_user("ilsfeld.mayor"),
    )
    assert waived.status_code == 200, waived.text
    assert waived.json()["status"] == "waived"
    refused = client.post(
        f"/api/v1/deadlines/{hard}/waive", json={"reason": "x"}, headers=as_user("ilsfeld.mayor")
    )
    assert refused.status_code == 409
    assert "§ 34 Abs. 1 Satz 4 GemO" in refused.json()["detail"]


def test_home_page_links_the_deadline_to_the_request(
    world: World, client: TestClient, as_user: Any
) -> None:
    rid = _create(client, as_user, world, kind="faction_motion", faction="SPD").json()["id"]
    sign_in(client, "ilsfeld.secretary")
    home = client.get("/")
    assert home.status_code == 200
    assert f'href="/antraege/{rid}"' in home.text


def test_pages_take_over_and_schedule_on_an_existing_item(
    world: World, client: TestClient, as_user: Any
) -> None:
    meeting = new_meeting(world, day=date(2024, 4, 23))
    item = client.post(
        f"/api/v1/meetings/{meeting}/agenda-items",
        json={"title": "Anträge aus dem Gemeinderat", "expected_version": 1},
        headers=as_user("ilsfeld.secretary"),
    )
    assert item.status_code == 201, item.text
    item_id = item.json()["id"]
    rid = _create(client, as_user, world, kind="faction_motion", faction="CDU").json()["id"]
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/antraege/{rid}")
    assert "– neuer Entwurf –" in page.text
    assert "Auf die Tagesordnung setzen" not in page.text  # the Sitzungsdienst's step
    taken = client.post(
        f"/antraege/{rid}/uebernehmen",
        data={"csrf_token": csrf_of(page.text), "proposal_id": ""},
        follow_redirects=True,
    )
    assert "Der Antrag ist als Vorlage übernommen." in taken.text
    assert 'href="/vorlagen/' in taken.text
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/antraege/{rid}")
    assert "23.04.2024, TOP 1: Anträge aus dem Gemeinderat" in page.text
    placed = client.post(
        f"/antraege/{rid}/tagesordnung",
        data={"csrf_token": csrf_of(page.text), "meeting_id": "", "agenda_item_id": str(item_id)},
        follow_redirects=True,
    )
    assert "Der Antrag steht auf der Tagesordnung." in placed.text
    read = client.get(f"{URL}/{rid}", headers=as_user("ilsfeld.clerk")).json()
    assert (read["state"], read["agenda_item_id"], read["meeting_id"]) == (
        "scheduled",
        item_id,
        meeting,
    )
    refused = client.post(
        f"/antraege/{rid}/ablehnen",
        data={"csrf_token": csrf_of(page.text), "ground": "other", "reason": "x"},
        follow_redirects=True,
    )
    assert "nicht" in refused.text
    assert client.get(f"{URL}/{rid}", headers=as_user("ilsfeld.clerk")).json()["state"] == (
        "scheduled"
    )


def test_a_withdrawn_request_cancels_its_deadline(
    world: World, client: TestClient, as_user: Any
) -> None:
    rid = _create(client, as_user, world, kind="youth_motion", signer_person_ids=[]).json()["id"]
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/antraege/{rid}")
    assert "Von den Antragstellern zurückgenommen" in page.text
    done = client.post(
        f"/antraege/{rid}/erledigt",
        data={"csrf_token": csrf_of(page.text), "note": "Schreiben vom 09.04.", "withdrawn": "ja"},
        follow_redirects=True,
    )
    assert "Der Antrag ist als erledigt vermerkt." in done.text
    read = client.get(f"{URL}/{rid}", headers=as_user("ilsfeld.clerk")).json()
    assert read["state"] == "done"
    assert [d["status"] for d in read["deadlines"]] == ["cancelled"]
    assert read["settled_note"] == "Schreiben vom 09.04."
    decided = _create(client, as_user, world, kind="youth_motion", signer_person_ids=[]).json()
    settled = client.post(
        f"{URL}/{decided['id']}/settle",
        json={"note": "Beschluss vom 08.04.2024"},
        headers=as_user("ilsfeld.mayor"),
    )
    assert settled.status_code == 200
    assert [d["status"] for d in settled.json()["deadlines"]] == ["met"]
    bad = client.post(
        f"{URL}/{decided['id']}/settle", json={"withdrawn": "ja"}, headers=as_user("ilsfeld.mayor")
    )
    assert bad.status_code == 422


def test_the_personal_calendar_carries_the_request_deadline(
    world: World, client: TestClient, as_user: Any
) -> None:
    rid = _create(client, as_user, world, kind="faction_motion", faction="FDP").json()["id"]
    token = client.post(
        "/api/v1/auth/me/calendar-token", headers=as_user("ilsfeld.secretary")
    ).json()["token"]
    feed = client.get(f"/calendar/users/{token}.ics")
    assert feed.status_code == 200, feed.text
    text = feed.text.replace("\r\n ", "")
    assert "Bürgerbus für die Ortsteile" in text
    assert f"/antraege/{rid}" in text
    # The clerk is not among the reminded (Sitzungsdienst and the recording person).
    clerk = client.post("/api/v1/auth/me/calendar-token", headers=as_user("ilsfeld.clerk"))
    other = client.get(f"/calendar/users/{clerk.json()['token']}.ics")
    assert other.status_code == 200
    assert "Bürgerbus" not in other.text.replace("\r\n ", "")


def test_the_deadline_list_filters_council_requests(
    world: World, client: TestClient, as_user: Any
) -> None:
    rid = _create(client, as_user, world).json()["id"]
    listed = client.get(
        "/api/v1/deadlines",
        params={"instance_type": "council_request"},
        headers=as_user("ilsfeld.council"),
    )
    assert listed.status_code == 200, listed.text
    [row] = listed.json()["data"]
    assert (row["instance_type"], row["instance_id"]) == ("council_request", rid)


def test_a_councillor_files_for_himself_today(world: World, client: TestClient) -> None:
    """The form offers a councillor his kinds only, no colleagues to tick and no receipt
    date; a forged post with both is refused and records nothing."""
    sign_in(client, "ilsfeld.council")
    form = client.get("/antraege/neu")
    assert form.status_code == 200
    assert 'value="session_request"' in form.text
    assert 'value="residents_motion"' not in form.text  # Einwohnerantrag
    assert 'value="youth_motion"' not in form.text  # Jugendvertretung
    assert 'name="signer_person_ids"' not in form.text
    assert 'name="received_on"' not in form.text
    assert "Eingegangen am: heute, 08.04.2024" in form.text
    colleagues = [str(p.id) for p in world.data.ilsfeld.councillors[:6]]
    fields = {
        "csrf_token": csrf_of(form.text),
        "kind": "session_request",
        "body_id": str(world.body_id("Gemeinderat")),
        "subject": "Sondersitzung zum Hallenbad",
    }
    forged = client.post(
        "/antraege/neu",
        data={**fields, "signer_person_ids": colleagues, "received_on": "10.01.2024"},
    )
    assert forged.status_code == 422
    assert "Sie unterzeichnen nur für sich selbst" in forged.text
    backdated = client.post("/antraege/neu", data={**fields, "received_on": "10.01.2024"})
    assert backdated.status_code == 422
    assert "an dem Tag ein, an dem Sie ihn stellen" in backdated.text
    assert "Keine Anträge" in client.get("/antraege").text
    filed = client.post("/antraege/neu", data=fields, follow_redirects=True)
    assert filed.status_code == 200
    page = filed.text
    value = '</dt><dd class="kern-description-list-item__value">'
    assert f"Eingegangen am{value}08.04.2024" in page
    assert f"Unterzeichnet von{value}{world.data.ilsfeld.councillors[0].name}</dd>" in page
    assert "1 von 18 Gemeinderäten" in page
    assert "überfällig" not in page


def test_the_mayors_stand_in_takes_the_antrag_steps_only_while_he_is_away(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 48 GemO: the mayor's Stellvertreter finds a received Antrag in Meine Aufgaben, "in
    Vertretung", and refuses or schedules it on its page while the mayor is away; the
    Verlauf names both. The mayor back, the task, the forms and the steps are gone."""
    from tests.integration.test_council_requests import councillor_ids, create
    from tests.integration.test_deputies import absent, deputies
    from workflow.models import CouncilRequest

    deputies(world, "ilsfeld.mayor", "ilsfeld.council")
    absent(world, "ilsfeld.mayor", date(2024, 4, 8), date(2024, 4, 12))
    meeting = new_meeting(world, day=date(2024, 4, 23))
    refused, placed, left = (
        create(world, subject=f"Antrag {n}", signer_person_ids=councillor_ids(world, 3))
        for n in range(3)
    )
    mayor = world.data.users["ilsfeld.mayor"].full_name
    councillor = world.data.users["ilsfeld.council"].full_name

    def tasks() -> str:
        page: str = client.get("/").text
        return page.split('id="jetzt"')[1].split("</section>")[0]

    sign_in(client, "ilsfeld.council")
    waiting = tasks()
    assert f'href="/antraege/{left.id}"' in waiting
    # the badge on "Meine Aufgaben" counts what the list shows, the three Anträge among it
    rows = waiting.count('rf-task">')
    assert rows >= 3
    assert f'id="aufgaben-zahl">{rows}<' in client.get("/").text
    all_three = "auf die Tagesordnung setzen, als Vorlage übernehmen oder als unzulässig ablehnen"
    assert f"Eingegangen am 08.04.2024: {all_three} (in Vertretung für {mayor})" in waiting
    page = client.get(f"/antraege/{refused.id}").text
    assert f"Sie handeln hier in Vertretung für {mayor};" in page
    assert "Als unzulässig ablehnen</h2>" in page
    assert "Auf die Tagesordnung setzen</h2>" in page
    done = client.post(
        f"/antraege/{refused.id}/ablehnen",
        data={"csrf_token": csrf_of(page), "ground": "other", "reason": "Nicht zuständig"},
        follow_redirects=True,
    )
    assert "Der Antrag ist als unzulässig abgelehnt." in done.text
    history = done.text.split('id="verlauf-titel"')[1]
    assert (
        f"Als unzulässig abgelehnt – Bürgermeisterin ({councillor}, in Vertretung für {mayor}); "
        "Stand danach: Als unzulässig abgelehnt"
    ) in history
    on_agenda = client.post(
        f"/antraege/{placed.id}/tagesordnung",
        data={"csrf_token": csrf_of(page), "meeting_id": str(meeting)},
        follow_redirects=True,
    )
    assert "Der Antrag steht auf der Tagesordnung." in on_agenda.text
    assert world.get(CouncilRequest, placed.id or 0).state == "scheduled"
    assert f'href="/antraege/{refused.id}"' not in tasks()
    # The mayor is back on Monday: a councillor again.
    clock.now = berlin(date(2024, 4, 15), 9)
    sign_in(client, "ilsfeld.council")
    assert f'href="/antraege/{left.id}"' not in tasks()
    page = client.get(f"/antraege/{left.id}").text
    assert "in Vertretung" not in page
    assert "Als unzulässig ablehnen</h2>" not in page
    assert "Auf die Tagesordnung setzen</h2>" not in page
    for path, data in (
        ("ablehnen", {"ground": "other", "reason": "Nicht zuständig"}),
        ("tagesordnung", {"meeting_id": str(meeting)}),
    ):
        refusal = client.post(
            f"/antraege/{left.id}/{path}",
            data={"csrf_token": csrf_of(page), **data},
            follow_redirects=True,
        )
        assert "Das ist nur möglich für: Sitzungsdienst, Bürgermeister/in." in refusal.text
    assert world.get(CouncilRequest, left.id or 0).state == "received"
