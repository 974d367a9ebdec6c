"""The explicit state map that moves running instances from one definition version to the
next (``definitions/migrations/<name>-<from>-<to>.yaml``), checked like a definition:
every failure is ``file:line: reason``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from workflow.definitions.spec import DefinitionSpec
from workflow.definitions.yaml_file import read_yaml
from workflow.errors import DefinitionError, DefinitionProblem

MIGRATIONS_DIR = "migrations"


class StateMapSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str
    source: int = Field(alias="from", ge=1)
    target: int = Field(alias="to", ge=1)
    # Source state → target state; a running state left out has no target, and a migration
    # that would have to move an instance in it is refused.
    states: dict[str, str]


@dataclass(frozen=True)
class StateMap:
    path: Path
    name: str
    source: int
    target: int
    states: dict[str, str]


def map_path(definitions_dir: Path, name: str, source: int, target: int) -> Path:
    return definitions_dir / MIGRATIONS_DIR / f"{name}-{source}-{target}.yaml"


def load_state_map(path: Path, old: DefinitionSpec, new: DefinitionSpec) -> StateMap:
    """The map from ``old`` to ``new``; its states must exist on either side."""
    read = read_yaml(
        path,
        StateMapSpec.model_validate,
        missing=f"Keine Zustandszuordnung für {old.name} Version {old.version} → "
        f"{new.version}: die Datei fehlt",
    )
    spec = read.data
    problems: list[DefinitionProblem] = []

    def add(loc: tuple[str, ...], reason: str) -> None:
        problems.append(read.problem(loc, reason))

    if spec.name != old.name:
        add(("name",), f'die Zuordnung gilt für "{spec.name}", nicht für "{old.name}"')
    if (spec.source, spec.target) != (old.version, new.version):
        add(
            ("from",),
            f"die Zuordnung führt von Version {spec.source} zu {spec.target}, verlangt ist "
            f"{old.version} → {new.version}",
        )
    old_states = {s.name for s in old.states}
    new_states = {s.name for s in new.states}
    for state, target in spec.states.items():
        if state not in old_states:
            add(("states", state), f'unbekannter Zustand "{state}" in Version {old.version}')
        if target not in new_states:
            add(("states", state), f'unbekannter Zustand "{target}" in Version {new.version}')
    if problems:
        raise DefinitionError(problems)
    return StateMap(path, spec.name, spec.source, spec.target, dict(spec.states))
