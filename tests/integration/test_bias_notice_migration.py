"""Migration 0031 (``biasnotice``, § 18 Abs. 4 S. 1 GemO) goes down and up again on a
scratch database of the test database's dialect; the other tables' rows stay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from workflow.schema import alembic_config


@pytest.fixture
def scratch(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the test database's dialect: a file, or a schema of its own."""
    if engine.dialect.name != "postgresql":
        scratch = create_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
        yield scratch
        scratch.dispose()
        return
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS scratch_0031 CASCADE"))
        conn.execute(text("CREATE SCHEMA scratch_0031"))
    scratch = create_engine(engine.url, connect_args={"options": "-csearch_path=scratch_0031"})
    yield scratch
    scratch.dispose()
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA scratch_0031 CASCADE"))


def _to(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _notice(engine: Engine, notice_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO biasnotice (id, agenda_item_id, person_id, reason, notified_at)"
                " VALUES (:n, 1, 1, 'Schwager ist Bieter', '2024-04-08 16:00:00')"
            ),
            {"n": notice_id},
        )


def test_migration_0031_goes_down_and_up_again(scratch: Engine) -> None:
    _to(scratch, "head")
    with scratch.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO municipality (id, name, subdivision, settings)"
                " VALUES (1, 'Ilsfeld', 'BW', '{}')"
            )
        )
        conn.execute(text("INSERT INTO person (id, municipality_id, name) VALUES (1, 1, 'Anna')"))
        conn.execute(
            text(
                "INSERT INTO body (id, municipality_id, name, kind) VALUES (1, 1, 'GR', 'council')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO meeting (id, municipality_id, body_id, meeting_date, start_time,"
                " location, emergency, second_session, state, definition_name,"
                " definition_version, version, created_at, updated_at) VALUES (1, 1, 1,"
                " '2024-04-23', '18:00', 'Rathaus', false, false, 'invited', 'meeting', 1, 1,"
                " '2024-04-08 09:00:00', '2024-04-08 09:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agendaitem (id, meeting_id, position, title, public, removed)"
                " VALUES (1, 1, 1, 'Bauantrag', true, false)"
            )
        )
    _notice(scratch, 1)
    with pytest.raises(IntegrityError):  # one notice per member and item
        _notice(scratch, 2)

    _to(scratch, "0030", down=True)
    schema = inspect(scratch)
    assert "biasnotice" not in schema.get_table_names()
    with scratch.connect() as conn:
        assert conn.execute(text("SELECT title FROM agendaitem")).scalars().all() == ["Bauantrag"]

    _to(scratch, "head")
    assert "biasnotice" in inspect(scratch).get_table_names()
    _notice(scratch, 3)
    with scratch.connect() as conn:
        assert conn.execute(text("SELECT id FROM biasnotice")).scalars().all() == [3]
