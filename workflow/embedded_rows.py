"""Rows carried as one JSON value (issue 14), both ways.

Reading: a firing reads its Vorlage's consultation plan and co-signatures in the same statement as
the Vorlage itself: ``(SELECT json_agg(json_build_object('id', id, …)) FROM … WHERE fk =
…)`` on PostgreSQL, ``json_group_array(json_object(…))`` on SQLite. The rows come back as
persistent instances, as if loaded by their own query, with each value turned back into its
column's Python type (JSON carries dates and times as text, SQLite booleans as 0 and 1).

Writing (PostgreSQL): the rows of a batch INSERT go as one JSON parameter, read back into
typed columns by ``json_to_recordset(…) AS name(column type, …)``: a statement of constant
text, as ``unnest`` over one array per column was, but psycopg dumps one string instead of
an array per column (measured: 23 one-element arrays cost 180 µs of CPU, their rows as JSON
8 µs).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Text,
    TypeDecorator,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy import column as named_column
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session

from workflow.loaded_rows import Returned, Rider, attach_loaded, insert_loaded

T = TypeVar("T")


def rows_as_json(model: Any, foreign_key: Any, parent_id: Any, dialect: str, *where: Any) -> Any:
    """A scalar subquery: every row of ``model`` whose ``foreign_key`` is ``parent_id`` (and
    that meets ``where``), as a JSON array of objects keyed by column (NULL or ``[]`` when
    there is none)."""
    table = model.__table__
    pairs: list[Any] = []
    for column in table.columns:
        pairs += [literal_column(f"'{column.key}'"), column]
    if dialect == "postgresql":
        aggregate = func.json_agg(func.json_build_object(*pairs))
    else:
        aggregate = func.json_group_array(func.json_object(*pairs))
    return select(aggregate).where(foreign_key == parent_id, *where).scalar_subquery()


def attach_json(session: Session, model: type[T], raw: Any) -> list[T]:
    """The rows of one ``rows_as_json`` value as this session's persistent instances."""
    if raw is None:
        return []
    items = json.loads(raw) if isinstance(raw, str | bytes) else raw
    columns = list(model.__table__.columns)  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    return [
        attach_loaded(
            session,
            model,
            {c.key: _typed(c, item.get(c.key), dialect) for c in columns},
            fresh=True,  # parsed just now
        )
        for item in items
    ]


def _typed(column: Any, value: Any, dialect: Any) -> Any:
    if value is None:
        return None
    decorator = column.type if isinstance(column.type, TypeDecorator) else None
    base = decorator.impl_instance if decorator is not None else column.type
    if decorator is not None and not _converts_results(decorator):
        decorator = None  # e.g. sqlmodel's AutoString: only binds
    try:
        kind = base.python_type
    except NotImplementedError:  # JSON and other types without one: as carried
        kind = None
    if kind is bool:
        value = bool(value)
    elif kind is datetime and not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    elif kind is date and not isinstance(value, date):
        value = date.fromisoformat(value[:10])
    elif kind is Decimal:
        value = Decimal(str(value))
    elif kind in (int, float, str):
        value = kind(value)
    # What the column's own type makes of a loaded value (sqlmodel's UTCDateTime: UTC).
    return decorator.process_result_value(value, dialect) if decorator is not None else value


def _converts_results(decorator: TypeDecorator[Any]) -> bool:
    return type(decorator).process_result_value is not TypeDecorator.process_result_value


def recordset(param: str, columns: Sequence[Any], name: str) -> Any:
    """``json_to_recordset(CAST(:param AS JSON)) AS name(column type, …)``, a table of the
    rows that ``json_param`` made of ``columns`` (each keyed by its column's name)."""
    rows = func.json_to_recordset(cast(bindparam(param, type_=Text), JSON))
    return rows.table_valued(*(named_column(c.name, c.type) for c in columns)).render_derived(
        name=name, with_types=True
    )


def json_param(rows: Iterable[dict[str, Any]], names: Iterable[str]) -> str:
    """The rows' values of ``names`` as the JSON text ``recordset`` reads (dates and times
    in ISO 8601, which PostgreSQL parses as the column's type)."""
    keys = list(names)
    return json.dumps([{k: row[k] for k in keys} for row in rows], default=_json_value)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value JSON can carry")


def ride_insert(session: Session, riding: list[Rider], rows: Sequence[Any]) -> None:
    """New rows of one model written with a firing's versioned UPDATE (``loaded_rows.Rider``)
    and only if it wins (issue 14: one statement fewer): their ids come back with it, and the
    rows join ``session`` as loaded, as ``insert_loaded`` leaves them. Written at once by
    ``insert_loaded`` when a rider of the same table is already on the firing."""
    if not rows:
        return
    table = type(rows[0]).__table__
    ctes = _riding_insert(table)
    if any(r.ctes is ctes for r in riding):
        insert_loaded(session, rows)
        return
    names = [c.key for c in table.columns if c.key != "id"]
    param = json_param(({n: getattr(row, n) for n in names} for row in rows), names)

    def received(returned: list[tuple[Any, ...]]) -> None:
        # One INSERT … SELECT draws the ids in the order it reads the rows (a function scan
        # of the JSON array): ascending ids are the rows' order.
        for row, id_ in zip(rows, sorted(int(r[0]) for r in returned), strict=True):
            row.id = id_
            make_transient_to_detached(row)
            session.add(row)

    riding.append(
        Rider(ctes, {f"i_{table.name}": param}, lambda apart: insert_loaded(apart, rows), received)
    )


@functools.cache
def _riding_insert(table: Any) -> Callable[[Any], list[Any]]:
    """``ride_insert``'s CTE for one table; one function per table, as riders and their
    cached statements are told apart by it."""
    columns = [c for c in table.columns if c.key != "id"]

    def ctes(bumped: Any) -> list[Any]:
        won = select(bumped).exists()
        rows = recordset(f"i_{table.name}", columns, "r")
        inserted = (
            insert(table)
            .from_select(
                [c.key for c in columns],
                select(literal_column("*")).select_from(rows).where(won),
            )
            .returning(table.c.id)
        )
        return [Returned(inserted.cte(f"riding_{table.name}"))]

    return ctes
