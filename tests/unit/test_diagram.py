"""The SVG state diagram: every state and step drawn, layers top-down, the current state marked."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.unit.test_cli_definitions import DEFINITIONS
from workflow.cli.main import main
from workflow.composition import default_registry
from workflow.definitions.diagram import svg
from workflow.definitions.loader import load_definition
from workflow.definitions.spec import DefinitionSpec

NS = {"s": "http://www.w3.org/2000/svg"}


def spec(name: str = "proposal") -> DefinitionSpec:
    return load_definition(DEFINITIONS / f"{name}.yaml", default_registry()).spec


def _nodes(root: ET.Element) -> dict[str, tuple[float, str]]:
    """label → (y, class) of each state box."""
    found = {}
    for group in root.iterfind("s:g", NS):
        title = group.findtext("s:title", namespaces=NS) or ""
        rect = group.find("s:rect", NS)
        assert rect is not None
        found[title.removesuffix(" (aktueller Stand)")] = (
            float(rect.get("y", "0")),
            group.get("class", ""),
        )
    return found


@pytest.mark.parametrize("name", ["proposal", "meeting", "decision_request", "decision_response"])
def test_every_state_and_step_is_drawn(name: str) -> None:
    definition = spec(name)
    root = ET.fromstring(svg(definition))
    nodes = _nodes(root)
    assert set(nodes) == {s.label for s in definition.states}
    edge_titles = " ".join(
        p.findtext("s:title", namespaces=NS) or "" for p in root.iterfind("s:path", NS)
    )
    for t in definition.transitions:
        if t.source != (t.dest,):
            assert t.label in edge_titles
    assert "_" not in " ".join(nodes), "labels, never state codes"


def test_layers_run_from_the_initial_state_down_to_the_ends() -> None:
    definition = spec()
    nodes = _nodes(ET.fromstring(svg(definition)))
    top = min(y for y, _ in nodes.values())
    bottom = max(y for y, _ in nodes.values())
    assert nodes["Entwurf"][0] == top
    assert nodes["In Mitzeichnung"][0] > top
    for state in definition.states:
        if state.final:
            assert nodes[state.label][0] == bottom, state.label


def test_the_current_state_is_marked_in_shape_and_words() -> None:
    out = svg(spec(), "cosigning")
    root = ET.fromstring(out)
    marked = [label for label, (_, css) in _nodes(root).items() if "--current" in css]
    assert marked == ["In Mitzeichnung"]
    assert "In Mitzeichnung (aktueller Stand)" in out
    assert root.findtext("s:desc", namespaces=NS) == "Aktueller Stand: In Mitzeichnung."
    assert "--current" not in re.sub(r"<style>.*</style>", "", svg(spec()))


def test_cli_writes_the_svg(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["definitions", "diagram", "meeting", "--format", "svg"]) == 0
    out, _ = capsys.readouterr()
    assert out == svg(spec("meeting"))
    ET.fromstring(out)
