"""The sweep claims and acts in batches (issue 14): each due act once whatever the number of
sweeps running, a broken act does not stall its batch, every query reads its index."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, func, select

from tests.conftest import World, berlin, known
from tests.integration.flow import (
    adopted,
    new_meeting,
)
from workflow.db import unit_of_work
from workflow.deadlines.sweep import SweepReport, claim_due, next_due, sweep
from workflow.models import Deadline, DeadlineAct, Notification, OutboxMessage
from workflow.services.meetings import create_meeting

LATE = berlin(date(2024, 12, 31))


def meetings_of_2024(world: World, n: int) -> None:
    """``n`` meetings whose invitation deadlines have all passed by ``LATE``: per meeting a
    stale reminder (skipped), the expiry and an escalation to the mayor (one e-mail)."""
    with unit_of_work(world.engine) as session:
        for i in range(n):
            create_meeting(
                session=session,
                workflows=world.workflows,
                actor=world["ilsfeld.secretary"],
                now=berlin(date(2024, 1, 2)),
                body_id=world.body_id("Gemeinderat"),
                meeting_date=date(2024, 3, 5) + timedelta(days=i),
            )


def count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(session.exec(query).one())


def run(world: World, now: datetime, batch_size: int = 50) -> SweepReport:
    return sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=now,
        mailer=None,
        base_url="https://rat.example",
        batch_size=batch_size,
    )


def test_two_sweeps_at_once_act_on_every_act_exactly_once(world: World) -> None:
    n = 40
    meetings_of_2024(world, n)
    acts = count(world.engine, DeadlineAct, DeadlineAct.status == "pending")
    reports: list[SweepReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            reports.append(run(world, LATE, batch_size=5))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(reports) == 2
    assert sum(r.failed_acts for r in reports) == 0
    assert count(world.engine, DeadlineAct, DeadlineAct.status == "pending") == 0
    done = count(world.engine, DeadlineAct, DeadlineAct.status == "done")
    skipped = count(world.engine, DeadlineAct, DeadlineAct.status == "skipped")
    assert done + skipped == acts
    # every act counted by exactly one of the two sweeps
    acted = {kind: sum(r.acts.get(kind, 0) for r in reports) for kind in ("expiry", "escalation")}
    assert acted == {"expiry": n, "escalation": n}
    assert done == 2 * n
    assert skipped == n  # the reminders, stale by December
    # one notice and one e-mail per escalation (the mayor), none twice (unique keys)
    deadline_notices = col(Notification.key).startswith("deadline:")
    assert count(world.engine, Notification, deadline_notices) == n
    assert count(world.engine, OutboxMessage, col(OutboxMessage.key).startswith("deadline:")) == n
    with Session(world.engine) as session:
        notes = set(session.exec(select(DeadlineAct.note).where(DeadlineAct.kind == "escalation")))
        stamps = set(session.exec(select(DeadlineAct.done_at)))
    assert notes == {"1 Empfänger"}
    assert stamps == {LATE}


def test_a_broken_act_does_not_stall_its_batch(world: World) -> None:
    meetings_of_2024(world, 3)
    meeting_id = new_meeting(world)  # a fourth meeting, its acts due by December too
    with unit_of_work(world.engine) as session:
        broken = Deadline(
            instance_type="meeting",
            instance_id=meeting_id,
            rule="no_such_rule",  # the definition knows no such rule: the act raises
            label="Kaputt",
            due_date=date(2024, 4, 1),
            opened_seq=1,
        )
        session.add(broken)
        session.flush()
        session.add(
            DeadlineAct(
                deadline_id=broken.id or 0,
                kind="escalation",
                due_at=berlin(date(2024, 4, 2), 7),
                key="test:broken",
            )
        )
    report = run(world, LATE)
    assert report.failed_acts == 1
    assert report.acts == {"expiry": 4, "escalation": 4}
    with Session(world.engine) as session:
        act = session.exec(select(DeadlineAct).where(DeadlineAct.key == "test:broken")).one()
    assert (act.status, act.attempts) == ("pending", 1)
    assert (act.note or "").startswith("KeyError")
    assert act.due_at == LATE + timedelta(minutes=5)
    assert count(world.engine, OutboxMessage, col(OutboxMessage.key).startswith("deadline:")) == 4


def test_an_expiry_that_fires_a_transition_is_recorded_as_done(world: World) -> None:
    """The objection week's expiry finalizes the resolution (§ 43 Abs. 2 GemO); the
    transition closes the deadline and voids its pending acts, the expiry act among them,
    which still ends as done with the transition in its note."""
    pid, _, _ = adopted(world)
    [window] = [
        d
        for d in world.run(lambda s: list(s.exec(select(Deadline))))
        if d.rule == "objection_window"
    ]
    report = run(world, berlin(date(2024, 5, 1), 0, 1))
    assert report.fired == [f"proposal {pid}: finalize → final"]
    with Session(world.engine) as session:
        [expiry] = session.exec(
            select(DeadlineAct).where(
                DeadlineAct.deadline_id == window.id, DeadlineAct.kind == "expiry"
            )
        ).all()
    assert (expiry.status, expiry.note) == ("done", "finalize → final")


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan(engine: Engine, statement: str, parameters: Any) -> str:
    """The query plan of a captured statement; on PostgreSQL with sequential scans off, so
    that a small test table shows whether the index can serve the query at all."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            conn.exec_driver_sql("RESET enable_seqscan")
            return "\n".join(str(r[0]) for r in rows)
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(str(r[-1]) for r in rows)


def test_claim_and_next_due_read_the_partial_indexes(world: World) -> None:
    meetings_of_2024(world, 2)
    with statements(world.engine) as seen:
        with unit_of_work(world.engine) as session:
            assert len(claim_due(session, LATE, 10)) == 6
        next_due(world.engine)
    claim = next(s for s in seen if "FROM deadlineact" in s[0] and "LIMIT" in s[0])
    minimum = next(s for s in seen if "min(deadlineact.due_at)" in s[0])
    outbox = next(s for s in seen if "min(outboxmessage.next_attempt_at)" in s[0])
    assert "ix_deadlineact_pending_due" in plan(world.engine, *claim)
    assert "ix_deadlineact_pending_due" in plan(world.engine, *minimum)
    # SQLite without statistics prefers the outbox's status index there (kept for the
    # outbox lists); PostgreSQL reads the partial one.
    outbox_plan = plan(world.engine, *outbox)
    if world.engine.dialect.name == "postgresql":
        assert "ix_outboxmessage_pending_next" in outbox_plan
    else:
        assert "USING INDEX ix_outboxmessage_" in outbox_plan


def test_claimed_acts_are_skipped_by_a_second_claim(world: World) -> None:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer (BEGIN IMMEDIATE)")
    meetings_of_2024(world, 4)
    with unit_of_work(world.engine) as first, unit_of_work(world.engine) as second:
        mine = claim_due(first, LATE, 5)
        theirs = claim_due(second, LATE, 50)
        assert len(mine) == 5
        assert len(theirs) == 12 - 5
        assert not {a.id for a in mine} & {a.id for a in theirs}
    with Session(world.engine) as session:
        assert session.exec(select(func.count(col(DeadlineAct.id)))).one() == 12


def test_a_notice_written_before_is_not_written_again_nor_mailed(world: World) -> None:
    """A batch whose notice key exists already (``INSERT … ON CONFLICT DO NOTHING``): that
    act writes neither notice nor e-mail again, the batch's other acts write theirs."""
    meetings_of_2024(world, 3)
    mayor = world.data.users["ilsfeld.mayor"]
    with Session(world.engine) as session:
        first = session.exec(
            select(DeadlineAct)
            .where(DeadlineAct.kind == "escalation")
            .order_by(col(DeadlineAct.due_at), col(DeadlineAct.id))
        ).first()
    assert first is not None
    key = f"{first.key}:user:{mayor.id}"
    with unit_of_work(world.engine) as session:
        session.add(
            Notification(key=key, user_id=mayor.id or 0, kind="escalation", title="x", body="x")
        )
    report = run(world, LATE)
    assert report.failed_acts == 0
    assert report.acts == {"expiry": 3, "escalation": 3}
    assert count(world.engine, Notification, Notification.key == key) == 1
    assert count(world.engine, OutboxMessage, OutboxMessage.key == key) == 0
    assert count(world.engine, OutboxMessage, col(OutboxMessage.key).startswith("deadline:")) == 2
    with Session(world.engine) as session:
        notes = sorted(
            known(note)
            for note in session.exec(
                select(col(DeadlineAct.note)).where(DeadlineAct.kind == "escalation")
            )
        )
    assert notes == ["0 Empfänger", "1 Empfänger", "1 Empfänger"]


def test_send_to_writes_each_key_once(world: World) -> None:
    from workflow.deadlines.notify import Message, send_to

    users = [world.data.users["ilsfeld.mayor"], world.data.users["ilsfeld.clerk"]]
    message = Message("reminder", "Betreff", "Text", None, None, None)

    def send(who: list[Any]) -> int:
        with unit_of_work(world.engine) as session:
            return send_to(session, key_prefix="test:once", users=who, message=message, now=LATE)

    assert send(users[:1] * 2) == 1  # the same user twice: one notice
    assert send(users) == 1  # only the clerk is new
    assert send(users) == 0
    assert count(world.engine, Notification, col(Notification.key).startswith("test:once:")) == 2
    mails = count(world.engine, OutboxMessage, col(OutboxMessage.key).startswith("test:once:"))
    assert mails == sum(1 for u in users if u.email and "deadline" not in (u.mail_off or []))
