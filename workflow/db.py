"""Engine and session factory; SQLite gets WAL, a busy timeout and real transactions."""

from __future__ import annotations

import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import (
    Engine,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.exc import (
    ArgumentError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session as SASession
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from workflow.errors import StaleVersion
from workflow.pg_cursor import use_described_cursors

BUSY_SECONDS = 30  # how long a SQLite writer waits for its turn before it is refused
_GATE = "ratsflow_write_gate"


class WriteGate:
    """First come, first served among one process's SQLite writers.

    A lock that is handed to the longest waiter when released (FIFO), and may be released
    from another thread than the one that took it: a web request begins its transaction in
    one worker thread and commits in another."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._held = False

    def acquire(self, *, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ran out
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # stays held: the next writer's turn
            else:
                self._held = False


_GATES: WeakKeyDictionary[Engine, WriteGate] = WeakKeyDictionary()


def write_gate(engine: Engine) -> WriteGate | None:
    """The gate of an SQLite engine made by ``make_engine`` (None for other databases)."""
    return _GATES.get(engine)


def _leave(info: dict[Any, Any], gate: WriteGate) -> None:
    if info.pop(_GATE, False):
        gate.release()


# A pooled connection unused for longer than this (seconds) is tested before use (issue 14).
PING_AFTER_IDLE = 1.0
_RETURNED_AT = "ratsflow_returned_at"


def make_engine(
    url: str,
    *,
    connect_timeout: float | None = None,
    ping_after_idle: float = PING_AFTER_IDLE,
    **kwargs: Any,
) -> Engine:
    """Create an engine; on SQLite emit BEGIN ourselves so reads happen inside the transaction.

    pysqlite issues no BEGIN before a SELECT, so a read-modify-write would read outside its
    transaction (measured in LIBRARIES.md: lost updates). ``BEGIN IMMEDIATE`` takes the write
    lock up front: SQLite then serializes writers instead of failing them late.

    A server database's pooled connections are tested before use when they were idle for
    longer than ``ping_after_idle`` seconds (``_ping_when_idle``).

    ``connect_timeout`` (seconds) bounds a connection attempt to a server database and the
    wait for a pooled connection: a black-holed server then fails requests quickly instead of
    filling the thread pool for minutes (the kernel's TCP timeout is about 130 s).
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            for pragma in (
                "journal_mode=WAL",
                f"busy_timeout={BUSY_SECONDS * 1000}",
                "synchronous=NORMAL",
                "foreign_keys=ON",
            ):
                dbapi_conn.execute(f"PRAGMA {pragma}")

        gate = _GATES[engine] = WriteGate()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # Take our turn in this process first (FIFO, woken at once), then SQLite's lock;
            # SQLite's own busy handler sleeps in steps of up to 100 ms and can pass over a
            # waiter again and again (a request waited past the 30 s timeout under 8
            # concurrent clients, issue 14). Other processes still meet at SQLite's lock.
            if gate.acquire(timeout=BUSY_SECONDS):
                conn.info[_GATE] = True
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _leave(conn.info, gate)
                raise

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _on_end(conn: Any) -> None:
            _leave(conn.info, gate)

        # A connection dropped or invalidated inside its transaction gives its turn back too.
        @event.listens_for(engine, "checkin")
        def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
            _leave(record.info, gate)

        @event.listens_for(engine, "invalidate")
        def _on_invalidate(_dbapi_conn: Any, record: Any, _exc: Any) -> None:
            _leave(record.info, gate)

        return engine
    if connect_timeout is not None:
        kwargs.setdefault("pool_timeout", connect_timeout)
        if url.startswith("postgresql"):
            # libpq takes whole seconds; below 2 it would use 2 anyway.
            seconds = max(2, math.ceil(connect_timeout))
            kwargs["connect_args"] = {"connect_timeout": seconds, **kwargs.get("connect_args", {})}
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine, ping_after_idle)
    if engine.dialect.driver == "psycopg":
        event.listen(engine, "connect", use_described_cursors)
    return engine


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """SQLAlchemy's ``pool_pre_ping``, but only for connections idle longer than
    ``seconds``: a ping is a round trip before every transaction (measured: a tenth of the
    api/ layer's time per request, issue 14), and a connection handed back milliseconds ago
    under load is as alive as a ping would show. After a quiet spell (a server restart, a
    dropped connection) the ping runs as before and a dead connection is replaced: raising
    ``DisconnectionError`` in ``checkout`` makes the pool discard it and connect anew. A
    connection that dies while in use fails its statement, as it would with pre-ping."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is None or time.monotonic() - returned < seconds:
            return  # just connected, or back in the pool a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"Verbindung nach Leerlauf tot: {exc}") from exc
        if not alive:
            raise DisconnectionError("Verbindung nach Leerlauf tot")


# What "the database cannot be used right now" looks like: unreachable, refused, timed out,
# a vanished SQLite file; not constraint violations or programming errors.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
# Also what a wrong URL or a database without our schema raises, for edges that only read.
UNUSABLE = (*UNAVAILABLE, ArgumentError, ProgrammingError)


def describe_database_error(url: str, exc: BaseException) -> str:
    """One German line naming the database (without password) and the first line of the
    driver's reason, for CLI commands and logs (no traceback)."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        shown = "ungültige URL"
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = reason[0][:300] if reason else type(exc).__name__
    return f"Datenbank nicht nutzbar ({shown}): {first}"


def database_file_missing(engine: Engine) -> bool:
    """An SQLite database file that disappeared while served (the open connections still
    read the deleted inode, so only the path tells)."""
    if engine.dialect.name != "sqlite":
        return False
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return False
    return not os.path.exists(path)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


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


# Objects a unit of work has loaded stay in the session's identity map only while something
# references them (the map holds weak references): a ``session.get`` for the municipality a
# moment after a guard read it would query again. ``pinned`` keeps strong references for the
# length of one firing, so each row by primary key is read once (issue 14).
_PINS = "ratsflow_pins"
_MEMO = "ratsflow_memo"
T = TypeVar("T")


def _pin(session: Any, instance: Any) -> None:
    pins = session.info.get(_PINS)
    if pins is not None:
        pins[id(instance)] = instance


for _event in ("loaded_as_persistent", "pending_to_persistent", "detached_to_persistent"):
    event.listen(SASession, _event, _pin)


@contextmanager
def pinned(session: Session) -> Iterator[None]:
    """Keep every object loaded or written inside the block alive until it ends."""
    if _PINS in session.info:  # nested (an action firing another instance)
        yield
        return
    session.info[_PINS] = {}
    try:
        yield
    finally:
        session.info.pop(_PINS, None)
        session.info.pop(_MEMO, None)


def pending_types(session: Any) -> set[type]:
    """The models of the rows added, changed or deleted and not yet flushed: what
    ``Session.new``, ``dirty`` and ``deleted`` hold, read from the session's own records of
    them (each of those properties builds a collection, and ``memo`` asks at every read)."""
    states = (*session._new, *session.identity_map._modified, *session._deleted)
    return {state.class_ for state in states}


def _forget_written(session: Any, _flush_context: Any) -> None:
    """A memoised read of a table this flush wrote is read again next time."""
    cache = session.info.get(_MEMO)
    if cache:
        written = pending_types(session)
        for key in [k for k in cache if _read_models(k) & written]:
            del cache[key]


def _read_models(key: tuple[Any, ...]) -> set[type]:
    """What a memo key's read depends on: its first element, a model or a tuple of them."""
    first = key[0]
    return set(first) if isinstance(first, tuple) else {first}


event.listen(SASession, "after_flush", _forget_written)


def memo(session: Session, key: tuple[Any, ...], load: Callable[[], T]) -> T:
    """A read shared by the guards, actions and deadline rules of one firing (inside
    ``pinned``), keyed by ``(model, ...)`` or ``((model, model, …), ...)`` for a read of
    several tables: read again once the firing writes one of them, and read through while
    such a write is pending."""
    if _PINS not in session.info or _read_models(key) & pending_types(session):
        return load()
    cache = session.info.setdefault(_MEMO, {})
    if key not in cache:
        cache[key] = load()
    return cast(T, cache[key])


def remember(session: Session, key: tuple[Any, ...], value: T) -> T:
    """Put what a firing has just written and flushed into its memo, so the next read of
    the same key (e.g. the automatic step's guard after ``submit`` asked its co-signers)
    needs no query. Call it after the flush of those rows: a flush drops the key."""
    if _PINS in session.info and not _read_models(key) & pending_types(session):
        session.info.setdefault(_MEMO, {})[key] = value
    return value
