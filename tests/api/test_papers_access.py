"""A member invited by e-mail without an account opens the Sitzungsmappe through a personal
link (§ 34 Abs. 1 S. 1 GemO: the documents go with the invitation): as his seat lets him
read it, for that session only, until some days after it; only the link's hash is kept."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from tests.api.conftest import FixedClock
from tests.api.helpers import SECRET_TITLE
from tests.api.test_invitations_http import delivered, invite, prepare, smtp, text
from tests.conftest import World, berlin
from tests.documents import pdf_text
from tests.integration.flow import DAY, MEETING_DAY, new_meeting
from tests.smtp import Inbox
from workflow.context import SYSTEM, FiringContext
from workflow.documents.mailing import send_invitations
from workflow.models import Meeting, OutboxMessage, PapersAccess
from workflow.papers_access import DAYS_AFTER_SESSION

__all__ = ["smtp"]  # the SMTP server fixture, shared with the invitation tests

LINK = re.compile(r"Sitzungsmappe \(PDF, Ihr persönlicher Link bis ([0-9.]+); bitte nicht "
                  r"weitergeben\): http://testserver(/sitzungen/\d+/sitzungsmappe\.pdf)"
                  r"\?zugang=([A-Za-z0-9_-]+)")  # fmt: skip


def test_a_member_without_an_account_opens_his_mappe_through_his_link(
    world: World, client: Any, as_user: Any, smtp: tuple[str, Inbox], clock: FixedClock
) -> None:
    meeting, _ = prepare(world)  # Bernd (council) and Otto (Ortschaftsrat): addresses only
    invite(client, as_user, meeting)
    mails = delivered(world, smtp, "Einladung")
    links = {}
    for address in ("bernd.keller@example.org", "otto.ort@example.org"):
        found = LINK.search(text(mails[address]))
        assert found is not None, address
        until, path, token = found.groups()
        assert until == (MEETING_DAY + timedelta(days=DAYS_AFTER_SESSION)).strftime("%d.%m.%Y")
        assert path == f"/sitzungen/{meeting}/sitzungsmappe.pdf"
        links[address] = f"{path}?zugang={token}"
    # An account holder signs in instead: no personal link in his mail.
    assert "zugang=" not in text(mails["ilsfeld.council@example.org"])
    assert "Sitzungsmappe (PDF): http://testserver/sitzungen/" in text(
        mails["ilsfeld.council@example.org"]
    )

    # Without signing in: the council member's Mappe holds the non-public item (§ 35 Abs. 1
    # GemO: he is entitled), the Ortschaftsrat's member's only what he is heard on.
    member = client.get(links["bernd.keller@example.org"])
    assert member.status_code == 200, member.text
    assert member.headers["content-type"] == "application/pdf"
    assert "private" in member.headers["cache-control"]
    assert SECRET_TITLE in pdf_text(member.content)
    heard = client.get(links["otto.ort@example.org"])
    assert heard.status_code == 200
    assert "Sanierung der Festhalle in Auenstein" in pdf_text(heard.content)
    assert SECRET_TITLE not in pdf_text(heard.content)

    # Only the hash is kept.
    tokens = {link.rsplit("=", 1)[1] for link in links.values()}
    stored = set(world.run(lambda s: s.exec(select(PapersAccess.token_sha256)).all()))
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}

    # Refused: a changed link, the link for another session, and after its last day.
    bernd = links["bernd.keller@example.org"]
    ended = "Dieser persönliche Link zur Sitzungsmappe ist abgelaufen oder ungültig."
    other = new_meeting(world, day=date(2024, 5, 7))
    for wrong in (bernd[:-2] + "xy", bernd.replace(f"/{meeting}/", f"/{other}/"),
                  bernd.split("=")[0] + "=" + "a" * 300):  # fmt: skip
        refused = client.get(wrong, headers={"Accept": "text/html"})
        assert refused.status_code in (404, 422), wrong
        assert refused.headers["content-type"].startswith("text/html")
        if refused.status_code == 404:
            assert ended in refused.text
    clock.now = berlin(MEETING_DAY + timedelta(days=DAYS_AFTER_SESSION), 23)
    assert client.get(bernd).status_code == 200  # the whole last day
    clock.now = berlin(MEETING_DAY + timedelta(days=DAYS_AFTER_SESSION + 1), 0, 1)
    late = client.get(bernd, headers={"Accept": "text/html"})
    assert late.status_code == 404
    assert ended in late.text
    # Without a link, the public's Mappe, as before: the public part only.
    anonymous = client.get(f"/sitzungen/{meeting}/sitzungsmappe.pdf")
    assert anonymous.status_code == 200
    assert SECRET_TITLE not in pdf_text(anonymous.content)


def test_a_repeated_firing_writes_no_second_message_nor_link(
    world: World, client: Any, as_user: Any
) -> None:
    """Each member's invitation once, and with it one link (a firing repeated after a lost
    answer, or the action run again, grants nothing new)."""
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)

    def counts(session: Session) -> tuple[int, int]:
        rows = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.key).startswith("invitation:"))
        ).all()
        return len(rows), len(session.exec(select(PapersAccess)).all())

    messages, grants = world.run(counts)
    assert grants == 2  # Bernd Keller and Otto Ort, who have no account

    def again(session: Session) -> None:
        ctx = FiringContext(
            session=session,
            kind="meeting",
            instance=session.get(Meeting, meeting),
            actor=SYSTEM,
            now=berlin(DAY, 15),
            trigger="invite",
            source="scheduled",
            dest="invited",
        )
        send_invitations(ctx)

    world.run(again)
    assert world.run(counts) == (messages, grants)


def test_a_corrected_address_ends_the_links_sent_to_the_old_one(
    world: World, client: Any, as_user: Any, smtp: tuple[str, Inbox]
) -> None:
    """The first address may have been a stranger's: once corrected, what was sent there
    opens nothing, and the invitation to the session ahead goes to the new address."""
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)
    mails = delivered(world, smtp, "Einladung")
    first = LINK.search(text(mails["bernd.keller@example.org"]))
    assert first is not None
    old = f"{first.group(2)}?zugang={first.group(3)}"
    assert client.get(old).status_code == 200
    bernd = world.data.ilsfeld.councillors[1]
    name_only = client.put(
        f"/api/v1/persons/{bernd.id}",
        json={"name": bernd.name, "email": "bernd.keller@example.org"},
        headers=as_user("admin"),
    )
    assert name_only.json()["reinvited"] == 0  # the same address: nothing ends, nothing sent
    assert client.get(old).status_code == 200
    corrected = client.put(
        f"/api/v1/persons/{bernd.id}",
        json={"name": bernd.name, "email": "bernd@keller.example"},
        headers=as_user("admin"),
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["reinvited"] == 1
    assert client.get(old, headers={"Accept": "text/html"}).status_code == 404
    again = delivered(world, smtp, "Einladung")["bernd@keller.example"]
    second = LINK.search(text(again))
    assert second is not None
    assert second.group(3) != first.group(3)
    assert client.get(f"{second.group(2)}?zugang={second.group(3)}").status_code == 200
    # Without any address, he is invited in writing: nothing is sent, the links end.
    gone = client.put(
        f"/api/v1/persons/{bernd.id}", json={"name": bernd.name}, headers=as_user("admin")
    )
    assert gone.json()["reinvited"] == 0
    ended = client.get(
        f"{second.group(2)}?zugang={second.group(3)}", headers={"Accept": "text/html"}
    )
    assert ended.status_code == 404
