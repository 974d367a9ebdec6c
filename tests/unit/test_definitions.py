"""Workflow definitions: every defect reported as ``file:line: reason``; the real ones are sound.

Each file in ``tests/data/definitions_invalid`` has exactly one defect and names the expected
line and a fragment of the German reason in its first line: ``# expect: 12: Guard "x" ...``.
"""

from __future__ import annotations

import gc
import re
import weakref
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from transitions import Machine, MachineError

from workflow.composition import default_registry
from workflow.context import FiringContext
from workflow.definitions.loader import (
    LoadedDefinition,
    check_definition,
    load_definition,
    parse_definition,
    unreachable_states,
)
from workflow.definitions.machines import LightModel, build_machine, load_workflows, mermaid
from workflow.definitions.registry import Action, Registry
from workflow.errors import DefinitionError, DefinitionProblem

REPO = Path(__file__).resolve().parents[2]
DEFINITIONS = REPO / "definitions"
INVALID_DIR = REPO / "tests" / "data" / "definitions_invalid"
INVALID_FILES = sorted(INVALID_DIR.glob("*.yaml"))
REAL_NAMES = ["proposal", "meeting"]
_EXPECT = re.compile(r"^# expect: (\d+): (.+)$")

# One defect, one problem, except where a second problem is the same defect seen twice:
# a misspelt key is both an unknown key and a missing one.
EXTRA_PROBLEMS = {"unknown_key.yaml": 1}


def expectation(path: Path) -> tuple[int, str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = _EXPECT.match(first)
    assert match, f"{path.name}: first line must be '# expect: LINE: REASON', got {first!r}"
    return int(match.group(1)), match.group(2).strip()


def problems_of(path: Path) -> tuple[DefinitionProblem, ...]:
    with pytest.raises(DefinitionError) as info:
        load_definition(path, default_registry())
    return info.value.problems


def load_real(name: str) -> LoadedDefinition:
    return load_definition(DEFINITIONS / f"{name}.yaml", default_registry())


def fake_ctx() -> FiringContext:
    """Stands in for a FiringContext: only actions look at it, and they are fakes here."""
    return cast(FiringContext, SimpleNamespace())


# --- invalid definitions ---------------------------------------------------------------


def test_invalid_fixtures_exist() -> None:
    names = {p.stem for p in INVALID_FILES}
    expected = {
        "yaml_syntax",
        "unknown_key",
        "unknown_state",
        "unknown_source",
        "unknown_guard",
        "unknown_action",
        "unknown_anchor",
        "unknown_role",
        "no_role",
        "unreachable_state",
        "dead_end",
        "final_with_exit",
        "duplicate_state",
        "duplicate_trigger_source",
        "bad_period",
        "bad_initial",
        "missing_name",
        "unknown_expiry_trigger",
        "not_a_mapping",
        "automatic_with_human_role",
        "unknown_deadline_condition",
        "wrong_value_type",
        "task_neither_flag_nor_owner",
    }
    assert expected <= names


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_invalid_definition_is_refused_with_line_and_reason(path: Path) -> None:
    line, fragment = expectation(path)
    problems = problems_of(path)
    assert problems, "DefinitionError without problems"
    matching = [p for p in problems if p.line == line and fragment in p.reason]
    assert matching, f"no problem at line {line} with {fragment!r}; got: {list(map(str, problems))}"
    for problem in problems:
        assert problem.path == str(path)
        assert str(problem).startswith(f"{path}:{problem.line}: ")
    assert str(matching[0]).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_one_defect_is_reported_once(path: Path) -> None:
    problems = problems_of(path)
    assert len(problems) == 1 + EXTRA_PROBLEMS.get(path.name, 0), [str(p) for p in problems]


@pytest.mark.parametrize("path", INVALID_FILES, ids=lambda p: p.stem)
def test_reported_line_exists_in_the_file(path: Path) -> None:
    count = len(path.read_text(encoding="utf-8").splitlines())
    problems = problems_of(path)
    assert all(1 <= p.line <= count for p in problems), [str(p) for p in problems]


def test_misspelt_key_reports_no_spurious_length_error() -> None:
    problems = problems_of(INVALID_DIR / "unknown_key.yaml")
    reasons = [p.reason for p in problems]
    assert not [r for r in reasons if "at least 1 item" in r], reasons
    assert any('Pflichtfeld "transitions.0.dest" fehlt' in r for r in reasons), reasons


def test_unknown_initial_does_not_report_every_state_unreachable() -> None:
    problems = problems_of(INVALID_DIR / "bad_initial.yaml")
    assert not [p for p in problems if "nicht erreichbar" in p.reason], [str(p) for p in problems]


def test_error_message_lists_every_problem() -> None:
    path = INVALID_DIR / "unknown_key.yaml"
    with pytest.raises(DefinitionError) as info:
        load_definition(path, default_registry())
    assert str(info.value).splitlines() == [str(p) for p in info.value.problems]


def test_unreadable_file_is_a_problem_at_line_one(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    problems = problems_of(missing)
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{missing}:1: nicht lesbar")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing here\n", encoding="utf-8")
    problems = problems_of(empty)
    assert [p.reason for p in problems] == ["Die Definition muss ein YAML-Objekt sein"]


def test_load_workflows_reports_problems_of_all_files() -> None:
    with pytest.raises(DefinitionError) as info:
        load_workflows([INVALID_DIR], default_registry())
    reported = {Path(p.path).name for p in info.value.problems}
    assert reported == {p.name for p in INVALID_FILES}


# --- the real definitions --------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_definition_loads_cleanly(name: str) -> None:
    path = DEFINITIONS / f"{name}.yaml"
    spec, lines = parse_definition(path.read_text(encoding="utf-8"), path)
    assert check_definition(spec, lines, path, default_registry()) == []
    loaded = load_real(name)
    assert loaded.spec.name == name
    assert loaded.spec.applies_to == name
    assert len(loaded.content_hash) == 64


@pytest.mark.parametrize("name", REAL_NAMES)
def test_every_real_state_is_reachable(name: str) -> None:
    assert unreachable_states(load_real(name).spec) == []


@pytest.mark.parametrize("name", REAL_NAMES)
def test_every_non_final_real_state_has_an_exit(name: str) -> None:
    spec = load_real(name).spec
    dead_ends = [s.name for s in spec.states if not s.final and not spec.transitions_from(s.name)]
    assert dead_ends == []
    # A final state may only record in place (publish, § 41b Abs. 5 GemO).
    final_exits = [
        s.name
        for s in spec.states
        if s.final and any(t.dest != s.name for t in spec.transitions_from(s.name))
    ]
    assert final_exits == []


@pytest.mark.parametrize("name", REAL_NAMES)
def test_mermaid_has_a_line_per_transition(name: str) -> None:
    spec = load_real(name).spec
    text = mermaid(spec)
    lines = text.splitlines()
    assert text.startswith("stateDiagram-v2\n")
    assert f"    [*] --> {spec.initial}" in lines
    for transition in spec.transitions:
        for source in transition.source:
            assert f"    {source} --> {transition.dest}: {transition.trigger}" in lines
    for state in spec.states:
        assert f'    state "{state.label}" as {state.name}' in lines
        assert (f"    {state.name} --> [*]" in lines) == state.final


# --- machines: one per definition, never bound to rows -----------------------------------

MINI = """\
name: mini
version: 1
title: Mini
applies_to: proposal
initial: draft
states:
  - {name: draft, label: Entwurf}
  - {name: done, label: Erledigt, final: true}
transitions:
  - {trigger: finish, label: Abschließen, source: draft, dest: done, roles: [clerk],
     actions: [note]}
"""


def mini_machine(calls: list[FiringContext] | None = None) -> Machine:
    def note(ctx: FiringContext) -> None:
        if calls is not None:
            calls.append(ctx)

    spec, _ = parse_definition(MINI, Path("mini.yaml"))
    return build_machine(spec, Registry().add([Action("note", note)]))


def test_firing_moves_only_the_light_model_and_runs_actions_on_its_context() -> None:
    calls: list[FiringContext] = []
    machine = mini_machine(calls)
    ctx = fake_ctx()
    model = LightModel("draft", ctx)

    machine.events["finish"].trigger(model)

    assert model.state == "done"
    assert calls == [ctx]
    assert calls[0] is ctx
    assert set(vars(model)) == {"state", "ctx"}
    assert not hasattr(model, "finish")
    assert not hasattr(model, "is_draft")
    assert machine.models == []


def test_firing_from_a_state_without_the_trigger_is_refused() -> None:
    machine = mini_machine()
    model = LightModel("done", fake_ctx())
    with pytest.raises(MachineError):
        machine.events["finish"].trigger(model)
    assert model.state == "done"
    assert machine.models == []


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_machine_fires_without_binding_the_model(name: str) -> None:
    spec = load_real(name).spec
    machine = build_machine(spec, default_registry())
    plain = [t for t in spec.transitions if not t.actions]
    assert plain, "expected a transition without actions"
    transition = plain[0]
    model = LightModel(transition.source[0], fake_ctx())

    machine.events[transition.trigger].trigger(model)

    assert model.state == transition.dest
    assert set(vars(model)) == {"state", "ctx"}
    assert machine.models == []


def _machines_alive() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, Machine))


def test_many_firings_keep_no_models_and_no_extra_machines() -> None:
    spec = load_real("proposal").spec
    machine = build_machine(spec, default_registry())
    transition = next(t for t in spec.transitions if not t.actions)
    event = machine.events[transition.trigger]
    ctx = fake_ctx()
    before = _machines_alive()

    last: weakref.ref[LightModel] | None = None
    for _ in range(10_000):
        model = LightModel(transition.source[0], ctx)
        event.trigger(model)
        assert model.state == transition.dest
        last = weakref.ref(model)
    del model

    assert machine.models == []
    assert _machines_alive() == before
    assert last is not None
    assert last() is None, "the machine kept a reference to a fired model"


def test_a_wrong_type_quotes_a_long_value_shortened() -> None:
    """A mapping where a list belongs is named, not printed whole into the message."""
    text = (REPO / "tests/data/definitions_invalid/wrong_value_type.yaml").read_text("utf-8")
    long_value = "{" + ", ".join(f"k{i}: {i}" for i in range(50)) + "}"
    broken = text.replace("soft: jein", f"reminders: {long_value}")
    with pytest.raises(DefinitionError) as info:
        parse_definition(broken, Path("lang.yaml"))
    (problem,) = info.value.problems
    assert "erwartet eine Liste, angegeben: {'k0': 0" in problem.reason
    assert problem.reason.endswith("…")
    assert len(problem.reason) < 140
