"""The Sitzungsdienst sends one member's invitation again (it did not arrive), to his address
as it is now, with a new personal link; a member given an address only after the invitations
went out gets his then (§ 34 Abs. 1 S. 1 GemO: the invitation must reach every member)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_invitations_http import delivered, invite, prepare, smtp, text
from tests.api.test_papers_access import LINK
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY
from tests.smtp import Inbox
from workflow.models import AuditEvent, OutboxMessage

__all__ = ["smtp"]  # the SMTP server fixture, shared with the invitation tests

BERND = "bernd.keller@example.org"


def _resend(client: TestClient, meeting: int, page: str, person: object) -> Any:
    return client.post(
        f"/sitzungen/{meeting}/einladung-erneut",
        data={"csrf_token": csrf_of(page), "person_id": str(person)},
    )


def test_the_sitzungsdienst_sends_one_invitation_again(
    world: World, client: TestClient, as_user: Any, smtp: tuple[str, Inbox], clock: FixedClock
) -> None:
    bernd, claudia = world.data.ilsfeld.councillors[1:3]  # Bernd: an address; Claudia: none
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)
    first = LINK.search(text(delivered(world, smtp, "Einladung")[BERND]))
    assert first is not None

    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    form = page.split('id="einladung-erneut"')[1].split("</details>")[0]
    assert f'<option value="{bernd.id}">{bernd.name} ({BERND})</option>' in form
    assert f'value="{claudia.id}"' not in form  # no address: invited in writing
    for chosen, message in (
        ("", "Bitte wählen Sie das Mitglied, das die Einladung erneut erhält."),
        (claudia.id, "erhält zu dieser Sitzung keine Einladung per E-Mail"),
        (world.data.flein.councillors[1].id, "Unbekannte Person"),
    ):
        refused = _resend(client, meeting, page, chosen)
        assert refused.status_code == 422, chosen
        assert message in refused.text
        assert 'id="einladung-erneut" open' in refused.text
    done = _resend(client, meeting, page, bernd.id)
    assert f"Die Einladung geht erneut an {BERND}." in done.text
    key = f"invitation:meeting:{meeting}:person:{bernd.id}"
    row = world.run(lambda s: s.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one())
    assert row.status == "pending"
    event = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "outbox_message", AuditEvent.instance_id == row.id
            )
        ).one()
    )
    assert (event.trigger, event.actor) == ("resend", "ilsfeld.secretary")
    again = LINK.search(text(delivered(world, smtp, "Einladung")[BERND]))
    assert again is not None
    assert again.group(3) != first.group(3)
    client.post("/abmelden", data={"csrf_token": csrf_of(client.get("/").text)})
    old = f"{first.group(2)}?zugang={first.group(3)}"
    assert client.get(old, headers={"Accept": "text/html"}).status_code == 404
    assert client.get(f"{again.group(2)}?zugang={again.group(3)}").status_code == 200

    # Councillors do not send invitations; after the session day nobody does.
    sign_in(client, "ilsfeld.council")
    councillor = client.get(f"/sitzungen/{meeting}").text
    assert 'id="einladung-erneut"' not in councillor
    assert _resend(client, meeting, councillor, bernd.id).status_code == 403
    sign_in(client, "ilsfeld.secretary")
    clock.now = berlin(MEETING_DAY + timedelta(days=1), 9)
    late_page = client.get(f"/sitzungen/{meeting}").text
    assert 'id="einladung-erneut"' not in late_page
    late = _resend(client, meeting, late_page, bernd.id)
    assert "die noch bevorsteht" in late.text


def test_a_member_given_an_address_after_the_invitation_gets_it_then(
    world: World, client: Any, as_user: Any, smtp: tuple[str, Inbox]
) -> None:
    claudia = world.data.ilsfeld.councillors[2]
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)
    assert "claudia@example.org" not in delivered(world, smtp, "Einladung")
    saved = client.put(
        f"/api/v1/persons/{claudia.id}",
        json={"name": claudia.name, "email": "claudia@example.org"},
        headers=as_user("admin"),
    )
    assert saved.json()["reinvited"] == 1
    mail = delivered(world, smtp, "Einladung")["claudia@example.org"]
    assert str(mail["Subject"]) == "Einladung: Sitzung des Gemeinderats am 23.04.2024, 18:00 Uhr"
    assert re.search(r"zugang=[\w-]+", text(mail))


def test_a_councillor_invited_at_his_account_s_address_gets_it_at_the_corrected_one(
    world: World, client: Any, as_user: Any, smtp: tuple[str, Inbox]
) -> None:
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)
    assert "ilsfeld.council@example.org" in delivered(world, smtp, "Einladung")
    account = world.data.users["ilsfeld.council"]
    saved = client.put(
        f"/api/v1/users/{account.id}",
        json={"full_name": account.full_name, "email": "anna.bauer@ilsfeld.example"},
        headers=as_user("admin"),
    )
    assert saved.status_code == 200, saved.text
    again = delivered(world, smtp, "Einladung")["anna.bauer@ilsfeld.example"]
    assert "Sitzungsmappe (PDF): http://testserver/sitzungen/" in text(again)  # signs in
    assert "zugang=" not in text(again)
    # A correction that leaves the address as it is sends nothing again.
    before = len(smtp[1].messages)
    client.put(
        f"/api/v1/users/{account.id}",
        json={"full_name": "Anna Bauer-Roth", "email": "anna.bauer@ilsfeld.example"},
        headers=as_user("admin"),
    )
    delivered(world, smtp, "Einladung")
    assert len(smtp[1].messages) == before
