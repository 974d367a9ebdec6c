"""Definitions that change while instances run on them: content hash, older versions kept
loadable, diff, and migration by an explicit state map (proposal v1 → v2 as shipped)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from tests.conftest import REPO, World, berlin
from tests.integration.flow import DAY, new_proposal
from workflow.audit import verify
from workflow.cli.main import main
from workflow.composition import default_registry
from workflow.definitions.machines import Workflows, load_workflows
from workflow.definitions.state_map import load_state_map, map_path
from workflow.errors import DefinitionError
from workflow.models import AuditEvent, Deadline, DefinitionRecord, Proposal
from workflow.runtime import record_definitions
from workflow.services import migration
from workflow.services.migration import MigrationRefused

DEFINITIONS = REPO / "definitions"


def on_v1(world: World, **kwargs: Any) -> int:
    """A proposal created while version 1 was the latest."""
    v1 = load_workflows([DEFINITIONS / "proposal" / "v1.yaml"], world.workflows.registry)
    return new_proposal(World(world.engine, v1, world.data, world.actors), **kwargs)


def proposal(world: World, pid: int) -> Proposal:
    found: Proposal = world.get(Proposal, pid)
    return found


def open_rules(world: World, pid: int) -> list[str]:
    def rules(session: Session) -> list[str]:
        rows = session.exec(
            select(Deadline)
            .where(Deadline.instance_id == pid, Deadline.instance_type == "proposal")
            .where(col(Deadline.closed_at).is_(None))
            .order_by(col(Deadline.id))
        )
        return [d.rule for d in rows]

    result: list[str] = world.run(rules)
    return result


def state_map(world: World, directory: Path = DEFINITIONS) -> Any:
    return load_state_map(
        map_path(directory, "proposal", 1, 2),
        world.workflows.get("proposal", 1).spec,
        world.workflows.get("proposal", 2).spec,
    )


def test_all_versions_load_and_the_latest_is_six(workflows: Workflows) -> None:
    assert workflows.latest("proposal").spec.version == 6
    assert workflows.get("proposal", 5).loaded.path == DEFINITIONS / "proposal" / "v5.yaml"
    assert workflows.get("proposal", 4).loaded.path == DEFINITIONS / "proposal" / "v4.yaml"
    assert workflows.get("proposal", 3).loaded.path == DEFINITIONS / "proposal" / "v3.yaml"
    assert workflows.get("proposal", 1).loaded.path == DEFINITIONS / "proposal" / "v1.yaml"
    assert workflows.get("proposal", 2).loaded.path == DEFINITIONS / "proposal" / "v2.yaml"
    assert workflows.latest("meeting").spec.version == 4
    assert workflows.get("meeting", 1).loaded.path == DEFINITIONS / "meeting" / "v1.yaml"
    assert workflows.get("meeting", 2).loaded.path == DEFINITIONS / "meeting" / "v2.yaml"
    assert workflows.get("meeting", 3).loaded.path == DEFINITIONS / "meeting" / "v3.yaml"
    assert workflows.latest("decision_request").spec.version == 2
    assert workflows.get("decision_request", 1).loaded.path == (
        DEFINITIONS / "decision_request" / "v1.yaml"
    )


def test_an_instance_not_migrated_keeps_running_on_its_version(world: World) -> None:
    old, new = on_v1(world), new_proposal(world)
    assert (proposal(world, old).definition_version, proposal(world, new).definition_version) == (
        1,
        6,
    )
    for pid in (old, new):
        world.fire(
            "proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9), data={"cosigners": []}
        )
    assert proposal(world, old).definition_version == 1
    # version 1 has no deadline before the first planned meeting (23.04.2024), versions 2+ have
    assert open_rules(world, old) == ["cosigning_reply"]
    assert open_rules(world, new) == ["cosigning_reply", "cosigning_before_meeting"]


def test_migration_moves_running_instances_one_by_one_with_an_audit_event(
    world: World,
) -> None:
    draft, cosigning, withdrawn = on_v1(world), on_v1(world), on_v1(world)
    world.fire(
        "proposal",
        cosigning,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire(
        "proposal", withdrawn, "withdraw", "ilsfeld.clerk", berlin(DAY, 9), comment="erledigt"
    )
    mapping = state_map(world)
    moves = world.run(
        lambda s: migration.plan(session=s, workflows=world.workflows, state_map=mapping)
    )
    # the withdrawn one is finished: it stays on the version it ran under
    assert [(m.instance_id, m.source, m.dest) for m in moves] == [
        (draft, "draft", "draft"),
        (cosigning, "cosigning", "cosigning"),
    ]
    version_before = proposal(world, cosigning).version
    for move in moves:

        def migrate(s: Session, move: migration.Move = move) -> migration.Moved:
            return migration.migrate_instance(
                session=s,
                workflows=world.workflows,
                state_map=mapping,
                move=move,
                now=berlin(DAY, 12),
            )

        world.run(migrate)
    migrated = proposal(world, cosigning)
    assert (migrated.definition_version, migrated.state) == (2, "cosigning")
    assert migrated.version == version_before + 1  # a client's stale copy gets a 409
    assert proposal(world, withdrawn).definition_version == 1
    assert open_rules(world, cosigning) == ["cosigning_reply", "cosigning_before_meeting"]
    event = world.run(
        lambda s: s.exec(
            select(AuditEvent)
            .where(AuditEvent.instance_id == cosigning, AuditEvent.instance_type == "proposal")
            .order_by(col(AuditEvent.seq).desc())
        ).first()
    )
    assert event is not None
    assert (event.trigger, event.source, event.dest, event.actor) == (
        "migrate_definition",
        "cosigning",
        "cosigning",
        "system",
    )
    assert (event.data["from_version"], event.data["to_version"]) == (1, 2)
    assert world.run(verify) == []
    # it runs on version 2 from here
    world.fire("proposal", cosigning, "cosign", "ilsfeld.head", berlin(DAY, 13))
    assert proposal(world, cosigning).state == "awaiting_release"


def test_a_state_without_target_refuses_the_whole_migration(world: World, tmp_path: Path) -> None:
    draft, cosigning = on_v1(world), on_v1(world)
    world.fire("proposal", cosigning, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    (tmp_path / "migrations").mkdir()
    shipped = map_path(DEFINITIONS, "proposal", 1, 2).read_text(encoding="utf-8")
    map_path(tmp_path, "proposal", 1, 2).write_text(
        shipped.replace("  cosigning: cosigning\n", ""), encoding="utf-8"
    )
    mapping = state_map(world, tmp_path)
    moves = world.run(
        lambda s: migration.plan(session=s, workflows=world.workflows, state_map=mapping)
    )
    with pytest.raises(MigrationRefused) as refused:
        migration.check(mapping, moves)
    assert [m.instance_id for m in refused.value.stuck] == [cosigning]
    assert f"Beschlussvorlage {cosigning} (" in refused.value.message
    assert 'im Zustand "cosigning"' in refused.value.message
    assert proposal(world, draft).definition_version == 1


def test_state_map_names_unknown_states_with_file_and_line(world: World, tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    path = map_path(tmp_path, "proposal", 1, 2)
    path.write_text(
        "name: proposal\nfrom: 1\nto: 2\nstates:\n  draft: entwurf\n  offen: draft\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as error:
        state_map(world, tmp_path)
    assert [str(p) for p in error.value.problems] == [
        f'{path}:5: unbekannter Zustand "entwurf" in Version 2',
        f'{path}:6: unbekannter Zustand "offen" in Version 1',
    ]


def _copy_definitions(tmp_path: Path) -> Path:
    target = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, target)
    return target


def test_a_changed_file_with_the_same_version_is_refused(db: Engine, tmp_path: Path) -> None:
    directory = _copy_definitions(tmp_path)
    current = directory / "proposal.yaml"
    current.write_text(
        current.read_text(encoding="utf-8").replace("label: Entwurf", "label: Vorentwurf"),
        encoding="utf-8",
    )
    changed = load_workflows([directory], default_registry())
    with pytest.raises(DefinitionError) as refused:
        record_definitions(db, changed)
    (problem,) = refused.value.problems
    assert problem.path == str(current)
    assert problem.line == 17  # the version line, below the header comment
    assert problem.reason.startswith(
        'Die Definition "proposal" (Beschlussvorlage) Version 6 wurde geändert'
    )
    assert "Versionsnummer erhöhen" in problem.reason


def test_a_version_in_use_must_stay_loadable(world: World, tmp_path: Path) -> None:
    on_v1(world)
    directory = _copy_definitions(tmp_path)
    shutil.rmtree(directory / "proposal")
    without_v1 = load_workflows([directory], default_registry())
    with pytest.raises(DefinitionError) as refused:
        record_definitions(world.engine, without_v1)
    assert [str(p) for p in refused.value.problems] == [
        'proposal/v1.yaml:1: Version 1 der Definition "proposal" fehlt, 1 Instanz läuft '
        "darauf: die Fassung (gespeichert in der Tabelle definitionrecord) wieder ablegen"
    ]


def test_stored_versions_carry_their_hash(world: World) -> None:
    records = world.run(
        lambda s: {
            r.version: r.content_hash
            for r in s.exec(select(DefinitionRecord).where(DefinitionRecord.name == "proposal"))
        }
    )
    assert records == {
        1: world.workflows.get("proposal", 1).loaded.content_hash,
        2: world.workflows.get("proposal", 2).loaded.content_hash,
        3: world.workflows.get("proposal", 3).loaded.content_hash,
        4: world.workflows.get("proposal", 4).loaded.content_hash,
        5: world.workflows.get("proposal", 5).loaded.content_hash,
        6: world.workflows.get("proposal", 6).loaded.content_hash,
    }
    assert len(set(records.values())) == 6


def test_cli_diff_and_migrate(
    world: World,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("RATSFLOW_DEFINITIONS_DIR", str(DEFINITIONS))
    assert main(["definitions", "diff", "proposal", "1", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "proposal (Beschlussvorlage): Version 1 → 2",
        '  ~ Zustand "cosigning": neue Frist "cosigning_before_meeting" '
        "(Mitzeichnung vor der ersten geplanten Sitzung erledigen)",
    ]
    assert main(["definitions", "diff", "proposal", "2", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "proposal (Beschlussvorlage): Version 2 → 3"
    # Version 3 tells the next actor (task messages) and sends the Beschlussauszug.
    assert (
        '  ~ Übergang "submit": actions: [request_cosignatures] → '
        "[request_cosignatures, notify_cosigners]" in lines
    )
    # ... and, from issue 10, the Verweisung by the body's vote on a motion, a rejection that
    # can be objected to and the § 121 Abs. 2 steps, and publication in every state after the
    # vote (§ 41b Abs. 5 GemO): changed or added, none removed.
    assert '  + Übergang "refer" (Verweisen): scheduled → ready' in lines
    assert '  ~ Zustand "rejected": final: True → False' in lines
    added = '  + Übergang "publish [objected]" (Beschluss veröffentlichen): objected → objected'
    assert added in lines
    assert all(
        line.startswith(("  ~ Übergang ", "  + Übergang ", "  ~ Zustand ")) for line in lines[1:]
    )
    # Version 4: the Informationsvorlage is taken note of (issue 10, item 5); the
    # Beschlussvorlage's transitions gain the kind guard only, none is removed.
    assert main(["definitions", "diff", "proposal", "3", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "proposal (Beschlussvorlage): Version 3 → 4"
    assert '  + Zustand "noted" (Zur Kenntnis genommen)' in lines
    assert '  + Übergang "take_note" (Zur Kenntnis genommen): scheduled → noted' in lines
    assert not [line for line in lines if line.startswith("  - ")]
    assert main(["definitions", "diff", "proposal", "1", "7"]) == 1
    assert "proposal v1, proposal v2, proposal v3, proposal v4" in capsys.readouterr().err
    pid = on_v1(world)
    assert (
        main(["definitions", "migrate", "proposal", "--from", "1", "--to", "2", "--dry-run"]) == 0
    )
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Probelauf: 1 Instanz würde umgestellt; nichts wurde geändert."
    )
    assert proposal(world, pid).definition_version == 1
    assert main(["definitions", "migrate", "proposal", "--from", "1", "--to", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "1 Instanz auf proposal Version 2 umgestellt."
    )
    assert proposal(world, pid).definition_version == 2
