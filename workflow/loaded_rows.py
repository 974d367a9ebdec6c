"""Rows the session holds as loaded, written or attached without the unit of work (issue 14):
the versioned UPDATE of a loaded row with the writes that ride on it (``bump_version``,
``Rider``, ``Returned``), rows inserted, deleted or attached by id (``insert_loaded``,
``delete_loaded``, ``attach_loaded``), and statements built once and run as compiled once
(``execute_built``). The unit of work cost more than the statements it sends."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ARRAY,
    Integer,
    Text,
    TypeDecorator,
    any_,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.base import PassiveFlag
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

T = TypeVar("T")


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
        # ``state.get_history``, not ``state.attrs[key].history``: ``attrs`` builds an
        # AttributeState for every column of a freshly loaded row (a fifth of a millisecond
        # per firing of a Proposal, issue 14).
        columns = _column_attributes(mapper)
        for key in [k for k in state.committed_state if k in columns]:
            added = state.get_history(key, PassiveFlag.PASSIVE_NO_INITIALIZE).added
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
    session.connection().execute(_delete_by_ids(table), {"ids": ids})


@functools.lru_cache(maxsize=64)
def _delete_by_ids(table: Any) -> Any:
    """``_delete_ids``' statement, built once per table (see ``_insert_returning_id``)."""
    return delete(table).where(table.c.id.in_(bindparam("ids", expanding=True)))


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
