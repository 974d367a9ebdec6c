"""Fraktionen over HTTP (§ 32a GemO): the JSON API (roles, versions, problem+json in German,
tenant isolation), the Verwaltung pages, and a Fraktionsantrag that picks its Fraktion from
the municipality's list (§ 34 Abs. 1 S. 4 GemO) while older free-text ones stay readable."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text

from tests.api.conftest import TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World

URL = "/api/v1/factions"
REQUESTS = "/api/v1/council-requests"


def _people(world: World, *index: int) -> list[int]:
    return [world.data.ilsfeld.councillors[i].id or 0 for i in index]


def _faction(client: TestClient, as_user: Any, name: str, short: str = "") -> dict[str, Any]:
    created = client.post(
        URL, json={"name": name, "short_name": short}, headers=as_user("ilsfeld.secretary")
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_secretary_forms_renames_staffs_and_dissolves(
    world: World, client: TestClient, as_user: Any
) -> None:
    secretary = as_user("ilsfeld.secretary")
    created = client.post(URL, json={"name": "Freie Wähler", "short_name": "FW"}, headers=secretary)
    assert created.status_code == 201, created.text
    faction = created.json()
    fid, version = faction["id"], faction["version"]
    assert created.headers["etag"] == f'"{version}"'
    assert created.headers["location"] == f"{URL}/{fid}"
    assert faction["members"] == []
    assert faction["dissolved_on"] is None

    clash = client.post(URL, json={"name": "Freie Wähler"}, headers=secretary)
    assert clash.status_code == 409
    assert clash.headers["content-type"].startswith("application/problem+json")
    assert "gibt es bereits" in clash.json()["detail"]
    blank = client.post(URL, json={"name": "   "}, headers=secretary)
    assert blank.status_code == 422
    assert "Namen der Fraktion" in blank.json()["detail"]

    anna, bernd, mayor = *_people(world, 0, 1), world.data.ilsfeld.mayor.id
    members = [{"person_id": anna, "role": "chair"}, {"person_id": bernd}]
    unversioned = client.put(f"{URL}/{fid}/members", json={"members": members}, headers=secretary)
    assert unversioned.status_code == 428
    staffed = client.put(
        f"{URL}/{fid}/members",
        json={"members": members},
        headers={**secretary, "If-Match": created.headers["etag"]},
    )
    assert staffed.status_code == 200, staffed.text
    assert [(m["person_name"], m["role"]) for m in staffed.json()["members"]] == [
        ("Anna Bauer", "chair"),
        ("Bernd Keller", "member"),
    ]
    assert staffed.json()["version"] > version
    stale = client.put(
        f"{URL}/{fid}/members",
        json={"members": members, "expected_version": version},
        headers=secretary,
    )
    assert stale.status_code == 409
    assert "zwischenzeitlich geändert" in stale.json()["detail"]
    version = staffed.json()["version"]

    # The mayor chairs the council without being a Gemeinderat (§ 25 GemO).
    no_councillor = client.put(
        f"{URL}/{fid}/members",
        json={"members": [{"person_id": mayor}], "expected_version": version},
        headers=secretary,
    )
    assert no_councillor.status_code == 422
    assert "kein Mitglied des Gemeinderats" in no_councillor.json()["detail"]
    two_chairs = client.put(
        f"{URL}/{fid}/members",
        json={
            "members": [
                {"person_id": anna, "role": "chair"},
                {"person_id": bernd, "role": "chair"},
            ],
            "expected_version": version,
        },
        headers=secretary,
    )
    assert two_chairs.status_code == 422

    # One Fraktion per councillor at a time.
    cdu = _faction(client, as_user, "CDU")
    taken = client.put(
        f"{URL}/{cdu['id']}/members",
        json={"members": [{"person_id": bernd}], "expected_version": cdu["version"]},
        headers=secretary,
    )
    assert taken.status_code == 409
    assert "Bernd Keller (Freie Wähler)" in taken.json()["detail"]

    renamed = client.put(
        f"{URL}/{fid}",
        json={"name": "Freie Wählervereinigung", "short_name": "FWV", "expected_version": version},
        headers=secretary,
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Freie Wählervereinigung"
    version = renamed.json()["version"]

    dissolved = client.post(
        f"{URL}/{fid}/dissolve", json={}, headers={**secretary, "If-Match": f'"{version}"'}
    )
    assert dissolved.status_code == 200, dissolved.text
    assert dissolved.json()["dissolved_on"] == "2024-04-08"
    again = client.post(
        f"{URL}/{fid}/dissolve",
        json={"expected_version": dissolved.json()["version"]},
        headers=secretary,
    )
    assert again.status_code == 409
    assert "aufgelöst" in again.json()["detail"]
    # Its members are free again, and its name may be used anew.
    joined = client.put(
        f"{URL}/{cdu['id']}/members",
        json={"members": [{"person_id": bernd}], "expected_version": cdu["version"]},
        headers=secretary,
    )
    assert joined.status_code == 200, joined.text
    _faction(client, as_user, "Freie Wählervereinigung")

    listed = client.get(URL, headers=as_user("ilsfeld.council")).json()
    assert [f["name"] for f in listed["data"]] == ["CDU", "Freie Wählervereinigung"]
    everything = client.get(f"{URL}?include_dissolved=true", headers=secretary).json()
    assert everything["count"] == 3


def test_who_may_keep_the_list(world: World, client: TestClient, as_user: Any) -> None:
    faction = _faction(client, as_user, "SPD/Grüne")
    refused = client.post(URL, json={"name": "FDP"}, headers=as_user("ilsfeld.clerk"))
    assert refused.status_code == 403
    assert "Sitzungsdienst" in refused.json()["detail"]
    assert client.post(URL, json={"name": "FDP"}, headers=as_user("admin")).status_code == 201
    councillor = client.put(
        f"{URL}/{faction['id']}",
        json={"name": "Grüne", "expected_version": faction["version"]},
        headers=as_user("ilsfeld.council"),
    )
    assert councillor.status_code == 403
    # Another town sees nothing of Ilsfeld's Fraktionen.
    assert client.get(f"{URL}/{faction['id']}", headers=as_user("flein.clerk")).status_code == 404
    assert client.get(URL, headers=as_user("flein.clerk")).json()["count"] == 0
    foreign = client.put(
        f"{URL}/{faction['id']}/members",
        json={"members": [], "expected_version": faction["version"]},
        headers=as_user("flein.clerk"),
    )
    assert foreign.status_code in (403, 404)
    flein = client.post(URL, json={"name": "SPD/Grüne"}, headers=as_user("flein.clerk"))
    assert flein.status_code == 403


def test_a_fraktionsantrag_picks_its_fraktion(
    world: World, client: TestClient, as_user: Any
) -> None:
    secretary = as_user("ilsfeld.secretary")
    body: dict[str, Any] = {
        "body_id": world.body_id("Gemeinderat"),
        "kind": "faction_motion",
        "subject": "Photovoltaik auf der Festhalle",
    }
    # Before the list exists: the name as written, as before (and rows filed so stay so).
    legacy = client.post(REQUESTS, json={**body, "faction": "Bürgerliste"}, headers=secretary)
    assert legacy.status_code == 201, legacy.text
    assert (legacy.json()["faction"], legacy.json()["faction_id"]) == ("Bürgerliste", None)

    fw = _faction(client, as_user, "Freie Wähler", "FW")
    client.put(
        f"{URL}/{fw['id']}/members",
        json={"members": [{"person_id": _people(world, 0)[0]}], "expected_version": fw["version"]},
        headers=secretary,
    )
    free_text = client.post(REQUESTS, json={**body, "faction": "Bürgerliste"}, headers=secretary)
    assert free_text.status_code == 422
    assert "aus der Liste der Fraktionen" in free_text.json()["detail"]
    missing = client.post(REQUESTS, json=body, headers=secretary)
    assert missing.status_code == 422
    assert "die Fraktion an, die den Fraktionsantrag stellt" in missing.json()["detail"]
    filed = client.post(REQUESTS, json={**body, "faction_id": fw["id"]}, headers=secretary)
    assert filed.status_code == 201, filed.text
    assert (filed.json()["faction"], filed.json()["faction_id"]) == ("Freie Wähler", fw["id"])
    assert filed.json()["quorum"]["reached"] is True  # a Fraktion may ask (§ 34 Abs. 1 S. 4)
    assert (
        client.get(f"{REQUESTS}/{legacy.json()['id']}", headers=secretary).json()["faction"]
        == "Bürgerliste"
    )

    # A councillor files for his own Fraktion only.
    cdu = _faction(client, as_user, "CDU")
    council = as_user("ilsfeld.council")  # Anna Bauer, of the Freie Wähler
    own = client.post(REQUESTS, json={**body, "faction_id": fw["id"]}, headers=council)
    assert own.status_code == 201, own.text
    other = client.post(REQUESTS, json={**body, "faction_id": cdu["id"]}, headers=council)
    assert other.status_code == 422
    assert "eigene Fraktion" in other.json()["detail"]
    flein_faction = client.post(
        REQUESTS,
        json={**body, "body_id": world.body_id("Gemeinderat", "flein"), "faction_id": fw["id"]},
        headers=as_user("flein.clerk"),
    )
    assert flein_faction.status_code == 422

    # A renamed Fraktion's Anträge keep the name they were filed with; a dissolved one is
    # no longer offered.
    current = client.get(f"{URL}/{fw['id']}", headers=secretary)
    client.put(
        f"{URL}/{fw['id']}",
        json={"name": "Freie Wählervereinigung"},
        headers={**secretary, "If-Match": current.headers["etag"]},
    )
    assert (
        client.get(f"{REQUESTS}/{filed.json()['id']}", headers=secretary).json()["faction"]
        == "Freie Wähler"
    )
    client.post(f"{URL}/{cdu['id']}/dissolve", json={"expected_version": cdu["version"]},
                headers=secretary)  # fmt: skip
    gone = client.post(REQUESTS, json={**body, "faction_id": cdu["id"]}, headers=secretary)
    assert gone.status_code == 422
    assert "aufgelöst" in gone.json()["detail"]
    stored = world.run(
        lambda s: s.execute(
            text("SELECT faction, faction_id FROM councilrequest ORDER BY id")
        ).all()
    )
    assert [tuple(r) for r in stored] == [
        ("Bürgerliste", None),
        ("Freie Wähler", fw["id"]),
        ("Freie Wähler", fw["id"]),
    ]


def test_verwaltung_pages(world: World, client: TestClient) -> None:
    assert sign_in(client, "ilsfeld.secretary").status_code == 303
    page = client.get("/verwaltung/fraktionen")
    assert page.status_code == 200
    assert "Noch keine Fraktionen erfasst" in page.text
    assert "Zur Verwaltung" not in page.text  # the Sitzungsdienst has no Verwaltung
    assert 'href="/verwaltung/fraktionen"' in client.get("/").text  # in the navigation
    token = csrf_of(page.text)
    empty = client.post("/verwaltung/fraktionen", data={"csrf_token": token, "name": ""})
    assert empty.status_code == 422
    assert "Bitte den Namen der Fraktion angeben" in empty.text
    formed = client.post(
        "/verwaltung/fraktionen",
        data={"csrf_token": token, "name": "SPD/Grüne", "short_name": "SPD/Grüne"},
        follow_redirects=False,
    )
    assert formed.status_code == 303, formed.text
    url = formed.headers["location"]
    detail = client.get(url)
    assert "wurde gebildet" in detail.text
    assert "Anna Bauer" in detail.text
    assert "Bürgermeisterin Beate Beispiel" not in detail.text  # no Gemeinderat
    version = detail.text.split('name="version" value="')[1].split('"')[0]
    anna, bernd = _people(world, 0, 1)
    no_member_chair = client.post(
        f"{url}/mitglieder",
        data={"csrf_token": token, "version": version, "person_id": [str(anna)],
              "chair": str(bernd)},
    )  # fmt: skip
    assert no_member_chair.status_code == 422
    assert "bitte die Person ankreuzen" in no_member_chair.text
    saved = client.post(
        f"{url}/mitglieder",
        data={"csrf_token": token, "version": version, "person_id": [str(anna), str(bernd)],
              "chair": str(bernd)},
        follow_redirects=True,
    )  # fmt: skip
    assert "hat jetzt 2 Mitglieder" in saved.text
    assert "Bernd Keller – Vorsitz" in saved.text
    stale = client.post(
        f"{url}/mitglieder",
        data={"csrf_token": token, "version": version, "person_id": [str(anna)]},
    )
    assert stale.status_code == 422
    assert "inzwischen von jemand anderem geändert" in stale.text
    version = saved.text.split('name="version" value="')[1].split('"')[0]
    renamed = client.post(
        url,
        data={"csrf_token": token, "version": version, "name": "Grüne und SPD", "short_name": ""},
        follow_redirects=True,
    )
    assert "Die Fraktion heißt jetzt „Grüne und SPD“." in renamed.text

    # The Antrag form offers the list instead of free text.
    form = client.get("/antraege/neu")
    assert '<select class="kern-form-input__select" id="faction_id" name="faction_id"' in form.text
    assert "Grüne und SPD" in form.text
    posted = client.post(
        "/antraege/neu",
        data={
            "csrf_token": csrf_of(form.text),
            "kind": "faction_motion",
            "body_id": str(world.body_id("Gemeinderat")),
            "subject": "Radweg nach Auenstein",
            "faction_id": url.rsplit("/", 1)[1],
        },
        follow_redirects=True,
    )
    assert "Radweg nach Auenstein" in posted.text
    assert "Grüne und SPD" in posted.text

    version = renamed.text.split('name="version" value="')[1].split('"')[0]
    unconfirmed = client.post(f"{url}/aufloesen", data={"csrf_token": token, "version": version})
    assert unconfirmed.status_code == 422
    assert "Bitte bestätigen Sie die Auflösung" in unconfirmed.text
    dissolved = client.post(
        f"{url}/aufloesen",
        data={"csrf_token": token, "version": version, "confirm": "ja"},
        follow_redirects=True,
    )
    assert "ist aufgelöst" in dissolved.text
    assert "Aufgelöste Fraktionen" in dissolved.text
    assert "Grüne und SPD" not in client.get("/antraege/neu").text


def test_the_admin_finds_them_in_verwaltung_and_others_are_refused(client: TestClient) -> None:
    assert sign_in(client, "admin").status_code == 303
    overview = client.get("/verwaltung")
    assert 'href="/verwaltung/fraktionen"' in overview.text
    page = client.get("/verwaltung/fraktionen")
    assert page.status_code == 200
    assert 'href="/verwaltung#fraktionen">Zur Verwaltung</a>' in page.text  # the way back
    client.cookies.clear()
    assert sign_in(client, "ilsfeld.clerk").status_code == 303
    assert client.get("/verwaltung/fraktionen").status_code == 403


def test_a_councillor_is_offered_his_own_fraktion_only(
    world: World, client: TestClient, as_user: Any
) -> None:
    fw = _faction(client, as_user, "Freie Wähler", "FW")
    _faction(client, as_user, "CDU")
    client.put(
        f"{URL}/{fw['id']}/members",
        json={"members": [{"person_id": _people(world, 0)[0]}], "expected_version": fw["version"]},
        headers=as_user("ilsfeld.secretary"),
    )
    assert sign_in(client, "ilsfeld.council").status_code == 303  # Anna Bauer
    form = client.get("/antraege/neu").text
    assert "Freie Wähler (FW)" in form
    assert ">CDU<" not in form
    assert 'id="faction"' not in form  # no free text once the list exists
    # required for a Fraktionsantrag (the form's first kind), so not marked "optional"
    field = form.split('for="faction_id"')[1].split("</select>")[0]
    assert "Pflicht bei einem Fraktionsantrag" in field
    assert "optional" not in field
    refused = client.post(
        "/antraege/neu",
        data={
            "csrf_token": csrf_of(form),
            "kind": "faction_motion",
            "body_id": str(world.body_id("Gemeinderat")),
            "subject": "Tempo 30 in der Ortsmitte",
        },
    )
    assert refused.status_code == 422
    assert "Bitte geben Sie die Fraktion an, die den Fraktionsantrag stellt" in refused.text


def _chair_choices(page: str) -> dict[int, bool]:
    """The Vorsitz radios offered (not hidden), by person, and whether each is checked."""
    found = re.findall(
        r'<div class="kern-form-check">\s*<input class="kern-form-check__radio" type="radio" '
        r'id="vorsitz-(\d+)" name="chair" value="\d+"( checked)?>',
        page,
    )
    return {int(pid): bool(checked) for pid, checked in found}


def test_the_vorsitz_is_offered_to_the_members_only(world: World, client: TestClient) -> None:
    """Not every councillor twice: the Vorsitz radios are the members' (§ 32a GemO), and a
    Vorsitz who is not ticked is refused in #fehler with the boxes and the choice kept."""
    sign_in(client, "ilsfeld.secretary")
    token = csrf_of(client.get("/verwaltung/fraktionen").text)
    formed = client.post(
        "/verwaltung/fraktionen",
        data={"csrf_token": token, "name": "Bürgerliste"},
        follow_redirects=False,
    )
    url = formed.headers["location"]
    page = client.get(url).text
    anna, bernd, carla = _people(world, 0, 1, 2)
    assert f'id="mitglied-{carla}"' in page, "every councillor can be ticked"
    assert _chair_choices(page) == {}, "no member yet: nobody to chair"
    assert f'id="vorsitz-{anna}"' in page, "there for the script, hidden"
    version = page.split('name="version" value="')[1].split('"')[0]
    saved = client.post(
        f"{url}/mitglieder",
        data={"csrf_token": token, "version": version, "person_id": [str(anna), str(bernd)],
              "chair": str(bernd)},
        follow_redirects=True,
    )  # fmt: skip
    assert _chair_choices(saved.text) == {anna: False, bernd: True}
    version = saved.text.split('name="version" value="')[1].split('"')[0]
    refused = client.post(
        f"{url}/mitglieder",
        data={"csrf_token": token, "version": version, "person_id": [str(anna), str(carla)],
              "chair": str(bernd)},
    )  # fmt: skip
    assert refused.status_code == 422
    summary = refused.text.split('id="fehler"', 1)[1].split("</ul>", 1)[0]
    assert "Den Vorsitz hat ein Mitglied der Fraktion; bitte die Person ankreuzen." in summary
    assert 'href="#chair"' in summary
    for person in (anna, carla):
        assert re.search(
            rf'id="mitglied-{person}" name="person_id" value="{person}" checked', (refused.text)
        ), "the ticked boxes are kept"
    assert f'id="mitglied-{bernd}" name="person_id" value="{bernd}">' in refused.text
    assert _chair_choices(refused.text) == {anna: False, carla: False, bernd: True}
    nonsense = client.post(
        f"{url}/mitglieder",
        data={"csrf_token": token, "version": version, "person_id": [str(anna)], "chair": "x"},
    )
    assert nonsense.status_code == 422
    assert "bitte die Person ankreuzen" in nonsense.text
    members = client.get(url).text
    assert "Bernd Keller – Vorsitz" in members, "nothing refused was saved"


def test_a_former_member_is_listed_nowhere_as_a_member(
    world: World, client: TestClient, as_user: Any
) -> None:
    """Taken out of the Fraktion, Anna's seat ends (kept for the record): the API, the
    Verwaltung pages and the portal list Bernd alone, and she no longer files for it."""
    secretary = as_user("ilsfeld.secretary")
    fw = _faction(client, as_user, "Freie Wähler", "FW")
    anna, bernd = _people(world, 0, 1)
    both = client.put(
        f"{URL}/{fw['id']}/members",
        json={"members": [{"person_id": anna, "role": "chair"}, {"person_id": bernd}]},
        headers={**secretary, "If-Match": f'"{fw["version"]}"'},
    )
    assert both.status_code == 200, both.text
    left = client.put(
        f"{URL}/{fw['id']}/members",
        json={"members": [{"person_id": bernd}]},
        headers={**secretary, "If-Match": both.headers["etag"]},
    )
    assert left.status_code == 200, left.text
    assert [m["person_name"] for m in left.json()["members"]] == ["Bernd Keller"]
    listed = client.get(URL, headers=as_user("ilsfeld.council")).json()["data"]
    assert [m["person_name"] for m in listed[0]["members"]] == ["Bernd Keller"]
    kept = world.run(
        lambda s: s.execute(
            text("SELECT ended_on FROM factionmember WHERE person_id = :p"), {"p": anna}
        ).all()
    )
    assert len(kept) == 1
    assert kept[0][0] is not None  # ended, not deleted

    filed = client.post(
        REQUESTS,
        json={
            "body_id": world.body_id("Gemeinderat"),
            "kind": "faction_motion",
            "subject": "Radweg nach Auenstein",
            "faction_id": fw["id"],
        },
        headers=as_user("ilsfeld.council"),  # Anna Bauer
    )
    assert filed.status_code == 422
    assert "nur für Ihre eigene Fraktion" in filed.json()["detail"]

    portal = client.get(f"/oeffentlich/{world.data.ilsfeld.municipality.id}/fraktionen").text
    free = portal.split("Freie Wähler (FW)</h2>")[1].split("</section>")[0]
    assert re.findall(r"<li>([^<]+)</li>", free) == ["Bernd Keller"]

    assert sign_in(client, "ilsfeld.council").status_code == 303
    assert "Freie Wähler (FW)" not in client.get("/antraege/neu").text
    assert sign_in(client, "ilsfeld.secretary").status_code == 303
    overview = client.get("/verwaltung/fraktionen").text
    row = overview.split(f'href="/verwaltung/fraktionen/{fw["id"]}"')[1].split("</tr>")[0]
    assert re.findall(r'rf-numeric">(\d+)<', row) == ["1"]
    page = client.get(f"/verwaltung/fraktionen/{fw['id']}").text
    assert "Mitglieder (1)" in page
    assert f'value="{anna}" checked' not in page
    assert f'value="{bernd}" checked' in page
