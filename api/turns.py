"""Turns at the database: a serve process lets only as many requests use the database at once
as it has connections for; the others wait for their turn in the event loop, not in a pool thread.

FastAPI runs sync dependencies and endpoints in anyio's thread pool (40 threads), and a
request's transaction spans several calls there (it begins in one and commits in another).
With more requests in flight than connections, the threads would wait for the database while
the requests holding it wait for a thread: on SQLite for the one write lock (issue 14), on
PostgreSQL for a pooled connection (``QueuePool``, 503 after ``pool_timeout``). A request
takes its turn before its first connection and gives it back after its commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from sqlalchemy import Engine
from sqlalchemy.pool import AssertionPool, QueuePool, StaticPool


def turn_size(engine: Engine) -> int | None:
    """How many requests may use ``engine`` at once; None: no bound to wait for.

    SQLite: 1 (one writer, every transaction begins with ``BEGIN IMMEDIATE``). A
    ``QueuePool``: the connections it keeps, ``pool_size``. Its overflow connections are
    closed when given back, so requests beyond ``pool_size`` opened and closed one each: on
    PostgreSQL a backend started per request, psycopg's prepared statements lost with it
    (77 connections in 700 requests with 8 clients and the default 5, issue 14); the
    overflow stays for work outside requests (the deadline sweep). A pool of one shared
    connection: 1. ``NullPool`` opens a connection per checkout: no bound."""
    if engine.dialect.name == "sqlite":
        return 1
    pool = engine.pool
    if isinstance(pool, QueuePool):
        return max(1, pool.size())
    if isinstance(pool, StaticPool | AssertionPool):
        return 1
    return None


def new_turns(engine: Engine) -> anyio.Semaphore | None:
    """The turns of one process; created in the event loop they serve (app lifespan)."""
    size = turn_size(engine)
    return None if size is None else anyio.Semaphore(size)


def app_turns(app: Any) -> anyio.Semaphore | None:
    """The turns of a running app (None before its lifespan, or without a bound)."""
    turns: anyio.Semaphore | None = getattr(app.state, "database_turns", None)
    return turns


@asynccontextmanager
async def turn(turns: anyio.Semaphore | None) -> AsyncIterator[None]:
    """Wait for a turn (first come, first served) and hold it inside the block."""
    if turns is None:
        yield
        return
    async with turns:
        yield
