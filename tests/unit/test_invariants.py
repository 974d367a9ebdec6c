"""Architecture invariants: the engine knows no web layer; definitions and registry agree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workflow.composition import default_registry
from workflow.definitions.loader import LoadedDefinition, load_definition

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "workflow"
DEFINITIONS = REPO / "definitions"
FORBIDDEN_IMPORTS = frozenset({"api", "fastapi"})

# Registry names no definition uses yet, kept on purpose (each with the reason).
RESERVED_GUARDS: dict[str, str] = {}
RESERVED_ACTIONS: dict[str, str] = {}
RESERVED_ANCHORS = {
    # A deadline on a given calendar day (``data["fixed_date"]``); the loader lets such a
    # rule go without a period.
    "fixed_date": "fester Termin ohne Dauer, von loader.check_definition vorgesehen",
}


def definition_paths() -> list[Path]:
    return sorted([*DEFINITIONS.glob("*.yaml"), *DEFINITIONS.glob("*.yml")])


def load_all() -> list[LoadedDefinition]:
    registry = default_registry()
    return [load_definition(path, registry) for path in definition_paths()]


def forbidden_imports(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """``(line, module)`` of every absolute import of ``api`` or ``fastapi`` (or a submodule)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found.extend(
            (node.lineno, module) for module in modules if module.split(".")[0] in FORBIDDEN_IMPORTS
        )
    return found


def test_workflow_package_does_not_import_the_web_layer() -> None:
    files = sorted(WORKFLOW.rglob("*.py"))
    assert len(files) > 10
    offenders = [
        f"{path.relative_to(REPO)}:{line}: import {module}"
        for path in files
        for line, module in forbidden_imports(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == []


def test_import_check_catches_web_imports() -> None:
    source = (
        "import os\n"
        "import fastapi.routing\n"
        "from api.app import create\n"
        "from . import api\n"
        "from apiary import bees\n"
        "def late():\n"
        "    from fastapi import FastAPI\n"
    )
    assert forbidden_imports(source) == [
        (2, "fastapi.routing"),
        (3, "api.app"),
        (7, "fastapi"),
    ]


# A German date is ``workflow.documents.german.day`` (a moment as its Berlin day); a date
# formatted in place would show a datetime's UTC day. Outside: the law layer, which imports
# nothing of the project (its own "Do, 09.05.2024"), and the demo's console story.
INLINE_DATE_ALLOWED = ("workflow/law/", "workflow/demo/", "workflow/documents/german.py")


def inline_dates(source: str) -> list[int]:
    """Lines that format a German date in place (``%d.%m.%Y`` in an f-string or strftime)."""
    return [no for no, line in enumerate(source.splitlines(), start=1) if "%d.%m.%" in line]


def test_german_dates_come_from_the_one_formatter() -> None:
    files = sorted([*WORKFLOW.rglob("*.py"), *(REPO / "api").rglob("*.py")])
    offenders = [
        f"{path.relative_to(REPO)}:{line}"
        for path in files
        if not path.relative_to(REPO).as_posix().startswith(INLINE_DATE_ALLOWED)
        for line in inline_dates(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert inline_dates('x = 1\nday = f"{when:%d.%m.%Y}"\n') == [2]


@pytest.mark.parametrize("path", definition_paths(), ids=lambda p: p.name)
def test_every_definition_file_loads(path: Path) -> None:
    loaded = load_definition(path, default_registry())
    assert loaded.spec.name == path.stem


def test_definition_names_and_versions_are_unique() -> None:
    keys = [(d.spec.name, d.spec.version) for d in load_all()]
    assert len(keys) == len(set(keys))
    assert {"proposal", "meeting"} <= {name for name, _ in keys}


def test_every_registry_name_is_used_or_reserved() -> None:
    registry = default_registry()
    used_guards: set[str] = set()
    used_actions: set[str] = set()
    used_anchors: set[str] = set()
    for loaded in load_all():
        for transition in loaded.spec.transitions:
            used_guards.update(transition.guards)
            used_actions.update(transition.actions)
        for state in loaded.spec.states:
            used_anchors.update(rule.anchor for rule in state.deadlines)
            used_guards.update(rule.when for rule in state.deadlines if rule.when)

    unused = {
        "guards": sorted(set(registry.guards) - used_guards - set(RESERVED_GUARDS)),
        "actions": sorted(set(registry.actions) - used_actions - set(RESERVED_ACTIONS)),
        "anchors": sorted(set(registry.anchors) - used_anchors - set(RESERVED_ANCHORS)),
    }
    assert unused == {"guards": [], "actions": [], "anchors": []}, (
        f"registered but used by no definition (use them or list them as reserved): {unused}"
    )


def test_reserved_names_are_registered() -> None:
    registry = default_registry()
    stale = (
        sorted(set(RESERVED_GUARDS) - set(registry.guards))
        + sorted(set(RESERVED_ACTIONS) - set(registry.actions))
        + sorted(set(RESERVED_ANCHORS) - set(registry.anchors))
    )
    assert stale == []
