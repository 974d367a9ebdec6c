"""YAML → ``DefinitionSpec`` with every error reported as ``file:line: reason``.

PyYAML's node API keeps each key's line, so a pydantic error's ``loc`` can be pointed back
at the line that caused it (SpiffWorkflow's ValidationException idea).
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import ValidationError

from workflow.definitions.spec import ROLES, DefinitionSpec
from workflow.errors import DefinitionError, DefinitionProblem

Loc = tuple[str | int, ...]


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


def _to_python(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(yaml.safe_load(yaml.serialize(key_node)))
            lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _to_python(value_node, (*loc, key), lines)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*loc, i), lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def line_of(lines: dict[Loc, int], loc: Loc) -> int:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)


# What a value must be, in the words of the people who write definitions (German).
_EXPECTED = {
    "bool_parsing": "true oder false",
    "bool_type": "true oder false",
    "int_parsing": "eine ganze Zahl",
    "int_type": "eine ganze Zahl",
    "int_from_float": "eine ganze Zahl",
    "string_type": "ein Text",
    "list_type": "eine Liste",
    "tuple_type": "eine Liste",  # the spec keeps YAML lists as tuples
    "set_type": "eine Liste",
    "frozen_set_type": "eine Liste",
    "dict_type": "ein Objekt (Schlüssel: Wert)",
    "model_type": "ein Objekt (Schlüssel: Wert)",
    "model_attributes_type": "ein Objekt (Schlüssel: Wert)",
}


def _field(error: Any) -> str:
    """The key path; a union's alternatives add their type to it ("task.bool"): not keys."""
    return ".".join(
        str(p) for p in error["loc"] if not (isinstance(p, str) and _is_union_member(p))
    )


def _is_union_member(part: str) -> bool:
    return part in ("bool", "int", "str", "list", "dict") or part.startswith(
        ("literal[", "list[", "dict[", "function-")
    )


def _expected(error: Any) -> str | None:
    if error["type"] == "literal_error":
        return str((error.get("ctx") or {}).get("expected", "")).replace(" or ", " oder ")
    return _EXPECTED.get(error["type"])


def _describe(error: Any, alternatives: list[Any] | None = None) -> str:
    """One problem in German; ``alternatives``: the other errors of the same union value."""
    kind, field, ctx = error["type"], _field(error), error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f'unbekannter Schlüssel "{error["loc"][-1]}"'
    if kind == "missing":
        return f'Pflichtfeld "{field}" fehlt'
    expected = [e for e in (_expected(a) for a in [error, *(alternatives or [])]) if e]
    if expected:
        given = repr(error.get("input"))
        given = given if len(given) <= 60 else given[:57] + "…"  # a whole mapping, shortened
        return f"{field}: erwartet {' oder '.join(expected)}, angegeben: {given}"
    if kind == "too_short":
        return f"{field}: mindestens {ctx.get('min_length')} Einträge nötig"
    if kind == "value_error" and "error" in ctx:
        return f"{field}: {ctx['error']}"
    return f"{field}: {error['msg']}"


def _has_nested_error(loc: Loc, errors: list[Any]) -> bool:
    return any(len(e["loc"]) > len(loc) and tuple(e["loc"][: len(loc)]) == loc for e in errors)


def compose(source: str, path: Path) -> tuple[Any, dict[Loc, int]]:
    """YAML text → plain data and the line of every key; a YAML object or ``DefinitionError``."""
    shown = str(path)
    try:
        root = yaml.compose(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(
            [DefinitionProblem(shown, line, f"YAML-Syntaxfehler: {problem}")]
        ) from exc
    if root is None or not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise DefinitionError(
            [DefinitionProblem(shown, line, "Die Definition muss ein YAML-Objekt sein")]
        )
    lines: dict[Loc, int] = {}
    return _to_python(root, (), lines), lines


def schema_problems(exc: ValidationError, lines: dict[Loc, int], path: Path) -> DefinitionError:
    """A pydantic error as ``file:line: reason`` problems."""
    errors = exc.errors()
    # One value that fits none of a union's alternatives is one problem, not one per type.
    by_field: dict[str, list[Any]] = {}
    for err in errors:
        # pydantic counts a list's length after dropping invalid items, so one broken item
        # of a one-item list also yields "too short": a consequence, not a second defect.
        if not (err["type"] == "too_short" and _has_nested_error(err["loc"], errors)):
            by_field.setdefault(_field(err), []).append(err)
    problems = []
    for group in by_field.values():
        first = group[0]
        line = line_of(lines, tuple(first["loc"]))
        if len(group) > 1 and all(_expected(e) for e in group):
            problems.append(DefinitionProblem(str(path), line, _describe(first, group[1:])))
        else:
            problems += [
                DefinitionProblem(str(path), line_of(lines, tuple(e["loc"])), _describe(e))
                for e in group
            ]
    return DefinitionError(problems)


def parse_definition(source: str, path: Path) -> tuple[DefinitionSpec, dict[Loc, int]]:
    """Parse and schema-validate one definition text; raises ``DefinitionError``."""
    data, lines = compose(source, path)
    try:
        spec = DefinitionSpec.model_validate(data)
    except ValidationError as exc:
        raise schema_problems(exc, lines, path) from exc
    return spec, lines


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
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([DefinitionProblem(str(path), 1, f"nicht lesbar: {exc}")]) from exc
    spec, lines = parse_definition(source, path)
    problems = check_definition(spec, lines, path, registry) + _archived_name(spec, lines, path)
    if problems:
        raise DefinitionError(problems)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return LoadedDefinition(spec=spec, path=path, source=source, content_hash=digest)


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
