"""Invitations and resolution extracts go out by e-mail: through the outbox to a real SMTP
server (aiosmtpd on loopback), each recipient reading only what they may."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests.api.helpers import SECRET_TITLE, secret_proposal
from tests.conftest import World, berlin
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    adopted,
    in_session,
    new_meeting,
    released,
    scheduled,
    vote,
)
from tests.integration.test_sweep import run_sweep
from tests.smtp import Inbox, smtp_server
from workflow.deadlines.mail import SmtpMailer
from workflow.deadlines.sweep import SweepReport, deliver
from workflow.models import Body, Membership, OutboxMessage, Person, Proposal


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as server:
        yield server


def delivered(world: World, smtp: tuple[str, Inbox], prefix: str = "") -> dict[str, EmailMessage]:
    """Send what the outbox holds; the messages received so far whose subject starts so."""
    url, inbox = smtp
    deliver(
        engine=world.engine,
        now=berlin(date(2024, 5, 2)),
        mailer=SmtpMailer(url, timeout=5),
        report=SweepReport(),
    )
    return {str(m["To"]): m for m in inbox.messages if str(m["Subject"]).startswith(prefix)}


def text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def prepare(world: World) -> tuple[int, int]:
    """An Ortschaftsrat to be heard on the public item; e-mail addresses for two people."""
    public = released(world, title="Sanierung der Festhalle in Auenstein")
    secret = secret_proposal(world, "Gemeinderat")

    def setup(session: Session) -> None:
        town = world.data.ilsfeld.municipality.id or 0
        local = Body(municipality_id=town, name="Ortschaftsrat Auenstein", kind="local_council")
        heard = Person(municipality_id=town, name="Otto Ort", email="otto.ort@example.org")
        session.add_all([local, heard])
        session.flush()
        session.add(Membership(body_id=local.id or 0, person_id=heard.id or 0))
        proposal = session.get(Proposal, public)
        assert proposal is not None
        proposal.hearing_bodies = [local.id or 0]
        session.add(proposal)
        bernd = session.get(Person, world.data.ilsfeld.councillors[1].id)
        assert bernd is not None
        bernd.email = "bernd.keller@example.org"
        session.add(bernd)

    world.run(setup)
    meeting = new_meeting(world)
    scheduled(world, public, meeting)
    scheduled(world, secret, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    return meeting, secret


def invite(client: Any, as_user: Any, meeting: int) -> None:
    """The mayor invites over the API (§ 34 Abs. 1 GemO), with the version he read."""
    mayor = as_user("ilsfeld.mayor")
    version = client.get(f"/api/v1/meetings/{meeting}", headers=mayor).json()["version"]
    fired = client.post(
        f"/api/v1/meetings/{meeting}/transitions",
        json={"trigger": "invite", "expected_version": version},
        headers=mayor,
    )
    assert fired.status_code == 200, fired.text


def test_invite_sends_each_member_the_agenda_they_may_read(
    world: World, client: Any, as_user: Any, smtp: tuple[str, Inbox]
) -> None:
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)
    mails = delivered(world, smtp, "Einladung")
    # The mayor and ilsfeld.council through their logins, Bernd Keller and the Ortschaftsrat
    # member through their own addresses; councillors without any address get none.
    assert set(mails) == {
        "ilsfeld.mayor@example.org",
        "ilsfeld.council@example.org",
        "bernd.keller@example.org",
        "otto.ort@example.org",
    }
    subject = "Einladung: Sitzung des Gemeinderats am 23.04.2024, 18:00 Uhr"
    assert {str(m["Subject"]) for m in mails.values()} == {subject}
    member = text(mails["bernd.keller@example.org"])
    assert "Tagesordnung – öffentlicher Teil" in member
    assert "Sanierung der Festhalle in Auenstein" in member
    assert f"NÖ 1 | {SECRET_TITLE}" in member  # § 35: members of the body are entitled
    # Without RATSFLOW_BASE_URL the link is where the request went (the test client's host).
    assert f"http://testserver/sitzungen/{meeting}/sitzungsmappe.pdf" in member
    assert "Die Sitzungsunterlagen finden Sie in der Sitzungsmappe (Link unten)." in member
    assert "beigefügt" not in member  # linked, not enclosed
    heard = text(mails["otto.ort@example.org"])
    assert "Sanierung der Festhalle in Auenstein" in heard
    assert SECRET_TITLE not in heard
    assert "nichtöffentlicher Teil" not in heard
    assert "§ 70 Abs. 1, § 65 Abs. 2 GemO" in heard

    with Session(world.engine) as session:
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.to_address == "ilsfeld.council@example.org")
        ).one()
    # The administrator handles delivery, not council matters: the message's facts, not its
    # text with the non-public item (§ 35 GemO; Art. 5 Abs. 1 lit. c DSGVO).
    full = client.get(f"/api/v1/outbox/{row.id}", headers=as_user("admin"))
    assert full.status_code == 200
    facts = full.json()
    assert (facts["to_address"], facts["subject"], facts["status"]) == (
        "ilsfeld.council@example.org",
        subject,
        "sent",
    )
    assert facts["body"] is None
    assert "nicht angezeigt" in facts["body_withheld"]
    assert SECRET_TITLE in row.body  # it was there to withhold
    for leak in (SECRET_TITLE, "Sanierung der Festhalle", "Tagesordnung"):
        assert leak not in full.text
    # Members without an account are in the administrators' outbox list too.
    listed = client.get("/api/v1/outbox", params={"limit": 200}, headers=as_user("admin"))
    addresses = {m["to_address"] for m in listed.json()["data"]}
    assert {"bernd.keller@example.org", "otto.ort@example.org"} <= addresses
    refused = client.get(f"/api/v1/outbox/{row.id}", headers=as_user("ilsfeld.clerk"))
    assert refused.status_code == 403
    assert client.get("/api/v1/outbox/999999", headers=as_user("admin")).status_code == 404


def test_the_extract_sent_when_the_objection_week_ends_links_absolutely(world: World) -> None:
    """The sweep finalizes the resolution after the objection week (§ 43 Abs. 2 GemO); the
    Beschlussauszug it writes links to the configured address, not to a bare path."""
    pid, _, _ = adopted(world)
    run_sweep(world, berlin(date(2024, 5, 6), 0, 5))
    with Session(world.engine) as session:
        extract = session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.subject).startswith("Beschlussauszug zum Vollzug")
            )
        ).one()
    assert "Als PDF: https://rat.example/sitzungen/" in extract.body


def test_final_resolution_sends_the_extract_to_the_department(
    world: World, smtp: tuple[str, Inbox]
) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    vote(world, pid, {**dict.fromkeys(present, "yes"), present[0]: "no"})
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    extract = "Beschlussauszug zum Vollzug"
    assert delivered(world, smtp, extract) == {}  # not final yet: the mayor may still object
    world.fire("proposal", pid, "waive_objection", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    mails = delivered(world, smtp, extract)
    # The test proposal names no Amt, so its author receives it.
    assert set(mails) == {"ilsfeld.clerk@example.org"}
    body = text(mails["ilsfeld.clerk@example.org"])
    assert str(mails["ilsfeld.clerk@example.org"]["Subject"]).startswith(
        "Beschlussauszug zum Vollzug: Vorlage 1/2024"
    )
    assert "Der Gemeinderat stimmt zu." in body
    assert f"{len(present) - 1} Ja, 1 Nein, 0 Enthaltungen" in body
    assert "/dokumente/beschlussauszug.pdf" in body
