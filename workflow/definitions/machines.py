"""One ``transitions`` machine per definition version, built once, never bound to rows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transitions import EventData, Machine

from workflow.context import FiringContext
from workflow.definitions.done_labels import apply_done_labels, done_labels_files
from workflow.definitions.loader import LoadedDefinition, definition_files, load_definition
from workflow.definitions.registry import Action, Registry
from workflow.definitions.spec import DefinitionSpec
from workflow.errors import DefinitionError, DefinitionProblem


class LightModel:
    """The object the machine moves for the duration of one firing.

    transitions skips binding a trigger name a model already defines, so declaring ``trigger``
    keeps the library from decorating this object; rows are never handed to the machine
    (``add_model`` fails on SQLModel rows and is O(n), LIBRARIES.md §1).
    """

    state: str
    trigger: Callable[..., bool]

    def __init__(self, state: str, ctx: FiringContext) -> None:
        self.state = state
        self.ctx = ctx


def _callback(action: Action) -> Callable[[EventData], None]:
    def run(event: EventData) -> None:
        model = event.model
        assert isinstance(model, LightModel)
        action.run(model.ctx)

    run.__name__ = f"action_{action.name}"
    return run


def build_machine(spec: DefinitionSpec, registry: Registry) -> Machine:
    transitions: list[dict[str, Any]] = [
        {
            "trigger": t.trigger,
            "source": list(t.source),
            "dest": t.dest,
            "after": [_callback(registry.actions[name]) for name in t.actions],
        }
        for t in spec.transitions
    ]
    return Machine(
        model=None,
        states=[s.name for s in spec.states],
        transitions=transitions,
        initial=spec.initial,
        auto_transitions=False,
        send_event=True,
    )


@dataclass(frozen=True)
class Workflow:
    """A loaded definition with its machine."""

    loaded: LoadedDefinition
    machine: Machine

    @property
    def spec(self) -> DefinitionSpec:
        return self.loaded.spec


@dataclass
class Workflows:
    """Every definition version this process knows, keyed by (name, version)."""

    registry: Registry
    by_key: dict[tuple[str, int], Workflow] = field(default_factory=dict)

    def add(self, loaded: LoadedDefinition) -> Workflow:
        key = (loaded.spec.name, loaded.spec.version)
        if key in self.by_key:
            raise DefinitionError(
                [DefinitionProblem(str(loaded.path), 1, f"{key[0]} v{key[1]} ist doppelt geladen")]
            )
        workflow = Workflow(loaded=loaded, machine=build_machine(loaded.spec, self.registry))
        self.by_key[key] = workflow
        return workflow

    def get(self, name: str, version: int) -> Workflow:
        return self.by_key[(name, version)]

    def latest(self, name: str) -> Workflow:
        versions = [v for (n, v) in self.by_key if n == name]
        if not versions:
            raise KeyError(name)
        return self.by_key[(name, max(versions))]

    def states_of(self, applies_to: str) -> dict[str, str]:
        """Every state name (with its label) an instance of this kind can be in, over all
        loaded versions: a list filter must accept the states of older versions too."""
        states: dict[str, str] = {}
        for wf in sorted(self.by_key.values(), key=lambda w: -w.spec.version):
            if wf.spec.applies_to == applies_to:
                for state in wf.spec.states:
                    states.setdefault(state.name, state.label)
        return states

    def __iter__(self) -> Any:
        return iter(self.by_key.values())


def load_workflows(paths: Iterable[Path], registry: Registry) -> Workflows:
    """Load every definition with the done_labels kept beside them
    (``workflow.definitions.done_labels``); all problems of all files are reported together."""
    paths = list(paths)
    workflows = Workflows(registry=registry)
    problems: list[DefinitionProblem] = []
    loaded: list[LoadedDefinition] = []
    for path in definition_files(paths):
        try:
            loaded.append(load_definition(path, registry))
        except DefinitionError as exc:
            problems.extend(exc.problems)
    # Checked against the definitions it names: only once they all loaded.
    for labels in done_labels_files(paths) if not problems else []:
        try:
            loaded = apply_done_labels(labels, loaded)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    for definition in loaded:
        try:
            workflows.add(definition)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DefinitionError(problems)
    return workflows


def mermaid(spec: DefinitionSpec) -> str:
    """A Mermaid ``stateDiagram-v2`` with the German state labels and trigger names."""
    lines = ["stateDiagram-v2", f"    [*] --> {spec.initial}"]
    for state in spec.states:
        lines.append(f'    state "{state.label}" as {state.name}')
    for t in spec.transitions:
        for source in t.source:
            lines.append(f"    {source} --> {t.dest}: {t.trigger}")
    for state in spec.states:
        if state.final:
            lines.append(f"    {state.name} --> [*]")
    return "\n".join(lines) + "\n"


def quiet_transitions_log() -> None:
    """Keep the ``transitions`` library's INFO chatter ("Finished processing state … exit
    callbacks", several lines per step) out of a server's log: the engine logs each fired
    transition itself, and the audit trail records it."""
    logging.getLogger("transitions").setLevel(logging.WARNING)
