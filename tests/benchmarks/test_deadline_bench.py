"""Benchmarks of the deadline side (run on demand: ``pytest -m benchmark tests/benchmarks``):
how long one sweep takes for many due acts, and the district's fan-out to 46 towns."""

from __future__ import annotations

import time
import tracemalloc
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from tests.benchmarks.test_engine_bench import _record
from tests.conftest import World, berlin
from tests.integration.test_decisions import send
from workflow.db import unit_of_work
from workflow.deadlines.sweep import sweep
from workflow.models import DeadlineAct, DecisionResponse, OutboxMessage
from workflow.services.meetings import create_meeting

pytestmark = pytest.mark.benchmark


def _count(world: World, model: type, *where: object) -> int:
    with Session(world.engine) as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(session.exec(query).one())


def test_sweep_of_many_due_acts(world: World) -> None:
    """1000 meetings of 2024 whose invitation deadlines all passed: one sweep acts on every
    reminder (skipped as stale), expiry and escalation and writes the outbox."""
    n = 1000
    with unit_of_work(world.engine) as session:
        for i in range(n):
            create_meeting(
                session=session,
                workflows=world.workflows,
                actor=world["ilsfeld.secretary"],
                now=berlin(date(2024, 1, 2)),
                body_id=world.body_id("Gemeinderat"),
                meeting_date=date(2024, 3, 5) + timedelta(days=i % 200),
            )
    due = _count(world, DeadlineAct, DeadlineAct.status == "pending")
    tracemalloc.start()
    started = time.perf_counter()
    sweeps, acted = 0, 0
    while _count(world, DeadlineAct, DeadlineAct.status == "pending") and sweeps < 10:
        report = sweep(
            engine=world.engine,
            workflows=world.workflows,
            now=berlin(date(2024, 12, 31)),
            mailer=None,
            base_url="https://rat.example",
            batch_size=50,
        )
        sweeps += 1
        acted += sum(report.acts.values())
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    outbox = _count(world, OutboxMessage)
    _record(
        f"Deadline sweep ({world.engine.dialect.name})",
        [
            f"- {n} meetings, {due} due acts (reminders, expiries, escalations), "
            f"{sweeps} sweeps (at most 50 batches of 50 acts each)",
            f"- {elapsed:.2f} s in all, {elapsed / due * 1000:.2f} ms per act; "
            f"{outbox} e-mails written to the outbox",
            f"- peak traced memory {peak / 1024:.0f} KiB",
        ],
    )
    assert _count(world, DeadlineAct, DeadlineAct.status == "pending") == 0
    assert acted > 0


def test_district_request_fan_out(world: World) -> None:
    """Sending one request to the 46 municipalities of Landkreis Heilbronn: responses,
    deadlines with their acts, notices, in one transaction."""
    started = time.perf_counter()
    request_id = send(world)
    elapsed = time.perf_counter() - started
    responses = _count(world, DecisionResponse, DecisionResponse.request_id == request_id)
    _record(
        f"District request to all municipalities ({world.engine.dialect.name})",
        [
            f"- create + send to {responses} municipalities in one transaction: "
            f"{elapsed * 1000:.0f} ms",
        ],
    )
    assert responses == 46
