"""``ratsflow definitions diff`` and ``… migrate``: definitions that change while instances
run on them (kept apart from ``cli.py`` so the parser's other commands stay small)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from workflow.db import unit_of_work
from workflow.definitions.diff import diff
from workflow.definitions.machines import Workflows
from workflow.definitions.spec import DefinitionSpec
from workflow.definitions.state_map import load_state_map, map_path
from workflow.rules.common import count_of
from workflow.runtime import load_definitions, open_runtime
from workflow.services import migration
from workflow.settings import get_settings

COMMANDS = frozenset({"diff", "migrate"})


def configure(dsub: argparse._SubParsersAction[Any]) -> None:
    changes = dsub.add_parser(
        "diff", help="geänderte Zustände und Übergänge zwischen zwei Versionen zeigen"
    )
    changes.add_argument("name", help="Name der Definition, z. B. proposal")
    changes.add_argument("old", type=int, metavar="V1", help="bisherige Version")
    changes.add_argument("new", type=int, metavar="V2", help="neue Version")
    move = dsub.add_parser(
        "migrate",
        help="laufende Instanzen nach der Zustandszuordnung "
        "(definitions/migrations/NAME-V1-V2.yaml) auf eine andere Version umstellen",
    )
    move.add_argument("name", help="Name der Definition, z. B. proposal")
    move.add_argument("--from", dest="source", type=int, required=True, help="bisherige Version")
    move.add_argument("--to", dest="target", type=int, required=True, help="neue Version")
    move.add_argument("--dry-run", action="store_true", help="nur anzeigen, was umgestellt würde")


def run(args: argparse.Namespace) -> int:
    if args.definitions_command == "diff":
        return _diff(args.name, args.old, args.new)
    return _migrate(args.name, args.source, args.target, dry_run=args.dry_run)


def _spec(workflows: Workflows, name: str, version: int) -> DefinitionSpec | None:
    try:
        return workflows.get(name, version).spec
    except KeyError:
        known = sorted(f"{n} v{v}" for n, v in workflows.by_key)
        print(
            f'Unbekannte Definition "{name}" Version {version}; geladen sind: {", ".join(known)}',
            file=sys.stderr,
        )
        return None


def _diff(name: str, old_version: int, new_version: int) -> int:
    workflows = load_definitions(get_settings())
    old = _spec(workflows, name, old_version)
    new = _spec(workflows, name, new_version)
    if old is None or new is None:
        return 1
    print(f"{name} ({new.title}): Version {old_version} → {new_version}")
    lines = diff(old, new)
    for line in lines:
        print(f"  {line}")
    if not lines:
        print("  keine Änderungen an Zuständen und Übergängen")
    return 0


def _migrate(name: str, source: int, target: int, *, dry_run: bool) -> int:
    settings = get_settings()
    runtime = open_runtime(settings)
    old = _spec(runtime.workflows, name, source)
    new = _spec(runtime.workflows, name, target)
    if old is None or new is None:
        return 1
    state_map = load_state_map(map_path(settings.definitions_dir, name, source, target), old, new)
    with unit_of_work(runtime.engine) as session:
        moves = migration.plan(session=session, workflows=runtime.workflows, state_map=state_map)
    migration.check(state_map, moves)
    if dry_run:
        for move in moves:
            print(f"{move.title}: {move.source} → {move.dest}")
        print(
            f"Probelauf: {count_of(len(moves), 'Instanz würde', 'Instanzen würden')} "
            "umgestellt; nichts wurde geändert."
        )
        return 0
    for move in moves:
        # One transaction per instance: a failure leaves the ones before it moved and this
        # one on its old version, and a rerun continues with what is left.
        with unit_of_work(runtime.engine) as session:
            moved = migration.migrate_instance(
                session=session,
                workflows=runtime.workflows,
                state_map=state_map,
                move=move,
                now=datetime.now(UTC),
            )
        opened = ", ".join(f"{d.rule} {d.change}" for d in moved.deadlines)
        print(
            f"{move.title}: {move.source} → {move.dest}"
            + (f" (Fristen: {opened})" if opened else "")
        )
    print(f"{count_of(len(moves), 'Instanz', 'Instanzen')} auf {name} Version {target} umgestellt.")
    return 0
