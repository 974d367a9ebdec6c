"""Engine and session factory; SQLite gets WAL, a busy timeout and real transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite emit BEGIN ourselves so reads happen inside the transaction.

    pysqlite issues no BEGIN before a SELECT, so a read-modify-write would read outside its
    transaction (measured in LIBRARIES.md: lost updates). ``BEGIN IMMEDIATE`` takes the write
    lock up front: SQLite then serializes writers instead of failing them late.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            for pragma in (
                "journal_mode=WAL",
                "busy_timeout=30000",
                "synchronous=NORMAL",
                "foreign_keys=ON",
            ):
                dbapi_conn.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (edges own this, not services)."""
    with Session(engine, expire_on_commit=False) as session:
        with session.begin():
            yield session
