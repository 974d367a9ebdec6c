"""Deadlines that act: reminders, expiry actions, escalation, e-mail with retries."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import ColumnElement
from sqlmodel import Session, SQLModel, select

from tests.conftest import World, berlin, known
from tests.integration.flow import (
    DAY,
    adopted,
    new_meeting,
    released,
    scheduled,
)
from tests.smtp import Inbox, smtp_server
from workflow import audit
from workflow.deadlines.mail import SmtpMailer, message_id
from workflow.deadlines.scheduler import SweepScheduler
from workflow.deadlines.sweep import SweepReport, sweep
from workflow.errors import DeadlineNotWaivable, RoleRefused
from workflow.models import AuditEvent, Deadline, DeadlineAct, Notification, OutboxMessage, Proposal
from workflow.services import outbox
from workflow.services.deadline_service import (
    list_deadlines,
    reschedule_meeting,
    waive_deadline,
)
from workflow.settings import Settings


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as server:
        yield server


def run_sweep(world: World, now: datetime, url: str | None = None) -> SweepReport:
    return sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=now,
        mailer=SmtpMailer(url) if url else None,
        base_url="https://rat.example",
    )


M = TypeVar("M", bound=SQLModel)


def rows(world: World, model: type[M], *where: ColumnElement[bool] | bool) -> list[M]:
    with Session(world.engine) as session:
        return list(session.exec(select(model).where(*where)))


def test_reminder_goes_out_once_at_its_instant(world: World, smtp: tuple[str, Inbox]) -> None:
    url, inbox = smtp
    mid = new_meeting(world)  # invitation due 16.04.2024, reminder P3D before → 13.04. 07:00
    early = run_sweep(world, berlin(date(2024, 4, 13), 6, 59), url)
    assert early.acts == {}
    assert early.next_due == berlin(date(2024, 4, 13), 7).astimezone(early.next_due.tzinfo)  # type: ignore[union-attr]
    report = run_sweep(world, berlin(date(2024, 4, 13), 7, 1), url)
    assert report.acts == {"reminder": 1}
    assert report.sent == 2  # mayor and secretary of Ilsfeld
    assert sorted(m["To"] for m in inbox.messages) == [
        "ilsfeld.mayor@example.org",
        "ilsfeld.secretary@example.org",
    ]
    mail = inbox.messages[0]
    assert mail["Subject"].startswith("Erinnerung: Einladung mit Tagesordnung")
    assert "16.04.2024" in mail["Subject"]
    assert "Sitzung des Gemeinderats am 23.04.2024" in mail.get_content()
    assert f"https://rat.example/sitzungen/{mid}" in mail.get_content()
    # Three days before: the reminder says how near the day is (the next one: "morgen").
    assert "läuft in 3 Tagen, am 16.04.2024, ab." in mail.get_content()
    assert "Sitzungstag: Di, 23.04.2024;" in mail.get_content()  # the anchor by its name
    assert mail["Message-ID"] == message_id(mail["X-Ratsflow-Key"])
    again = run_sweep(world, berlin(date(2024, 4, 13), 8), url)
    assert (again.acts, again.sent, len(inbox.messages)) == ({}, 0, 2)
    inbox_rows = rows(world, Notification)
    assert len(inbox_rows) == 2
    assert {n.title for n in inbox_rows} == {
        " ".join(str(m["Subject"]).split()) for m in inbox.messages
    }


def test_objection_week_expiry_fires_finalize_as_system(world: World) -> None:
    pid, _, _ = adopted(world)
    before = run_sweep(world, berlin(date(2024, 4, 30), 23, 59))
    assert before.fired == []
    assert world.get(Proposal, pid).state == "decided"
    report = run_sweep(world, berlin(date(2024, 5, 1), 0, 1))
    assert report.fired == [f"proposal {pid}: finalize → final"]
    assert world.get(Proposal, pid).state == "final"
    [event] = rows(world, AuditEvent, AuditEvent.trigger == "finalize")
    assert (event.actor, event.data["deadline_rule"]) == ("system", "objection_window")
    statuses = {d.rule: d.status for d in rows(world, Deadline, Deadline.instance_id == pid)}
    assert statuses["objection_window"] == "elapsed"
    assert statuses["publication"] == "missed"  # nobody published within the week
    assert run_sweep(world, berlin(date(2024, 5, 1), 0, 2)).fired == []  # exactly once


def test_missed_deadline_escalates_until_done(world: World, smtp: tuple[str, Inbox]) -> None:
    url, inbox = smtp
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    run_sweep(world, berlin(date(2024, 4, 17), 0, 5), url)
    [invitation] = rows(world, Deadline, Deadline.rule == "invitation")
    assert invitation.status == "missed"
    report = run_sweep(world, berlin(date(2024, 4, 17), 7, 5), url)
    assert report.acts == {"escalation": 1}
    assert [m["To"] for m in inbox.messages if "überschritten" in m["Subject"]] == [
        "ilsfeld.mayor@example.org"
    ]
    world.fire(
        "meeting",
        mid,
        "invite",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 17), 9),
        data={"late_reason": "Unterlagen des Landratsamts kamen verspätet"},
    )
    [invitation] = rows(world, Deadline, Deadline.rule == "invitation")
    assert (invitation.status, invitation.closed_at is not None) == ("missed", True)
    assert (
        rows(
            world,
            DeadlineAct,
            DeadlineAct.status == "pending",
            DeadlineAct.deadline_id == invitation.id,
        )
        == []
    )


def test_failing_smtp_retries_with_backoff_then_dead_letter(
    world: World, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    inbox.fail = True
    new_meeting(world)
    now = berlin(date(2024, 4, 13), 7, 1)
    report = run_sweep(world, now, url)
    assert (report.sent, report.send_failures) == (0, 2)
    [first, _] = rows(world, OutboxMessage)
    assert first.status == "pending"
    assert first.next_attempt_at > now
    for minutes in (1, 2, 4, 8, 16):
        now += timedelta(minutes=minutes, seconds=1)
        run_sweep(world, now, url)
    dead = rows(world, OutboxMessage, OutboxMessage.status == "dead")
    assert len(dead) == 2
    assert all(m.attempts == 5 and "451" in (m.last_error or "") for m in dead)
    listed = world.run(
        lambda s: outbox.list_messages(session=s, actor=world["admin"], status="dead")
    )
    assert len(listed) == 2
    inbox.fail = False
    assert run_sweep(world, now + timedelta(hours=1), url).sent == 0  # dead stays dead


def test_rescheduled_meeting_moves_deadline_and_reminders(world: World) -> None:
    mid = new_meeting(world)
    world.run(
        lambda s: reschedule_meeting(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 9),
            meeting_id=mid,
            meeting_date=date(2024, 4, 30),
            reason="Saal belegt",
        )
    )
    [invitation] = rows(world, Deadline, Deadline.rule == "invitation")
    assert invitation.due_date == date(2024, 4, 23)
    pending = rows(world, DeadlineAct, DeadlineAct.status == "pending")
    assert sorted(
        a.due_at.astimezone(berlin(DAY).tzinfo).date() for a in pending if a.kind == "reminder"
    ) == [date(2024, 4, 20)]
    skipped = rows(world, DeadlineAct, DeadlineAct.status == "skipped")
    assert {a.kind for a in skipped} == {"reminder", "expiry", "escalation"}
    assert run_sweep(world, berlin(date(2024, 4, 17), 8)).acts == {}  # the old instants are void


def test_waived_deadline_stops_acting_and_is_audited(world: World) -> None:
    mid = new_meeting(world)
    [invitation] = rows(world, Deadline, Deadline.rule == "invitation")
    with pytest.raises(RoleRefused) as refused:
        world.run(
            lambda s: waive_deadline(
                session=s,
                workflows=world.workflows,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY),
                deadline_id=known(invitation.id),
                reason="x",
            )
        )
    assert "waive_deadline" in str(refused.value)
    world.run(
        lambda s: waive_deadline(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.mayor"],
            now=berlin(DAY),
            deadline_id=known(invitation.id),
            reason="Sitzung im Einvernehmen aller Mitglieder",
        )
    )
    listed = world.run(
        lambda s: list_deadlines(
            session=s, workflows=world.workflows, actor=world["ilsfeld.mayor"], status="waived"
        )
    )
    assert [d.waived_reason for d in listed] == ["Sitzung im Einvernehmen aller Mitglieder"]
    assert (
        world.run(
            lambda s: list_deadlines(
                session=s, workflows=world.workflows, actor=world["flein.clerk"]
            )
        )
        == []
    )
    assert run_sweep(world, berlin(date(2024, 4, 20))).acts == {}
    with Session(world.engine) as session:
        assert audit.history(session, "meeting", mid)[-1].trigger == "waive_deadline"


def test_statutory_objection_week_cannot_be_waived(world: World) -> None:
    """Only soft rules may be waived: the objection week (§ 43 Abs. 2 GemO) is a must."""
    pid, _, _ = adopted(world)
    [window] = rows(world, Deadline, Deadline.rule == "objection_window")
    acts_before = {
        (a.kind, a.status) for a in rows(world, DeadlineAct, DeadlineAct.deadline_id == window.id)
    }
    for user in ("ilsfeld.mayor", "ilsfeld.secretary"):

        def waive(s: Session, user: str = user) -> Deadline:
            return waive_deadline(
                session=s,
                workflows=world.workflows,
                actor=world[user],
                now=berlin(date(2024, 4, 24)),
                deadline_id=known(window.id),
                reason="Kein Widerspruch beabsichtigt",
            )

        with pytest.raises(DeadlineNotWaivable) as refused:
            world.run(waive)
        assert "Widerspruchsfrist der Bürgermeisterin" in refused.value.message
        assert "§ 43 Abs. 2 GemO" in refused.value.message
    [after] = rows(world, Deadline, Deadline.id == window.id)
    assert (after.status, after.closed_at, after.waived_reason) == ("open", None, None)
    acts = rows(world, DeadlineAct, DeadlineAct.deadline_id == window.id)
    assert {(a.kind, a.status) for a in acts} == acts_before
    assert {a.status for a in acts} == {"pending"}
    assert "expiry" in {a.kind for a in acts}
    assert rows(world, AuditEvent, AuditEvent.trigger == "waive_deadline") == []
    # the week still ends by itself: the sweep finalizes the resolution
    run_sweep(world, berlin(date(2024, 5, 1), 0, 1))
    assert world.get(Proposal, pid).state == "final"


def test_scheduler_sweeps_with_an_injected_clock(world: World, smtp: tuple[str, Inbox]) -> None:
    url, inbox = smtp
    new_meeting(world)
    scheduler = SweepScheduler(
        engine=world.engine,
        workflows=world.workflows,
        settings=Settings(smtp_url=url, base_url="https://rat.example"),
        clock=lambda: berlin(date(2024, 4, 13), 7, 30),
        interval=timedelta(seconds=30),
    )
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while len(inbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scheduler.alive
    finally:
        scheduler.shutdown()
    assert len(inbox.messages) == 2
    assert not scheduler.alive
    assert scheduler.last_report is not None
    assert scheduler.last_report.acts == {"reminder": 1}


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [(None, "http://127.0.0.1:8800/"), ("https://rat.example", "https://rat.example/")],
)
def test_sweep_links_point_where_the_app_is_served(
    world: World, base_url: str | None, expected: str
) -> None:
    """Without RATSFLOW_BASE_URL the reminders the in-process sweep writes link to the
    address ``serve`` listens on, not to the default port; the setting still wins."""
    new_meeting(world)
    scheduler = SweepScheduler(
        engine=world.engine,
        workflows=world.workflows,
        settings=Settings(base_url=base_url),
        clock=lambda: berlin(date(2024, 4, 13), 7, 30),
        served_url="http://127.0.0.1:8800",
        listen=False,
    )
    report = scheduler.run_once()
    assert report is not None
    assert report.acts == {"reminder": 1}
    bodies = world.run(lambda s: [m.body for m in s.exec(select(OutboxMessage)).all()])
    assert bodies
    assert all(expected in body for body in bodies)
    assert not any("127.0.0.1:8000" in body for body in bodies)


def test_without_a_mailer_the_outbox_does_not_wake_the_sweep(world: World) -> None:
    """A process without SMTP cannot deliver: it must not re-arm itself every second for
    e-mails only another process can send; its next wake-up is the next deadline act."""
    now = berlin(DAY, 12)
    world.run(
        lambda s: s.add(
            OutboxMessage(
                key="test:undeliverable",
                to_address="ilsfeld.mayor@example.org",
                subject="Erinnerung",
                body="Text",
                next_attempt_at=now - timedelta(hours=1),
            )
        )
    )
    assert run_sweep(world, now).next_due is None
    new_meeting(world)  # opens the invitation deadline with its reminder and escalation
    acts = rows(world, DeadlineAct, DeadlineAct.status == "pending")
    first = min(a.due_at for a in acts)
    assert run_sweep(world, now).next_due == first
