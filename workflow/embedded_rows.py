"""Child rows carried as one JSON column of another query (issue 14).

A firing reads its Vorlage's consultation plan and co-signatures in the same statement as
the Vorlage itself: ``(SELECT json_agg(json_build_object('id', id, …)) FROM … WHERE fk =
…)`` on PostgreSQL, ``json_group_array(json_object(…))`` on SQLite. The rows come back as
persistent instances, as if loaded by their own query, with each value turned back into its
column's Python type (JSON carries dates and times as text, SQLite booleans as 0 and 1).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import TypeDecorator, func, literal_column, select
from sqlmodel import Session

from workflow.db import attach_loaded

T = TypeVar("T")


def rows_as_json(model: Any, foreign_key: Any, parent_id: Any, dialect: str) -> Any:
    """A scalar subquery: every row of ``model`` whose ``foreign_key`` is ``parent_id``, as a
    JSON array of objects keyed by column (NULL or ``[]`` when there is none)."""
    table = model.__table__
    pairs: list[Any] = []
    for column in table.columns:
        pairs += [literal_column(f"'{column.key}'"), column]
    if dialect == "postgresql":
        aggregate = func.json_agg(func.json_build_object(*pairs))
    else:
        aggregate = func.json_group_array(func.json_object(*pairs))
    return select(aggregate).where(foreign_key == parent_id).scalar_subquery()


def attach_json(session: Session, model: type[T], raw: Any) -> list[T]:
    """The rows of one ``rows_as_json`` value as this session's persistent instances."""
    if raw is None:
        return []
    items = json.loads(raw) if isinstance(raw, str | bytes) else raw
    columns = list(model.__table__.columns)  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    return [
        attach_loaded(session, model, {c.key: _typed(c, item.get(c.key), dialect) for c in columns})
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
