"""``workflow.db.new_row`` builds what the model's constructor builds (defaults, factories,
the fields set), and such a row is written by a flush like any other."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.conftest import World
from workflow.models import AuditEvent, Deadline
from workflow.new_rows import new_row


def _values() -> dict[str, Any]:
    return {
        "instance_type": "proposal",
        "instance_id": 1,
        "municipality_id": 1,
        "rule": "probe",
        "label": "Probe",
        "due_date": date(2026, 12, 24),
        "opened_seq": 1,
        "opened_at": datetime(2026, 12, 4, 9, tzinfo=UTC),
    }


def test_fields_and_defaults_as_the_constructor_sets_them() -> None:
    built, constructed = new_row(Deadline, **_values()), Deadline(**_values())
    assert built.model_dump() == constructed.model_dump()
    assert built.status == "open"  # a default the constructor fills too
    assert built.model_fields_set == constructed.model_fields_set
    first, second = new_row(AuditEvent, instance_type="x"), new_row(AuditEvent, instance_type="y")
    assert first.data == {}
    assert first.data is not second.data


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="Deadline has no field due"):
        new_row(Deadline, due=date(2026, 12, 24))


def test_a_flush_writes_the_row(world: World) -> None:
    municipality_id = world.data.ilsfeld.municipality.id
    with Session(world.engine) as session:
        row = new_row(Deadline, **{**_values(), "municipality_id": municipality_id})
        session.add(row)
        session.commit()
        assert row.id is not None
    with Session(world.engine) as session:
        stored = session.exec(select(Deadline).where(Deadline.rule == "probe")).one()
        assert (stored.due_date, stored.status, stored.label) == (
            date(2026, 12, 24),
            "open",
            "Probe",
        )
