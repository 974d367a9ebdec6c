"""An invitation e-mail the server refuses (a mistyped member's address) is given up after
its last attempt: the session's page tells the Sitzungsdienst whom to invite in writing
(§ 34 Abs. 1 S. 1 GemO); the admin corrects the address and sends it again, to the new one."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from tests.api.conftest import TestClient
from tests.api.test_invitations_http import prepare, smtp
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import DAY
from tests.smtp import Inbox
from workflow.deadlines.mail import SmtpMailer
from workflow.deadlines.sweep import MAX_MAIL_ATTEMPTS, SweepReport, deliver
from workflow.models import AuditEvent, OutboxMessage, Person

__all__ = ["smtp"]  # the SMTP server fixture, shared with the invitation tests

WRONG = "bernd.keller@example.org"  # the server knows no such mailbox
RIGHT = "b.keller@example.org"


def _attempts(world: World, url: str, start: datetime, times: int) -> datetime:
    """The sweep's delivery ``times`` times, an hour apart (past every retry's wait)."""
    now = start
    for _ in range(times):
        deliver(
            engine=world.engine, now=now, mailer=SmtpMailer(url, timeout=5), report=SweepReport()
        )
        now += timedelta(hours=1)
    return now


def _invitation_of(world: World, meeting: int, person_id: int) -> OutboxMessage:
    key = f"invitation:meeting:{meeting}:person:{person_id}"
    return world.run(lambda s: s.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one())


def test_an_undelivered_invitation_is_shown_corrected_and_sent_again(
    world: World, client: TestClient, as_user: Any, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    bernd = world.data.ilsfeld.councillors[1]
    meeting, _ = prepare(world)  # Bernd Keller's own address: WRONG
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    inbox.unknown.add(WRONG)
    now = _attempts(world, url, berlin(DAY, 15), MAX_MAIL_ATTEMPTS)
    letter = _invitation_of(world, meeting, bernd.id or 0)
    assert (letter.status, letter.to_address) == ("dead", WRONG)
    assert "550" in (letter.last_error or "")
    assert {str(m["To"]) for m in inbox.messages} >= {"otto.ort@example.org"}  # the others

    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    warning = page.split("Einladung nicht zugestellt")[1].split("</div>\n</div>")[0]
    assert f"konnte nicht zugestellt werden an: {bernd.name} ({WRONG})." in warning
    assert "Bitte laden Sie dieses Mitglied schriftlich ein" in warning
    # Only the Sitzungsdienst's people are told; a councillor's page says nothing of it.
    sign_in(client, "ilsfeld.council")
    assert "Einladung nicht zugestellt" not in client.get(f"/sitzungen/{meeting}").text
    sign_in(client, "ilsfeld.secretary")
    refused = client.post(
        f"/verwaltung/e-mails/{letter.id}/erneut", data={"csrf_token": csrf_of(page)}
    )
    assert refused.status_code == 403

    # The admin sees the dead letter (not its text) and corrects the address: the
    # invitation goes out again by itself, to the new one, with a new link.
    sign_in(client, "admin")
    overview = client.get("/verwaltung").text
    row = overview.split(f'id="e-mail-{letter.id}"')[1].split("</tr>")[0]
    assert WRONG in row
    assert "Einladung: Sitzung des Gemeinderats" in row
    assert "550" in row
    assert f'action="/verwaltung/e-mails/{letter.id}/erneut"' in row
    assert "Tagesordnung" not in row
    old_link = re.search(r"zugang=([\w-]+)", letter.body)
    assert old_link is not None
    council = world.body_id("Gemeinderat")
    body_page = client.get(f"/verwaltung/gremien/{council}").text
    saved = client.post(
        f"/verwaltung/gremien/{council}/personen/{bernd.id}",
        data={"csrf_token": csrf_of(body_page), "name": bernd.name, "email": RIGHT},
    )
    assert (
        "1 Einladung zu kommenden Sitzungen geht erneut an die neue Adresse; Links an die "
        "bisherige gelten nicht mehr." in saved.text
    )
    assert f'id="e-mail-{letter.id}"' not in client.get("/verwaltung").text
    readdressed = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "outbox_message", AuditEvent.instance_id == letter.id
            )
        ).one()
    )
    assert readdressed.trigger == "readdress"
    assert (readdressed.data or {}) == {"to_address": WRONG, "status": "dead"}
    now = _attempts(world, url, now, 1)
    to_bernd = [m for m in inbox.messages if str(m["To"]) == RIGHT]
    assert len(to_bernd) == 1
    assert str(to_bernd[0]["Subject"]).startswith("Einladung: Sitzung des Gemeinderats")
    text = str(to_bernd[0].get_body(("plain",)).get_content())  # type: ignore[union-attr]
    new_link = re.search(r"(/sitzungen/\d+/sitzungsmappe\.pdf\?zugang=[\w-]+)", text)
    assert new_link is not None
    assert old_link.group(1) not in text
    client.post("/abmelden", data={"csrf_token": csrf_of(client.get("/").text)})
    assert client.get(new_link.group(1)).status_code == 200
    old = f"/sitzungen/{meeting}/sitzungsmappe.pdf?zugang={old_link.group(1)}"
    assert client.get(old, headers={"Accept": "text/html"}).status_code == 404
    sign_in(client, "ilsfeld.secretary")
    assert "Einladung nicht zugestellt" not in client.get(f"/sitzungen/{meeting}").text


def test_the_admin_sends_a_dead_letter_again_once_the_server_takes_it(
    world: World, client: TestClient, smtp: tuple[str, Inbox]
) -> None:
    """Not every dead letter is a wrong address: the mail server refused it for a while."""
    url, inbox = smtp
    otto = "otto.ort@example.org"
    meeting, _ = prepare(world)
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    inbox.unknown.add(otto)
    now = _attempts(world, url, berlin(DAY, 15), MAX_MAIL_ATTEMPTS)
    inbox.unknown.clear()
    letter = world.run(
        lambda s: s.exec(select(OutboxMessage).where(OutboxMessage.to_address == otto)).one()
    )
    assert letter.status == "dead"
    sign_in(client, "admin")
    overview = client.get("/verwaltung").text
    again = client.post(
        f"/verwaltung/e-mails/{letter.id}/erneut", data={"csrf_token": csrf_of(overview)}
    )
    assert f"Die E-Mail an {otto} wird erneut versandt." in again.text
    _attempts(world, url, now, 1)
    assert [str(m["To"]) for m in inbox.messages].count(otto) == 1
    twice = client.post(
        f"/verwaltung/e-mails/{letter.id}/erneut", data={"csrf_token": csrf_of(overview)}
    )
    assert "Nur unzustellbare E-Mails können erneut versandt werden" in twice.text
    sign_in(client, "ilsfeld.secretary")
    refused = client.post(
        f"/verwaltung/e-mails/{letter.id}/erneut",
        data={"csrf_token": csrf_of(client.get("/").text)},
    )
    assert refused.status_code == 403
    assert "Administration" in refused.text  # refused by role, not by a stale form


def test_a_dead_letter_to_a_member_without_any_address_now_is_not_sent_again(
    world: World, client: TestClient, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    bernd = world.data.ilsfeld.councillors[1]
    meeting, _ = prepare(world)
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    inbox.unknown.add(WRONG)
    _attempts(world, url, berlin(DAY, 15), MAX_MAIL_ATTEMPTS)
    letter = _invitation_of(world, meeting, bernd.id or 0)

    def no_address(session: Any) -> None:
        person = session.get(Person, bernd.id)
        person.email = None
        session.add(person)

    world.run(no_address)
    sign_in(client, "admin")
    overview = client.get("/verwaltung").text
    refused = client.post(
        f"/verwaltung/e-mails/{letter.id}/erneut", data={"csrf_token": csrf_of(overview)}
    )
    assert refused.status_code == 200
    assert "keine E-Mail-Adresse mehr hinterlegt" in refused.text
    assert _invitation_of(world, meeting, bernd.id or 0).status == "dead"
    assert re.search(rf'id="e-mail-{letter.id}"', refused.text)
    pending = world.run(
        lambda s: s.exec(
            select(OutboxMessage.id).where(col(OutboxMessage.status) == "pending")
        ).all()
    )
    assert letter.id not in pending
