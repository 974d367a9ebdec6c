"""A psycopg cursor whose ``description`` reuses the column objects of an equal result, and
whose long statements are parsed once.

SQLAlchemy reads ``cursor.description`` for every result it sets up, even when it has the
result's metadata cached with the compiled statement, and psycopg builds one ``Column`` per
column each time it is read: about 150 µs for the 93 columns of a firing's first query, a
twentieth of a transition's CPU (issue 14). A ``Column`` holds nothing but its field's name,
type, modifier and size (read from the result with libpq calls that cost a fraction of
building it), so results with the same fields share one list, kept per connection.

psycopg turns ``%(name)s`` placeholders into ``$n`` with a regular expression, and caches the
result only for statements up to 4,096 bytes (an ORM's multi-row VALUES of varying length
would fill its cache). The firing's statements are longer (the versioned UPDATE with the
writes riding on it, the first query) but of constant text: parsing them again at every
execution was a twentieth of a transition's CPU (issue 14). ``LongQueryCache`` keeps the
parse of statements up to 64 KiB in a cache of its own, bounded in entries.
"""

from __future__ import annotations

import functools
from typing import Any

import psycopg
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, PostgresQuery, _query2pg_nocache

# Distinct field lists a connection keeps; a query has one, so this bounds nothing in use.
MAX_LAYOUTS = 1024


# The longest statement whose parse is kept, and how many are kept.
MAX_LONG_QUERY = 65536
LONG_QUERIES = 64

_long_query2pg = functools.lru_cache(maxsize=LONG_QUERIES)(_query2pg_nocache)


class LongQueryCache(PostgresQuery):
    """``PostgresQuery`` that also keeps the parse of statements too long for psycopg's cache."""

    __slots__ = ()

    def convert(self, query: Any, vars: Any) -> None:
        if (
            vars is not None
            and isinstance(query, str | bytes)
            and MAX_CACHED_STATEMENT_LENGTH < len(query) <= MAX_LONG_QUERY
        ):
            raw = query.encode(self._tx.encoding) if isinstance(query, str) else query
            self.query, self._want_formats, self._order, self._parts = _long_query2pg(
                raw, self._tx.encoding
            )
            self.dump(vars)
            return
        super().convert(query, vars)


class DescribedCursor(psycopg.Cursor[Any]):
    __slots__ = ()
    _query_cls = LongQueryCache

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
