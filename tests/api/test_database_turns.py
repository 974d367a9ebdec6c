"""More requests in flight than the thread pool has threads: every one is answered.

A request's transaction begins in one thread-pool call and commits in another. On SQLite
all pool threads could wait for the one write lock while the request holding it waits for a
thread (issue 14); on PostgreSQL they wait for a pooled connection (5 + 10) and the burst
gets 503 after ``pool_timeout`` (30 s). Requests now wait for their turn in the event loop
(``api.turns``): one at a time on SQLite, as many as the pool keeps connections on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool, StaticPool

from api.deps import SessionDep
from api.turns import turn_size
from api.ui.web import PageRoute
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World
from tests.integration.flow import new_proposal
from tests.parallel import run_parallel
from workflow.db import make_engine
from workflow.errors import NotFound
from workflow.runtime import engine_for
from workflow.settings import Settings

IN_FLIGHT = 60  # anyio's default thread pool has 40 threads
PG_URL = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected to


def test_a_burst_beyond_the_thread_pool_is_answered(
    world: World, client: Any, as_user: Any
) -> None:
    pid = new_proposal(world)
    headers = as_user("ilsfeld.clerk")
    answers = run_parallel(
        IN_FLIGHT,
        lambda _: client.get(f"/api/v1/proposals/{pid}/actions", headers=headers),
        timeout=120,
    )
    statuses = [getattr(a, "status_code", repr(a)) for a in answers]
    assert statuses == [200] * IN_FLIGHT
    assert {a.json()["version"] for a in answers} == {answers[0].json()["version"]}


def test_turns_are_the_connections_the_pool_has() -> None:
    assert turn_size(make_engine("sqlite://")) == 1
    assert turn_size(make_engine(PG_URL)) == 5  # SQLAlchemy's QueuePool default
    assert turn_size(make_engine(PG_URL, pool_size=3, max_overflow=2)) == 3  # kept ones
    assert turn_size(make_engine(PG_URL, max_overflow=-1)) == 5
    assert turn_size(engine_for(Settings(database_url=PG_URL))) == 10  # RATSFLOW_DB_POOL_SIZE
    assert turn_size(engine_for(Settings(database_url=PG_URL, db_pool_size=3))) == 3
    assert turn_size(create_engine(PG_URL, poolclass=StaticPool)) == 1
    assert turn_size(create_engine(PG_URL, poolclass=NullPool)) is None


def test_an_error_page_does_not_wait_for_the_turn_its_route_holds(
    app: FastAPI, client: TestClient
) -> None:
    """``PageRoute`` renders a route's error while the route's session and turn are still
    open; the header's user is then not looked up in a second session, which would wait for
    the first (on SQLite for ever: one turn)."""
    router = APIRouter(route_class=PageRoute)

    @router.get("/_turn-held")
    def held(db: SessionDep) -> None:
        raise NotFound("Diese Seite gibt es nicht.")

    app.include_router(router)
    sign_in(client, "ilsfeld.clerk")
    [answer] = run_parallel(1, lambda _: client.get("/_turn-held"), timeout=20)
    assert getattr(answer, "status_code", answer) == 404
