"""Invitations carry the Anlagen as files (up to RATSFLOW_MAIL_ATTACHMENT_MAX_BYTES, larger
ones as links), through the outbox to a real SMTP server; a Nachtrag goes out like them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests.api.conftest import FixedClock
from tests.api.test_attachments_http import release, upload
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_meetings import _post_current
from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_meeting, new_proposal, scheduled
from tests.smtp import Inbox, smtp_server
from workflow.deadlines.mail import SmtpMailer
from workflow.deadlines.sweep import SweepReport, deliver
from workflow.documents.pdf import html_to_pdf
from workflow.files import FileStore
from workflow.models import Body, Membership, OutboxMessage, Person, Proposal
from workflow.services.outbox import NON_PUBLIC_FILE
from workflow.settings import DEFAULT_MAIL_ATTACHMENT_MAX_BYTES, Settings

SECRET_NOTE = "Kaufpreisliste der Eigentümer"


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as server:
        yield server


def delivered(world: World, smtp: tuple[str, Inbox], settings: Settings) -> list[EmailMessage]:
    url, inbox = smtp
    report = SweepReport()
    deliver(
        engine=world.engine,
        now=berlin(date(2024, 4, 9)),
        mailer=SmtpMailer(url, timeout=5),
        report=report,
        store=FileStore(settings.files_dir),
    )
    assert report.send_failures == 0
    return list(inbox.messages)


def text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def files(message: EmailMessage) -> dict[str, bytes]:
    return {str(part.get_filename()): part.get_content() for part in message.iter_attachments()}


def hear_otto(world: World, pid: int) -> None:
    """An Ortschaftsrat heard on the proposal (§ 70 Abs. 1 GemO), not entitled to the
    non-public part; an address for the councillor Bernd Keller."""

    def setup(session: Session) -> None:
        town = world.data.ilsfeld.municipality.id or 0
        local = Body(municipality_id=town, name="Ortschaftsrat Auenstein", kind="local_council")
        otto = Person(municipality_id=town, name="Otto Ort", email="otto.ort@example.org")
        session.add_all([local, otto])
        session.flush()
        session.add(Membership(body_id=local.id or 0, person_id=otto.id or 0))
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.hearing_bodies = [local.id or 0]
        bernd = session.get(Person, world.data.ilsfeld.councillors[1].id)
        assert bernd is not None
        bernd.email = "bernd.keller@example.org"
        session.add_all([proposal, bernd])

    world.run(setup)


def test_invitation_carries_small_files_and_links_the_large_one(
    world: World, client: Any, as_user: Any, settings: Settings, smtp: tuple[str, Inbox]
) -> None:
    pid = new_proposal(world, title="Sanierung der Festhalle in Auenstein")
    clerk = as_user("ilsfeld.clerk")
    path = f"/api/v1/proposals/{pid}/attachments"
    small = html_to_pdf("<p>Kostenschätzung der Festhalle</p>")
    secret = html_to_pdf(f"<p>{SECRET_NOTE}</p>")
    large = b"%PDF-1.4\n" + b"0" * DEFAULT_MAIL_ATTACHMENT_MAX_BYTES  # above the limit
    for data, name, public in [
        (small, "Kostenschätzung.pdf", True),
        (secret, f"{SECRET_NOTE}.pdf", False),
        (large, "Lageplan.pdf", True),
    ]:
        got = upload(client, clerk, path, data, name, public=public)
        assert got.status_code == 201, got.text
    release(world, pid)
    hear_otto(world, pid)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    mayor = as_user("ilsfeld.mayor")
    version = client.get(f"/api/v1/meetings/{meeting}", headers=mayor).json()["version"]
    fired = client.post(
        f"/api/v1/meetings/{meeting}/transitions",
        json={"trigger": "invite", "expected_version": version},
        headers=mayor,
    )
    assert fired.status_code == 200, fired.text

    mails = {str(m["To"]): m for m in delivered(world, smtp, settings)}
    member = mails["bernd.keller@example.org"]
    got = files(member)
    # The bytes arrive intact; the non-public file reaches the member (§ 35 Abs. 1 GemO).
    assert {n: hashlib.sha256(d).hexdigest() for n, d in got.items()} == {
        "Kostenschätzung.pdf": hashlib.sha256(small).hexdigest(),
        f"{SECRET_NOTE}.pdf": hashlib.sha256(secret).hexdigest(),
    }
    body = text(member)
    assert "Anlagen (dieser E-Mail als Datei beigefügt):" in body
    # Without an account he cannot open an Anlage's page: it is named, in his Mappe.
    named = body.split(
        "Weitere Anlagen (zu groß für den Versand als Datei, in der Sitzungsmappe):"
    )[1]
    assert "- Lageplan.pdf (2,0 MB)\r\n" in named
    assert "/anlagen/" not in body
    assert "Lageplan.pdf" not in got
    # An account holder follows the link after signing in.
    signed_in = text(mails["ilsfeld.council@example.org"])
    links = signed_in.split("Anlagen zum Herunterladen (zu groß für den Versand als Datei):")[1]
    assert "- Lageplan.pdf (2,0 MB): http://testserver/anlagen/" in links
    heard = mails["otto.ort@example.org"]
    assert set(files(heard)) == {"Kostenschätzung.pdf"}
    assert SECRET_NOTE not in text(heard)
    assert "Lageplan.pdf" in text(heard)

    # The administrators' view of the message lists the files it carried, not what it says.
    with Session(world.engine) as session:
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.to_address == "bernd.keller@example.org")
        ).one()
    full = client.get(f"/api/v1/outbox/{row.id}", headers=as_user("admin")).json()
    # A non-public Anlage's name can be the matter itself: withheld like the text.
    assert [(a["name"], a["size"], a["sha256"]) for a in full["attachments"]] == [
        ("Kostenschätzung.pdf", len(small), hashlib.sha256(small).hexdigest()),
        (NON_PUBLIC_FILE, len(secret), hashlib.sha256(secret).hexdigest()),
    ]
    assert SECRET_NOTE not in str(full)
    assert full["status"] == "sent"
    assert full["body"] is None
    assert "beigefügt" not in str(full)
    assert "/anlagen/" not in str(full)  # the link to Lageplan.pdf is in the text only


def test_a_missing_file_fails_the_attempt_instead_of_sending_without_it(
    world: World, client: Any, as_user: Any, settings: Settings, smtp: tuple[str, Inbox]
) -> None:
    pid = new_proposal(world)
    small = html_to_pdf("<p>Kostenschätzung</p>")
    got = upload(client, as_user("ilsfeld.clerk"), f"/api/v1/proposals/{pid}/attachments", small)
    assert got.status_code == 201
    release(world, pid)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    FileStore(settings.files_dir).remove(hashlib.sha256(small).hexdigest())
    url, inbox = smtp
    report = SweepReport()
    deliver(
        engine=world.engine,
        now=berlin(date(2024, 4, 9)),
        mailer=SmtpMailer(url, timeout=5),
        report=report,
        store=FileStore(settings.files_dir),
    )
    # No invitation goes out without its file; each attempt fails and is retried.
    assert not [m for m in inbox.messages if str(m["Subject"]).startswith("Einladung")]
    with Session(world.engine) as session:
        invitations = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.subject).startswith("Einladung"))
        ).all()
    assert invitations
    assert report.send_failures == len(invitations)
    assert {(r.status, r.attempts) for r in invitations} == {("pending", 1)}
    assert all("Bericht.pdf" in (r.last_error or "") for r in invitations)
    assert all("fehlt im Dateispeicher" in (r.last_error or "") for r in invitations)


def test_a_supplement_goes_to_the_members_like_the_invitation(
    world: World, client: Any, as_user: Any, settings: Settings, smtp: tuple[str, Inbox]
) -> None:
    pid = new_proposal(world, title="Sanierung der Festhalle in Auenstein")
    release(world, pid)
    hear_otto(world, pid)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    secretary = as_user("ilsfeld.secretary")
    for title, public in [("Bekanntgaben", True), ("Personalangelegenheit Bauhof", False)]:
        version = client.get(f"/api/v1/meetings/{meeting}", headers=secretary).json()["version"]
        added = client.post(
            f"/api/v1/meetings/{meeting}/agenda-items",
            json={
                "title": title,
                "public": public,
                "non_public_reason": None if public else "Personalsache (§ 35 Abs. 1 GemO)",
                "expected_version": version,
            },
            headers=secretary,
        )
        assert added.status_code == 201, added.text
    mails = [
        m
        for m in delivered(world, smtp, settings)
        if str(m["Subject"]).startswith("Nachtrag zur Tagesordnung")
    ]
    subject = "Nachtrag zur Tagesordnung: Sitzung des Gemeinderats am 23.04.2024, 18:00 Uhr"
    assert {str(m["Subject"]) for m in mails} == {subject}
    to_otto = [text(m) for m in mails if str(m["To"]) == "otto.ort@example.org"]
    to_bernd = [text(m) for m in mails if str(m["To"]) == "bernd.keller@example.org"]
    # The heard Ortschaftsrat learns of the public addition only (§ 35 Abs. 1 GemO).
    assert len(to_otto) == 1
    assert "TOP 2 | Bekanntgaben (Nachtrag)" in to_otto[0]
    assert len(to_bernd) == 2
    assert any("NÖ 1 | Personalangelegenheit Bauhof (Nachtrag)" in t for t in to_bernd)
    assert all(f"/sitzungen/{meeting}/sitzungsmappe.pdf" in t for t in to_bernd)


def test_a_supplement_added_on_the_meeting_page_is_mailed_too(
    world: World, client: Any, clock: FixedClock
) -> None:
    pid = new_proposal(world)
    release(world, pid)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    clock.now = berlin(DAY, 15)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    assert "Nachtrag zur Tagesordnung" in page
    added = _post_current(
        client,
        f"/sitzungen/{meeting}/tagesordnung/punkt",
        page,
        title="Bekanntgaben",
    )
    assert added.status_code == 303, added.text
    with Session(world.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.key).startswith("supplement:"))
        ).all()
    assert {r.to_address for r in rows} >= {
        "ilsfeld.mayor@example.org",
        "ilsfeld.council@example.org",
    }
    assert all("TOP 2 | Bekanntgaben (Nachtrag)" in r.body for r in rows)
    assert all(r.body.count("http://testserver/sitzungen/") == 1 for r in rows)


def test_a_vorlage_scheduled_through_its_transition_after_the_invitation_is_mailed(
    world: World, client: Any, as_user: Any
) -> None:
    """§ 34 Abs. 1 GemO: a Nachtrag reaches the members whichever way the Vorlage came onto
    the agenda; through the JSON API's transition too, with absolute links."""
    first = new_proposal(world)
    release(world, first)
    meeting = new_meeting(world)
    scheduled(world, first, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    late = new_proposal(world, title="Neubau Feuerwehrgerätehaus")
    release(world, late)
    secretary = as_user("ilsfeld.secretary")
    version = client.get(f"/api/v1/proposals/{late}", headers=secretary).json()["version"]
    fired = client.post(
        f"/api/v1/proposals/{late}/transitions",
        json={"trigger": "schedule", "data": {"meeting_id": meeting}, "expected_version": version},
        headers=secretary,
    )
    assert fired.status_code == 200, fired.text
    with Session(world.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.key).startswith("supplement:"))
        ).all()
    assert {r.to_address for r in rows} >= {"ilsfeld.council@example.org"}
    assert all("Neubau Feuerwehrgerätehaus" in r.body and "(Nachtrag)" in r.body for r in rows)
    assert all(f"http://testserver/sitzungen/{meeting}/sitzungsmappe.pdf" in r.body for r in rows)
