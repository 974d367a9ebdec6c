"""The municipality's configuration cache (workflow.config_cache, issue 14): a firing takes
bodies, role holders and absences from a copy while the municipality's ``config_version``
is unchanged, and sees every change, made through Ratsflow or by hand in SQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, new_proposal
from tests.integration.test_deputies import absent, deputies, uid
from tests.integration.test_statement_budget import counted
from workflow.config_cache import note_version
from workflow.db import unit_of_work
from workflow.deputies import absent_on, represented
from workflow.models import Body, CoSignature, Municipality, Notification
from workflow.queries import bodies_of


def version_of(world: World, municipality_id: int) -> int:
    return int(world.run(lambda s: known(s.get(Municipality, municipality_id))).config_version)


def ilsfeld(world: World) -> int:
    return int(world.data.ilsfeld.municipality.id or 0)


def flein(world: World) -> int:
    return int(world.data.flein.municipality.id or 0)


def by_hand(world: World, sql: str, **params: Any) -> None:
    """An administrator's SQL, past the application (the triggers still see it)."""
    with world.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_every_write_of_a_body_user_absence_or_deputy_gives_a_new_version(world: World) -> None:
    town, other = ilsfeld(world), flein(world)
    head = uid(world, "ilsfeld.head")
    seen = [version_of(world, town)]
    untouched = version_of(world, other)
    writes = [
        (
            "INSERT INTO body (municipality_id, name, kind, settings, created_at, updated_at) "
            "VALUES (:m, 'Umlegungsausschuss', 'advisory_committee', '{}', :now, :now)"
        ),
        "UPDATE body SET name = 'Ältestenrat' WHERE name = 'Umlegungsausschuss'",
        "DELETE FROM body WHERE name = 'Ältestenrat'",
        "UPDATE \"user\" SET full_name = 'Heike Amtsleiterin' WHERE id = :u",
        "INSERT INTO absence (user_id, starts_on, ends_on, created_at) "
        "VALUES (:u, '2024-04-01', '2024-04-05', :now)",
        "UPDATE absence SET ends_on = '2024-04-06' WHERE user_id = :u",
        "DELETE FROM absence WHERE user_id = :u",
        "INSERT INTO userdeputy (user_id, deputy_id, rank) VALUES (:u, :d, 1)",  # 0026
        "UPDATE userdeputy SET rank = 2 WHERE user_id = :u",
        "DELETE FROM userdeputy WHERE user_id = :u",
    ]
    for sql in writes:
        by_hand(world, sql, m=town, u=head, d=uid(world, "ilsfeld.finance"), now=berlin(DAY))
        seen.append(version_of(world, town))
        assert seen[-1] != seen[-2], sql
    assert version_of(world, other) == untouched


def absent_today(world: World) -> frozenset[int]:
    """``absent_on`` as a firing calls it: after the version was read with the lock."""
    town = ilsfeld(world)
    with unit_of_work(world.engine) as session:
        version = session.exec(
            select(Municipality.config_version).where(Municipality.id == town)
        ).one()
        note_version(session, town, version)
        return absent_on(session, town, DAY)


def test_an_unchanged_configuration_is_read_once_and_a_change_is_seen(world: World) -> None:
    head = uid(world, "ilsfeld.head")
    assert absent_today(world) == frozenset()
    with counted(world) as seen:
        assert absent_today(world) == frozenset()
    assert not any("absence" in s for s in seen), "the copy serves while nothing changed"
    absent(world, "ilsfeld.head", DAY, DAY)
    assert absent_today(world) == {head}
    by_hand(world, "DELETE FROM absence WHERE user_id = :u", u=head)
    assert absent_today(world) == frozenset()


def test_a_firing_sees_a_cosigner_disabled_by_hand_after_the_copy_was_made(
    world: World,
) -> None:
    def asked(pid: int) -> set[int]:
        return world.run(
            lambda s: {
                c.user_id for c in s.exec(select(CoSignature).where(CoSignature.proposal_id == pid))
            }
        )

    first, second = new_proposal(world), new_proposal(world)
    world.fire("proposal", first, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    head = uid(world, "ilsfeld.head")
    assert head in asked(first)
    by_hand(world, 'UPDATE "user" SET disabled = :yes WHERE id = :u', yes=True, u=head)
    world.fire("proposal", second, "submit", "ilsfeld.clerk", berlin(DAY, 10))
    assert asked(second)
    assert head not in asked(second)


def test_a_task_reaches_the_deputy_of_a_cosigner_who_left_after_the_copy_was_made(
    world: World,
) -> None:
    def told(pid: int) -> set[int]:
        return world.run(
            lambda s: {
                n.user_id
                for n in s.exec(
                    select(Notification).where(
                        Notification.kind == "cosign", Notification.instance_id == pid
                    )
                )
            }
        )

    deputies(world, "ilsfeld.head", "ilsfeld.finance")
    cosigners = {"cosigners": ["ilsfeld.head"]}
    first, second = new_proposal(world), new_proposal(world)
    world.fire("proposal", first, "submit", "ilsfeld.clerk", berlin(DAY, 9), data=cosigners)
    assert uid(world, "ilsfeld.finance") not in told(first)
    absent(world, "ilsfeld.head", DAY, DAY)
    world.fire("proposal", second, "submit", "ilsfeld.clerk", berlin(DAY, 10), data=cosigners)
    assert uid(world, "ilsfeld.finance") in told(second)


def test_whom_a_deputy_stands_in_for_is_read_once_and_a_deputy_set_by_hand_is_seen(
    world: World,
) -> None:
    """GET …/actions offers a deputy the absent holder's actions (``deputies.represented``,
    from the cache while nothing changed; migration 0026 watches ``userdeputy``)."""
    town, head, finance = ilsfeld(world), uid(world, "ilsfeld.head"), uid(world, "ilsfeld.finance")
    absent(world, "ilsfeld.head", DAY, DAY)

    def stands_in_for() -> list[int]:
        with unit_of_work(world.engine) as session:
            version = session.exec(
                select(Municipality.config_version).where(Municipality.id == town)
            ).one()
            note_version(session, town, version)
            return [u.id or 0 for u in represented(session, finance, DAY, town)]

    assert stands_in_for() == []
    with counted(world) as seen:
        assert stands_in_for() == []
    assert not any("userdeputy" in s for s in seen), "the copy serves while nothing changed"
    by_hand(
        world,
        "INSERT INTO userdeputy (user_id, deputy_id, rank) VALUES (:u, :d, 1)",
        u=head,
        d=finance,
    )
    assert stands_in_for() == [head]
    deputies(world, "ilsfeld.head")  # through Ratsflow: none left
    assert stands_in_for() == []
    deputies(world, "ilsfeld.head", "ilsfeld.finance")
    assert stands_in_for() == [head]


class Undone(Exception):
    """Rolls the unit of work back."""


def test_a_session_reads_its_own_configuration_writes_and_copies_are_its_own(
    world: World,
) -> None:
    town = ilsfeld(world)

    def write_and_undo() -> None:
        with unit_of_work(world.engine) as session:
            note_version(session, town, version_of(world, town))
            before = bodies_of(session, town)
            # a change to a copy's JSON stays in this session
            next(iter(before.values())).settings["changed"] = True
            session.add(Body(municipality_id=town, name="Bauausschuss", kind="advisory_committee"))
            session.flush()
            assert "Bauausschuss" in {b.name for b in bodies_of(session, town).values()}
            raise Undone

    with pytest.raises(Undone):
        write_and_undo()
    with unit_of_work(world.engine) as session:
        note_version(session, town, version_of(world, town))
        after = bodies_of(session, town)
        assert "Bauausschuss" not in {b.name for b in after.values()}
        assert not any("changed" in b.settings for b in after.values())
