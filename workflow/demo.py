"""``ratsflow demo``: the seed's story, played in-process on a fresh database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from workflow.context import BERLIN, Actor
from workflow.db import unit_of_work
from workflow.deadlines import DeadlineEffect, open_deadlines
from workflow.machines import Workflows
from workflow.models import OutboxMessage, Proposal, User
from workflow.queries import current_agenda_item, voting_members
from workflow.services import meetings as meeting_service
from workflow.services import proposals as proposal_service
from workflow.services.importer import import_vorlage
from workflow.services.setup import actor_for, load_demo_data
from workflow.services.transition import Fired, fire
from workflow.sweep import SweepReport, sweep

SEED_FILE = "seeds/000_78ecfc398f013f6e.txt"
T = TypeVar("T")


def berlin(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


@dataclass
class Story:
    """Runs each step in its own transaction at a story time, and says what happened."""

    engine: Engine
    workflows: Workflows
    out: Callable[[str], None] = print
    users: dict[str, Actor] = field(default_factory=dict)
    base_url: str = "http://127.0.0.1:8000"

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
            )

        fired = self.run(when, step)
        self.report(when, fired)
        return fired

    def report(self, when: datetime, fired: Fired) -> None:
        self.out(
            f"{when:%d.%m.%Y %H:%M}  {fired.actor:<18} {fired.kind:<8} {fired.trigger:<20} "
            f"→ {fired.dest_label}"
        )
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
        for line in report.fired:
            self.out(f"{'':<19}  ausgelöst: {line}")
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


def play(
    engine: Engine, workflows: Workflows, shared_dir: Path, out: Callable[[str], None] = print
) -> int:
    """Play Vorlage 8/2024 of Ilsfeld from import to execution; returns the proposal id."""
    story = Story(engine=engine, workflows=workflows, out=out)
    start = berlin(date(2024, 4, 7), 8)
    out("== Stammdaten: Landkreis Heilbronn, Gemeinden Ilsfeld und Flein, Demo-Benutzer ==")
    demo = story.run(start, lambda s: load_demo_data(s, shared_dir))
    users: dict[str, User] = demo.users
    actor = {name: actor_for(user) for name, user in users.items()}
    council_id = demo.ilsfeld.bodies["Gemeinderat"].id or 0

    out("\n== Import der Vorlage Nr. 8/2024 aus dem Seed ==")
    text = (shared_dir / SEED_FILE).read_text(encoding="utf-8")
    result = story.run(
        start,
        lambda s: import_vorlage(
            session=s,
            workflows=workflows,
            actor=actor["ilsfeld.clerk"],
            now=start,
            text=text,
            municipality_name="Ilsfeld",
            source=SEED_FILE,
        ),
    )
    proposal_id = result.proposal.id or 0
    story.note(
        start,
        f"ilsfeld.clerk      importiert Vorlage {result.proposal.label}: "
        f"{result.proposal.title} → Entwurf",
    )
    for issue in result.inconsistencies:
        out(f"{'':<19}  Hinweis (Zeile {issue.line}): {issue.message}")

    t = berlin(date(2024, 4, 8), 8, 30)
    meeting = story.run(
        t,
        lambda s: meeting_service.create_meeting(
            session=s,
            workflows=workflows,
            actor=actor["ilsfeld.secretary"],
            now=t,
            body_id=council_id,
            meeting_date=date(2024, 4, 23),
            start_time="19:00",
        ),
    )
    meeting_id = meeting.id or 0
    story.note(t, "ilsfeld.secretary  legt Sitzung des Gemeinderats am 23.04.2024 an → Geplant")
    for deadline in story.run(t, lambda s: open_deadlines(s, "meeting", meeting_id)):
        out(f"{'':<19}  Frist eröffnet: {deadline.label} (bis {deadline.due_date:%d.%m.%Y})")

    out("\n== Mitzeichnung und Freigabe ==")
    story.fire(
        berlin(date(2024, 4, 8), 10),
        "proposal",
        proposal_id,
        "submit",
        actor["ilsfeld.clerk"],
        data={"cosigners": ["ilsfeld.head", "ilsfeld.finance"]},
    )
    story.fire(
        berlin(date(2024, 4, 8), 14), "proposal", proposal_id, "cosign", actor["ilsfeld.head"]
    )
    story.fire(
        berlin(date(2024, 4, 9), 9),
        "proposal",
        proposal_id,
        "cosign",
        actor["ilsfeld.finance"],
        comment="Keine Haushaltsmittel betroffen.",
    )
    story.fire(
        berlin(date(2024, 4, 10), 8), "proposal", proposal_id, "release", actor["ilsfeld.mayor"]
    )

    out("\n== Tagesordnung und Einladung ==")
    story.fire(
        berlin(date(2024, 4, 10), 11),
        "proposal",
        proposal_id,
        "schedule",
        actor["ilsfeld.secretary"],
        data={"meeting_id": meeting_id},
    )
    story.fire(
        berlin(date(2024, 4, 12), 9),
        "meeting",
        meeting_id,
        "set_agenda",
        actor["ilsfeld.secretary"],
    )
    story.sweep(berlin(date(2024, 4, 13), 7, 30))
    story.fire(
        berlin(date(2024, 4, 15), 9), "meeting", meeting_id, "invite", actor["ilsfeld.mayor"]
    )

    out("\n== Sitzung des Gemeinderats am 23.04.2024 ==")
    session_start = berlin(date(2024, 4, 23), 19)
    members = story.run(session_start, lambda s: voting_members(s, council_id))
    absent = set(members[-2:])  # two councillors excused
    present = [p for p in members if p not in absent]
    story.run(
        session_start,
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=actor["ilsfeld.secretary"],
            now=session_start,
            meeting_id=meeting_id,
            present=present,
        ),
    )
    story.note(
        session_start,
        f"ilsfeld.secretary  Anwesenheit: {len(present)} von {len(members)} "
        "Mitgliedern (einschließlich Bürgermeisterin)",
    )
    story.fire(session_start, "meeting", meeting_id, "open_session", actor["ilsfeld.mayor"])
    item_id = story.run(session_start, lambda s: _item_id(s, proposal_id))
    vote_time = berlin(date(2024, 4, 23), 19, 40)
    votes = dict.fromkeys(present, "yes")
    votes[present[-1]] = "abstain"
    story.run(
        vote_time,
        lambda s: meeting_service.record_votes(
            session=s,
            actor=actor["ilsfeld.secretary"],
            now=vote_time,
            agenda_item_id=item_id,
            votes=votes,
        ),
    )
    yes = sum(1 for v in votes.values() if v == "yes")
    story.note(vote_time, f"ilsfeld.secretary  Abstimmung TOP 1: {yes} Ja, 0 Nein, 1 Enthaltung")
    story.fire(vote_time, "proposal", proposal_id, "adopt", actor["ilsfeld.secretary"])
    story.fire(
        berlin(date(2024, 4, 23), 21),
        "meeting",
        meeting_id,
        "close_session",
        actor["ilsfeld.mayor"],
    )

    out("\n== Nach der Sitzung ==")
    story.fire(
        berlin(date(2024, 4, 24), 10),
        "proposal",
        proposal_id,
        "publish",
        actor["ilsfeld.secretary"],
    )
    sign_time = berlin(date(2024, 4, 29), 10)
    mayor_person = demo.ilsfeld.mayor.id or 0
    signers = [
        (mayor_person, "chair"),
        (present[1], "councillor"),
        (present[2], "councillor"),
        (users["ilsfeld.secretary"].person_id or 0, "secretary"),
    ]

    def sign_all(session: Session) -> None:
        for person_id, capacity in signers:
            meeting_service.sign_minutes(
                session=session,
                actor=actor["ilsfeld.secretary"],
                now=sign_time,
                meeting_id=meeting_id,
                person_id=person_id,
                capacity=capacity,
            )

    story.run(sign_time, sign_all)
    story.note(
        sign_time,
        "ilsfeld.secretary  Niederschrift unterschrieben: Vorsitz, zwei Ratsmitglieder, "
        "Schriftführung (§ 38 Abs. 2 GemO)",
    )
    story.fire(sign_time, "meeting", meeting_id, "sign_minutes", actor["ilsfeld.secretary"])

    out("\n== Die Zeit läuft: die Widerspruchsfrist (§ 43 Abs. 2 GemO) verstreicht ==")
    story.sweep(berlin(date(2024, 4, 28), 7, 30))
    story.sweep(berlin(date(2024, 5, 1), 0, 5))

    out("\n== Vollzug (Beschlusskontrolle) ==")
    task_time = berlin(date(2024, 5, 2), 9)
    task = story.run(
        task_time,
        lambda s: proposal_service.add_execution_task(
            session=s,
            actor=actor["ilsfeld.clerk"],
            now=task_time,
            proposal_id=proposal_id,
            title="Landratsamt Heilbronn über den Beschluss unterrichten",
            owner_id=users["ilsfeld.clerk"].id,
            target_date=date(2024, 5, 10),
        ),
    )
    story.note(
        task_time, "ilsfeld.clerk      Vollzugsaufgabe: Landratsamt unterrichten (bis 10.05.2024)"
    )
    done_time = berlin(date(2024, 5, 6), 11)
    story.run(
        done_time,
        lambda s: proposal_service.close_execution_task(
            session=s,
            actor=actor["ilsfeld.clerk"],
            now=done_time,
            task_id=task.id or 0,
            status="done",
            note="Schreiben an das Landratsamt vom 06.05.2024",
        ),
    )
    story.note(done_time, "ilsfeld.clerk      Vollzugsaufgabe erledigt")
    story.fire(done_time, "proposal", proposal_id, "complete_execution", actor["ilsfeld.clerk"])
    story.fire(
        berlin(date(2024, 5, 14), 19),
        "meeting",
        meeting_id,
        "present_minutes",
        actor["ilsfeld.mayor"],
    )
    return proposal_id


def _item_id(session: Session, proposal_id: int) -> int:
    proposal = session.get(Proposal, proposal_id)
    assert proposal is not None
    item = current_agenda_item(session, proposal)
    assert item is not None
    assert item.id is not None
    return item.id
