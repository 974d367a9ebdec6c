"""The YAML files beside the definitions (state maps, done_labels) are read like the
definitions themselves (``workflow.definitions.yaml_file``): a missing, unreadable, malformed
or ill-shaped file is a ``file:line: reason``, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from workflow.composition import default_registry
from workflow.definitions.done_labels import DONE_LABELS
from workflow.definitions.machines import Workflows, load_workflows
from workflow.definitions.state_map import load_state_map, map_path
from workflow.errors import DefinitionError

DEFINITIONS = REPO / "definitions"


@pytest.fixture(scope="module")
def shipped() -> Workflows:
    return load_workflows([DEFINITIONS], default_registry())


def _state_map_problems(shipped: Workflows, directory: Path) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load_state_map(
            map_path(directory, "proposal", 1, 2),
            shipped.get("proposal", 1).spec,
            shipped.get("proposal", 2).spec,
        )
    return [str(p) for p in info.value.problems]


def _write_state_map(directory: Path, text: str) -> Path:
    path = map_path(directory, "proposal", 1, 2)
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_state_map_says_which_one(shipped: Workflows, tmp_path: Path) -> None:
    problems = _state_map_problems(shipped, tmp_path)
    path = map_path(tmp_path, "proposal", 1, 2)
    assert problems == [
        f"{path}:1: Keine Zustandszuordnung für proposal Version 1 → 2: die Datei fehlt"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: proposal\nfrom: 1\nto: 2\nstates: [draft\n", "5: YAML-Syntaxfehler"),
        ("- proposal\n", "1: Die Definition muss ein YAML-Objekt sein"),
        ("name: proposal\nfrom: eins\nto: 2\nstates: {}\n", "2: from: erwartet eine ganze Zahl"),
        (
            "name: proposal\nfrom: 1\nto: 2\nstates: {}\nnach: 3\n",
            '5: unbekannter Schlüssel "nach"',
        ),
        ("name: proposal\nfrom: 1\nto: 2\n", '1: Pflichtfeld "states" fehlt'),
    ],
)
def test_an_ill_formed_state_map_is_refused_with_file_and_line(
    shipped: Workflows, tmp_path: Path, text: str, expected: str
) -> None:
    path = _write_state_map(tmp_path, text)
    problems = _state_map_problems(shipped, tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:{expected}"), problems


def _done_labels_problems(tmp_path: Path, content: bytes) -> tuple[Path, list[str]]:
    directory = tmp_path / "definitions"
    (directory / "display").mkdir(parents=True)
    (directory / "proposal.yaml").write_bytes((DEFINITIONS / "proposal.yaml").read_bytes())
    path = directory / DONE_LABELS
    path.write_bytes(content)
    with pytest.raises(DefinitionError) as info:
        load_workflows([directory], default_registry())
    return path, [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"proposal:\n  submit: [Eingereicht\n", "3: YAML-Syntaxfehler"),
        (b"- proposal\n", "1: Die Definition muss ein YAML-Objekt sein"),
        (b"proposal:\n  submit: Eingereicht \xff\n", "1: nicht lesbar"),
    ],
)
def test_an_ill_formed_done_labels_file_is_refused_with_file_and_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path, problems = _done_labels_problems(tmp_path, content)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:{expected}"), problems
