"""APScheduler wiring only: one sweep job per process, woken at the next due instant.

Jobs live in a per-process memory store (never a shared job store: LIBRARIES.md §2); the
database holds the deadlines, so any number of processes may run this side by side.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from workflow.clock import Clock, system_clock
from workflow.deadlines.mail import Mailer, SmtpMailer
from workflow.deadlines.sweep import SweepReport, sweep
from workflow.definitions.machines import Workflows
from workflow.files import FileStore
from workflow.settings import Settings

logger = logging.getLogger(__name__)

JOB_ID = "deadline-sweep"
WAKE_ID = "deadline-sweep-wake"


class SweepScheduler:
    """Runs ``sweep`` at least every ``interval`` and again at the next due instant."""

    def __init__(
        self,
        *,
        engine: Engine,
        workflows: Workflows,
        settings: Settings,
        clock: Clock = system_clock,
        mailer: Mailer | None = None,
        interval: timedelta = timedelta(minutes=1),
    ) -> None:
        self.engine = engine
        self.workflows = workflows
        self.settings = settings
        self.clock = clock
        self.mailer = mailer or (SmtpMailer(settings.smtp_url) if settings.smtp_url else None)
        self.interval = interval
        self.last_sweep_at: datetime | None = None
        self.last_report: SweepReport | None = None
        self._lock = threading.Lock()
        self._scheduler = BackgroundScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )

    def start(self) -> None:
        self._scheduler.add_job(
            self.run_once,
            "interval",
            seconds=self.interval.total_seconds(),
            id=JOB_ID,
            replace_existing=True,
            next_run_time=datetime.now().astimezone(),
        )
        self._scheduler.start()
        logger.info("deadline sweep started (interval %s)", self.interval)

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    @property
    def alive(self) -> bool:
        """Running, and (once it has swept) not stalled for more than two intervals."""
        if not self._scheduler.running:
            return False
        if self.last_sweep_at is None:
            return True
        return self.clock() - self.last_sweep_at < 2 * self.interval + timedelta(seconds=30)

    def run_once(self) -> SweepReport | None:
        if not self._lock.acquire(blocking=False):
            return None  # a sweep is already running in this process
        try:
            now = self.clock()
            report = sweep(
                engine=self.engine,
                workflows=self.workflows,
                now=now,
                mailer=self.mailer,
                base_url=self.settings.link_base(),
                store=FileStore(self.settings.files_dir),
            )
            self.last_sweep_at = now
            self.last_report = report
            if report.acts or report.sent:
                logger.info("sweep: acts %s, e-mails sent %s", report.acts, report.sent)
            self._wake_at(report.next_due, now)
            return report
        except Exception:
            logger.exception("deadline sweep failed; the next run retries")
            return None
        finally:
            self._lock.release()

    def _wake_at(self, due: datetime | None, now: datetime) -> None:
        """Sweep again at the next due instant when that comes before the next interval."""
        if due is None or not self._scheduler.running or due - now >= self.interval:
            return
        delay = max(due - now, timedelta(seconds=1))
        self._scheduler.add_job(
            self.run_once,
            "date",
            run_date=datetime.now().astimezone() + delay,
            id=WAKE_ID,
            replace_existing=True,
        )
