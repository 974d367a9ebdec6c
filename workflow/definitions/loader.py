"""YAML → ``DefinitionSpec`` with every error reported as ``file:line: reason``: read by
``yaml_file`` (the schema's errors at their lines), then the cross-checks the schema cannot
express."""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from workflow.definitions.spec import ROLES, DefinitionSpec
from workflow.definitions.yaml_file import Loc, line_of, parse_yaml, read_yaml
from workflow.errors import DefinitionError, DefinitionProblem


class NameRegistry(Protocol):
    """What the loader needs to know of the registry: which names exist."""

    def has_guard(self, name: str) -> bool: ...
    def has_action(self, name: str) -> bool: ...
    def has_anchor(self, name: str) -> bool: ...
    def anchor_is_due_date(self, name: str) -> bool: ...


@dataclass(frozen=True)
class LoadedDefinition:
    spec: DefinitionSpec
    path: Path
    source: str
    content_hash: str


def parse_definition(source: str, path: Path) -> tuple[DefinitionSpec, dict[Loc, int]]:
    """Parse and schema-validate one definition text; raises ``DefinitionError``."""
    return parse_yaml(source, path, DefinitionSpec.model_validate)


def check_definition(
    spec: DefinitionSpec, lines: dict[Loc, int], path: Path, registry: NameRegistry
) -> list[DefinitionProblem]:
    """Cross-checks the schema cannot express: names, reachability, dead ends, roles."""
    shown = str(path)
    problems: list[DefinitionProblem] = []

    def add(loc: Loc, reason: str) -> None:
        problems.append(DefinitionProblem(shown, line_of(lines, loc), reason))

    names = [s.name for s in spec.states]
    known = set(names)
    for i, name in enumerate(names):
        if names.index(name) != i:
            add(("states", i, "name"), f'Zustand "{name}" ist doppelt definiert')
    if spec.initial not in known:
        add(("initial",), f'unbekannter Anfangszustand "{spec.initial}"')
    seen_pairs: set[tuple[str, str]] = set()
    for ti, t in enumerate(spec.transitions):
        for si, src in enumerate(t.source):
            if src not in known:
                add(("transitions", ti, "source", si), f'unbekannter Zustand "{src}"')
            if (t.trigger, src) in seen_pairs:
                add(
                    ("transitions", ti, "trigger"),
                    f'Aktion "{t.trigger}" ist im Zustand "{src}" mehrfach definiert',
                )
            seen_pairs.add((t.trigger, src))
        if t.dest not in known:
            add(("transitions", ti, "dest"), f'unbekannter Zustand "{t.dest}"')
        for gi, guard in enumerate(t.guards):
            if not registry.has_guard(guard):
                add(("transitions", ti, "guards", gi), f'Guard "{guard}" ist nicht registriert')
        for ai, action in enumerate(t.actions):
            if not registry.has_action(action):
                add(("transitions", ti, "actions", ai), f'Aktion "{action}" ist nicht registriert')
        for ri, role in enumerate(t.roles):
            if role not in ROLES:
                add(("transitions", ti, "roles", ri), f'unbekannte Rolle "{role}"')
        if not [r for r in t.roles if r in ROLES]:
            add(("transitions", ti, "roles"), f'die Aktion "{t.trigger}" darf keine Rolle auslösen')
        if t.automatic and t.roles != ("system",):
            add(
                ("transitions", ti, "roles"), "automatische Übergänge löst nur die Rolle system aus"
            )
    triggers = {t.trigger for t in spec.transitions}
    rule_names: set[str] = set()
    for si, state in enumerate(spec.states):
        outgoing = spec.transitions_from(state.name)
        # A final state may record something that leaves it where it is (publish, § 41b
        # Abs. 5 GemO), but no transition may lead out of it.
        if state.final and any(t.dest != state.name for t in outgoing):
            add(("states", si, "final"), f'Endzustand "{state.name}" hat ausgehende Übergänge')
        if not state.final and not outgoing:
            add(
                ("states", si, "name"),
                f'Zustand "{state.name}" ist kein Endzustand und hat keinen Ausgang',
            )
        for di, rule in enumerate(state.deadlines):
            loc: Loc = ("states", si, "deadlines", di)
            if not registry.has_anchor(rule.anchor):
                add((*loc, "anchor"), f'Fristanker "{rule.anchor}" ist nicht registriert')
            if rule.when is not None and not registry.has_guard(rule.when):
                add((*loc, "when"), f'Bedingung (Guard) "{rule.when}" ist nicht registriert')
            if (
                rule.period is None
                and registry.has_anchor(rule.anchor)
                and not registry.anchor_is_due_date(rule.anchor)
            ):
                add((*loc, "period"), "eine Frist braucht eine Dauer (period)")
            for ci, closing in enumerate(rule.closed_by):
                if closing not in known:
                    add((*loc, "closed_by", ci), f'unbekannter Zustand "{closing}"')
            for ci, closing in enumerate(rule.closed_by_triggers):
                if closing not in triggers:
                    add((*loc, "closed_by_triggers", ci), f'unbekannte Aktion "{closing}"')
            if rule.rule in rule_names:
                add((*loc, "rule"), f'Fristregel "{rule.rule}" ist doppelt definiert')
            rule_names.add(rule.rule)
            if rule.on_expiry is not None and rule.on_expiry not in triggers:
                add((*loc, "on_expiry"), f'unbekannte Aktion "{rule.on_expiry}"')
            for ri, role in enumerate(rule.remind.roles):
                if role not in ROLES:
                    add((*loc, "remind", "roles", ri), f'unbekannte Rolle "{role}"')
    # From an unknown initial state nothing is reachable; that defect is reported above.
    for state_name in unreachable_states(spec) if spec.initial in known else []:
        add(
            ("states", names.index(state_name), "name"),
            f'Zustand "{state_name}" ist nicht erreichbar',
        )
    return problems


def unreachable_states(spec: DefinitionSpec) -> list[str]:
    reached = {spec.initial}
    queue = deque([spec.initial])
    while queue:
        current = queue.popleft()
        for t in spec.transitions_from(current):
            if t.dest not in reached:
                reached.add(t.dest)
                queue.append(t.dest)
    return [s.name for s in spec.states if s.name not in reached]


def load_definition(path: Path, registry: NameRegistry) -> LoadedDefinition:
    """The one loader, shared by start-up and ``ratsflow definitions validate``."""
    read = read_yaml(path, DefinitionSpec.model_validate)
    spec, lines = read.data, read.lines
    problems = check_definition(spec, lines, path, registry) + _archived_name(spec, lines, path)
    if problems:
        raise DefinitionError(problems)
    digest = hashlib.sha256(read.source.encode("utf-8")).hexdigest()
    return LoadedDefinition(spec=spec, path=path, source=read.source, content_hash=digest)


ARCHIVED = re.compile(r"v([0-9]+)")


def _archived_name(
    spec: DefinitionSpec, lines: dict[Loc, int], path: Path
) -> list[DefinitionProblem]:
    """An earlier version kept for its running instances lives at ``<name>/v<N>.yaml``."""
    match = ARCHIVED.fullmatch(path.stem)
    if match is None:
        return []
    problems = []
    if spec.name != path.parent.name:
        problems.append(
            DefinitionProblem(
                str(path),
                line_of(lines, ("name",)),
                f'die Definition "{spec.name}" liegt im Verzeichnis "{path.parent.name}"',
            )
        )
    if spec.version != int(match.group(1)):
        problems.append(
            DefinitionProblem(
                str(path),
                line_of(lines, ("version",)),
                f"Version {spec.version} liegt in der Datei {path.name}",
            )
        )
    return problems


def definition_files(paths: Iterable[Path]) -> list[Path]:
    """A directory holds the current versions (``<name>.yaml``) and, below them, the earlier
    versions that running instances still use (``<name>/v<N>.yaml``)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
            files.extend(sorted(p for p in path.glob("*/v*.yaml") if ARCHIVED.fullmatch(p.stem)))
        else:
            files.append(path)
    return files
