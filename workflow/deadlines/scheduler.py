"""APScheduler wiring only: one sweep job per process, woken at the next due instant.

Jobs live in a per-process memory store (never a shared job store: LIBRARIES.md §2); the
database holds the deadlines, so any number of processes may run this side by side.

After each sweep the one job is set to the next due instant (``sweep.next_due``), at the
latest after ``interval`` (the poll that also catches acts written by other processes). On
PostgreSQL a background thread LISTENs on ``ratsflow_deadlines``: a transaction that writes
an act due within the horizon NOTIFYs its instant (``acts.wake_sweeps``), and the job moves
forward to it, so a nearer deadline does not wait for the poll.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from workflow.clock import Clock, system_clock
from workflow.deadlines.acts import NOTIFY_CHANNEL, NOTIFY_HORIZON
from workflow.deadlines.mail import Mailer, SmtpMailer
from workflow.deadlines.sweep import SweepReport, sweep
from workflow.definitions.machines import Workflows
from workflow.files import FileStore
from workflow.settings import Settings

logger = logging.getLogger(__name__)

MIN_DELAY = timedelta(milliseconds=100)  # more work due at once: sweep again right away
LISTEN_RETRY = 5.0  # seconds before reconnecting a lost LISTEN connection


class SweepScheduler:
    """Runs ``sweep`` at the next due instant, at least every ``interval`` (at most the
    notification horizon), and, on PostgreSQL, when a nearer act is announced."""

    def __init__(
        self,
        *,
        engine: Engine,
        workflows: Workflows,
        settings: Settings,
        clock: Clock = system_clock,
        mailer: Mailer | None = None,
        interval: timedelta = timedelta(minutes=1),
        listen: bool = True,
        served_url: str | None = None,
    ) -> None:
        self.engine = engine
        # Links in what the sweep writes: RATSFLOW_BASE_URL, else where the process serving
        # the app listens (``serve``), else the default (a worker process serves nothing).
        self.served_url = served_url
        self.workflows = workflows
        self.settings = settings
        self.clock = clock
        self.mailer = mailer or (SmtpMailer(settings.smtp_url) if settings.smtp_url else None)
        # Acts further ahead than the horizon are not announced: poll at least that often.
        self.interval = min(interval, NOTIFY_HORIZON)
        self.listen = listen and engine.dialect.name == "postgresql"
        self.last_sweep_at: datetime | None = None
        self.last_report: SweepReport | None = None
        self.notified = 0  # wake-ups announced by NOTIFY (reported by the benchmark, tests)
        self._lock = threading.Lock()  # one sweep at a time in this process
        self._wake = threading.Lock()  # guards _sweeping and _announced
        self._sweeping = False
        self._announced: datetime | None = None  # the nearest instant NOTIFYed mid-sweep
        self._plan = threading.RLock()  # guards _job
        self._job: Job | None = None
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._listener: threading.Thread | None = None
        self._scheduler = BackgroundScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )

    def start(self) -> None:
        self._stop.clear()
        self._scheduler.start()
        self._schedule(datetime.now(UTC))
        if self.listen:
            self._listener = threading.Thread(
                target=self._listen, name="deadline-listen", daemon=True
            )
            self._listener.start()
        logger.info("deadline sweep started (poll at most every %s)", self.interval)

    def shutdown(self) -> None:
        self._stop.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        if self._listener is not None:
            self._listener.join(timeout=5)
            self._listener = None

    def wait_listening(self, timeout: float) -> bool:
        """True once the LISTEN connection is up (tests, the benchmark)."""
        return self._listening.wait(timeout)

    @property
    def alive(self) -> bool:
        """Running, and (once it has swept) not stalled for more than two intervals."""
        if not self._scheduler.running:
            return False
        if self.last_sweep_at is None:
            return True
        return self.clock() - self.last_sweep_at < 2 * self.interval + timedelta(seconds=30)

    @property
    def next_run_at(self) -> datetime | None:
        """When the planned sweep runs (None while one runs and has not planned yet)."""
        with self._plan:
            job = self._scheduler.get_job(self._job.id) if self._job is not None else None
        return job.next_run_time if job is not None else None

    def run_once(self) -> SweepReport | None:
        if not self._lock.acquire(blocking=False):
            return None  # a sweep is already running in this process; it reschedules
        with self._wake:
            self._sweeping = True
            self._announced = None
        report: SweepReport | None = None
        now = self.clock()
        try:
            report = sweep(
                engine=self.engine,
                workflows=self.workflows,
                now=now,
                mailer=self.mailer,
                base_url=self.settings.link_base(self.served_url),
                store=FileStore(self.settings.files_dir),
            )
            self.last_sweep_at = now
            self.last_report = report
            if report.acts or report.sent:
                logger.info("sweep: acts %s, e-mails sent %s", report.acts, report.sent)
            return report
        except Exception:
            logger.exception("deadline sweep failed; the next run retries")
            return None
        finally:
            with self._wake:
                self._sweeping = False
                announced, self._announced = self._announced, None
            due = report.next_due if report is not None else None
            if announced is not None:
                due = announced if due is None else min(due, announced)
            self._lock.release()
            self._wake_at(due, now)

    def _wake_at(self, due: datetime | None, now: datetime) -> None:
        """Sweep again at ``due`` (on this scheduler's clock), at the latest after the
        interval."""
        delay = self.interval if due is None else min(due - now, self.interval)
        self._schedule(datetime.now(UTC) + max(delay, MIN_DELAY))

    def _schedule(self, run_at: datetime) -> None:
        """Plan the one sweep job at ``run_at``, replacing the planned one.

        Each plan is a new date job (own id): APScheduler removes a date job by its id once
        it has started, which must not take the plan made by that very run with it.
        """
        with self._plan:
            if self._stop.is_set() or not self._scheduler.running:
                return
            if self._job is not None:
                try:
                    self._job.remove()
                except JobLookupError:
                    pass  # it has started (or just ran): nothing to replace
            self._job = self._scheduler.add_job(self.run_once, "date", run_date=run_at)

    def announce(self, due: datetime) -> None:
        """An act due at ``due`` was written: sweep then, if that is sooner than planned."""
        with self._wake:
            if self._sweeping:  # the running sweep may have read before the act existed
                self._announced = due if self._announced is None else min(self._announced, due)
                return
            run_at = datetime.now(UTC) + max(due - self.clock(), MIN_DELAY)
            planned = self.next_run_at
            if planned is not None and planned <= run_at:
                return
            self.notified += 1
            self._schedule(run_at)

    def _listen(self) -> None:
        """LISTEN on a connection of its own (autocommit, outside the pool) until shutdown;
        a lost connection is reopened after a pause, the poll covers the gap."""
        import psycopg

        conninfo = self.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._on_notify(note.payload)
            except psycopg.Error:
                logger.warning("LISTEN %s lost; polling until it is back", NOTIFY_CHANNEL)
            finally:
                self._listening.clear()
            self._stop.wait(LISTEN_RETRY)

    def _on_notify(self, payload: str) -> None:
        try:
            due = datetime.fromisoformat(payload)
        except ValueError:
            logger.warning("ignored %s payload %r", NOTIFY_CHANNEL, payload)
            return
        if due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        self.announce(due)
