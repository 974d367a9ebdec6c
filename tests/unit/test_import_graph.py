"""The layout is the architecture: imports between the modules of ``workflow/`` and ``api/``
form no circle, the engine does not know the web, and the inner layers stay inner.

Read from the source with ``ast`` (nothing is imported), so a circle hidden in a function-level
import counts as much as one at the top; imports under ``if TYPE_CHECKING:`` count too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workflow", "api")
WEB = ("api", "fastapi", "starlette", "uvicorn")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:  # Alembic scripts, loaded by Alembic, not imported
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The module of ours that ``name`` (a module, or a name in one) is, or None."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported(module: str, path: Path) -> Iterator[str]:
    """Every dotted name ``module`` imports: ``from a import b`` is ``a.b`` when that is a
    module of ours (a submodule), else ``a`` (a name defined in ``a``)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                name = f"{source}.{alias.name}"
                yield name if name in MODULES else source


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_owner(name) for name in _imported(module, path)}
        edges[module] = {t for t in targets if t is not None and t != module}
    return edges


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_is_read() -> None:
    edges = _edges()
    assert "workflow.definitions.registry" in edges
    assert "workflow.definitions.registry" in edges["workflow.composition"]


def test_no_import_circles() -> None:
    assert _circles(_edges()) == []


def test_a_circle_is_found() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_engine_does_not_know_the_web() -> None:
    offending = sorted(
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if module.startswith("workflow")
        for name in _imported(module, path)
        if name.split(".")[0] in WEB
    )
    assert offending == []


def test_law_imports_nothing_of_the_project_but_itself() -> None:
    edges = _edges()
    offending = sorted(
        f"{module} imports {target}"
        for module, targets in edges.items()
        if module.startswith("workflow.law")
        for target in targets
        if not target.startswith("workflow.law")
    )
    assert offending == []


def test_rules_do_not_import_services_and_definitions_not_rules() -> None:
    edges = _edges()
    offending = sorted(
        f"{module} imports {target}"
        for module, targets in edges.items()
        for target in targets
        if (module.startswith("workflow.rules") and target.startswith("workflow.services"))
        or (
            module.startswith("workflow.definitions")
            and target.startswith(("workflow.rules", "workflow.services"))
        )
    )
    assert offending == []
