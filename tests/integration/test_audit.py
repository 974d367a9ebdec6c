"""The audit log is append-only and hash-chained: any change or removal is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_proposal
from workflow import audit
from workflow.cli.main import main
from workflow.settings import get_settings


def proposal_with_history(world: World) -> int:
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    world.fire(
        "proposal", pid, "return_to_author", "ilsfeld.head", berlin(DAY, 10), comment="Bitte ändern"
    )
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 11))
    return pid


def breaks(engine: Engine) -> list[audit.ChainBreak]:
    with Session(engine) as session:
        return audit.verify(session)


def test_untouched_chain_verifies(world: World) -> None:
    pid = proposal_with_history(world)
    assert breaks(world.engine) == []
    with Session(world.engine) as session:
        events = audit.history(session, "proposal", pid)
    assert [e.trigger for e in events] == ["create", "submit", "return_to_author", "submit"]
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("UPDATE auditevent SET comment = 'alles gut' WHERE seq = 3", "Inhalt verändert"),
        ("UPDATE auditevent SET actor = 'ilsfeld.mayor' WHERE seq = 2", "Inhalt verändert"),
        ("DELETE FROM auditevent WHERE seq = 2", "Ereignis fehlt"),
        ("DELETE FROM auditevent WHERE seq = 4", "letzte Ereignisse fehlen"),
    ],
)
def test_tampering_is_detected(world: World, statement: str, reason: str) -> None:
    pid = proposal_with_history(world)
    with world.engine.begin() as conn:
        conn.execute(text(f"{statement} AND instance_id = :pid"), {"pid": pid})
    found = breaks(world.engine)
    assert [b.reason for b in found] == [reason]
    assert found[0].instance_id == pid


def test_cli_audit_verify_exit_codes(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = proposal_with_history(world)
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", world.engine.url.render_as_string(False))
    get_settings.cache_clear()
    try:
        assert main(["audit", "verify"]) == 0
        with world.engine.begin() as conn:
            conn.execute(
                text("UPDATE auditevent SET dest = 'final' WHERE seq = 2 AND instance_id = :p"),
                {"p": pid},
            )
        assert main(["audit", "verify"]) == 1
    finally:
        get_settings.cache_clear()
    assert f"proposal {pid}, Ereignis 2: Inhalt verändert" in capsys.readouterr().err
