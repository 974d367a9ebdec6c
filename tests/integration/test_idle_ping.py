"""Pooled connections are tested before use only after being idle (``workflow.db``,
``_ping_when_idle``): no round trip per transaction under load, and a connection the server
dropped during a quiet spell is replaced instead of failing the next request."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.conftest import World
from workflow.db import make_engine


@pytest.fixture
def server_url(world: World) -> str:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("a server database's pool (SQLite opens a file)")
    return world.engine.url.render_as_string(hide_password=False)


def _pings(engine: Any) -> list[int]:
    """Counts the dialect's pings (they bypass the cursor events)."""
    calls = [0]
    ping = engine.dialect.do_ping

    def counted(dbapi_conn: Any) -> bool:
        calls[0] += 1
        return bool(ping(dbapi_conn))

    engine.dialect.do_ping = counted
    return calls


def test_a_connection_back_a_moment_ago_is_not_pinged(server_url: str) -> None:
    engine = make_engine(server_url, ping_after_idle=60)
    pings = _pings(engine)
    for _ in range(5):
        with engine.begin() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert pings[0] == 0
    engine.dispose()


def test_a_connection_dropped_while_idle_is_replaced(server_url: str) -> None:
    engine = make_engine(server_url, ping_after_idle=0.05)
    pings = _pings(engine)
    connects = [0]
    event.listen(engine, "connect", lambda *_: connects.__setitem__(0, connects[0] + 1))
    with engine.begin() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = make_engine(server_url)
    with killer.begin() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    killer.dispose()
    time.sleep(0.1)  # idle past the threshold: the next checkout pings, finds it dead
    with engine.begin() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    assert pings[0] >= 1
    assert connects[0] == 2  # the dead one replaced, transparently
    engine.dispose()
