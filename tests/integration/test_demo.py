"""``ratsflow demo`` plays the seed's story on a fresh database and leaves it there."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from workflow import audit
from workflow.cli import main
from workflow.models import Deadline, ExecutionTask, Meeting, Municipality, Proposal, Resolution
from workflow.settings import get_settings


@pytest.fixture
def demo_env(db: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield db  # type: ignore[misc]
    get_settings.cache_clear()


def test_demo_plays_the_seed_story(demo_env: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for step in [
        "importiert Vorlage 8/2024",
        "Ilfeld",  # the inconsistency of the seed is reported
        "ilsfeld.clerk      Beschlussvorlage: Zur Mitzeichnung geben → In Mitzeichnung",
        "ilsfeld.finance    Beschlussvorlage: Mitzeichnen",
        "Beschlussvorlage: Mitzeichnung abgeschlossen → Zur Freigabe beim Bürgermeister",
        "ilsfeld.mayor      Beschlussvorlage: Freigeben",
        "Beschlussvorlage: Auf Tagesordnung setzen",
        "Sitzung: Einladen → Eingeladen",
        "Sitzung: Sitzung eröffnen",
        "Beschlussvorlage: Beschluss gefasst",
        "Widerspruchsfrist des Bürgermeisters (bis 30.04.2024)",
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
        proposal = session.exec(select(Proposal)).one()
        assert (proposal.label, proposal.state) == ("8/2024", "executed")
        resolution = session.exec(select(Resolution)).one()
        assert resolution.adopted
        assert resolution.published_at is not None
        assert str(resolution.decided_on) == "2024-04-23"
        meeting = session.exec(select(Meeting)).one()
        assert meeting.state == "minutes_presented"
        assert session.exec(select(ExecutionTask)).one().status == "done"
        statuses = {d.rule: d.status for d in session.exec(select(Deadline))}
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
        assert len(session.exec(select(Proposal)).all()) == 1
