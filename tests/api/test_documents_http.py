"""Documents over HTTP: formats, and the same access rules as the data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from tests.api.helpers import SECRET_TITLE, secret_proposal
from tests.conftest import World, berlin
from tests.documents import text_of
from tests.integration.flow import DAY, adopted, new_meeting, new_proposal, released, scheduled
from workflow.models import AgendaItem


def mixed_meeting(world: World) -> tuple[int, int, int]:
    public = released(world, title="Sanierung der Festhalle")
    secret = secret_proposal(world, "Gemeinderat")
    meeting = new_meeting(world)
    scheduled(world, public, meeting)
    scheduled(world, secret, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    return meeting, public, secret


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("html", "text/html; charset=utf-8"),
    ],
)
def test_vorlage_in_every_format(
    world: World, client: Any, as_user: Any, fmt: str, media: str
) -> None:
    pid = released(world, title="Sanierung der Festhalle")
    # Public only once sent with an invitation (§ 41b Abs. 2 GemO); the clerk reads it now.
    got = client.get(
        f"/api/v1/proposals/{pid}/documents/vorlage.{fmt}", headers=as_user("ilsfeld.clerk")
    )
    assert got.status_code == 200
    assert got.headers["content-type"] == media
    assert f'filename="vorlage-1-2024.{fmt}"' in got.headers["content-disposition"]
    assert "Sanierung der Festhalle" in text_of(got.content, fmt)


def test_drafts_and_unknown_documents_are_problems(world: World, client: Any, as_user: Any) -> None:
    pid = new_proposal(world)
    draft = client.get(f"/api/v1/proposals/{pid}/documents/vorlage.pdf")
    assert draft.status_code == 404
    assert draft.headers["content-type"] == "application/problem+json"
    assert "nicht gefunden" in draft.json()["detail"]
    own = client.get(
        f"/api/v1/proposals/{pid}/documents/vorlage.pdf", headers=as_user("ilsfeld.clerk")
    )
    assert own.status_code == 200
    for path in (
        f"/api/v1/proposals/{pid}/documents/einladung.pdf",
        f"/api/v1/proposals/{pid}/documents/vorlage.odt",
        f"/api/v1/proposals/{pid}/documents/vorlage",
    ):
        got = client.get(path, headers=as_user("ilsfeld.clerk"))
        assert got.status_code in (404, 422), path
        assert got.headers["content-type"] == "application/problem+json"
    none = client.get(
        f"/api/v1/proposals/{pid}/documents/beschlussauszug.pdf", headers=as_user("ilsfeld.clerk")
    )
    assert none.status_code == 404
    assert "kein Beschluss" in none.json()["detail"]


def test_meeting_documents_follow_the_readers_rights(
    world: World, client: Any, as_user: Any
) -> None:
    meeting, _, secret = mixed_meeting(world)
    base = f"/api/v1/meetings/{meeting}/documents"
    for user, sees in [(None, False), ("flein.council", False), ("ilsfeld.council", True)]:
        got = client.get(f"{base}/einladung.html", headers=as_user(user))
        assert got.status_code == 200
        text = text_of(got.content, "html")
        assert "Sanierung der Festhalle" in text
        assert (SECRET_TITLE in text) is sees, user
    notice = text_of(
        client.get(f"{base}/bekanntmachung.docx", headers=as_user("ilsfeld.secretary")).content,
        "docx",
    )
    assert SECRET_TITLE not in notice
    # one notice for everybody: that a non-public part follows, whoever reads it
    assert "Im Anschluss findet eine nichtöffentliche Sitzung statt." in notice
    assert notice == text_of(client.get(f"{base}/bekanntmachung.docx").content, "docx")
    secret_minutes = f"{base}/niederschrift.pdf?part=nichtoeffentlich"
    # § 38 Abs. 2 S. 4 GemO: no copies of non-public minutes beyond the administration.
    refused = client.get(secret_minutes, headers=as_user("ilsfeld.council"))
    assert refused.status_code == 404
    detail = "Die nichtöffentliche Niederschrift dieser Sitzung wurde nicht gefunden."
    assert refused.json()["detail"] == detail  # without the meeting's internal id
    got = client.get(secret_minutes, headers=as_user("ilsfeld.secretary"))
    assert got.status_code == 200
    assert SECRET_TITLE in text_of(got.content, "pdf")
    draft = client.get(f"{base}/niederschrift.pdf")  # draft: not public yet
    assert draft.status_code == 404
    assert draft.json()["detail"] == "Die Niederschrift dieser Sitzung ist nicht veröffentlicht."
    assert client.get(f"{base}/niederschrift.pdf?part=beides").status_code == 422
    vorlage = client.get(f"/api/v1/proposals/{secret}/documents/vorlage.pdf")
    assert vorlage.status_code == 404


def test_agenda_item_documents_check_the_meeting(world: World, client: Any, as_user: Any) -> None:
    meeting, public, _ = mixed_meeting(world)
    other = new_meeting(world, day=DAY.replace(day=30))
    items = client.get(f"/api/v1/meetings/{meeting}", headers=as_user("ilsfeld.secretary")).json()
    item = next(i for i in items["agenda"] if i["proposal_id"] == public)["id"]
    ok = client.get(f"/api/v1/meetings/{meeting}/agenda-items/{item}/documents/vorlage.html")
    assert ok.status_code == 200
    assert "Sanierung der Festhalle" in text_of(ok.content, "html")
    wrong = client.get(
        f"/api/v1/meetings/{other}/agenda-items/{item}/documents/vorlage.html",
        headers=as_user("ilsfeld.secretary"),
    )
    assert wrong.status_code == 404
    before = client.get(
        f"/api/v1/meetings/{meeting}/agenda-items/{item}/documents/beschlussauszug.pdf"
    )
    assert before.status_code == 404
    assert before.json()["detail"] == "Zu diesem Tagesordnungspunkt liegt kein Beschluss vor."
    # The refusals name the item as "this one", not by its internal id.
    secret = next(i for i in items["agenda"] if not i["public"])["id"]
    hidden = client.get(
        f"/api/v1/meetings/{meeting}/agenda-items/{secret}/documents/beschlussauszug.pdf",
        headers=as_user("ilsfeld.council"),
    )
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == (
        "Zu diesem Tagesordnungspunkt wurde kein Beschlussauszug gefunden."
    )
    free = world.run(lambda s: _free_item(s, meeting))
    no_paper = client.get(f"/api/v1/meetings/{meeting}/agenda-items/{free}/documents/vorlage.pdf")
    assert no_paper.status_code == 404
    assert no_paper.json()["detail"] == "Zu diesem Tagesordnungspunkt gibt es keine Vorlage."


def _free_item(session: Session, meeting: int) -> int:
    """A public item without a Vorlage (Bekanntgaben), at the end of the agenda."""
    item = AgendaItem(meeting_id=meeting, position=99, title="Bekanntgaben", public=True)
    session.add(item)
    session.flush()
    return item.id or 0


def test_a_resolution_extract_is_public_once_published(
    world: World, client: Any, as_user: Any
) -> None:
    pid, _, _ = adopted(world)
    path = f"/api/v1/proposals/{pid}/documents/beschlussauszug.pdf"
    # § 41b Abs. 5 GemO: outside the municipality the wording is public once published
    for outsider in (None, "flein.council"):
        before = client.get(path, headers=as_user(outsider))
        assert before.status_code == 404, outsider
        assert before.json()["detail"] == (
            "Der Beschluss zu diesem Tagesordnungspunkt ist nicht veröffentlicht."
        )
    assert client.get(path, headers=as_user("ilsfeld.council")).status_code == 200
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 24)))
    after = client.get(path)
    assert after.status_code == 200
    assert "Beschlussauszug" in text_of(after.content, "pdf")
    # named for the TOP as printed, not for a database id; a draft until the minutes are
    # signed (§ 38 Abs. 2 GemO)
    disposition = after.headers["content-disposition"]
    assert 'filename="beschlussauszug-top-1-2024-04-23-entwurf.pdf"' in disposition
