"""``ratsflow demo`` plays the seed's story on a fresh database and leaves it there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.demo import DEMO_USERS
from workflow import audit
from workflow.access import proposal_read_clause
from workflow.cli.main import main
from workflow.context import BERLIN, Actor
from workflow.definitions.machines import Workflows
from workflow.errors import NotFound
from workflow.legality.report import check_resolution
from workflow.models import (
    Deadline,
    DecisionRequest,
    DecisionResponse,
    ExecutionTask,
    Meeting,
    Municipality,
    OutboxMessage,
    Proposal,
    Resolution,
    User,
)
from workflow.runtime import load_definitions
from workflow.services.deadline_service import list_deadlines
from workflow.services.setup import actor_for
from workflow.services.transition import KINDS, available_actions
from workflow.settings import get_settings


@pytest.fixture
def demo_env(db: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def test_demo_plays_the_seed_story(demo_env: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for step in [
        "importiert Vorlage 8/2024",
        "Ilfeld",  # the inconsistency of the seed is reported
        "ilsfeld.clerk      Beschlussvorlage: Zur Mitzeichnung geben → In Mitzeichnung",
        "ilsfeld.finance    Beschlussvorlage: Mitzeichnen",
        "Beschlussvorlage: Mitzeichnung abgeschlossen → Zur Freigabe bei der Bürgermeisterin",
        "ilsfeld.mayor      Beschlussvorlage: Freigeben",
        "Beschlussvorlage: Auf Tagesordnung setzen",
        "Sitzung: Einladen → Eingeladen",
        "Sitzung: Sitzung eröffnen",
        "Beschlussvorlage: Beschluss gefasst",
        "Widerspruchsfrist der Bürgermeisterin (bis 30.04.2024)",
        "Beschlussvorlage: Beschluss veröffentlichen",
        "Beschlussvorlage 1: Widerspruchsfrist abgelaufen → Bestandskräftig – im Vollzug",
        "Beschlussvorlage: Vollzug abschließen → Vollzogen",
    ]:
        assert step in out, step
    # In words, not trigger names; and told in the order it happened.
    for trigger in (" submit ", " cosign ", " complete_execution", " finalize "):
        assert trigger not in out, trigger
    stamps = [
        datetime.strptime(line[:16], "%d.%m.%Y %H:%M")
        for line in out.splitlines()
        if re.match(r"\d\d\.\d\d\.\d{4} \d\d:\d\d  ", line)
    ]
    assert len(stamps) > 30
    assert stamps == sorted(stamps)
    with Session(demo_env) as session:
        assert len(session.exec(select(Municipality)).all()) == 46
        proposal = session.exec(select(Proposal).where(Proposal.year == 2024)).one()
        assert (proposal.label, proposal.state) == ("8/2024", "executed")
        resolution = session.exec(
            select(Resolution).where(Resolution.proposal_id == proposal.id)
        ).one()
        assert resolution.adopted
        assert resolution.published_at is not None
        assert str(resolution.decided_on) == "2024-04-23"
        meeting = session.exec(
            select(Meeting).where(Meeting.meeting_date == date(2024, 4, 23))
        ).one()
        assert meeting.state == "minutes_presented"
        task = session.exec(
            select(ExecutionTask).where(ExecutionTask.proposal_id == proposal.id)
        ).one()
        assert task.status == "done"
        statuses: dict[str, str | None] = {
            d.rule: d.status
            for d in session.exec(
                select(Deadline).where(
                    Deadline.instance_type == "proposal", Deadline.instance_id == proposal.id
                )
            )
        }
        statuses["invitation"] = session.exec(
            select(Deadline.status).where(
                Deadline.instance_type == "meeting", Deadline.instance_id == meeting.id
            )
        ).first()
        assert statuses["invitation"] == "met"
        assert statuses["publication"] == "met"
        assert statuses["objection_window"] == "elapsed"
        assert audit.verify(session) == []


def test_demo_refuses_a_non_empty_database_unless_reset(
    demo_env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    assert main(["demo"]) == 1
    assert "nicht leer" in capsys.readouterr().err
    assert main(["demo", "--reset"]) == 0
    with Session(demo_env) as session:
        labels = [
            (p.municipality_id, p.label)
            for p in session.exec(select(Proposal).order_by(col(Proposal.id)))
        ]
        assert labels[0][1] == "8/2024"
        assert len(labels) == len(set(labels))  # reset: nothing left twice


def test_demo_is_alive_today_every_demo_user_finds_something_to_do(
    demo_env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    capsys.readouterr()
    now = datetime.now(BERLIN)
    today = now.date()
    workflows = load_definitions(get_settings())
    with Session(demo_env) as session:
        allowed: dict[str, set[str]] = {}
        deadlines: dict[str, list[Deadline]] = {}
        readable: dict[str, bool] = {}
        for username in DEMO_USERS:
            actor = actor_for(session.exec(select(User).where(User.username == username)).one())
            allowed[username] = _allowed(session, workflows, actor, now)
            deadlines[username] = list_deadlines(
                session=session, workflows=workflows, actor=actor, status="open"
            )
            # A councillor reads and changes nothing, and the administration's deadlines are
            # not his (workflow.deadlines.addressees): he finds the Vorlagen he may read. The
            # admin handles no matters of the council: he finds the accounts he keeps.
            readable[username] = (
                actor.role == "council_member"
                and session.exec(select(Proposal.id).where(proposal_read_clause(actor))).first()
                is not None
            ) or (
                actor.role == "admin"
                and session.exec(
                    select(User.id).where(User.municipality_id == actor.municipality_id)
                ).first()
                is not None
            )
        for username in DEMO_USERS:
            assert allowed[username] or deadlines[username] or readable[username], username
        # Each role's own work, through the engine's allowed-actions query.
        assert "submit" in allowed["ilsfeld.clerk"]  # a draft
        assert "cosign" in allowed["ilsfeld.finance"]  # waiting for the finance office
        assert "cosign" in allowed["ilsfeld.head"]
        assert "release" in allowed["ilsfeld.mayor"]  # awaiting the mayor's release
        assert "publish" in allowed["ilsfeld.secretary"]  # the overdue publication
        # Flein has not answered the Landratsamt yet: its clerk's open deadline.
        assert any(d.instance_type == "decision_response" for d in deadlines["flein.clerk"])
        assert any(d.instance_type == "decision_request" for d in deadlines["lra.coordinator"])
        # A Fraktionsantrag to put on the agenda (§ 34 Abs. 1 S. 4 GemO).
        assert any(d.instance_type == "council_request" for d in deadlines["ilsfeld.secretary"])

        meetings = session.exec(select(Meeting).where(col(Meeting.meeting_date) >= today)).all()
        # Next week's committee, the council in three weeks, one held two weeks ago (its
        # minutes unsigned): on Tuesdays, whatever day the demo is loaded on.
        invited = [m for m in meetings if m.state == "invited"]
        assert [(m.meeting_date - today).days in range(4, 11) for m in invited] == [True]
        assert any((m.meeting_date - today).days in range(18, 25) for m in meetings)
        held = session.exec(select(Meeting).where(Meeting.state == "closed")).all()
        assert [(today - m.meeting_date).days in range(11, 18) for m in held] == [True]
        this_year = [m for m in session.exec(select(Meeting)) if m.meeting_date.year > 2024]
        assert {m.meeting_date.weekday() for m in this_year} == {1}
        # Its resolution is lawful but for the publication the secretary still owes.
        resolution = session.exec(
            select(Resolution).where(Resolution.meeting_id == held[0].id)
        ).one()
        report = check_resolution(session, resolution, today)
        assert {c.key for c in report.checks if c.at_risk} == {"veroeffentlichung"}
        # Every link in the demo's e-mails works from a mail program: absolute, not "/…".
        bodies = [m.body for m in session.exec(select(OutboxMessage))]
        assert bodies
        relative = [
            line for body in bodies for line in body.splitlines() if re.search(r": /\w", line)
        ]
        assert relative == []
        overdue = session.exec(
            select(Deadline).where(
                col(Deadline.due_date) < today,
                col(Deadline.due_date) > today - timedelta(days=30),  # not the 2024 story's
                col(Deadline.status).in_(["open", "missed"]),
            )
        ).all()
        assert [d.rule for d in overdue] == ["publication"]
        open_tasks = session.exec(select(ExecutionTask).where(ExecutionTask.status == "open"))
        assert len(open_tasks.all()) == 2
        request = session.exec(select(DecisionRequest).where(DecisionRequest.state == "sent")).one()
        states = [
            r.state
            for r in session.exec(
                select(DecisionResponse).where(DecisionResponse.request_id == request.id)
            )
        ]
        assert states.count("answered") == 2
        assert len(states) == 46


def _allowed(session: Session, workflows: Workflows, actor: Actor, now: datetime) -> set[str]:
    triggers: set[str] = set()
    for kind, model in KINDS.items():
        # KINDS types its models as plain SQLModel; each is a table with an id.
        for instance_id in session.exec(select(model.id)):  # type: ignore[attr-defined]
            try:
                options = available_actions(
                    session=session,
                    workflows=workflows,
                    kind=kind,
                    instance_id=instance_id,
                    actor=actor,
                    now=now,
                )
            except NotFound:
                continue
            triggers |= {o.trigger for o in options if o.allowed}
    return triggers
