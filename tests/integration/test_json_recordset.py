"""Rows written as one JSON parameter (``workflow.embedded_rows.recordset``, PostgreSQL's
batch INSERTs of deadlines, acts, notices and e-mails) come back as the values they were:
dates, instants with their offset, NULL, quotes and umlauts, numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Column, Date, DateTime, Integer, Numeric, String, Text, select

from tests.conftest import World
from workflow.embedded_rows import json_param, recordset

COLUMNS: list[Column[Any]] = [
    Column("n", Integer),
    Column("label", String(40)),
    Column("body", Text),
    Column("due", Date),
    Column("at", DateTime(timezone=True)),
    Column("amount", Numeric(12, 2)),
]
NAMES = [c.name for c in COLUMNS]


def test_values_come_back_as_written(world: World) -> None:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("json_to_recordset is PostgreSQL's (SQLite writes rows as rows)")
    summer = timezone(timedelta(hours=2))
    rows: list[dict[str, Any]] = [
        {
            "n": 1,
            "label": 'Frist "Mitzeichnung" – Bürgermeister',
            "body": "Zeile 1\nZeile 2\\",
            "due": date(2026, 12, 24),
            "at": datetime(2026, 7, 1, 9, 30, tzinfo=summer),
            "amount": Decimal("1234.50"),
        },
        {"n": 2, "label": None, "body": "", "due": None, "at": None, "amount": None},
    ]
    table = recordset("rows", COLUMNS, "r")
    with world.engine.connect() as conn:
        back = conn.execute(
            select(*table.c).order_by(table.c.n), {"rows": json_param(rows, NAMES)}
        ).all()
    assert [tuple(row) for row in back] == [tuple(row[n] for n in NAMES) for row in rows]
    assert back[0].at == datetime(2026, 7, 1, 7, 30, tzinfo=UTC)  # the same instant
    with world.engine.connect() as conn:
        assert conn.execute(select(*table.c), {"rows": json_param([], NAMES)}).all() == []


def test_a_value_json_cannot_carry_is_refused() -> None:
    with pytest.raises(TypeError, match="set is not a column value"):
        json_param([{"n": {1}}], ["n"])
