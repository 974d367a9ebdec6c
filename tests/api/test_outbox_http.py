"""Dead letters of the e-mail outbox over HTTP: listed for admins of the municipality only,
re-queued, and then delivered by a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests.api.conftest import FixedClock
from tests.api.helpers import SECRET_TITLE
from tests.conftest import World, berlin
from tests.integration.flow import (
    MEETING_DAY,
    in_session,
    new_meeting,
    new_proposal,
    released,
    scheduled,
    submitted,
    vote,
)
from tests.smtp import Inbox, smtp_server
from workflow.deadlines.mail import SmtpMailer
from workflow.deadlines.sweep import MAX_MAIL_ATTEMPTS, SweepReport, deliver, sweep
from workflow.models import AuditEvent, OutboxMessage, User

REMINDERS_DUE = berlin(date(2024, 4, 13), 7, 1)  # invitation reminders of the 23.04. meeting


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as server:
        yield server


def send(world: World, url: str, now: datetime) -> SweepReport:
    report = SweepReport()
    deliver(engine=world.engine, now=now, mailer=SmtpMailer(url, timeout=5), report=report)
    return report


def dead_letters(world: World, smtp: tuple[str, Inbox]) -> datetime:
    """Reminders written to the outbox, then refused by the server until they are dead."""
    url, inbox = smtp
    new_meeting(world)
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=REMINDERS_DUE,
        mailer=None,
        base_url="https://rat.example",
    )
    inbox.fail = True
    now = REMINDERS_DUE
    for _ in range(MAX_MAIL_ATTEMPTS):
        send(world, url, now)
        now += timedelta(hours=1)
    inbox.fail = False
    return now


def flein_admin_and_letter(world: World) -> int:
    """Flein has no administrator in the demo; one, and a dead letter to a Flein user."""

    def create(session: Session) -> int:
        session.add(
            User(
                username="flein.admin",
                full_name="Fritz Flein",
                role="admin",
                municipality_id=world.data.flein.municipality.id,
            )
        )
        message = OutboxMessage(
            key="test:flein",
            user_id=world["flein.clerk"].user_id,
            to_address="flein.clerk@example.org",
            subject="Erinnerung: Frist",
            body="Bitte beachten.",
            status="dead",
            attempts=MAX_MAIL_ATTEMPTS,
            last_error="SMTPRecipientsRefused: unbekannter Empfänger",
        )
        session.add(message)
        session.flush()
        return int(message.id or 0)

    return int(world.run(create))


def test_admin_sees_dead_letters_requeues_one_and_it_is_delivered(
    world: World, client: Any, as_user: Any, clock: FixedClock, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    clock.now = dead_letters(world, smtp)
    admin = as_user("admin")

    listed = client.get("/api/v1/outbox", params={"status": "dead"}, headers=admin)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["count"] == 2
    assert {m["to_address"] for m in page["data"]} == {
        "ilsfeld.mayor@example.org",
        "ilsfeld.secretary@example.org",
    }
    for message in page["data"]:
        assert message["status"] == "dead"
        assert message["attempts"] == MAX_MAIL_ATTEMPTS
        assert "451" in message["last_error"]
        assert message["sent_at"] is None
        assert "body" not in message
    first = client.get("/api/v1/outbox", params={"status": "dead", "limit": 1}, headers=admin)
    rest = client.get(
        "/api/v1/outbox",
        params={"status": "dead", "limit": 1, "cursor": first.json()["next_cursor"]},
        headers=admin,
    )
    assert [m["id"] for m in first.json()["data"] + rest.json()["data"]] == [
        m["id"] for m in page["data"]
    ]
    assert rest.json()["next_cursor"] is None

    target = page["data"][0]
    requeued = client.post(f"/api/v1/outbox/{target['id']}/requeue", headers=admin)
    assert requeued.status_code == 200, requeued.text
    assert requeued.json()["status"] == "pending"
    assert requeued.json()["attempts"] == 0
    assert datetime.fromisoformat(requeued.json()["next_attempt_at"]) == clock.now
    again = client.post(f"/api/v1/outbox/{target['id']}/requeue", headers=admin)
    assert again.status_code == 409, again.text
    assert again.headers["content-type"] == "application/problem+json"

    report = send(world, url, clock.now)
    assert (report.sent, report.send_failures) == (1, 0)
    [received] = inbox.messages
    assert received["To"] == target["to_address"]
    assert received["Subject"] == target["subject"]  # exactly, umlauts and dashes included
    sent = client.get("/api/v1/outbox", params={"status": "sent"}, headers=admin).json()
    assert [m["id"] for m in sent["data"]] == [target["id"]]
    assert sent["data"][0]["attempts"] == 1
    still_dead = client.get("/api/v1/outbox", params={"status": "dead"}, headers=admin).json()
    assert still_dead["count"] == 1

    with Session(world.engine) as session:
        [event] = session.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "outbox_message",
                AuditEvent.instance_id == target["id"],
            )
        ).all()
    assert (event.actor, event.trigger, event.source, event.dest) == (
        "admin",
        "requeue",
        "dead",
        "pending",
    )
    assert event.data["attempts"] == MAX_MAIL_ATTEMPTS


def test_only_admins_may_see_or_requeue(
    world: World, client: Any, as_user: Any, smtp: tuple[str, Inbox]
) -> None:
    dead_letters(world, smtp)
    with Session(world.engine) as session:
        message_id = session.exec(select(OutboxMessage.id)).first()
    for username in ("ilsfeld.clerk", "ilsfeld.mayor", "lra.coordinator"):
        headers = as_user(username)
        listed = client.get("/api/v1/outbox", headers=headers)
        assert listed.status_code == 403, (username, listed.text)
        assert listed.json()["allowed_roles"] == ["admin"]
        refused = client.post(f"/api/v1/outbox/{message_id}/requeue", headers=headers)
        assert refused.status_code == 403, (username, refused.text)
    assert client.get("/api/v1/outbox").status_code == 401
    assert client.post(f"/api/v1/outbox/{message_id}/requeue").status_code == 401
    missing = client.post("/api/v1/outbox/999999/requeue", headers=as_user("admin"))
    assert missing.status_code == 404, missing.text


def test_each_municipality_sees_only_its_own_messages(
    world: World, client: Any, as_user: Any, smtp: tuple[str, Inbox]
) -> None:
    dead_letters(world, smtp)
    flein_letter = flein_admin_and_letter(world)
    flein = as_user("flein.admin")

    seen = client.get("/api/v1/outbox", headers=flein).json()
    assert [m["id"] for m in seen["data"]] == [flein_letter]
    assert seen["data"][0]["last_error"].startswith("SMTPRecipientsRefused")
    ilsfeld = client.get("/api/v1/outbox", params={"status": "dead"}, headers=as_user("admin"))
    ilsfeld_ids = [m["id"] for m in ilsfeld.json()["data"]]
    assert len(ilsfeld_ids) == 2
    assert flein_letter not in ilsfeld_ids

    # The dead letter's facts, for deciding whether to queue it again; not its text.
    detail = client.get(f"/api/v1/outbox/{flein_letter}", headers=flein)
    assert detail.status_code == 200, detail.text
    facts = detail.json()
    assert (facts["to_address"], facts["subject"], facts["status"]) == (
        "flein.clerk@example.org",
        "Erinnerung: Frist",
        "dead",
    )
    assert facts["last_error"].startswith("SMTPRecipientsRefused")
    assert facts["body"] is None
    assert "Datenminimierung" in facts["body_withheld"]
    assert "Bitte beachten" not in detail.text
    assert client.get(f"/api/v1/outbox/{flein_letter}", headers=as_user("admin")).status_code == 404

    foreign = client.post(f"/api/v1/outbox/{ilsfeld_ids[0]}/requeue", headers=flein)
    assert foreign.status_code == 404, foreign.text
    assert client.post(f"/api/v1/outbox/{flein_letter}/requeue", headers=flein).status_code == 200
    assert (
        client.post(f"/api/v1/outbox/{flein_letter}/requeue", headers=as_user("admin")).status_code
        == 404
    )


def test_the_outbox_shows_no_title_of_a_non_public_vorlage(
    world: World, client: Any, as_user: Any
) -> None:
    """The administrator handles delivery, not the matters (§ 35 Abs. 1 GemO): neither the
    list nor a message's facts name a non-public Vorlage's title, not even in the subject of
    the co-sign request, a Frist reminder or escalation, or the Beschlussauszug."""
    public = released(world)
    decided = released(world, title=SECRET_TITLE, public=False)
    asked = new_proposal(world, title=SECRET_TITLE, public=False)
    submitted(world, asked)
    mid = new_meeting(world)
    scheduled(world, public, mid)
    scheduled(world, decided, mid)
    present = in_session(world, mid)
    for pid in (public, decided):
        vote(world, pid, dict.fromkeys(present, "yes"))
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
        world.fire("proposal", pid, "waive_objection", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 4, 24), 8),
        mailer=None,
        base_url="https://rat.example",
    )
    admin = as_user("admin")

    listed = client.get("/api/v1/outbox", params={"limit": 200}, headers=admin)
    assert listed.status_code == 200, listed.text
    subjects = [m["subject"] for m in listed.json()["data"]]
    assert listed.json()["next_cursor"] is None
    assert "Bitte um Mitzeichnung: Vorlage 3/2024 (nichtöffentlich)" in subjects
    assert "Beschlussauszug zum Vollzug: Vorlage 2/2024 (nichtöffentlich)" in subjects
    assert any("Vorlage 3/2024 (nichtöffentlich) (bis " in s for s in subjects)
    assert "Beschlussauszug zum Vollzug: Vorlage 1/2024 – Neubau Bauhof" in subjects
    assert SECRET_TITLE not in listed.text
    for message in listed.json()["data"]:
        detail = client.get(f"/api/v1/outbox/{message['id']}", headers=admin)
        assert detail.status_code == 200, detail.text
        assert SECRET_TITLE not in detail.text, detail.json()["subject"]
    # the recipients read it in the text
    with Session(world.engine) as session:
        bodies = session.exec(
            select(OutboxMessage.body).where(
                col(OutboxMessage.subject).contains("(nichtöffentlich)")
            )
        ).all()
    assert bodies
    assert all(SECRET_TITLE in body for body in bodies)
