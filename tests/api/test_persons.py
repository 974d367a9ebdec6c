"""A member's name and the address his invitations go to (§ 34 Abs. 1 Satz 1 GemO:
"schriftlich oder elektronisch"), kept by the admin beside the seat: over JSON and on the
body's page, and the invitation then reaching him through a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from tests.api.conftest import TestClient
from tests.api.test_http import assert_problem
from tests.api.test_invitations_http import delivered
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_meeting, released, scheduled
from tests.smtp import Inbox, smtp_server
from workflow.models import Membership, Person


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as server:
        yield server


def _listed(client: Any, headers: dict[str, str]) -> dict[int, dict[str, Any]]:
    response = client.get("/api/v1/persons", headers=headers)
    assert response.status_code == 200, response.text
    return {p["id"]: p for p in response.json()["data"]}


def test_the_admin_gives_a_member_an_address_for_invitations_over_json(
    world: World, client: Any, as_user: Any
) -> None:
    anna, bernd = world.data.ilsfeld.councillors[:2]  # Anna has an account, Bernd none
    admin = as_user("admin")
    before = _listed(client, admin)
    assert before[anna.id or 0]["user_id"] == world.data.users["ilsfeld.council"].id
    assert before[anna.id or 0]["invitation_address"] == "ilsfeld.council@example.org"
    assert before[bernd.id or 0] | {"id": 0} == {
        "id": 0,
        "name": bernd.name,
        "email": None,
        "user_id": None,
        "invitation_address": None,
    }
    assert {p.id for p in world.data.flein.councillors}.isdisjoint(before)

    url = f"/api/v1/persons/{bernd.id}"
    saved = client.put(
        url, json={"name": "Bernd Keller-Weiß", "email": "b.keller@example.org"}, headers=admin
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["invitation_address"] == "b.keller@example.org"
    assert world.get(Person, bernd.id).email == "b.keller@example.org"
    assert _listed(client, admin)[bernd.id or 0]["name"] == "Bernd Keller-Weiß"
    # An own address goes before the account's; removing it falls back to the account's.
    own = client.put(
        f"/api/v1/persons/{anna.id}", json={"name": anna.name, "email": "a@x.de"}, headers=admin
    )
    assert own.json()["invitation_address"] == "a@x.de"
    back = client.put(f"/api/v1/persons/{anna.id}", json={"name": anna.name}, headers=admin)
    assert (back.json()["email"], back.json()["invitation_address"]) == (
        None,
        "ilsfeld.council@example.org",
    )

    for body, field in (
        ({"name": bernd.name, "email": "kein-at-zeichen"}, "email"),
        ({"name": "", "email": None}, "name"),
        ({"name": bernd.name, "email": "b@x.de", "role": "chair"}, "role"),
    ):
        refused = client.put(url, json=body, headers=admin)
        assert_problem(refused, 422)
        assert field in refused.text
    blank = client.put(url, json={"name": "   "}, headers=admin)
    assert_problem(blank, 422)
    assert "Der Name fehlt" in blank.json()["detail"]
    assert world.get(Person, bernd.id).name == "Bernd Keller-Weiß"  # nothing lost

    flein = world.data.flein.councillors[1]
    assert_problem(
        client.put(f"/api/v1/persons/{flein.id}", json={"name": "X"}, headers=admin), 404
    )
    assert world.get(Person, flein.id).name == flein.name
    clerk = as_user("ilsfeld.clerk")
    assert_problem(client.get("/api/v1/persons", headers=clerk), 403)
    assert_problem(client.put(url, json={"name": "X"}, headers=clerk), 403)


def test_a_new_member_is_added_with_his_address(world: World, client: Any, as_user: Any) -> None:
    admin = as_user("admin")
    body = world.body_id("Technischer Ausschuss")
    url = f"/api/v1/bodies/{body}/memberships"
    added = client.post(
        url, json={"person_name": "Hanna Neu", "person_email": "hanna@example.org"}, headers=admin
    )
    assert added.status_code == 201, added.text
    person = world.get(Person, added.json()["person_id"])
    assert (person.name, person.email) == ("Hanna Neu", "hanna@example.org")

    # The address of a known person is his entry's, not the seat's: refused, nothing made.
    def seats() -> int:
        return len(
            world.run(lambda s: s.exec(select(Membership).where(Membership.body_id == body)).all())
        )

    before = seats()
    known = world.data.ilsfeld.councillors[-1]
    refused = client.post(
        url, json={"person_id": known.id, "person_email": "k@example.org"}, headers=admin
    )
    assert_problem(refused, 422)
    assert "gilt nur für eine neue Person" in refused.json()["detail"]
    assert world.get(Person, known.id).email is None
    assert seats() == before


def _row(page: str, person_id: int) -> str:
    """The member's line on the body's page, up to his forms."""
    match = re.search(
        rf'<li id="mitglied-\d+">([^<]*)(?:(?!</li>).)*?/personen/{person_id}"', page, re.S
    )
    assert match is not None
    return match.group(0)


def _in_writing(overview: str, body: int) -> int:
    """The overview's count of a body's members whom no e-mail reaches (0: none shown)."""
    row = overview.split(f'href="/verwaltung/gremien/{body}"')[1].split("</tr>")[0]
    found = re.search(r"(\d+) ohne E-Mail", row)
    return int(found.group(1)) if found else 0


def test_on_the_body_s_page_the_admin_sees_and_sets_where_invitations_go(
    world: World, client: TestClient, smtp: tuple[str, Inbox]
) -> None:
    anna, bernd = world.data.ilsfeld.councillors[:2]
    council = world.body_id("Gemeinderat")
    url = f"/verwaltung/gremien/{council}"
    sign_in(client, "admin")
    page = client.get(url).text
    assert "Keine E-Mail-Adresse: Einladung schriftlich" in _row(page, bernd.id or 0)
    assert "Einladung per E-Mail an ilsfeld.council@example.org (Benutzerkonto)" in _row(
        page, anna.id or 0
    )
    before = _in_writing(client.get("/verwaltung").text, council)
    assert before >= 1
    save = f"{url}/personen/{bernd.id}"
    refused = client.post(
        save, data={"csrf_token": csrf_of(page), "name": bernd.name, "email": "bernd@"}
    )
    assert refused.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in refused.text
    seat = world.run(
        lambda s: s.exec(
            select(Membership.id).where(
                Membership.body_id == council, Membership.person_id == bernd.id
            )
        ).one()
    )
    assert f'href="#email-{seat}"' in refused.text  # the summary leads to the field
    assert f'id="email-{seat}" name="email" type="email" value="bernd@"' in refused.text
    assert world.get(Person, bernd.id).email is None
    done = client.post(
        save,
        data={"csrf_token": csrf_of(page), "name": bernd.name, "email": "bernd@example.org"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"].split("#")[0] == url
    after = client.get(url).text
    assert f"{bernd.name} ist gespeichert. Einladungen gehen an bernd@example.org." in after
    assert "Einladung per E-Mail an bernd@example.org<" in _row(after, bernd.id or 0)
    assert _in_writing(client.get("/verwaltung").text, council) == before - 1

    # Only from a body he sits in, and only by the admin.
    flein_council = world.body_id("Gemeinderat", town="flein")
    for path in (f"/verwaltung/gremien/{flein_council}/personen/{bernd.id}",
                 f"/verwaltung/gremien/{world.body_id('Technischer Ausschuss')}/personen/"
                 f"{world.data.ilsfeld.councillors[-1].id}"):  # fmt: skip
        other = client.post(path, data={"csrf_token": csrf_of(after), "name": "X"})
        assert other.status_code == 404, path
    sign_in(client, "ilsfeld.secretary")
    assert client.post(save, data={"csrf_token": csrf_of(client.get("/").text)}).status_code == 403
    assert world.get(Person, bernd.id).name == bernd.name

    # The invitation now reaches him by e-mail.
    pid = released(world)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    form = client.get(f"/sitzungen/{meeting}/aktionen/invite").text
    warning = form.split("Einladung in Schriftform")[1]
    assert bernd.name not in warning.split("Laden Sie")[0]
    assert "unter Verwaltung › Gremien" in warning
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    mails = delivered(world, smtp, "Einladung")
    assert "bernd@example.org" in mails


def test_a_new_member_s_address_is_taken_on_the_body_s_page(
    world: World, client: TestClient
) -> None:
    body = world.body_id("Technischer Ausschuss")
    url = f"/verwaltung/gremien/{body}"
    sign_in(client, "admin")
    page = client.get(url).text
    form = {"csrf_token": csrf_of(page), "person_name": "Hanna Neu", "role": "member"}
    refused = client.post(f"{url}/mitglieder", data={**form, "person_email": "hanna at home"})
    assert refused.status_code == 422
    assert 'href="#person_email"' in refused.text
    assert 'value="hanna at home"' in refused.text
    added = client.post(f"{url}/mitglieder", data={**form, "person_email": "hanna@example.org"})
    assert "Hanna Neu ist jetzt Mitglied." in added.text
    assert "Einladung per E-Mail an hanna@example.org<" in added.text
    known = world.data.ilsfeld.councillors[2]
    mixed = client.post(
        f"{url}/mitglieder",
        data={**form, "person_id": str(known.id), "person_email": "k@example.org"},
    )
    assert mixed.status_code == 422
    assert "gilt nur für eine neue Person" in mixed.text
    assert world.get(Person, known.id).email is None
