"""Move running instances from one definition version to another by an explicit state map:
one instance per unit of work, each with an audit event; finished instances stay on the
version they ran under, and instances not moved keep running on theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow import audit
from workflow.context import SYSTEM, Actor, FiringContext
from workflow.deadlines.acts import skip_pending
from workflow.deadlines.lifecycle import (
    DeadlineEffect,
    apply_transition,
    open_deadlines,
)
from workflow.definitions.machines import Workflows
from workflow.definitions.spec import DefinitionSpec
from workflow.definitions.state_map import StateMap
from workflow.errors import Conflict, WorkflowError
from workflow.rules.common import count_of
from workflow.services.transition import KIND_LABELS, KINDS

TRIGGER = "migrate_definition"


class MigrationRefused(WorkflowError):
    """Some running instance is in a state the map gives no target: nothing is moved."""

    def __init__(self, state_map: StateMap, stuck: list[Move]) -> None:
        listed = "; ".join(f'{m.title} im Zustand "{m.source}"' for m in stuck)
        super().__init__(
            f"Migration {state_map.name} Version {state_map.source} → {state_map.target} "
            f"abgelehnt: {state_map.path} nennt keinen Zielzustand für "
            f"{count_of(len(stuck), 'Instanz', 'Instanzen')}: {listed}. Nichts wurde verändert."
        )
        self.stuck = tuple(stuck)


@dataclass(frozen=True)
class Move:
    kind: str
    instance_id: int
    title: str
    source: str
    dest: str | None  # None: the map has no target for the state


@dataclass(frozen=True)
class Moved:
    move: Move
    seq: int
    version: int
    deadlines: tuple[DeadlineEffect, ...]


def _specs(workflows: Workflows, state_map: StateMap) -> tuple[DefinitionSpec, DefinitionSpec]:
    old = workflows.get(state_map.name, state_map.source).spec
    return old, workflows.get(state_map.name, state_map.target).spec


def _title(kind: str, row: Any) -> str:
    label = getattr(row, "label", None)
    number = f" ({label})" if isinstance(label, str) else ""
    return f"{KIND_LABELS.get(kind, kind)} {row.id}{number}"


def plan(*, session: Session, workflows: Workflows, state_map: StateMap) -> list[Move]:
    """Every running instance on the source version, with its target state (or none)."""
    old, _ = _specs(workflows, state_map)
    kind = old.applies_to
    model: Any = KINDS[kind]
    final = {s.name for s in old.states if s.final}
    rows = session.exec(
        select(model)
        .where(
            model.definition_name == state_map.name,
            model.definition_version == state_map.source,
        )
        .order_by(col(model.id))
    )
    return [
        Move(kind, row.id, _title(kind, row), row.state, state_map.states.get(row.state))
        for row in rows
        if row.state not in final
    ]


def check(state_map: StateMap, moves: list[Move]) -> None:
    stuck = [m for m in moves if m.dest is None]
    if stuck:
        raise MigrationRefused(state_map, stuck)


def migrate_instance(
    *,
    session: Session,
    workflows: Workflows,
    state_map: StateMap,
    move: Move,
    now: datetime,
    actor: Actor = SYSTEM,
) -> Moved:
    """Pin the instance to the target version in its mapped state; deadlines whose rule the
    new version no longer has are cancelled, and the mapped state's new rules open."""
    _, new = _specs(workflows, state_map)
    row: Any = session.get(KINDS[move.kind], move.instance_id)
    if (
        row is None
        or row.definition_version != state_map.source
        or row.state != move.source
        or move.dest is None
    ):
        raise Conflict(f"{move.title} hat sich seit der Planung geändert; bitte neu starten.")
    row.state = move.dest
    row.definition_version = state_map.target
    row.updated_at = now
    session.add(row)
    session.flush()
    data = {
        "definition": state_map.name,
        "from_version": state_map.source,
        "to_version": state_map.target,
        "state_map": state_map.path.as_posix(),
    }
    event = audit.append(
        session,
        instance_type=move.kind,
        instance_id=move.instance_id,
        actor=actor,
        trigger=TRIGGER,
        source=move.source,
        dest=move.dest,
        now=now,
        comment=f"Umgestellt auf Version {state_map.target} der Definition {state_map.name}",
        data=data,
    )
    effects = _cancel_unknown_rules(session, new, move, now)
    ctx = FiringContext(
        session=session,
        kind=move.kind,
        instance=row,
        actor=actor,
        now=now,
        trigger=TRIGGER,
        source="",
        dest=move.dest,
        workflows=workflows,
    )
    effects += apply_transition(ctx, new, workflows.registry, seq=event.seq)
    session.flush()
    return Moved(move=move, seq=event.seq, version=row.version, deadlines=tuple(effects))


def _cancel_unknown_rules(
    session: Session, new: DefinitionSpec, move: Move, now: datetime
) -> list[DeadlineEffect]:
    known = new.deadline_rules
    effects: list[DeadlineEffect] = []
    for deadline in open_deadlines(session, move.kind, move.instance_id):
        if deadline.rule in known:
            continue
        deadline.status = "cancelled"
        deadline.closed_at = now
        session.add(deadline)
        skip_pending(session, deadline.id or 0, note="Frist entfällt in der neuen Version")
        effects.append(
            DeadlineEffect("cancelled", deadline.rule, deadline.label, deadline.due_date)
        )
    return effects
