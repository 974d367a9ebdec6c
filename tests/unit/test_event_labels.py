"""Every audit event a service writes has words for the Verlauf and "Neu seit": an event
without a label would read "Geändert", which tells a clerk nothing.

The names are collected from the source (``ast``): the trigger argument of every
``audit.note``/``append``/``append_bumping`` call, followed through the small helpers that
pass it on (``attachments._event``, ``elections._finish``, ``deputies._record``, …) and
module constants (``migration.TRIGGER``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workflow.event_labels import EVENT_LABELS
from workflow.services.council_requests import terms as request_terms

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "workflow"
AUDIT_WRITES = ("note", "append", "append_bumping")
# ``audit.note(session, instance_type, instance, actor, now, trigger, …)``
NOTE_TRIGGER_POSITION = 5
# Triggers that are no literal anywhere, each with where its words come from.
WORDED_ELSEWHERE = {
    # A transition of a definition: worded by its done_label (or label), which the loader
    # requires (``TransitionSpec.done``, ``workflow.wording.Wording.step``).
    ("workflow/services/transition.py", "transition.trigger"),
}
# An Antrag's events are worded by its own table (its detail page and "Neu seit").
COUNCIL_REQUESTS = "workflow/services/council_requests/"


@dataclass(frozen=True)
class Written:
    path: str
    line: int
    trigger: str | None  # None: not a literal, ``expression`` says what it is
    expression: str


@dataclass(frozen=True)
class Module:
    path: str
    tree: ast.Module
    constants: dict[str, str]


def _modules(root: Path) -> list[Module]:
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        found.append(Module(path.relative_to(root.parent).as_posix(), tree, constants))
    return found


def _functions(
    node: ast.AST, function: ast.FunctionDef | None = None
) -> Iterator[tuple[ast.FunctionDef | None, ast.Call]]:
    """Every call with the (innermost) function it is in, None at module level."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Call):
            yield function, child
        yield from _functions(child, child if isinstance(child, ast.FunctionDef) else function)


def _argument(call: ast.Call, position: int | None, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _parameters(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def _sees(caller: Module, helper: Module, name: str) -> bool:
    """Whether ``name`` in ``caller`` is ``helper``'s function: its own, or imported from it."""
    if caller is helper:
        return True
    dotted = helper.path.removesuffix(".py").replace("/", ".")
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == dotted
        and any(alias.name == name and alias.asname is None for alias in node.names)
        for node in caller.tree.body
    )


def _resolve(
    modules: list[Module], module: Module, function: ast.FunctionDef | None, expr: ast.expr
) -> list[tuple[Module, ast.expr, str | None]]:
    """The literal triggers ``expr`` stands for: itself, a module constant, or, where it is a
    parameter of the enclosing helper, whatever the helper's callers pass."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [(module, expr, expr.value)]
    if isinstance(expr, ast.Name) and expr.id in module.constants:
        return [(module, expr, module.constants[expr.id])]
    if not (isinstance(expr, ast.Name) and function and expr.id in _parameters(function)):
        return [(module, expr, None)]
    position = _parameters(function).index(expr.id)
    found: list[tuple[Module, ast.expr, str | None]] = []
    for caller in (m for m in modules if _sees(m, module, function.name)):
        for outer, call in _functions(caller.tree):
            if not (isinstance(call.func, ast.Name) and call.func.id == function.name):
                continue
            passed = _argument(call, position, expr.id)
            if passed is not None:
                found += _resolve(modules, caller, outer, passed)
    return found or [(module, expr, None)]


def written_triggers(root: Path = WORKFLOW) -> list[Written]:
    modules = _modules(root)
    written: list[Written] = []
    for module in modules:
        for function, call in _functions(module.tree):
            func = call.func
            if not (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "audit"
                and func.attr in AUDIT_WRITES
            ):
                continue
            position = NOTE_TRIGGER_POSITION if func.attr == "note" else None
            expr = _argument(call, position, "trigger")
            assert expr is not None, f"{module.path}:{call.lineno}: audit.{func.attr} ohne trigger"
            written += [
                Written(at.path, node.lineno, trigger, ast.unparse(node))
                for at, node, trigger in _resolve(modules, module, function, expr)
            ]
    return written


def test_audit_is_written_through_the_module_only() -> None:
    """The scan finds ``audit.note(...)`` calls: a function imported by name would escape it."""
    offenders = [
        f"{module.path}:{node.lineno}"
        for module in _modules(WORKFLOW)
        for node in ast.walk(module.tree)
        if isinstance(node, ast.ImportFrom)
        and node.module == "workflow.audit"
        and any(alias.name in AUDIT_WRITES for alias in node.names)
    ]
    assert offenders == []


def test_the_scan_finds_the_services_events() -> None:
    found = {w.trigger for w in written_triggers()}
    # literals, a helper's callers (attachments, elections, deputies, Anträge), a constant
    assert {"record_vote_counts", "add_attachment", "add_candidate", "set_user_deputies",
            "take_over", "migrate_definition"} <= found  # fmt: skip


def test_every_event_a_service_writes_has_a_label() -> None:
    missing = []
    for w in written_triggers():
        if w.trigger is None:
            if (w.path, w.expression) not in WORDED_ELSEWHERE:
                missing.append(f"{w.path}:{w.line}: {w.expression} (kein Literal)")
            continue
        table = request_terms.EVENT_LABELS if w.path.startswith(COUNCIL_REQUESTS) else EVENT_LABELS
        if w.trigger not in table:
            missing.append(f"{w.path}:{w.line}: {w.trigger}")
    assert missing == []


def test_the_scan_follows_helpers_and_reports_what_it_cannot_read(tmp_path: Path) -> None:
    package = tmp_path / "workflow"
    package.mkdir()
    (package / "one.py").write_text(
        "from workflow import audit\n"
        "WHAT = 'constant_event'\n"
        "def _event(session, instance, trigger):\n"
        "    audit.note(session, 'meeting', instance, None, None, trigger)\n"
        "def first(session, instance):\n"
        "    _event(session, instance, 'helper_event')\n"
        "def second(session, instance, chosen):\n"
        "    audit.append(session, instance_type='x', trigger=WHAT)\n"
        "    audit.append_bumping(session, instance, trigger=chosen.name)\n",
        encoding="utf-8",
    )
    (package / "two.py").write_text(
        "from workflow.one import _event\ndef third(s, i):\n    _event(s, i, trigger='other')\n",
        encoding="utf-8",
    )
    found = {(w.trigger, w.expression) for w in written_triggers(package)}
    assert found == {
        ("helper_event", "'helper_event'"),
        ("other", "'other'"),
        ("constant_event", "WHAT"),
        (None, "chosen.name"),
    }
