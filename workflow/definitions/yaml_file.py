"""One YAML file of ``definitions/`` read and validated, every failure ``file:line: reason``.

A definition (``loader``), a state map (``state_map``) and the done_labels beside the released
versions (``done_labels``) are all read alike: the text, PyYAML's node API so each key keeps
its line, a pydantic schema, and its errors pointed back at the lines that caused them
(SpiffWorkflow's ValidationException idea).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import ValidationError

from workflow.errors import DefinitionError, DefinitionProblem

Loc = tuple[str | int, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class YamlFile(Generic[T]):
    """A file's text, its validated content and the line of every key."""

    path: Path
    source: str
    data: T
    lines: dict[Loc, int]

    def problem(self, loc: Loc, reason: str) -> DefinitionProblem:
        """A problem at the line of ``loc`` (or of the nearest key above it)."""
        return DefinitionProblem(str(self.path), line_of(self.lines, loc), reason)


def read_yaml(
    path: Path, validate: Callable[[Any], T], *, missing: str | None = None
) -> YamlFile[T]:
    """Read, compose and validate ``path``; raises ``DefinitionError``. ``missing``: the
    reason given when the file does not exist, instead of "nicht lesbar"."""
    source = read_text(path, missing=missing)
    data, lines = parse_yaml(source, path, validate)
    return YamlFile(path=path, source=source, data=data, lines=lines)


def read_text(path: Path, *, missing: str | None = None) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        reason = missing if missing is not None else f"nicht lesbar: {exc}"
        raise DefinitionError([DefinitionProblem(str(path), 1, reason)]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([DefinitionProblem(str(path), 1, f"nicht lesbar: {exc}")]) from exc


def parse_yaml(source: str, path: Path, validate: Callable[[Any], T]) -> tuple[T, dict[Loc, int]]:
    """YAML text → validated content and the line of every key; raises ``DefinitionError``."""
    data, lines = compose(source, path)
    try:
        return validate(data), lines
    except ValidationError as exc:
        raise schema_problems(exc, lines, path) from exc


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


def _error_line(lines: dict[Loc, int], loc: Loc) -> int:
    """The line of an error's key path; a union's alternatives in it are not keys."""
    if loc in lines:
        return lines[loc]
    return line_of(lines, tuple(p for p in loc if not (isinstance(p, str) and _is_union_member(p))))


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
        line = _error_line(lines, tuple(first["loc"]))
        if len(group) > 1 and all(_expected(e) for e in group):
            problems.append(DefinitionProblem(str(path), line, _describe(first, group[1:])))
        else:
            problems += [
                DefinitionProblem(str(path), _error_line(lines, tuple(e["loc"])), _describe(e))
                for e in group
            ]
    return DefinitionError(problems)
