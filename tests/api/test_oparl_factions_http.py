"""Fraktionen in OParl 1.1: Organizations of organizationType "Fraktion" with their
Memberships, crawled from /oparl/v1/system and checked against the official schemas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import FixedClock, TestClient
from tests.api.public_story import published_session
from tests.api.test_oparl_http import ROOT, Crawl, build_validators
from tests.conftest import World, berlin
from workflow.context import local_date

FACTIONS = "/api/v1/factions"
OPARL = "http://testserver/oparl/v1"


def _form(client: TestClient, headers: dict[str, str], name: str, members: dict[Any, str]) -> Any:
    faction = client.post(FACTIONS, json={"name": name, "short_name": name[:3]}, headers=headers)
    assert faction.status_code == 201, faction.text
    staffed = client.put(
        f"{FACTIONS}/{faction.json()['id']}/members",
        json={"members": [{"person_id": p, "role": r} for p, r in members.items()]},
        headers={**headers, "If-Match": faction.headers["etag"]},
    )
    assert staffed.status_code == 200, staffed.text
    return staffed


def _dissolve(client: TestClient, headers: dict[str, str], staffed: Any) -> None:
    dissolved = client.post(
        f"{FACTIONS}/{staffed.json()['id']}/dissolve",
        json={},
        headers={**headers, "If-Match": staffed.headers["etag"]},
    )
    assert dissolved.status_code == 200, dissolved.text


def test_fraktionen_are_organizations(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    secretary = as_user("ilsfeld.secretary")
    anna, bernd, claudia = world.data.ilsfeld.councillors[:3]
    fw = _form(client, secretary, "Freie Wähler", {anna.id: "chair", bernd.id: "member"})
    cdu = _form(client, secretary, "CDU", {claudia.id: "member"})
    clock.now = berlin(clock.now.date().replace(day=20))
    _dissolve(client, secretary, cdu)

    crawl = Crawl(client, build_validators())
    crawl.run()  # every object valid against its schema, every URL resolves
    ilsfeld = world.data.ilsfeld.municipality.id
    organizations = crawl.lists[f"{OPARL}/body/{ilsfeld}/organization"]
    fraktionen = {o["name"]: o for o in organizations if o["organizationType"] == "Fraktion"}
    assert set(fraktionen) == {"Freie Wähler", "CDU"}
    free = fraktionen["Freie Wähler"]
    assert free["id"] == f"{OPARL}/organization/fraktion-{fw.json()['id']}"
    assert free["classification"] == "Fraktion"
    assert free["shortName"] == "Fre"
    assert "endDate" not in free
    web = f"http://testserver/oeffentlich/{ilsfeld}/fraktionen#fraktion-{fw.json()['id']}"
    assert free["web"] == web
    assert fraktionen["CDU"]["web"] == f"http://testserver/oeffentlich/{ilsfeld}"  # dissolved
    assert fraktionen["CDU"]["endDate"] == "2024-04-20"
    seats = [crawl.objects[url] for url in free["membership"]]
    assert [(s["person"], s["role"]) for s in seats] == [
        (f"{OPARL}/person/{anna.id}", "Vorsitz"),
        (f"{OPARL}/person/{bernd.id}", "Mitglied"),
    ]
    person = crawl.objects[f"{OPARL}/person/{claudia.id}"]
    [cdu_seat] = [m for m in person["membership"] if "fraktion-" in m["organization"]]
    assert cdu_seat["endDate"] == "2024-04-20"
    gremien = [o for o in organizations if o["organizationType"] == "Gremium"]
    assert gremien  # the bodies stay as they were
    # Flein's list knows nothing of Ilsfeld's Fraktionen; an unknown key is a 404.
    flein = world.data.flein.municipality.id
    assert all(
        o["organizationType"] == "Gremium"
        for o in crawl.lists[f"{OPARL}/body/{flein}/organization"]
    )
    assert client.get(f"{OPARL}/organization/fraktion-999999").status_code == 404
    assert client.get(f"{OPARL}/membership/fraktion-x").status_code == 404
    assert ROOT in crawl.objects


def test_a_vorlage_made_of_a_fraktionsantrag_names_the_fraktion(
    world: World, client: TestClient, as_user: Any
) -> None:
    """Paper.originatorOrganization (OPARL.md: "Faction motions → the faction")."""
    ids = published_session(world, client, as_user)
    secretary = as_user("ilsfeld.secretary")
    fw = _form(client, secretary, "Freie Wähler", {})
    filed = client.post(
        "/api/v1/council-requests",
        json={
            "body_id": world.body_id("Gemeinderat"),
            "kind": "faction_motion",
            "subject": "Sanierung der Festhalle",
            "faction_id": fw.json()["id"],
        },
        headers=secretary,
    )
    assert filed.status_code == 201, filed.text
    taken = client.post(
        f"/api/v1/council-requests/{filed.json()['id']}/take-over",
        json={"proposal_id": ids["adopted"]},
        headers=as_user("ilsfeld.clerk"),
    )
    assert taken.status_code == 200, taken.text
    paper = client.get(f"{OPARL}/paper/{ids['adopted']}").json()
    assert paper["originatorOrganization"] == [f"{OPARL}/organization/fraktion-{fw.json()['id']}"]
    assert client.get(paper["originatorOrganization"][0]).json()["organizationType"] == "Fraktion"


def test_a_council_seat_is_held_on_behalf_of_the_fraktion(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    """Membership.onBehalfOf: a Gemeinderat's seat in the council names his current
    Fraktion's Organization (§ 32a GemO); no Fraktion, or a dissolved one, names none."""
    secretary = as_user("ilsfeld.secretary")
    anna, bernd, claudia = world.data.ilsfeld.councillors[:3]
    council = world.body_id("Gemeinderat")
    seats = client.get(f"/api/v1/bodies/{council}/memberships", headers=secretary).json()["data"]
    seat_of = {s["person_id"]: s["id"] for s in seats}
    before = client.get(f"{OPARL}/membership/{seat_of[anna.id]}").json()
    assert "onBehalfOf" not in before

    # later than the seats' rows were written (the demo data's real time)
    clock.now = datetime.now(UTC) + timedelta(hours=1)
    fw = _form(client, secretary, "Freie Wähler", {anna.id: "chair"})
    cdu = _form(client, secretary, "CDU", {claudia.id: "member"})
    _dissolve(client, secretary, cdu)

    crawl = Crawl(client, build_validators())
    crawl.run()  # onBehalfOf valid against Membership.json and resolving
    fraktion = f"{OPARL}/organization/fraktion-{fw.json()['id']}"
    held = crawl.objects[f"{OPARL}/membership/{seat_of[anna.id]}"]
    assert held["onBehalfOf"] == fraktion
    assert held["organization"] == f"{OPARL}/organization/{council}"
    assert held["modified"] > before["modified"]  # a crawler asking modified_since sees it
    assert crawl.objects[fraktion]["organizationType"] == "Fraktion"
    for person in (bernd, claudia):  # fraktionslos; a dissolved Fraktion holds nothing
        assert "onBehalfOf" not in crawl.objects[f"{OPARL}/membership/{seat_of[person.id]}"]
    embedded = crawl.objects[f"{OPARL}/person/{anna.id}"]["membership"]
    in_council = [m for m in embedded if m["organization"].endswith(f"/organization/{council}")]
    assert [m["onBehalfOf"] for m in in_council] == [fraktion]
    committees = [
        m for m in embedded if "fraktion-" not in m["organization"] and m not in in_council
    ]
    assert all("onBehalfOf" not in m for m in committees)
    ilsfeld = world.data.ilsfeld.municipality.id
    listed = crawl.lists[f"{OPARL}/body/{ilsfeld}/membership"]
    assert [m["onBehalfOf"] for m in listed if m.get("onBehalfOf")] == [fraktion]


def test_leaving_a_fraktion_moves_the_council_seat_and_keeps_the_record(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    """A councillor taken out of his Fraktion: his council seat loses ``onBehalfOf`` and its
    ``modified`` moves, so a client syncing with modified_since fetches it again; the
    Fraktion seat stays as an ended Membership. Listed again, he gets that seat back."""
    secretary = as_user("ilsfeld.secretary")
    anna, bernd = world.data.ilsfeld.councillors[:2]
    council = world.body_id("Gemeinderat")
    seats = client.get(f"/api/v1/bodies/{council}/memberships", headers=secretary).json()["data"]
    seat_of = {s["person_id"]: s["id"] for s in seats}
    council_seat = f"{OPARL}/membership/{seat_of[anna.id]}"
    memberships = f"{OPARL}/body/{world.data.ilsfeld.municipality.id}/membership"

    clock.now = datetime.now(UTC) + timedelta(hours=1)  # later than the demo data's rows
    fw = _form(client, secretary, "Freie Wähler", {anna.id: "chair", bernd.id: "member"})
    fraktion = f"{OPARL}/organization/fraktion-{fw.json()['id']}"
    held = client.get(council_seat).json()
    assert held["onBehalfOf"] == fraktion
    [anna_seat] = [
        url
        for url in client.get(fraktion).json()["membership"]
        if client.get(url).json()["person"] == f"{OPARL}/person/{anna.id}"
    ]

    clock.now += timedelta(minutes=5)
    left = client.put(
        f"{FACTIONS}/{fw.json()['id']}/members",
        json={"members": [{"person_id": bernd.id, "role": "member"}]},
        headers={**secretary, "If-Match": fw.headers["etag"]},
    )
    assert left.status_code == 200, left.text
    assert [m["person_id"] for m in left.json()["members"]] == [bernd.id]
    dropped = client.get(council_seat).json()
    assert "onBehalfOf" not in dropped
    assert datetime.fromisoformat(dropped["modified"]) > datetime.fromisoformat(held["modified"])
    since = client.get(memberships, params={"modified_since": dropped["modified"]}).json()
    assert {m["id"] for m in since["data"]} == {council_seat, anna_seat}  # not Bernd's
    ended = client.get(anna_seat).json()
    assert ended["endDate"] == local_date(clock.now).isoformat()
    assert ended["role"] == "Vorsitz"
    assert anna_seat in client.get(fraktion).json()["membership"]  # the record stays
    crawl = Crawl(client, build_validators())
    crawl.run()  # the ended seat valid against Membership.json, every URL resolving
    assert crawl.objects[anna_seat]["endDate"] == ended["endDate"]
    person = client.get(f"{OPARL}/person/{anna.id}").json()
    assert [m.get("endDate") for m in person["membership"] if m["id"] == anna_seat] == [
        ended["endDate"]
    ]

    clock.now += timedelta(minutes=5)
    back = client.put(
        f"{FACTIONS}/{fw.json()['id']}/members",
        json={"members": [{"person_id": anna.id}, {"person_id": bernd.id}]},
        headers={**secretary, "If-Match": left.headers["etag"]},
    )
    assert back.status_code == 200, back.text
    again = client.get(council_seat).json()
    assert again["onBehalfOf"] == fraktion
    since = client.get(memberships, params={"modified_since": again["modified"]}).json()
    assert {m["id"] for m in since["data"]} == {council_seat, anna_seat}
    reopened = client.get(anna_seat).json()  # the same seat, current again, as member now
    assert "endDate" not in reopened
    assert reopened["role"] == "Mitglied"
    assert client.get(fraktion).json()["membership"].count(anna_seat) == 1
