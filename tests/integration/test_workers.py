"""Proof of scale-out: three worker processes on one PostgreSQL, one killed mid-sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from tests.conftest import REPO, World, berlin
from tests.smtp import smtp_server
from workflow.db import unit_of_work
from workflow.models import DeadlineAct, OutboxMessage
from workflow.services.meetings import create_meeting

MEETINGS = 120  # each: reminder to mayor + secretary, escalation to the mayor = 3 e-mails


def spawn_worker(database_url: str, smtp_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RATSFLOW_DATABASE_URL": database_url,
        "RATSFLOW_SMTP_URL": smtp_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "workflow.cli", "worker", "--interval", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def pending(engine: Engine) -> int:
    with Session(engine) as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            ).one()
        )


def test_three_workers_one_killed_every_reminder_once(world: World) -> None:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("scale-out proof runs on PostgreSQL (SQLite has one writer by design)")
    body_id = world.body_id("Gemeinderat")
    with unit_of_work(world.engine) as session:
        for i in range(MEETINGS):  # meetings of 2024: every reminder and escalation is due now
            create_meeting(
                session=session,
                workflows=world.workflows,
                actor=world["ilsfeld.secretary"],
                now=berlin(date(2024, 1, 2)),
                body_id=body_id,
                meeting_date=date(2024, 3, 5) + timedelta(days=i),
            )
    url = world.engine.url.render_as_string(hide_password=False)
    with smtp_server() as (smtp_url, inbox):
        inbox.delay = 0.01  # keeps the sweep busy long enough to be killed in the middle
        workers = [spawn_worker(url, smtp_url) for _ in range(3)]
        try:
            victim = workers[0]
            deadline = time.monotonic() + 60
            while len(inbox.messages) < 40 and time.monotonic() < deadline:
                time.sleep(0.02)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            expected = 3 * MEETINGS
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                if len(set(inbox.keys())) >= expected and pending(world.engine) == 0:
                    break
                time.sleep(0.2)
        finally:
            for worker in workers[1:]:
                worker.send_signal(signal.SIGTERM)
            for worker in workers[1:]:
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
        keys = inbox.keys()
    assert victim.returncode == -signal.SIGKILL
    with Session(world.engine) as session:
        sent = session.exec(select(OutboxMessage.key).where(OutboxMessage.status == "sent")).all()
        acts_left = session.exec(
            select(func.count())
            .select_from(DeadlineAct)
            .where(DeadlineAct.status == "pending", DeadlineAct.kind != "expiry")
        ).one()
    assert len(set(keys)) == 3 * MEETINGS  # every reminder and escalation arrived
    assert set(keys) == set(sent)
    duplicates = {k: n for k, n in Counter(keys).items() if n > 1}
    # Only the one e-mail in flight when SIGKILL struck can arrive twice (accepted by the
    # SMTP server, not yet committed); DESIGN.md accepts that window, with one Message-ID.
    assert len(duplicates) <= 1, duplicates
    assert acts_left == 0
