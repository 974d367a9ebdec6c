"""A psycopg cursor whose ``description`` reuses the column objects of an equal result.

SQLAlchemy reads ``cursor.description`` for every result it sets up, even when it has the
result's metadata cached with the compiled statement, and psycopg builds one ``Column`` per
column each time it is read: about 150 µs for the 93 columns of a firing's first query, a
twentieth of a transition's CPU (issue 14). A ``Column`` holds nothing but its field's name,
type, modifier and size (read from the result with libpq calls that cost a fraction of
building it), so results with the same fields share one list, kept per connection.
"""

from __future__ import annotations

from typing import Any

import psycopg

# Distinct field lists a connection keeps; a query has one, so this bounds nothing in use.
MAX_LAYOUTS = 1024


class DescribedCursor(psycopg.Cursor[Any]):
    __slots__ = ()

    @property
    def description(self) -> list[psycopg.Column] | None:
        res = self.pgresult
        if res is None or not res.nfields:
            return super().description  # no result, or one without columns
        key = tuple(
            (res.fname(i), res.ftype(i), res.fmod(i), res.fsize(i)) for i in range(res.nfields)
        )
        layouts: dict[tuple[Any, ...], list[psycopg.Column]] = _layouts(self.connection)
        columns = layouts.get(key)
        if columns is None:
            columns = super().description or []
            if len(layouts) >= MAX_LAYOUTS:
                layouts.clear()
            layouts[key] = columns
        return columns


def _layouts(connection: Any) -> dict[tuple[Any, ...], list[psycopg.Column]]:
    layouts: dict[tuple[Any, ...], list[psycopg.Column]] | None = getattr(
        connection, "_ratsflow_layouts", None
    )
    if layouts is None:
        layouts = connection._ratsflow_layouts = {}
    return layouts


def use_described_cursors(connection: psycopg.Connection[Any], _record: Any = None) -> None:
    """Make ``connection`` create ``DescribedCursor``s (an engine's ``connect`` listener)."""
    connection.cursor_factory = DescribedCursor
