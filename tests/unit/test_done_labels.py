"""done_label: what a past step is called (Verlauf, "Neu seit"), from the definition file or,
for released versions whose text is locked, from definitions/display/done_labels.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from workflow.composition import default_registry
from workflow.definitions.done_labels import DONE_LABELS
from workflow.definitions.machines import load_workflows
from workflow.errors import DefinitionError

DEFINITIONS = REPO / "definitions"
SMALL = """name: small
version: 1
title: Klein
applies_to: proposal
initial: draft
states:
  - name: draft
    label: Entwurf
  - name: done
    label: Erledigt
    final: true
transitions:
  - trigger: finish
    label: Abschließen
{done}    source: draft
    dest: done
    roles: [clerk]
"""


def _directory(tmp_path: Path, done: str = "", labels: str | None = None) -> Path:
    (tmp_path / "small.yaml").write_text(SMALL.format(done=done), encoding="utf-8")
    if labels is not None:
        (tmp_path / DONE_LABELS).parent.mkdir()
        (tmp_path / DONE_LABELS).write_text(labels, encoding="utf-8")
    return tmp_path


def _refused(directory: Path) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load_workflows([directory], default_registry())
    return [str(p) for p in info.value.problems]


def test_every_step_of_every_version_has_a_done_label() -> None:
    for wf in load_workflows([DEFINITIONS], default_registry()):
        missing = [t.trigger for t in wf.spec.transitions if not t.done_label]
        assert not missing, f"{wf.spec.name} v{wf.spec.version}: ohne done_label: {missing}"
        for t in wf.spec.transitions:
            assert t.done, t.trigger


def test_released_versions_take_done_labels_without_a_changed_text() -> None:
    """The labels come beside the released files: their content hash stays what the
    database and versions.lock know (test_definition_lock compares them)."""
    workflows = load_workflows([DEFINITIONS], default_registry())
    spec = workflows.latest("proposal").spec
    assert "done_label" not in workflows.latest("proposal").loaded.source
    assert spec.step_label("release", "awaiting_release", "ready") == "Freigegeben"
    meeting = workflows.latest("meeting").spec
    assert meeting.step_label("open_session", "invited", "in_session") == "Sitzung eröffnet"
    v1 = workflows.get("proposal", 1).spec
    assert v1.step_label("return_to_author", "awaiting_release", "draft") == (
        "Mit Anmerkung zurückgegeben"
    )
    # meeting v4 reworded the step: each version keeps its own words
    for version, body in ((3, "Gemeinderat"), (4, "Gremium")):
        spec = workflows.get("meeting", version).spec
        assert spec.step_label("present_minutes", "minutes_signed", "minutes_presented") == (
            f"Niederschrift dem {body} zur Kenntnis gebracht"
        )


def test_a_definition_without_done_label_names_its_steps_by_label(tmp_path: Path) -> None:
    spec = load_workflows([_directory(tmp_path)], default_registry()).latest("small").spec
    assert spec.transitions[0].done_label is None
    assert spec.step_label("finish", "draft", "done") == "Abschließen"


def test_a_done_label_in_the_file_wins_over_the_mapping(tmp_path: Path) -> None:
    directory = _directory(
        tmp_path, "    done_label: Abgeschlossen\n", "small:\n  finish: Beendet\n"
    )
    spec = load_workflows([directory], default_registry()).latest("small").spec
    assert spec.step_label("finish", "draft", "done") == "Abgeschlossen"


def test_the_mapping_fills_a_step_without_one(tmp_path: Path) -> None:
    directory = _directory(tmp_path, labels="small:\n  finish: Beendet\n")
    spec = load_workflows([directory], default_registry()).latest("small").spec
    assert spec.step_label("finish", "draft", "done") == "Beendet"


def _two_versions(tmp_path: Path, labels: str, v2_done: str = "") -> Path:
    """small v1 (kept at small/v1.yaml) and v2, the mapping ``labels`` beside them."""
    tmp_path.mkdir(exist_ok=True)
    directory = _directory(tmp_path, v2_done, labels)
    text = (directory / "small.yaml").read_text(encoding="utf-8")
    (directory / "small").mkdir()
    (directory / "small" / "v1.yaml").write_text(SMALL.format(done=""), encoding="utf-8")
    (directory / "small.yaml").write_text(
        text.replace("version: 1", "version: 2"), encoding="utf-8"
    )
    return directory


def _finished(directory: Path, version: int) -> str | None:
    spec = load_workflows([directory], default_registry()).get("small", version).spec
    return spec.step_label("finish", "draft", "done")


def test_the_mapping_names_a_step_per_version(tmp_path: Path) -> None:
    directory = _two_versions(tmp_path, "small:\n  finish:\n    1: Beendet\n    2: Erledigt\n")
    assert _finished(directory, 1) == "Beendet"
    assert _finished(directory, 2) == "Erledigt"


def test_a_version_left_out_keeps_its_label_and_its_own_done_label_wins(tmp_path: Path) -> None:
    only_v1 = _two_versions(tmp_path / "a", "small:\n  finish:\n    1: Beendet\n")
    assert _finished(only_v1, 2) == "Abschließen"
    own = _two_versions(
        tmp_path / "b",
        "small:\n  finish:\n    1: Beendet\n    2: Erledigt\n",
        "    done_label: Abgeschlossen\n",
    )
    assert (_finished(own, 1), _finished(own, 2)) == ("Beendet", "Abgeschlossen")


@pytest.mark.parametrize(
    ("labels", "line", "reason"),
    [
        ("small:\n  finish:\n    1: Beendet\n    3: Weg\n", 4, 'hat keine Version "3"'),
        ("small:\n  finish:\n    x: Beendet\n", 3, 'hat keine Version "x"'),
        ("small:\n  finish:\n    1: Beendet\n  vanish:\n    2: Weg\n", 5,
         'die Definition "small" hat in Version 2 keine Aktion "vanish"'),
        ("small:\n  finish:\n    2: ''\n", 3, "small.finish.2: darf nicht leer sein"),
        ("small:\n  finish:\n    1: [Beendet]\n", 3, "small.finish.1: erwartet ein Text"),
    ],
)  # fmt: skip
def test_a_bad_per_version_mapping_is_refused_with_file_line_and_reason(
    tmp_path: Path, labels: str, line: int, reason: str
) -> None:
    problems = _refused(_two_versions(tmp_path, labels))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{tmp_path / DONE_LABELS}:{line}: "), problems
    assert reason in problems[0], problems


@pytest.mark.parametrize(
    ("labels", "line", "reason"),
    [
        ("small:\n  finish: ''\n", 2, "small.finish: darf nicht leer sein"),
        ("small:\n  finish: [Beendet]\n", 2, "small.finish: erwartet ein Text"),
        ("small:\n  finish: " + "x" * 81 + "\n", 2, "höchstens 80 Zeichen"),
        ("small:\n  finish: Beendet\n  vanish: Weg\n", 3, 'keine Aktion "vanish"'),
        ("small:\n  finish: Beendet\nlarge:\n  finish: Beendet\n", 3, 'Definition "large"'),
    ],
)
def test_a_bad_mapping_is_refused_with_file_line_and_reason(
    tmp_path: Path, labels: str, line: int, reason: str
) -> None:
    problems = _refused(_directory(tmp_path, labels=labels))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{tmp_path / DONE_LABELS}:{line}: "), problems
    assert reason in problems[0], problems


def test_a_bad_done_label_in_a_definition_is_refused(tmp_path: Path) -> None:
    problems = _refused(_directory(tmp_path, '    done_label: "Zwei\\nZeilen"\n'))
    assert problems == [
        f"{tmp_path / 'small.yaml'}:15: transitions.0.done_label: muss eine Zeile ohne "
        "führende oder folgende Leerzeichen sein"
    ]


def test_the_shipped_mapping_sits_where_the_wheel_takes_it(tmp_path: Path) -> None:
    """pyproject ships definitions' "*/*.yaml"; the loader takes no v<N> from display/."""
    assert (DEFINITIONS / DONE_LABELS).is_file()
    copy = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, copy)
    assert len(list(load_workflows([copy], default_registry()))) == len(
        list(load_workflows([DEFINITIONS], default_registry()))
    )
