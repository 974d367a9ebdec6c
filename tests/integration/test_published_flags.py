"""``proposal.on_invited_agenda`` and ``proposal.resolution_published`` (migration 0025,
issue 14): database triggers keep them equal to the subqueries the publication rule
(§ 41b GemO, ``workflow.publication``) tested before, whoever writes, the services or
plain SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from tests.conftest import World, berlin, known
from tests.integration.council import version
from tests.integration.flow import DAY, new_meeting, released, scheduled
from tests.integration.legality_flow import PUBLISHED, decided
from tests.integration.test_meetings import invited, planned
from workflow.models import AgendaItem, Meeting, Proposal, Resolution
from workflow.publication import proposal_published
from workflow.services import agenda


def flags(world: World, pid: int) -> tuple[bool, bool]:
    """Read in SQL: an ORM object loaded earlier may hold a value the triggers changed since."""
    row = world.run(
        lambda s: s.exec(
            select(Proposal.on_invited_agenda, Proposal.resolution_published).where(
                Proposal.id == pid
            )
        ).one()
    )
    return bool(row[0]), bool(row[1])


def sql(world: World, statement: str, **params: Any) -> None:
    world.run(lambda s: s.execute(text(statement), params))


def item_id(world: World, pid: int) -> int:
    item = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.proposal_id == pid)).one()
    )
    return known(item.id)


def added_late(world: World, mid: int, pid: int) -> None:
    """The Vorlage put on the agenda after the invitation (a Nachtrag)."""
    world.run(
        lambda s: agenda.add_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 16),
            meeting_id=mid,
            expected_version=version(world, mid),
            proposal_id=pid,
        )
    )


def test_invitation_puts_the_proposal_on_an_invited_agenda(world: World) -> None:
    pid, mid = planned(world)
    assert flags(world, pid) == (False, False)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    assert flags(world, pid) == (False, False)
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    assert flags(world, pid) == (True, False)
    assert world.run(lambda s: proposal_published(s, pid))


def test_a_nachtrag_to_an_invited_meeting_is_on_the_invited_agenda(world: World) -> None:
    _, mid = planned(world)
    invited(world, mid)
    late = released(world, title="Vergabe Winterdienst")
    assert flags(world, late) == (False, False)
    added_late(world, mid, late)
    assert flags(world, late) == (True, False)


def test_a_non_public_item_and_a_removed_one(world: World) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    item = item_id(world, pid)

    def non_public(session: Session, public: bool) -> None:
        row = session.get(AgendaItem, item)
        assert row is not None
        row.public = public
        session.add(row)

    world.run(lambda s: non_public(s, False))  # through the ORM
    assert flags(world, pid) == (False, False)
    world.run(lambda s: non_public(s, True))
    assert flags(world, pid) == (True, False)
    # Absetzung keeps the item on record; the former subquery did not look at ``removed``.
    world.run(
        lambda s: agenda.remove_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 15),
            meeting_id=mid,
            item_id=item,
            expected_version=version(world, mid),
            comment="Unterlagen unvollständig",
        )
    )
    assert flags(world, pid) == (True, False)


def test_an_item_moved_or_deleted_in_sql(world: World) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    other = new_meeting(world, day=date(2024, 5, 7))
    item = item_id(world, pid)
    sql(world, "UPDATE agendaitem SET meeting_id = :m WHERE id = :i", m=other, i=item)
    assert flags(world, pid) == (False, False)
    sql(world, "UPDATE agendaitem SET meeting_id = :m WHERE id = :i", m=mid, i=item)
    assert flags(world, pid) == (True, False)
    second = released(world, title="Vergabe Winterdienst")
    sql(world, "UPDATE agendaitem SET proposal_id = :p WHERE id = :i", p=second, i=item)
    assert (flags(world, pid), flags(world, second)) == ((False, False), (True, False))
    sql(
        world, "UPDATE consultationstep SET agenda_item_id = NULL WHERE agenda_item_id = :i", i=item
    )
    sql(world, "DELETE FROM agendaitem WHERE id = :i", i=item)
    assert flags(world, second) == (False, False)


def test_an_invitation_withdrawn_in_sql(world: World) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    sql(world, "UPDATE meeting SET invited_at = NULL WHERE id = :m", m=mid)
    assert flags(world, pid) == (False, False)
    sql(world, "UPDATE meeting SET invited_at = CURRENT_TIMESTAMP WHERE id = :m", m=mid)
    assert flags(world, pid) == (True, False)


def test_a_published_resolution_and_its_publication_undone_in_sql(world: World) -> None:
    """Ratsflow has no trigger that takes a publication back; an administrator in SQL can."""
    pid = decided(world, publish_at=None)
    assert flags(world, pid) == (True, False)
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", PUBLISHED)
    assert flags(world, pid) == (True, True)
    sql(world, "UPDATE resolution SET published_at = NULL WHERE proposal_id = :p", p=pid)
    assert flags(world, pid) == (True, False)
    sql(
        world,
        "UPDATE resolution SET published_at = CURRENT_TIMESTAMP WHERE proposal_id = :p",
        p=pid,
    )
    assert flags(world, pid) == (True, True)


def test_the_orm_does_not_write_the_flags_back(world: World) -> None:
    """A proposal loaded before the invitation and written after keeps the trigger's value."""
    pid, mid = planned(world)

    def stale_write(session: Session) -> None:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        session.execute(
            text("UPDATE meeting SET invited_at = CURRENT_TIMESTAMP WHERE id = :m"), {"m": mid}
        )
        proposal.title = "Neubau Bauhof (geändert)"
        session.add(proposal)

    world.run(stale_write)
    assert flags(world, pid) == (True, False)


def _old_definitions(session: Session) -> dict[int, tuple[bool, bool]]:
    """The former ``sent_with_invitation()`` and ``published_resolutions()``, per proposal."""
    invited_items = (
        select(AgendaItem.proposal_id)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(
            col(Meeting.invited_at).is_not(None),
            col(AgendaItem.public),
            col(AgendaItem.proposal_id).is_not(None),
        )
    )
    published = select(Resolution.proposal_id).where(col(Resolution.published_at).is_not(None))
    rows = session.exec(
        select(
            Proposal.id,
            col(Proposal.id).in_(invited_items),
            col(Proposal.id).in_(published),
        )
    )
    return {known(pid): (bool(a), bool(b)) for pid, a, b in rows}


def test_the_flags_equal_the_former_subqueries_after_a_realistic_flow(world: World) -> None:
    published = decided(world, publish_at=PUBLISHED)  # invited, decided, published
    unpublished = decided(world, publish_at=None)  # decided, not yet published
    non_public = released(world, public=False, title="Grundstückskauf")
    mid = new_meeting(world, day=date(2024, 5, 7))
    scheduled(world, non_public, mid)
    waiting = released(world, title="Vergabe Winterdienst")
    scheduled(world, waiting, new_meeting(world, day=date(2024, 6, 4)))  # not invited
    invited(world, mid)
    late = released(world, title="Nachtrag Feuerwehr")
    added_late(world, mid, late)
    actual = world.run(
        lambda s: {
            known(pid): (bool(a), bool(b))
            for pid, a, b in s.exec(
                select(Proposal.id, Proposal.on_invited_agenda, Proposal.resolution_published)
            )
        }
    )
    expected = world.run(_old_definitions)
    assert actual == expected
    assert expected[published] == (True, True)
    assert expected[unpublished] == (True, False)
    assert expected[non_public] == (False, False)
    assert expected[waiting] == (False, False)
    assert expected[late] == (True, False)
