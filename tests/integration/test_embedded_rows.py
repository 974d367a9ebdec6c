"""Rows carried as JSON in another query (workflow.embedded_rows, issue 14) come back as the
same values of the same types as the rows loaded by their own query, on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, select, update
from sqlmodel import Session, col

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_proposal
from workflow.embedded_rows import attach_json, rows_as_json
from workflow.models import ConsultationStep, CoSignature


def columns(row: Any) -> dict[str, tuple[type, Any]]:
    return {c.key: (type(getattr(row, c.key)), getattr(row, c.key)) for c in row.__table__.columns}


def test_carried_rows_equal_loaded_rows_in_value_and_type(world: World) -> None:
    pid = new_proposal(world)
    cosigners = {"cosigners": ["ilsfeld.head"]}
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9), data=cosigners)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10), comment="Gesehen")
    # Text columns of each kind set (sqlmodel's AutoString, Text), not only their NULLs.
    world.run(
        lambda s: s.execute(
            update(ConsultationStep)
            .where(col(ConsultationStep.proposal_id) == pid)
            .values(outcome="recommended", recommendation="Zustimmung empfohlen")
        )
    )
    dialect = world.engine.dialect.name
    for model in (ConsultationStep, CoSignature):
        with Session(world.engine) as session:
            loaded = session.scalars(select(model).where(col(model.proposal_id) == pid)).all()
            expected = sorted((columns(r) for r in loaded), key=lambda c: c["id"][1])
        carried_json = rows_as_json(model, model.proposal_id, literal(pid), dialect)
        with Session(world.engine) as session:
            carried = attach_json(session, model, session.scalar(select(carried_json)))
            got = sorted((columns(r) for r in carried), key=lambda c: c["id"][1])
            assert all(row in session and not session.is_modified(row) for row in carried)
        assert got == expected
        assert expected  # the plan's step, the signed co-signature
    signature = expected[0]
    assert signature["signed_at"][1] is not None
    assert signature["comment"][1] == "Gesehen"


def test_no_rows_is_an_empty_list(world: World) -> None:
    pid = new_proposal(world)
    dialect = world.engine.dialect.name
    carried_json = rows_as_json(CoSignature, CoSignature.proposal_id, literal(pid), dialect)
    with Session(world.engine) as session:
        assert attach_json(session, CoSignature, session.scalar(select(carried_json))) == []
