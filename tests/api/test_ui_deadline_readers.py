"""Who reads which Fristen: the administration all of its municipality's, a councillor only
those that concern him or his body (``workflow.deadlines.addressees.readable_clause``), on
every page that lists them and in the JSON API."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.api.test_council_requests_http import _create
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World
from tests.documents import html_text
from tests.integration.flow import new_meeting, released
from workflow.deadlines.addressees import (
    addressed_clause,
    concerns,
    readable_clause,
    readable_kinds,
)
from workflow.models import Deadline
from workflow.roles import ROLES

COSIGNING = "Mitzeichnung erledigen"  # the co-signers' deadline (proposal.yaml)
INVITATION = "Einladung mit Tagesordnung und Unterlagen versenden"  # § 34 Abs. 1 S. 1 GemO
REQUEST = "Gegenstand spätestens auf die Tagesordnung der übernächsten Sitzung"


def _fristen_section(html: str) -> str:
    """The text of a page's "Fristen" section (a Vorlage's, a Sitzung's)."""
    assert 'id="fristen"' in html
    return html_text(html.split('id="fristen"', 1)[1].split("</section>", 1)[0].encode())


def test_a_councillor_reads_no_deadline_of_the_administration(
    world: World, client: TestClient, as_user: Any
) -> None:
    """Released and visible to the council, the Vorlage keeps its co-signing deadlines (met);
    the planned Sitzung its invitation deadline: both the administration's, listed to the
    clerk and the Sitzungsdienst, not to the councillor. A request to the council is his
    body's matter: its Frist he reads."""
    pid = released(world)
    mid = new_meeting(world)
    assert _create(client, as_user, world).status_code == 201

    sign_in(client, "ilsfeld.council")
    vorlage = client.get(f"/vorlagen/{pid}")
    assert vorlage.status_code == 200  # he reads the Vorlage itself
    assert COSIGNING not in html_text(vorlage.content)
    sitzung = client.get(f"/sitzungen/{mid}")
    assert sitzung.status_code == 200
    assert INVITATION not in html_text(sitzung.content)
    fristen = html_text(client.get("/fristen").content)
    assert COSIGNING not in fristen
    assert INVITATION not in fristen
    assert REQUEST in fristen
    # the page says what it lists him, not "Alle Fristen Ihrer Gemeinde"
    assert "Die Fristen Ihrer Gemeinde, die Sie und Ihre Gremien betreffen:" in fristen
    assert "Die internen Fristen der Verwaltung (etwa Mitzeichnung und Einladung)" in fristen
    home = html_text(client.get("/").content)
    assert COSIGNING not in home
    assert INVITATION not in home
    listed = client.get("/api/v1/deadlines", headers=as_user("ilsfeld.council")).json()
    assert [d["rule"] for d in listed["data"]] == ["council_request_agenda"]
    assert listed["count"] == 1
    of_vorlage = client.get(
        "/api/v1/deadlines",
        params={"instance_type": "proposal", "instance_id": pid},
        headers=as_user("ilsfeld.council"),
    ).json()
    assert of_vorlage["data"] == []

    for staff in ("ilsfeld.clerk", "ilsfeld.secretary"):
        sign_in(client, staff)
        assert COSIGNING in _fristen_section(client.get(f"/vorlagen/{pid}").text), staff
        assert INVITATION in _fristen_section(client.get(f"/sitzungen/{mid}").text), staff
        fristen = html_text(client.get("/fristen").content)
        assert "Alle Fristen Ihrer Gemeinde:" in fristen, staff
        assert COSIGNING in fristen, staff
        assert INVITATION in fristen, staff
        assert REQUEST in fristen, staff
        rules = {
            d["rule"]
            for d in client.get(
                "/api/v1/deadlines", params={"limit": 200}, headers=as_user(staff)
            ).json()["data"]
        }
        assert {"cosigning_reply", "invitation", "council_request_agenda"} <= rules, staff


def test_a_councillor_reads_the_settled_deadlines_of_his_concern_only(
    world: World, client: TestClient
) -> None:
    """The settled ones are paged and counted in the database: the filter by "erledigt"
    neither lists nor counts the administration's deadlines for the councillor."""
    released(world)
    sign_in(client, "ilsfeld.council")
    done = client.get("/fristen", params={"stand": "erledigt"})
    assert done.status_code == 200
    assert COSIGNING not in html_text(done.content)
    sign_in(client, "ilsfeld.clerk")
    assert COSIGNING in html_text(client.get("/fristen", params={"stand": "erledigt"}).content)


def test_the_list_rule_agrees_with_the_reminders(
    world: World, client: TestClient, as_user: Any
) -> None:
    """``addressed_clause`` (SQL, for the lists) names the deadlines ``concerns`` (per row, for
    Meine Fristen and the calendar feed) names, for every role and the author as owner."""
    released(world)
    new_meeting(world)
    _create(client, as_user, world)
    with Session(world.engine) as session:
        every = list(session.exec(select(Deadline)))
        assert {d.instance_type for d in every} >= {"proposal", "meeting", "council_request"}
        for role in sorted(ROLES):
            for user in ("ilsfeld.clerk", "ilsfeld.secretary", "ilsfeld.council"):
                user_id = world[user].user_id
                listed = set(
                    session.exec(
                        select(Deadline.id).where(addressed_clause(world.workflows, role, user_id))
                    )
                )
                told = {d.id for d in every if concerns(session, world.workflows, d, role, user_id)}
                assert listed == told, (role, user)


def _kinds_offered(html: str) -> list[str]:
    """The values of the /fristen page's "Art" filter, "alle" left out."""
    select = html.split('name="art"', 1)[1].split("</select>", 1)[0]
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


def test_the_kind_filter_offers_what_the_reader_may_find(
    world: World, client: TestClient, as_user: Any
) -> None:
    """A councillor reads no Vorlage's, Sitzung's or Abfrage's deadline: the "Art" filter
    does not offer them (they would list nothing); a typed-in one filters nothing. The
    Sitzungsdienst keeps every kind; the Landratsamt its Abfragen and their answers."""
    released(world)
    new_meeting(world)
    assert _create(client, as_user, world).status_code == 201

    sign_in(client, "ilsfeld.council")
    page = client.get("/fristen")
    assert page.status_code == 200
    assert _kinds_offered(page.text) == ["council_request", "execution"]
    typed = client.get("/fristen", params={"art": "meeting"})
    assert typed.status_code == 200
    assert _kinds_offered(typed.text) == ["council_request", "execution"]
    assert REQUEST in html_text(typed.content)  # no kind chosen: all he reads

    sign_in(client, "ilsfeld.secretary")
    page = client.get("/fristen")
    assert _kinds_offered(page.text) == [
        "proposal",
        "meeting",
        "decision_request",
        "decision_response",
        "council_request",
        "execution",
    ]
    meetings = html_text(client.get("/fristen", params={"art": "meeting"}).content)
    assert INVITATION in meetings
    assert REQUEST not in meetings

    sign_in(client, "lra.coordinator")
    page = client.get("/fristen")
    assert page.status_code == 200
    assert _kinds_offered(page.text) == ["decision_request", "decision_response"]


def test_the_kinds_offered_hold_every_deadline_listed(
    world: World, client: TestClient, as_user: Any
) -> None:
    """``readable_kinds`` (the filter's choices) misses no kind ``readable_clause`` lists a
    deadline of, for any role; the councillor's leaves out the administration's kinds."""
    released(world)
    new_meeting(world)
    _create(client, as_user, world)
    with Session(world.engine) as session:
        for role in sorted(ROLES):
            kinds = readable_kinds(world.workflows, role)
            for user in ("ilsfeld.clerk", "ilsfeld.council"):
                clause = readable_clause(world.workflows, role, world[user].user_id)
                listed = set(session.exec(select(Deadline.instance_type).where(clause)))
                assert kinds is None or listed <= kinds, (role, user, listed)
    assert readable_kinds(world.workflows, "council_member") == frozenset({"council_request"})
    assert readable_kinds(world.workflows, "secretary") is None
