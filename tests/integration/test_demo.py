"""``ratsflow demo`` plays the seed's story on a fresh database and leaves it there."""

from __future__ import annotations

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
        "submit",
        "cosign",
        "complete_cosigning",
        "release",
        "schedule",
        "invite",
        "open_session",
        "adopt",
        "Widerspruchsfrist des Bürgermeisters (bis 30.04.2024)",
        "publish",
        "finalize",
        "complete_execution",
    ]:
        assert step in out, step
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
