"""Engine and session factory; SQLite gets WAL, a busy timeout and real transactions."""

from __future__ import annotations

import copy
import functools
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import (
    ARRAY,
    Engine,
    Integer,
    Text,
    TypeDecorator,
    any_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    make_url,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import (
    ArgumentError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session as SASession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import flag_modified
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


def bump_version(
    session: Session, instance: Any, now: datetime, *, riding: Sequence[Rider] = ()
) -> None:
    """Write the instance's versioned row now, even when no column of it changed.

    Every write that was checked against ``expected_version`` goes through here: the
    UPDATE … WHERE version = read version both raises the version (so a second writer of
    the same version is refused) and detects a concurrent winner (``StaleDataError``,
    translated in ``transaction``). Without the forced write, an edit that leaves the row
    itself unchanged (e.g. the same consultation plan twice) would let every racer pass.

    A loaded row goes out as one Core UPDATE of its changed columns, before anything else
    pending (issue 14: the unit of work cost more than the statement); the row then holds
    the written values as committed state, so the flush that follows skips it. A row the
    session does not hold as persistent, or whose version is not loaded, takes the unit of
    work's way.

    ``riding``: writes that go out with the UPDATE and only if it wins (``Rider``; the
    firing's audit event, ``workflow.audit.append_bumping``, and its task messages): on
    PostgreSQL in the same statement, elsewhere as their own statements right after it.
    """
    instance.updated_at = now
    state = inspect(instance)
    if not state.persistent or state.mapper.version_id_col.key not in state.dict:
        flag_modified(instance, "updated_at")
        session.add(instance)
        session.flush()
        for rider in riding:
            rider.write_apart(session)
        return
    write = _VersionedWrite.of(state)
    if riding and session.get_bind().dialect.name == "postgresql":
        statement = _riding_statement(write.statement, tuple(r.ctes for r in riding))
        params = dict(write.params)
        columns = _column_names(write.statement.table)
        for rider in riding:
            if not (params.keys().isdisjoint(rider.params) and columns.isdisjoint(rider.params)):
                raise ValueError(f"rider parameters clash: {sorted(rider.params)}")
            params.update(rider.params)
        won, *returned = execute_built(session, statement, params).one()
        write.finish(session, int(won))
        receiving = [rider for rider in riding if rider.received is not None]
        for rider, rows in zip(receiving, returned, strict=True):
            assert rider.received is not None
            rider.received([tuple(row) for row in rows or ()])
    else:
        write.finish(session, session.connection().execute(write.statement, write.params).rowcount)
        for rider in riding:
            rider.write_apart(session)
    session.flush()  # what else the caller left pending, after the versioned row


class _Compiled:
    """A statement built once, compiled once per dialect: its SQL, the bind processors of
    its parameters, and the values of those it carries itself (``literal(…)``)."""

    def __init__(self, statement: Any, dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        binds = compiled.binds
        if any(b.expanding for b in binds.values()) or compiled.positional:
            raise ValueError("execute_built takes named parameters without expanding lists")
        self.sql: str = compiled.string
        self.processors = {
            name: processor
            for name, bind in binds.items()
            if (processor := bind.type._cached_bind_processor(dialect)) is not None
        }
        self.required = frozenset(name for name, bind in binds.items() if bind.required)
        self.defaults = {
            name: self._processed(name, bind.effective_value)
            for name, bind in binds.items()
            if not bind.required
        }

    def _processed(self, name: str, value: Any) -> Any:
        processor = self.processors.get(name)
        return value if processor is None or value is None else processor(value)

    def parameters(self, params: dict[str, Any]) -> dict[str, Any]:
        missing = self.required - params.keys()
        if missing:
            raise ValueError(f"no value for parameters {sorted(missing)}")
        values = dict(self.defaults)
        for name, value in params.items():
            values[name] = self._processed(name, value)
        return values


@functools.lru_cache(maxsize=256)
def _compiled(statement: Any, dialect: Any) -> _Compiled:
    return _Compiled(statement, dialect)


def execute_built(session: Session, statement: Any, params: dict[str, Any]) -> Any:
    """Execute a statement built once (a module constant or a cached build) as the SQL its
    one compilation gave, its parameters through their types' bind processors: what
    ``Connection.execute`` does, without hashing the statement's cache key and processing
    each parameter through the compiled cache at every execution, more than a tenth of a
    firing's CPU for the versioned UPDATE with its riders (issue 14). The result is the
    driver's rows, without result processing (counts, ids, JSON). Event listeners see the
    statement as for any other (``before_cursor_execute``)."""
    connection = session.connection()
    compiled = _compiled(statement, connection.dialect)
    return connection.exec_driver_sql(compiled.sql, compiled.parameters(params))


@functools.lru_cache(maxsize=256)
def _column_attributes(mapper: Any) -> frozenset[str]:
    return frozenset(prop.key for prop in mapper.column_attrs)


@functools.lru_cache(maxsize=256)
def _column_names(table: Any) -> frozenset[str]:
    return frozenset(column.key for column in table.columns)


class Rider:
    """Writes that go out with a versioned UPDATE, and only if it wins: ``ctes`` (a
    module-level function: the statement is built once per function and UPDATE) builds,
    from the UPDATE as a CTE that returns the row's key, data-modifying CTEs that select
    from it, so a lost race writes nothing of them; ``params`` are their values, named
    unlike any column of the UPDATEs in the statement: SQLAlchemy compiles a parameter
    named like a column into an UPDATE's SET (``bump_version`` refuses such names for the
    versioned table; a rider's own UPDATE must prefix its names too).
    ``write_apart`` does the same writes as statements of their own (SQLite, or a row the
    unit of work writes).

    ``received``: for a rider whose INSERT returns what the caller needs (new ids), the
    rows its ``Returned`` CTE returned, as tuples of its RETURNING columns (``write_apart``
    takes care of that itself)."""

    def __init__(
        self,
        ctes: Callable[[Any], list[Any]],
        params: dict[str, Any],
        write_apart: Callable[[Session], None],
        received: Callable[[list[tuple[Any, ...]]], None] | None = None,
    ) -> None:
        self.ctes, self.params, self.write_apart = ctes, params, write_apart
        self.received = received


class Returned:
    """A rider's CTE whose RETURNING rows come back to ``Rider.received``: the rider's
    ``ctes`` lists it as ``Returned(cte)``, at most one per rider."""

    def __init__(self, cte: Any) -> None:
        self.cte = cte


class _VersionedWrite:
    """The versioned UPDATE of a loaded row: its statement and values, and what a flush
    does after it."""

    def __init__(self, state: Any, statement: Any, params: dict[str, Any], values: Any) -> None:
        self.state, self.statement, self.params, self.values = state, statement, params, values

    @classmethod
    def of(cls, state: Any) -> _VersionedWrite:
        mapper = state.mapper
        table = mapper.local_table
        version_column = mapper.version_id_col
        values: dict[str, Any] = {}
        # Only attributes set since the load can have changed (the state notes each set in
        # ``committed_state``); a set to the same value has no history and is not written.
        columns = _column_attributes(mapper)
        for key in [k for k in state.committed_state if k in columns]:
            added = state.attrs[key].history.added
            if added:
                values[key] = added[0]
        version = state.committed_state.get(version_column.key, state.dict[version_column.key])
        values[version_column.key] = version + 1
        for column in table.columns:  # what an ORM UPDATE would stamp (e.g. ``modified``)
            default = column.onupdate
            if default is not None and column.key not in values and default.is_callable:
                values[column.key] = default.arg(None)
        keys = [c.key for c in mapper.primary_key]
        params = {f"set_{key}": value for key, value in values.items()}
        params.update({f"key_{k}": v for k, v in zip(keys, state.identity, strict=True)})
        params["read_version"] = version
        statement = _versioned_statement(table, version_column.key, tuple(keys), tuple(values))
        return cls(state, statement, params, values)

    def finish(self, session: Session, rowcount: int) -> None:
        state = self.state
        if rowcount != 1:
            version = self.params["read_version"]
            raise StaleDataError(
                f"UPDATE of {state.mapper.local_table.name} {state.identity} expected "
                f"version {version}: a concurrent writer was first"
            )
        state.dict.update(self.values)
        # What a flush does after its UPDATE: the row is clean, so the next flush skips it.
        state._commit_all(state.dict, session.identity_map)


@functools.lru_cache(maxsize=512)
def _versioned_statement(
    table: Any, version: str, keys: tuple[str, ...], written: tuple[str, ...]
) -> Any:
    """The UPDATE for one table and set of written columns, built once (its values bound)."""
    return (
        update(table)
        .where(
            *(table.c[key] == bindparam(f"key_{key}") for key in keys),
            table.c[version] == bindparam("read_version"),
        )
        .values({column: bindparam(f"set_{column}") for column in written})
    )


@functools.lru_cache(maxsize=512)
def _riding_statement(versioned: Any, riders: tuple[Callable[[Any], list[Any]], ...]) -> Any:
    """``WITH bumped AS (<versioned UPDATE> RETURNING key), <the riders' CTEs> SELECT
    (SELECT count(*) FROM bumped), …``: the count stands for the UPDATE's row count; each
    ``Returned`` CTE adds a column, its rows as a JSON array of arrays."""
    table = versioned.table
    bumped = versioned.returning(*table.primary_key.columns).cte("bumped")
    columns: list[Any] = [select(func.count()).select_from(bumped).scalar_subquery()]
    added: list[Any] = []
    for ctes in riders:
        for cte in ctes(bumped):
            if isinstance(cte, Returned):
                cte = cte.cte
                rows = func.json_agg(func.json_build_array(*cte.c))
                columns.append(select(rows).select_from(cte).scalar_subquery())
            added.append(cte)
    statement = select(*columns)
    for cte in added:
        statement = statement.add_cte(cte)
    return statement


def insert_loaded(session: Session, rows: Sequence[Any]) -> None:
    """INSERT new rows of one model in one statement that returns their ids, then put them
    into the session as if loaded (nothing left for a flush). For the firing's hot path
    (issue 14): the unit of work cost more than the statement. Every column is written as
    the object holds it (model defaults are applied when the object is built)."""
    if not rows:
        return
    statement, columns = _insert_returning_id(type(rows[0]).__table__)
    values = [{c: getattr(row, c) for c in columns} for row in rows]
    ids = session.connection().execute(statement, values).scalars().all()
    for row, id_ in zip(rows, ids, strict=True):
        row.id = id_
        make_transient_to_detached(row)
        session.add(row)


@functools.lru_cache(maxsize=64)
def _insert_returning_id(table: Any) -> tuple[Any, tuple[str, ...]]:
    """``insert_loaded``'s statement, built once per table: a statement built anew is
    traversed again for its cache key at every execution."""
    key = table.c.id
    columns = tuple(c.key for c in table.columns if c is not key)
    return insert(table).returning(key, sort_by_parameter_order=True), columns


def attach_loaded(
    session: Session, model: type[T], values: dict[str, Any], *, fresh: bool = False
) -> T:
    """A row known without a query (a cached copy, JSON carried by another query) as a
    persistent instance of ``session``, as if loaded: the one already in its identity map, or
    a new one. Mutable values (JSON) are copied, so no session can change the source, unless
    they are ``fresh`` (just read, shared with nothing)."""
    mapper: Any = inspect(model)
    identity = mapper.identity_key_from_primary_key(
        [values[column.key] for column in mapper.primary_key]
    )
    existing = session.identity_map.get(identity)
    if existing is not None:
        return cast(T, existing)
    instance = mapper.class_manager.new_instance()
    state: Any = inspect(instance)
    # A new instance has no history to keep: its state's dict takes the values as loaded
    # (what ``set_committed_value`` does one attribute at a time, at several times the cost).
    state.dict.update(
        values
        if fresh
        else {k: copy.deepcopy(v) if isinstance(v, dict | list) else v for k, v in values.items()}
    )
    # What ``make_transient_to_detached`` and ``Session.add`` do for it (the key, what was
    # not given expired, into the identity map), without their steps that have nothing to
    # do for a new instance whose relationships are not loaded (the key computed again from
    # the attributes, no history to reset, no cascade to follow): half the cost, and a
    # firing attaches a score of rows (issue 14).
    state.key = identity
    state._expire_attributes(state.dict, state.unloaded)
    session._update_impl(state)
    return cast(T, instance)


def delete_loaded(
    session: Session, rows: Sequence[Any], *, riding: list[Rider] | None = None
) -> None:
    """DELETE rows of one model by id in one statement, and drop them from the session; the
    counterpart of ``insert_loaded``. With ``riding`` (a firing's, ``FiringContext.riding``)
    the DELETE goes out with the firing's versioned UPDATE: only for rows nothing of the
    firing reads or inserts again before it."""
    if not rows:
        return
    table = type(rows[0]).__table__
    ids = [r.id for r in rows]
    ctes = _riding_delete(table)
    apart = functools.partial(_delete_ids, table=table, ids=ids)
    if riding is not None and not any(r.ctes is ctes for r in riding):
        riding.append(Rider(ctes, {f"d_{table.name}_ids": ids}, apart))
    else:
        apart(session)
    for row in rows:
        if row in session:
            session.expunge(row)


def settle_deletes(session: Session, riding: list[Rider], model: Any) -> None:
    """Write now the riding DELETE of ``model``'s rows, if one waits: before the same
    firing inserts such rows again (a definition may reset and ask co-signers in one
    transition; the rows' unique keys would clash with the deleted ones still there)."""
    ctes = _riding_delete(model.__table__)
    for rider in [r for r in riding if r.ctes is ctes]:
        riding.remove(rider)
        rider.write_apart(session)


def _delete_ids(session: Session, *, table: Any, ids: list[int]) -> None:
    session.connection().execute(delete(table).where(table.c.id.in_(ids)))


class IdArray(TypeDecorator[list[int]]):
    """A list of ids bound as PostgreSQL array text (``{1,2,3}``), read as ``integer[]`` by
    ``any_ids``: psycopg's list dumper looks at every element to choose the array's type, a
    cost per execution the text does not have (issue 14)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return "{" + ",".join(str(int(v)) for v in value) + "}"


def any_ids(name: str) -> Any:
    """``= ANY(CAST(:name AS INTEGER[]))``: a list of ids as one parameter (``IdArray``), so
    the statement's text is the same whatever their number (a prepared statement)."""
    return any_(sql_cast(bindparam(name, type_=IdArray()), ARRAY(Integer)))


@functools.lru_cache(maxsize=64)
def _riding_delete(table: Any) -> Callable[[Any], list[Any]]:
    """The DELETE by ids of one table as a rider's CTE (one function per table, so the
    statement is built once)."""

    def ctes(bumped: Any) -> list[Any]:
        ids = any_ids(f"d_{table.name}_ids")
        won = select(bumped).exists()
        return [delete(table).where(table.c.id == ids, won).cte(f"riding_delete_{table.name}")]

    return ctes


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
