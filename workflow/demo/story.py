"""A story played step by step: each step in its own transaction, at a story time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from workflow.context import BERLIN, Actor
from workflow.db import unit_of_work
from workflow.deadlines.lifecycle import DeadlineEffect
from workflow.deadlines.sweep import SweepReport, sweep
from workflow.definitions.machines import Workflows
from workflow.models import OutboxMessage
from workflow.services import written_invitations
from workflow.services.transition import KIND_LABELS, Fired, fire
from workflow.settings import DEFAULT_BASE_URL

T = TypeVar("T")


def berlin(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


@dataclass
class Story:
    """Runs each step in its own transaction at a story time, and says what happened.

    What it prints is in time order: a step told before an earlier one is refused, so the
    story reads like the record of the case it is.
    """

    engine: Engine
    workflows: Workflows
    out: Callable[[str], None] = print
    users: dict[str, Actor] = field(default_factory=dict)
    base_url: str = DEFAULT_BASE_URL
    told: datetime | None = None

    def run(self, when: datetime, fn: Callable[[Session], T]) -> T:
        with unit_of_work(self.engine) as session:
            return fn(session)

    def fire(
        self,
        when: datetime,
        kind: str,
        instance_id: int,
        trigger: str,
        actor: Actor,
        comment: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> Fired:
        def step(session: Session) -> Fired:
            return fire(
                session=session,
                workflows=self.workflows,
                kind=kind,
                instance_id=instance_id,
                trigger=trigger,
                actor=actor,
                now=when,
                comment=comment,
                data=data,
                base_url=self.base_url,  # the e-mails' links must work from a mail program
            )

        fired = self.run(when, step)
        self.report(when, fired)
        return fired

    def report(self, when: datetime, fired: Fired) -> None:
        kind = KIND_LABELS.get(fired.kind, fired.kind)
        self.note(when, f"{fired.actor:<18} {kind}: {fired.label} → {fired.dest_label}")
        for effect in fired.deadlines:
            self.out(f"{'':<19}{describe(effect)}")
        for follow in fired.followed_by:
            self.report(when, follow)

    def sweep(self, when: datetime) -> SweepReport:
        """Move the clock: the deadline sweep acts as the scheduler would at that instant."""
        report = sweep(
            engine=self.engine,
            workflows=self.workflows,
            now=when,
            mailer=None,
            base_url=self.base_url,
        )
        self.note(when, f"{'system':<18} Fristenprüfung")
        for fired in report.transitions[:3]:
            kind = KIND_LABELS.get(fired.kind, fired.kind)
            self.out(f"{'':<19}  {kind} {fired.instance_id}: {fired.label} → {fired.dest_label}")
        if len(report.transitions) > 3:
            self.out(f"{'':<19}  … und {len(report.transitions) - 3} weitere")
        with Session(self.engine) as session:
            new = session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.created_at) == when)
                .order_by(col(OutboxMessage.id))
            ).all()
        for message in new:
            self.out(f"{'':<19}  E-Mail an {message.to_address}: {message.subject}")
        if not report.fired and not new:
            self.out(f"{'':<19}  nichts fällig")
        return report

    def note(self, when: datetime, text: str) -> None:
        if self.told is not None and when < self.told:
            raise ValueError(f"story out of time order: {when} after {self.told}")
        self.told = when
        self.out(f"{when:%d.%m.%Y %H:%M}  {text}")


def describe(effect: DeadlineEffect) -> str:
    verbs = {
        "opened": "Frist eröffnet",
        "met": "Frist erledigt",
        "missed": "Frist versäumt",
        "elapsed": "Frist abgelaufen",
        "cancelled": "Frist hinfällig",
    }
    verb = verbs.get(effect.change, effect.change)
    return f"  {verb}: {effect.label} (bis {effect.due_date:%d.%m.%Y})"


def invite_by_post(story: Story, when: datetime, secretary: Actor, meeting_id: int) -> None:
    """The members no e-mail reached (no address) get the invitation by post the same day,
    recorded so the Rechtmäßigkeitsnachweis shows every member invited (§ 34 Abs. 1 Satz 1
    GemO, ``services.written_invitations``)."""
    posted = story.run(
        when,
        lambda s: written_invitations.record_all(
            session=s, actor=secretary, now=when, meeting_id=meeting_id, on=when.date()
        ),
    )
    if posted:
        story.note(
            when,
            f"{secretary.username}  schriftliche Einladung per Post an {posted} Mitglieder "
            "ohne E-Mail-Adresse (§ 34 Abs. 1 Satz 1 GemO)",
        )
