"""PostgreSQL cursors share the column objects of equal results (``workflow.pg_cursor``):
the description SQLAlchemy reads is psycopg's own, and a result whose fields differ (another
query, or the same text after the table changed) gets its own."""

from __future__ import annotations

import pytest
from psycopg import Column
from sqlalchemy import text

from tests.conftest import World
from workflow.db import make_engine
from workflow.pg_cursor import DescribedCursor


@pytest.fixture
def server_url(world: World) -> str:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's cursor (SQLite has its own driver)")
    return world.engine.url.render_as_string(hide_password=False)


def _plain(description: list[Column] | None) -> list[tuple[object, ...]]:
    return [tuple(column) for column in description or []]


def test_equal_results_share_psycopg_s_description(server_url: str) -> None:
    engine = make_engine(server_url)
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        assert isinstance(cursor, DescribedCursor)
        cursor.execute("SELECT 1 AS a, 'x'::varchar(5) AS b, now() AS c")
        first = cursor.description
        plain = super(DescribedCursor, cursor).description
        assert _plain(first) == _plain(plain)
        assert [c.name for c in first or []] == ["a", "b", "c"]
        cursor.execute("SELECT 2 AS a, 'y'::varchar(5) AS b, now() AS c")
        assert cursor.description is first  # shared, not built again
        cursor.execute("SELECT 2 AS a, 'y'::varchar(6) AS b, now() AS c")
        other = cursor.description
        assert other is not first
        assert other is not None
        assert other[1].internal_size is None
        assert other[1].display_size == 6
        cursor.execute("SET search_path TO public")
        assert cursor.description is None  # no tuples: psycopg's answer
    engine.dispose()


def test_the_same_text_after_the_table_changed_is_described_anew(server_url: str) -> None:
    engine = make_engine(server_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS described_probe"))
        conn.execute(text("CREATE TABLE described_probe (id integer)"))
        conn.execute(text("INSERT INTO described_probe VALUES (1)"))
    for _ in range(6):  # past psycopg's prepare threshold
        with engine.connect() as conn:
            assert conn.execute(text("SELECT * FROM described_probe")).all() == [(1,)]
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE described_probe ADD COLUMN note text DEFAULT 'neu'"))
    with engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM described_probe"))
        assert list(result.keys()) == ["id", "note"]
        assert [tuple(row) for row in result] == [(1, "neu")]
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE described_probe"))
    engine.dispose()
