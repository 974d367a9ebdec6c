"""The sweep wakes at the next due instant, and on PostgreSQL when a nearer act is announced
(LISTEN/NOTIFY), not at a fixed poll (issue 14). Real clock, real scheduler; the bounds are
generous (behaviour, not a benchmark): the poll is five minutes, the waits ten seconds."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_meeting, new_proposal
from tests.integration.test_statement_budget import counted
from workflow.db import unit_of_work
from workflow.deadlines.acts import NOTIFY_CHANNEL, NOTIFY_HORIZON, add_acts
from workflow.deadlines.scheduler import SweepScheduler
from workflow.models import Deadline, DeadlineAct, OutboxMessage
from workflow.settings import Settings

LONG_POLL = timedelta(minutes=5)


def overdue_deadline(world: World) -> int:
    """A missed invitation deadline of a meeting: its escalations go to the mayor."""
    meeting_id = new_meeting(world)
    with unit_of_work(world.engine) as session:
        deadline = Deadline(
            instance_type="meeting",
            instance_id=meeting_id,
            municipality_id=world.data.ilsfeld.municipality.id,
            rule="invitation",
            label="Einladung mit Tagesordnung",
            due_date=date(2024, 4, 16),
            status="missed",
            opened_seq=99,
        )
        session.add(deadline)
        session.flush()
        return deadline.id or 0


def escalate_in(world: World, deadline_id: int, key: str, seconds: float) -> datetime:
    """Write an escalation act due ``seconds`` from now, as the engine writes acts."""
    now = datetime.now(UTC)
    due = now + timedelta(seconds=seconds)
    with unit_of_work(world.engine) as session:
        act = DeadlineAct(deadline_id=deadline_id, kind="escalation", due_at=due, key=key)
        add_acts(session, [act], now=now)
    return due


def outbox_at(world: World, key: str, within: float) -> float | None:
    """Seconds until the act's e-mail is in the outbox, or None after ``within``."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        with Session(world.engine) as session:
            found = session.exec(
                select(OutboxMessage.id).where(col(OutboxMessage.key).startswith(f"{key}:"))
            ).first()
        if found is not None:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def scheduler(world: World, *, listen: bool = True) -> SweepScheduler:
    return SweepScheduler(
        engine=world.engine,
        workflows=world.workflows,
        settings=Settings(base_url="https://rat.example"),
        interval=LONG_POLL,
        listen=listen,
    )


def settled(sweeps: SweepScheduler) -> None:
    """Wait until the first sweep has run (the test's old acts done) and the scheduler
    sleeps until its poll."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        planned = sweeps.next_run_at
        if sweeps.last_sweep_at is not None and planned is not None:
            if planned - datetime.now(UTC) > timedelta(minutes=4):
                return
        time.sleep(0.05)
    raise AssertionError(f"scheduler did not settle: next run {sweeps.next_run_at}")


def test_the_sweep_wakes_at_the_next_due_instant(world: World) -> None:
    """An act due in two seconds when the scheduler starts: the sweep plans its next run at
    that instant, not after the five-minute poll."""
    deadline_id = overdue_deadline(world)
    due = escalate_in(world, deadline_id, "test:due-soon", 2)
    sweeps = scheduler(world, listen=False)
    sweeps.start()
    try:
        waited = outbox_at(world, "test:due-soon", within=10)
        found_at = datetime.now(UTC)
    finally:
        sweeps.shutdown()
    assert waited is not None, "the act due in 2 s did not reach the outbox within 10 s"
    assert found_at >= due  # acted on at its instant, not before
    assert sweeps.notified == 0  # no NOTIFY involved: the planned wake-up did it


def test_a_nearer_act_wakes_the_sleeping_sweep_by_notify(world: World) -> None:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite has one process to wake")
    deadline_id = overdue_deadline(world)
    sweeps = scheduler(world)
    sweeps.start()
    try:
        assert sweeps.wait_listening(10)
        settled(sweeps)  # nothing due: the next run is the poll, minutes away
        due = escalate_in(world, deadline_id, "test:announced", 1)
        waited = outbox_at(world, "test:announced", within=10)
        late = datetime.now(UTC) - due
    finally:
        sweeps.shutdown()
    assert waited is not None, "the announced act did not reach the outbox within 10 s"
    assert sweeps.notified >= 1
    assert late < timedelta(seconds=5)
    with Session(world.engine) as session:
        act = session.exec(select(DeadlineAct).where(DeadlineAct.key == "test:announced")).one()
    assert (act.status, act.note) == ("done", "1 Empfänger")


def test_a_firing_announces_acts_due_at_once_with_its_update(world: World) -> None:
    """A Vorlage submitted after the meeting its co-signing deadline is anchored on: the
    deadline opens overdue, its acts are due at once, and the NOTIFY that wakes the sweeps
    rides on the firing's versioned UPDATE (no statement of its own) and is delivered at
    commit, with the earliest act's instant."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    import psycopg

    url = world.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    pid = new_proposal(world)
    now = berlin(DAY + timedelta(days=60), 9)
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        with counted(world) as seen:
            world.fire(
                "proposal",
                pid,
                "submit",
                "ilsfeld.clerk",
                now,
                data={"cosigners": ["ilsfeld.head"]},
            )
        heard = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
    assert not [s for s in seen if s.lstrip().upper().startswith("SELECT PG_NOTIFY")]
    assert any("pg_notify" in s for s in seen)  # in the riding statement
    with Session(world.engine) as session:
        first_due = session.exec(
            select(func.min(DeadlineAct.due_at))
            .join(Deadline, col(Deadline.id) == DeadlineAct.deadline_id)
            .where(Deadline.instance_id == pid, Deadline.instance_type == "proposal")
        ).one()
    assert first_due is not None
    assert first_due - now <= NOTIFY_HORIZON
    assert [datetime.fromisoformat(payload) for payload in heard] == [first_due]


def test_acts_far_ahead_are_not_announced(world: World) -> None:
    """Only acts within the horizon NOTIFY: a transition opening deadlines days ahead (the
    usual case) costs no statement and wakes nobody."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    deadline_id = overdue_deadline(world)
    sweeps = scheduler(world)
    sweeps.start()
    try:
        assert sweeps.wait_listening(10)
        settled(sweeps)
        escalate_in(world, deadline_id, "test:far", 3 * 3600)
        time.sleep(1.5)
        assert sweeps.notified == 0
        planned = sweeps.next_run_at
    finally:
        sweeps.shutdown()
    assert planned is not None
    assert planned - datetime.now(UTC) > timedelta(minutes=3)
