"""Engine and session factory; SQLite gets WAL, a busy timeout and real transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from workflow.errors import StaleVersion


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


def bump_version(session: Session, instance: Any, now: datetime) -> None:
    """Write the instance's versioned row now, even when no column of it changed.

    Every write that was checked against ``expected_version`` goes through here: the
    UPDATE … WHERE version = read version both raises the version (so a second writer of
    the same version is refused) and detects a concurrent winner (``StaleDataError``,
    translated in ``transaction``). Without the forced write, an edit that leaves the row
    itself unchanged (e.g. the same consultation plan twice) would let every racer pass.
    """
    instance.updated_at = now
    flag_modified(instance, "updated_at")
    session.add(instance)
    session.flush()


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """One transaction on ``session``: commit on success, roll back on any error.

    The one place where a lost optimistic version race becomes ``StaleVersion``: SQLAlchemy
    raises ``StaleDataError`` at whichever flush writes the versioned row first (the audit
    event's flush, a service's own flush, or the commit), so services do not catch it
    themselves; they only compare ``expected_version`` with what they read.
    """
    try:
        with session.begin():
            yield session
    except StaleDataError as exc:
        raise StaleVersion(expected=None, actual=None) from exc


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (edges own this, not services)."""
    with Session(engine, expire_on_commit=False) as session, transaction(session):
        yield session
