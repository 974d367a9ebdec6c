"""One current Fraktion per councillor (§ 32a GemO), held by the database: the partial unique
index of migration 0030 on the current seats (``factionmember.ended_on IS NULL``) refuses a
second one whoever writes, and a dissolution ends its seats so they may sit elsewhere.
Migration 0030 itself, on a scratch database of the same dialect: the seats of Fraktionen
dissolved before it end on the dissolution day, a doubled current seat stops it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tests.conftest import World, berlin
from workflow.models import Faction, FactionMember
from workflow.schema import alembic_config
from workflow.services import factions

NOW = berlin(date(2024, 4, 8), 9)


def _faction(world: World, name: str, *people: int) -> int:
    def form(session: Session) -> int:
        secretary = world["ilsfeld.secretary"]
        faction = factions.create_faction(session=session, actor=secretary, now=NOW, name=name)
        factions.set_members(
            session=session,
            actor=secretary,
            now=NOW,
            faction_id=faction.id or 0,
            expected_version=faction.version,
            members_given=[factions.MemberInput(p) for p in people],
        )
        return faction.id or 0

    return world.run(form)


def _seat(world: World, faction_id: int, person_id: int) -> None:
    """A seat written past the service, as a concurrent change's commit would land."""
    world.run(lambda s: s.add(FactionMember(faction_id=faction_id, person_id=person_id)))


def test_the_database_refuses_a_second_current_seat(world: World) -> None:
    anna, bernd = (p.id or 0 for p in world.data.ilsfeld.councillors[:2])
    fw = _faction(world, "Freie Wähler", anna)
    cdu = _faction(world, "CDU", bernd)
    with pytest.raises(IntegrityError):
        _seat(world, cdu, anna)
    seats = world.run(
        lambda s: s.exec(select(FactionMember.faction_id).where(FactionMember.person_id == anna))
    )
    assert list(seats) == [fw]


def test_a_dissolution_ends_the_seats_and_frees_the_members(world: World) -> None:
    anna = world.data.ilsfeld.councillors[0].id or 0
    fw = _faction(world, "Freie Wähler", anna)
    cdu = _faction(world, "CDU")

    def dissolve(session: Session) -> None:
        faction = session.get(Faction, fw)
        assert faction is not None
        factions.dissolve_faction(
            session=session,
            actor=world["ilsfeld.secretary"],
            now=NOW,
            faction_id=fw,
            expected_version=faction.version,
        )

    world.run(dissolve)
    ended = world.run(
        lambda s: s.exec(select(FactionMember).where(FactionMember.faction_id == fw)).all()
    )
    assert [seat.ended_on for seat in ended] == [date(2024, 4, 8)]
    _seat(world, cdu, anna)  # the ended seat does not count
    other = _faction(world, "SPD")
    with pytest.raises(IntegrityError):
        _seat(world, other, anna)


def _set(world: World, faction_id: int, *people: int, at: datetime = NOW) -> None:
    def staff(session: Session) -> None:
        faction = session.get(Faction, faction_id)
        assert faction is not None
        factions.set_members(
            session=session,
            actor=world["ilsfeld.secretary"],
            now=at,
            faction_id=faction_id,
            expected_version=faction.version,
            members_given=[factions.MemberInput(p) for p in people],
        )

    world.run(staff)


def _rows(world: World, person_id: int) -> list[tuple[int, date | None]]:
    rows = world.run(
        lambda s: s.exec(
            select(FactionMember)
            .where(FactionMember.person_id == person_id)
            .order_by(col(FactionMember.id))
        ).all()
    )
    return [(row.faction_id, row.ended_on) for row in rows]


def test_a_member_who_leaves_keeps_an_ended_seat_and_may_come_back(world: World) -> None:
    """Taken out of the list, the seat ends that day instead of vanishing (the record, and
    OParl's ``modified``); he may join another Fraktion, and back in his first one he gets
    his old seat again (one row per Fraktion and person)."""
    anna, bernd = (p.id or 0 for p in world.data.ilsfeld.councillors[:2])
    fw = _faction(world, "Freie Wähler", anna, bernd)
    cdu = _faction(world, "CDU")
    later = NOW + timedelta(days=3)
    _set(world, fw, bernd, at=later)
    assert _rows(world, anna) == [(fw, date(2024, 4, 11))]
    names = world.run(lambda s: [p.id for _, p in factions.members(s, fw)])
    assert names == [bernd]
    assert not world.run(lambda s: factions.is_member(s, fw, anna))
    assert world.run(lambda s: factions.current_seat(s, anna)) is None

    _set(world, cdu, anna, at=later)  # free for another Fraktion
    assert _rows(world, anna) == [(fw, date(2024, 4, 11)), (cdu, None)]
    _set(world, cdu, at=later + timedelta(days=1))
    _set(world, fw, bernd, anna, at=later + timedelta(days=2))
    assert _rows(world, anna) == [(fw, None), (cdu, date(2024, 4, 12))]
    assert world.run(lambda s: factions.is_member(s, fw, anna))
    seat = world.run(lambda s: factions.current_seat(s, anna))
    assert seat is not None
    assert seat[1].id == fw


def test_a_member_taken_out_on_the_dissolution_day_is_no_member_at_it(world: World) -> None:
    """``ended_on`` is one day for leaving and for the dissolution: Bernd, taken out in the
    morning, is not among the members the Fraktion had when it was dissolved that evening;
    his ended seat stays in the record."""
    anna, bernd = (p.id or 0 for p in world.data.ilsfeld.councillors[:2])
    fw = _faction(world, "Freie Wähler", anna, bernd)
    _set(world, fw, anna, at=NOW + timedelta(hours=1))

    def dissolve(session: Session) -> None:
        faction = session.get(Faction, fw)
        assert faction is not None
        factions.dissolve_faction(
            session=session,
            actor=world["ilsfeld.secretary"],
            now=NOW + timedelta(hours=9),
            faction_id=fw,
            expected_version=faction.version,
        )

    world.run(dissolve)
    assert world.run(lambda s: [p.id for _, p in factions.members(s, fw)]) == [anna]
    assert _rows(world, anna) == [(fw, date(2024, 4, 8))]
    assert _rows(world, bernd) == [(fw, date(2024, 4, 8))]
    assert {seat.person_id for seat in world.run(lambda s: factions.seats(s, fw))} == {
        anna,
        bernd,
    }


@pytest.fixture
def scratch(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the test database's dialect: a file, or a schema of its own."""
    if engine.dialect.name != "postgresql":
        scratch = create_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
        yield scratch
        scratch.dispose()
        return
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS scratch_0030 CASCADE"))
        conn.execute(text("CREATE SCHEMA scratch_0030"))
    scratch = create_engine(engine.url, connect_args={"options": "-csearch_path=scratch_0030"})
    yield scratch
    scratch.dispose()
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA scratch_0030 CASCADE"))


def _migrate(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _at_0029(engine: Engine, *, doubled: bool) -> None:
    _migrate(engine, "0029")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO municipality (id, name, subdivision, settings)"
                " VALUES (1, 'Ilsfeld', 'BW', '{}')"
            )
        )
        for pid in (1, 2):
            conn.execute(
                text("INSERT INTO person (id, municipality_id, name) VALUES (:p, 1, :n)"),
                {"p": pid, "n": f"Person {pid}"},
            )
        for fid, dissolved in ((1, date(2024, 1, 31)), (2, None), (3, None)):
            conn.execute(
                text(
                    "INSERT INTO faction (id, municipality_id, name, short_name, dissolved_on,"
                    " version) VALUES (:f, 1, :n, '', :d, 1)"
                ),
                {"f": fid, "n": f"Fraktion {fid}", "d": dissolved},
            )
        seats = [(1, 1, 1), (2, 2, 1), (3, 2, 2)] + ([(4, 3, 2)] if doubled else [])
        for sid, fid, pid in seats:
            conn.execute(
                text(
                    "INSERT INTO factionmember (id, faction_id, person_id, role)"
                    " VALUES (:s, :f, :p, 'member')"
                ),
                {"s": sid, "f": fid, "p": pid},
            )


def test_migration_0030_ends_the_seats_of_dissolved_fraktionen(scratch: Engine) -> None:
    _at_0029(scratch, doubled=False)
    _migrate(scratch, "0030")
    with scratch.connect() as conn:
        rows = conn.execute(text("SELECT id, ended_on FROM factionmember ORDER BY id")).all()
    assert [(r[0], r[1] if isinstance(r[1], date | None) else date.fromisoformat(r[1]))
            for r in rows] == [(1, date(2024, 1, 31)), (2, None), (3, None)]  # fmt: skip
    indexes = {ix["name"]: ix for ix in inspect(scratch).get_indexes("factionmember")}
    assert indexes["uq_factionmember_current_person"]["unique"]
    with pytest.raises(IntegrityError), scratch.begin() as conn:
        conn.execute(
            text("INSERT INTO factionmember (faction_id, person_id, role) VALUES (3, 1, 'member')")
        )


def test_migration_0030_stops_at_a_doubled_current_seat(scratch: Engine) -> None:
    _at_0029(scratch, doubled=True)
    with pytest.raises(RuntimeError, match="mehr als einer aktuellen Fraktion"):
        _migrate(scratch, "0030")


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_the_fraktion_migrations_go_down_and_up_again(scratch: Engine) -> None:
    """0030 and 0029 downgrade and upgrade again, the Anträge kept. On SQLite after a
    rebuild of ``councilrequest`` (any later batch migration of it writes its references as
    table constraints): DROP COLUMN refuses a column of such a reference, so 0029's
    downgrade rebuilds the table as well."""
    _migrate(scratch, "head")
    with scratch.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO municipality (id, name, subdivision, settings)"
                " VALUES (1, 'Ilsfeld', 'BW', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO body (id, municipality_id, name, kind) VALUES (1, 1, 'GR', 'council')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO faction (id, municipality_id, name, short_name, version)"
                " VALUES (1, 1, 'Freie Wähler', 'FW', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO councilrequest (id, municipality_id, body_id, kind, state, subject,"
                " text, received_on, submitted_by, faction, faction_id, signer_person_ids,"
                " created_at, updated_at) VALUES (1, 1, 1, 'faction_motion', 'received',"
                " 'Radweg', '', '2024-04-08', '', 'Freie Wähler', 1, '[]',"
                " '2024-04-08 09:00:00', '2024-04-08 09:00:00')"
            )
        )
    if scratch.dialect.name == "sqlite":
        with scratch.begin() as conn:
            with Operations(MigrationContext.configure(conn)).batch_alter_table(
                "councilrequest", recreate="always"
            ):
                pass
            table = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'councilrequest'")
            ).scalar_one()
        assert "FOREIGN KEY(faction_id) REFERENCES faction (id)" in table

    _downgrade(scratch, "0028")
    schema = inspect(scratch)
    assert not {"faction", "factionmember"} & set(schema.get_table_names())
    assert "faction_id" not in {c["name"] for c in schema.get_columns("councilrequest")}
    assert "mover_faction_id" not in {c["name"] for c in schema.get_columns("motion")}
    with scratch.connect() as conn:
        kept = conn.execute(text("SELECT id, subject, faction FROM councilrequest")).all()
    assert [tuple(row) for row in kept] == [(1, "Radweg", "Freie Wähler")]

    _migrate(scratch, "head")
    schema = inspect(scratch)
    assert "faction_id" in {c["name"] for c in schema.get_columns("councilrequest")}
    assert "ended_on" in {c["name"] for c in schema.get_columns("factionmember")}
    indexes = {ix["name"] for ix in schema.get_indexes("factionmember")}
    assert "uq_factionmember_current_person" in indexes
    with scratch.connect() as conn:
        again = conn.execute(text("SELECT faction, faction_id FROM councilrequest")).all()
    assert [tuple(row) for row in again] == [("Freie Wähler", None)]
