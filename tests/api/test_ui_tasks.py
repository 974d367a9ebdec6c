"""Meine Aufgaben and the Vorlagen filters over HTTP; odd input never becomes a 500."""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.api.conftest import FixedClock, demo_hash
from tests.api.helpers import SECRET_TITLE
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.api.test_ui_vorlagen import _draft, _fire
from tests.api.test_visibility import REMOVAL_REASON, _committee_meeting_with_secret_items
from tests.conftest import World, berlin, known
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    in_session,
    invited,
    new_meeting,
    new_proposal,
    released,
    scheduled,
    second_secretary,
    vote,
)
from tests.integration.test_documents_minutes import sign
from tests.integration.test_history_done_labels import presented
from workflow.models import Meeting, Membership, Proposal, User
from workflow.services import agenda, item_votes
from workflow.services.proposals import update_proposal
from workflow.services.publication import set_publication


def _submitted(world: World, client: TestClient) -> str:
    sign_in(client, "ilsfeld.clerk")
    council = str(world.body_id("Gemeinderat"))
    location: str = _draft(client, **{"steps-0-body_id": council}).headers["location"]
    _fire(client, location, "submit", cosigners=["ilsfeld.head"])
    return location


def test_the_cosigner_finds_task_deadline_and_change(
    world: World, client: TestClient, app: FastAPI, clock: FixedClock
) -> None:
    location = _submitted(world, client)
    waiting = client.get("/").text
    assert "Wartet auf andere" in waiting
    assert "es fehlt: Heike Amtsleiter" in waiting

    with TestClient(app) as head:
        sign_in(head, "ilsfeld.head")
        page = head.get("/").text
        task = page.split('id="jetzt"')[1].split('id="wartet"')[0]
        assert "Sanierung Grundschule" in task
        assert f'href="{location}/aktionen/cosign"' in task
        assert "fällig in 14 Tagen" in task
        assert "bis 22.04.2024" in task
        deadlines = page.split('id="fristen"')[1].split('id="neu"')[0]
        assert "Mitzeichnung erledigen" in deadlines
        assert "Sanierung Grundschule</span>" in deadlines  # what the deadline belongs to
        changes = page.split('id="neu"')[1]
        # What happened, and the new state where it changed ("Bearbeitet" leaves it).
        assert "Zur Mitzeichnung gegeben, jetzt „In Mitzeichnung“ (Sachbearbeitung" in changes
        assert "Angelegt, jetzt „Entwurf“" in changes
        # the Vorlage named once, its two events beneath it, the newest first
        assert changes.count(f'href="{location}"') == 1
        entry = changes.split(f'href="{location}"')[1].split("</ul></li>")[0]
        assert entry.index("Zur Mitzeichnung gegeben") < entry.index("Angelegt")

        clock.now += timedelta(days=16)
        late = head.get("/").text
        assert "überfällig seit 2 Tagen" in late


def test_a_change_that_keeps_the_state_says_what_happened(
    world: World, client: TestClient, app: FastAPI, clock: FixedClock
) -> None:
    sign_in(client, "ilsfeld.clerk")
    location = _draft(client).headers["location"]
    pid = int(location.rstrip("/").split("/")[-1])
    world.run(
        lambda s: update_proposal(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=clock.now,
            proposal_id=pid,
            expected_version=known(s.get(Proposal, pid)).version,
            changes={"title": "Sanierung der Grundschule"},
        )
    )
    with TestClient(app) as mayor:
        sign_in(mayor, "ilsfeld.mayor")
        changes = mayor.get("/").text.split('id="neu"')[1]
    # The fields, as the Verlauf names them (api.ui.history.event_label).
    assert "Bearbeitet: Betreff (Sachbearbeitung" in changes
    assert "Bearbeitet, jetzt" not in changes


def test_publication_settings_are_named_in_neu_seit_and_in_the_verlauf(
    world: World, client: TestClient, app: FastAPI, clock: FixedClock
) -> None:
    """Redactions and withholding (§ 41b Abs. 2 S. 2, 3 GemO) in words, not "Geändert"."""
    sign_in(client, "ilsfeld.clerk")
    location = _draft(client).headers["location"]
    pid = int(location.rstrip("/").split("/")[-1])
    world.run(
        lambda s: set_publication(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=clock.now,
            proposal_id=pid,
            redactions={"facts": "personal_data"},
            attachment_redactions={},
            withheld_reason=None,
        )
    )
    label = "Schwärzungen und Veröffentlichung festgelegt"
    with TestClient(app) as mayor:
        sign_in(mayor, "ilsfeld.mayor")
        changes = mayor.get("/").text.split('id="neu"')[1]
        assert f"{label} (Sitzungsdienst" in changes
        history = mayor.get(location).text.split('id="verlauf-titel"')[1]
    assert f"{label} – Sitzungsdienst" in history
    assert "Geändert" not in changes + history


def test_changes_are_those_since_the_previous_visit(
    world: World, client: TestClient, app: FastAPI, clock: FixedClock
) -> None:
    with TestClient(app) as head:
        sign_in(head, "ilsfeld.head")
        clock.now += timedelta(hours=1)
        _submitted(world, client)
        head.post("/abmelden", data={"csrf_token": csrf_of(head.get("/").text)})
        clock.now += timedelta(hours=1)
        sign_in(head, "ilsfeld.head")
        changes = head.get("/").text.split('id="neu"')[1]
        assert "Neu seit 08.04.2024, 08:00 Uhr" in changes
        assert "Sanierung Grundschule" in changes
        head.post("/abmelden", data={"csrf_token": csrf_of(head.get("/").text)})
        clock.now += timedelta(hours=1)
        sign_in(head, "ilsfeld.head")
        later = head.get("/").text.split('id="neu"')[1]
        assert "Neu seit 08.04.2024, 10:00 Uhr" in later
        assert "hat sich nichts geändert" in later


def test_filters_by_state_body_year_and_department(world: World, client: TestClient) -> None:
    location = _submitted(world, client)
    _draft(client, title="Neubau Bauhof", department="Bauamt")
    number = re.compile(r"<td[^>]*>(\d+/\d{4})</td>")

    def titles(query: str) -> str:
        page: str = client.get(f"/vorlagen?{query}").text
        return page.split('id="ergebnisse"')[1]

    assert "Neubau Bauhof" in titles("zustand=draft")
    assert "Sanierung Grundschule" not in titles("zustand=draft")
    assert "Sanierung Grundschule" in titles("zustand=cosigning")
    council = world.body_id("Gemeinderat")
    assert "Neubau Bauhof" not in titles(f"gremium={council}")
    assert "Sanierung Grundschule" in titles(f"gremium={council}")
    assert "Neubau Bauhof" in titles("amt=Bauamt")
    assert "Sanierung Grundschule" not in titles("amt=Bauamt")
    assert number.findall(titles("jahr=2023")) == []
    assert "Neubau Bauhof" in titles("jahr=2024")
    assert location


@pytest.mark.parametrize(
    "query",
    [
        "suche=%00",
        "jahr=99999999999999",
        "gremium=-1",
        "gremium=99999999999999999999",
        "zustand=awaiting%27",
        "weiter=kaputt",
        "suche=" + "x" * 500,
    ],
)
def test_odd_filters_never_fail(client: TestClient, query: str) -> None:
    sign_in(client, "ilsfeld.clerk")
    response = client.get(f"/vorlagen?{query}")
    assert response.status_code in (200, 400, 404, 422)
    assert response.headers["content-type"].startswith("text/html")
    assert "Interner Fehler" not in response.text


def test_control_characters_in_forms_are_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/anmelden").text)
    response = client.post(
        "/anmelden", data={"csrf_token": token, "username": "a\x00b", "password": "demo"}
    )
    assert response.status_code == 400
    assert "unzulässiges Steuerzeichen" in response.text


def test_history_names_events_in_words(world: World, client: TestClient, as_user: Any) -> None:
    location = _submitted(world, client)
    page = client.get(location).text
    assert "Angelegt – Sachbearbeitung" in page
    assert "Zur Mitzeichnung gegeben – Sachbearbeitung" in page
    assert "Zur Mitzeichnung geben" not in page.split('id="verlauf-titel"')[1]


def test_roles_are_named_without_nested_parentheses(
    world: World, client: TestClient, app: FastAPI
) -> None:
    """A co-signer is Amtsleitung or Kämmerei, not both; beside a time or a name in
    running text the role is the short "Mitzeichnung", so no parentheses nest."""
    location = _submitted(world, client)
    with TestClient(app) as head:
        sign_in(head, "ilsfeld.head")
        assert '<span class="rf-user__role">Mitzeichnung (Amtsleitung)</span>' in head.get("/").text
        _fire(head, location, "cosign")
    with TestClient(app) as finance:
        sign_in(finance, "ilsfeld.finance")
        assert "Mitzeichnung (Kämmerei)</span>" in finance.get("/").text
    changes = client.get("/").text.split('id="neu"')[1]
    assert "Mitgezeichnet (Mitzeichnung, " in changes  # what happened, not the button
    assert "(Mitzeichnung, " in changes
    history = client.get(location).text.split('id="verlauf-titel"')[1]
    assert "Mitgezeichnet – Mitzeichnung (Heike Amtsleiter)" in history
    # The automatic step after the last signature: the system named once, not twice.
    assert "– Ratsflow (automatisch);" in history
    assert "(automatisch, " in changes
    assert "Ratsflow (automatisch) (" not in history + changes
    assert "Verlauf anzeigen (4 Einträge)" in client.get(location).text
    for text in (changes, history):
        assert "((" not in text
        assert "Amtsleitung, Kämmerei" not in text


def test_the_author_reads_the_return_remark_where_he_starts(
    world: World, client: TestClient, app: FastAPI, clock: FixedClock
) -> None:
    """A co-signer's remark stands beside the co-signature; the mayor's return remark on
    Meine Aufgaben, atop the Vorlage and on the edit page until the draft is submitted."""
    location = _submitted(world, client)
    with TestClient(app) as head:
        sign_in(head, "ilsfeld.head")
        _fire(head, location, "cosign", comment="Kostenschätzung liegt bei")
    signatures = client.get(location).text.split('id="mitzeichnung"')[1].split("</section>")[0]
    assert "mitgezeichnet am 08.04.2024" in signatures
    assert "Anmerkung: „Kostenschätzung liegt bei“" in signatures
    clock.now += timedelta(hours=2)
    with TestClient(app) as mayor:
        sign_in(mayor, "ilsfeld.mayor")
        returned = _fire(
            mayor, location, "return_to_author", comment="Bitte die Folgekosten ergänzen."
        )
        assert "Neuer Stand: Entwurf" in returned.text
    remark = (
        f"{world.data.users['ilsfeld.mayor'].full_name} (Bürgermeisterin) am 08.04.2024, "
        "10:00 Uhr: „Bitte die Folgekosten ergänzen.“"
    )
    task = client.get("/").text.split('id="jetzt"')[1].split('id="wartet"')[0]
    assert f"Zurückgegeben von {remark}" in task
    page = client.get(location).text
    top = page.split('id="rueckgabe"')[1].split("</div>\n</div>")[0]
    assert "Mit Anmerkung zurückgegeben" in top
    assert remark in top
    assert page.index('id="rueckgabe"') < page.index('id="aktionen"')
    assert remark in client.get(f"{location}/bearbeiten").text
    _fire(client, location, "submit", cosigners=["ilsfeld.head"])
    assert "Zurückgegeben von" not in client.get("/").text
    assert 'id="rueckgabe"' not in client.get(location).text


def test_the_coordinator_reads_the_municipality_of_each_vorlage(
    world: World, client: TestClient
) -> None:
    """The Landratsamt has no municipality of its own: its list names each Vorlage's and
    filters by the district's, offered in German order; a municipality's list does not."""
    ilsfeld = new_proposal(world, title="Hallenbad Ilsfeld")
    flein = new_proposal(world, title="Kelter Flein")

    def before_supervision(session: Session) -> None:
        for pid in (ilsfeld, flein):
            proposal = known(session.get(Proposal, pid))
            proposal.state = "supervision"  # what the Landratsamt reads (§ 121 Abs. 2 GemO)
            if pid == flein:
                proposal.municipality_id = world.data.flein.municipality.id or 0
            session.add(proposal)

    world.run(before_supervision)
    sign_in(client, "lra.coordinator")
    page = client.get("/vorlagen").text
    rows = page.split('id="ergebnisse"')[1]
    assert '<th scope="col" role="columnheader" class="kern-table__header">Gemeinde</th>' in rows
    assert re.search(
        r'<td [^>]*data-label="Gemeinde"[^>]*>Flein</td>\s*<td[^>]*>\d+/2024</td>', rows
    )
    assert re.search(
        r'<td [^>]*data-label="Gemeinde"[^>]*>Ilsfeld</td>\s*<td[^>]*>\d+/2024</td>', rows
    )
    select = page.split('id="gemeinde"')[1].split("</select>")[0]
    towns = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
    assert len(towns) == 46
    assert towns.index("Güglingen") < towns.index("Gundelsheim")
    only = client.get(f"/vorlagen?gemeinde={world.data.flein.municipality.id}").text
    assert "Kelter Flein" in only
    assert "Hallenbad Ilsfeld" not in only
    sign_in(client, "ilsfeld.clerk")
    own = client.get("/vorlagen").text
    assert "Hallenbad Ilsfeld" in own
    assert 'id="gemeinde"' not in own
    assert 'kern-table__header">Gemeinde<' not in own


def test_a_councillor_s_neu_seit_leaves_out_the_recording_of_the_session(
    world: World, app: FastAPI, clock: FixedClock
) -> None:
    """The session called and the resolution taken are news to a member; the Sitzungsdienst's
    record of the session (attendance, votes, opened) is not, he was there. Another
    Schriftführer still reads it; the chair reads the resolution but not the record."""
    second_secretary(world)

    def give_password(session: Session) -> None:
        user = session.exec(select(User).where(User.username == "ilsfeld.secretary2")).one()
        user.password_hash = demo_hash()
        session.add(user)

    world.run(give_password)
    viewers = ("ilsfeld.council", "ilsfeld.secretary2", "ilsfeld.mayor")
    news = {}
    with ExitStack() as stack:
        clients = {name: stack.enter_context(TestClient(app)) for name in viewers}
        clock.now = berlin(DAY, 7)
        for name, viewer in clients.items():
            sign_in(viewer, name)  # the visit "Neu seit" counts from
        pid = released(world)
        mid = new_meeting(world)
        scheduled(world, pid, mid)
        present = in_session(world, mid)
        vote(world, pid, dict.fromkeys(present, "yes"))
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
        clock.now = berlin(MEETING_DAY, 22)
        for name, viewer in clients.items():
            sign_in(viewer, name)
            news[name] = viewer.get("/").text.split('id="neu"')[1]
    record = ("Anwesenheit erfasst", "Abstimmung erfasst", "Tagesordnung festgelegt")

    council = news["ilsfeld.council"]
    assert "Neu seit 08.04.2024, 07:00 Uhr" in council
    assert "Angelegt, jetzt „Geplant“ (Sitzungsdienst" in council  # the session called
    assert "Eingeladen (Bürgermeister" in council
    assert "Auf die Tagesordnung gesetzt" in council
    assert "Beschluss gefasst, jetzt" in council
    for words in (*record, "Sitzung eröffnet"):
        assert words not in council

    secretary = news["ilsfeld.secretary2"]
    assert "Beschluss gefasst, jetzt" in secretary
    for words in (*record, "Sitzung eröffnet"):
        assert words in secretary

    mayor = news["ilsfeld.mayor"]
    assert "Beschluss gefasst, jetzt" in mayor
    assert "Tagesordnung festgelegt" in mayor  # he sets the agenda (§ 34 Abs. 1 GemO)
    assert "Anwesenheit erfasst" not in mayor
    assert "Abstimmung erfasst" not in mayor


def test_neu_seit_names_a_meeting_step_in_the_past_tense(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """ "Eingeladen", not the button's "Einladen" (done_label of the released definition);
    the new state only where it says more than the step ("Eingeladen, jetzt „Eingeladen“")."""
    meeting = new_meeting(world)
    scheduled(world, released(world), meeting)
    invited(world, meeting)
    sign_in(client, "ilsfeld.clerk")  # a councillor is not told of the agenda's steps
    changes = client.get("/").text.split('id="neu"')[1]
    assert "Tagesordnung festgelegt, jetzt „Tagesordnung aufgestellt“" in changes
    assert "Eingeladen (" in changes
    assert "jetzt „Eingeladen“" not in changes
    assert "Einladen" not in changes
    assert "Tagesordnung festlegen" not in changes


def test_who_writes_no_vorlagen_is_not_told_none_of_his_vorlagen_waits(
    client: TestClient,
) -> None:
    """A councillor, the Sitzungsdienst and the Landratsamt have no Vorlagen of their own:
    their Meine Aufgaben has no "Wartet auf andere"; the clerk's keeps it."""
    for username in ("ilsfeld.council", "ilsfeld.secretary", "lra.coordinator"):
        sign_in(client, username)
        page = client.get("/").text
        assert "Meine Aufgaben" in page
        assert "Wartet auf andere" not in page, username
        assert "Keine Ihrer Vorlagen" not in page, username
    sign_in(client, "ilsfeld.clerk")
    assert "Wartet auf andere" in client.get("/").text


def test_neu_seit_names_whose_signature_under_the_minutes_was_recorded(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The four signatures of § 38 Abs. 2 Satz 1 GemO are four different lines, each with
    its capacity, not four times "Niederschrift unterschrieben (eine Unterschrift)"."""
    presented(world, world.workflows.latest("meeting").spec.version)
    clock.now = berlin(date(2024, 5, 15), 8)  # signed on 02.05., within the fortnight shown
    sign_in(client, "ilsfeld.council")
    council = client.get("/").text.split('id="neu"')[1]
    # A member is told the minutes are before him (§ 38 Abs. 2 GemO), not who signed them.
    assert "Niederschrift dem Gremium zur Kenntnis gebracht" in council
    assert "unter die Niederschrift erfasst" not in council
    assert "Niederschrift unterzeichnet" not in council
    sign_in(client, "ilsfeld.clerk")
    changes = client.get("/").text.split('id="neu"')[1]
    assert "eine Unterschrift" not in changes
    assert changes.count("Unterschrift des Vorsitzes unter die Niederschrift erfasst") == 1
    assert changes.count("Unterschrift eines Mitglieds unter die Niederschrift erfasst") == 2
    assert changes.count("Unterschrift der Schriftführung unter die Niederschrift erfasst") == 1


def test_a_councillor_finds_the_next_sessions_of_his_bodies_at_home(
    world: World, client: TestClient
) -> None:
    """Meine Aufgaben of a Gemeinderat: the coming sessions of the bodies the member sits in
    on the day, with date, start and place; not one held, nor one of a seat that has ended
    (§ 31 GemO). Staff do not get the section."""
    anna = world.data.ilsfeld.councillors[0]
    council = new_meeting(world, "Gemeinderat", MEETING_DAY, location="Bürgersaal Ilsfeld")
    past = new_meeting(world, "Gemeinderat", date(2024, 4, 2))
    committee = new_meeting(world, "Technischer Ausschuss", date(2024, 5, 7))

    def leave_committee(session: Session) -> None:
        seat = session.exec(
            select(Membership).where(
                Membership.body_id == world.body_id("Technischer Ausschuss"),
                Membership.person_id == anna.id,
            )
        ).one()
        seat.end_date = date(2024, 4, 30)
        session.add(seat)

    world.run(leave_committee)
    sign_in(client, "ilsfeld.council")
    home = client.get("/").text
    assert "Ihre nächsten Sitzungen" in home
    section = home.split('id="meine-sitzungen"')[1].split("</section>")[0]
    assert f'href="/sitzungen/{council}"' in section
    assert "Dienstag, 23.04.2024" in section
    assert "Bürgersaal Ilsfeld" in section
    assert f'href="/sitzungen/{past}"' not in section
    assert f'href="/sitzungen/{committee}"' not in section
    sign_in(client, "ilsfeld.clerk")
    assert "Ihre nächsten Sitzungen" not in client.get("/").text


def test_a_towns_staff_are_led_from_neu_seit_to_their_answer_of_an_abfrage(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The Landratsamt's Abfrage arrives in "Neu seit" as the town's own answer to give,
    linked to its page, not to a Vorlage or Sitzung of the same number."""
    from tests.integration.test_decisions import SENT, response, send

    clock.now = SENT + timedelta(days=1)
    request_id = send(world)
    answer = response(world, request_id, "Ilsfeld")
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/").text
    task = page.split('id="jetzt"')[1].split("</section>")[0]
    # the task's step leads to the page's section where it is done, not to its top
    assert f'href="/abfragen/{request_id}/antworten/{answer.id}#antworten"' in task
    changes = page.split('id="neu"')[1]
    link = f'href="/abfragen/{request_id}/antworten/{answer.id}">Antwort Ilsfeld: '
    assert link + "Integrationsmanagement ab 01.01.2025</a>" in changes
    assert "Antwort Flein" not in changes


def test_an_antrag_that_came_in_waits_in_the_sitzungsdienst_s_tasks_until_dealt_with(
    world: World, client: TestClient, app: FastAPI
) -> None:
    """A councillor's own Antrag (no statutory Frist below the quorum) is still someone's
    work: the Sitzungsdienst and the mayor find it under "Jetzt zu erledigen" until it is
    on the agenda, taken over or refused (§ 34 Abs. 1 GemO); a clerk does not."""
    from tests.integration.test_council_requests import DAY, create
    from workflow.services import council_requests

    mine = create(world, actor="ilsfeld.council", kind="councillor_motion", received_on=None)
    link = f'href="/antraege/{mine.id}">Antrag von Gemeinderäten: Tempo 30 in der Hauptstraße'

    def tasks(username: str) -> str:
        with TestClient(app) as other:
            sign_in(other, username)
            page: str = other.get("/").text
            return page.split('id="jetzt"')[1].split("</section>")[0]

    waiting = tasks("ilsfeld.secretary")
    assert link in waiting
    # the note names what the Antrag's page offers her: taking it over is the clerk's
    steps = "auf die Tagesordnung setzen oder als unzulässig ablehnen"
    assert f"Eingegangen am 08.04.2024: {steps}" in waiting
    sign_in(client, "ilsfeld.secretary")
    offered = client.get(f"/antraege/{mine.id}").text
    assert "Auf die Tagesordnung setzen</h2>" in offered
    assert "Als unzulässig ablehnen</h2>" in offered
    assert "Als Vorlage übernehmen</h2>" not in offered
    # but she learns who does, between the steps she has
    assert (
        "Als Vorlage übernehmen können ihn die Sachbearbeitung, die Mitzeichnenden "
        "(Amtsleitung, Kämmerei) und die Bürgermeisterin." in offered
    )
    all_three = "auf die Tagesordnung setzen, als Vorlage übernehmen oder als unzulässig ablehnen"
    assert f"{link}</a>" in (mayors := tasks("ilsfeld.mayor"))
    assert f"Eingegangen am 08.04.2024: {all_three}" in mayors
    sign_in(client, "ilsfeld.mayor")
    assert "Als Vorlage übernehmen können ihn" not in client.get(f"/antraege/{mine.id}").text
    assert link not in tasks("ilsfeld.clerk")
    world.run(
        lambda s: council_requests.refuse(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 11),
            request_id=mine.id or 0,
            ground="other",
            reason="Kein Gegenstand des Gemeinderats",
        )
    )
    assert link not in tasks("ilsfeld.secretary")


def test_a_councillor_hears_of_a_nachtrag_and_an_item_taken_off(
    world: World, app: FastAPI, clock: FixedClock
) -> None:
    """After the invitation an item added (Nachtrag) or taken off the agenda is news to the
    members (§ 34 Abs. 1 GemO): a free item has no Vorlage whose step would tell them."""
    mid = new_meeting(world)
    scheduled(world, released(world), mid)
    invited(world, mid)

    def add_and_take_off(session: Session) -> None:
        def version() -> int:
            meeting = session.get(Meeting, mid)
            assert meeting is not None
            return meeting.version

        common: dict[str, Any] = {
            "session": session,
            "workflows": world.workflows,
            "actor": world["ilsfeld.secretary"],
            "now": berlin(DAY, 16),
            "meeting_id": mid,
        }
        item = agenda.add_item(
            **common, expected_version=version(), title="Bekanntgabe zur Glasfaserversorgung"
        )
        item_votes.mark_late_paper(
            session=session,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 16),
            meeting_id=mid,
            item_id=known(item.id),
            expected_version=version(),
        )
        agenda.remove_item(
            **common,
            item_id=known(item.id),
            expected_version=version(),
            comment="Die Bekanntgabe folgt in der nächsten Sitzung.",
        )

    with TestClient(app) as viewer:
        clock.now = berlin(DAY, 15)
        sign_in(viewer, "ilsfeld.council")
        world.run(add_and_take_off)
        clock.now = berlin(DAY, 17)
        sign_in(viewer, "ilsfeld.council")
        news = viewer.get("/").text.split('id="neu"')[1]
    assert "Tagesordnungspunkt aufgenommen" in news
    assert "Tagesordnungspunkt als Tischvorlage gekennzeichnet" in news
    assert "Tagesordnungspunkt abgesetzt" in news
    assert "Geändert" not in news
    # which item: by its number and title at the time, as the Sitzung's Verlauf names it
    assert "Tagesordnungspunkt aufgenommen (Nachtrag, TOP 2: Bekanntgabe zur Glasfaser" in news
    assert "Tagesordnungspunkt abgesetzt (TOP 2: Bekanntgabe zur Glasfaserversorgung)" in news


def test_neu_seit_leaves_out_the_items_the_reader_may_not_open(
    world: World, client: TestClient, clock: FixedClock, as_user: Any
) -> None:
    """An event about a non-public item names it: only who may open the item reads it
    (§ 35 Abs. 1 GemO), as on the Sitzung's page. The councillor does not sit in the
    Verwaltungsausschuss; the mayor does, as its chair."""
    _committee_meeting_with_secret_items(world, client, as_user)
    clock.now = berlin(DAY, 18)
    sign_in(client, "ilsfeld.mayor")
    staff = client.get("/").text.split('id="neu"')[1]
    assert "Tagesordnungspunkt aufgenommen (TOP 1: Bekanntgaben)" in staff
    assert "Tagesordnungspunkt abgesetzt (TOP NÖ 1: Personalangelegenheit)" in staff
    assert staff.count("Tagesordnungspunkt aufgenommen") == 3
    sign_in(client, "ilsfeld.council")
    council = client.get("/").text.split('id="neu"')[1]
    assert "Tagesordnungspunkt aufgenommen (TOP 1: Bekanntgaben)" in council
    assert council.count("Tagesordnungspunkt aufgenommen") == 1
    assert "Tagesordnungspunkt abgesetzt" not in council
    for secret in ("Personalangelegenheit", SECRET_TITLE, REMOVAL_REASON):
        assert secret not in council


def test_a_session_s_steps_lead_to_the_meeting_screen(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Opening and closing a session are done on the meeting screen, not on the meeting's
    page: the task row leads there, and the signed minutes leave no way to the screen."""
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    clock.now = berlin(MEETING_DAY, 21)
    sign_in(client, "ilsfeld.secretary")
    tasks = client.get("/").text.split('id="jetzt"')[1].split('id="wartet"')[0]
    row = tasks.split("Sitzung schließen")[0].rsplit("<li", 1)[1]
    assert f'href="/sitzungen/{mid}/durchfuehren"' in row
    assert f"/sitzungen/{mid}#aktionen" not in tasks
    screen = client.get(f"/sitzungen/{mid}/durchfuehren").text
    assert "Sitzung schließen" in screen

    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    chair = world.data.ilsfeld.mayor.id
    secretary = world["ilsfeld.secretary"].person_id
    assert chair is not None
    assert secretary is not None
    others = [p for p in present if p != chair]
    sign(world, mid, chair, "chair")
    sign(world, mid, others[0], "councillor")
    sign(world, mid, others[1], "councillor")
    sign(world, mid, secretary, "secretary")
    world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", berlin(date(2024, 5, 2)))
    clock.now = berlin(date(2024, 5, 2), 12)
    page = client.get(f"/sitzungen/{mid}").text
    assert "Niederschrift dem Gremium zur Kenntnis gebracht" in page
    assert f'href="/sitzungen/{mid}/durchfuehren"' not in page
