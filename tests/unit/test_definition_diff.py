"""``definitions diff`` over real specs, and where earlier versions must live."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from workflow.composition import default_registry
from workflow.definitions.diff import diff
from workflow.definitions.loader import load_definition
from workflow.errors import DefinitionError

PROPOSAL = REPO / "definitions" / "proposal.yaml"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "proposal.yaml"
    path.write_text(PROPOSAL.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return path


def test_diff_names_added_removed_and_changed_states_and_transitions(tmp_path: Path) -> None:
    registry = default_registry()
    base = load_definition(PROPOSAL, registry).spec
    changed = load_definition(
        _edited(
            tmp_path,
            "    roles: [mayor]\n    # committee_pre_deliberates",
            "    roles: [mayor, secretary]\n    # committee_pre_deliberates",
        ),
        registry,
    ).spec
    assert diff(base, changed) == [
        '~ Übergang "release": roles: [mayor] → [mayor, secretary]',
    ]
    renamed = base.model_copy(
        update={
            "states": tuple(
                s.model_copy(update={"label": "Vorentwurf"}) if s.name == "draft" else s
                for s in base.states
                if s.name != "annulled"
            ),
            "transitions": tuple(t for t in base.transitions if t.trigger != "archive"),
        }
    )
    assert diff(base, renamed) == [
        '~ Zustand "draft": label: Entwurf → Vorentwurf',
        '- Zustand "annulled" (Von der Rechtsaufsicht beanstandet)',
        '- Übergang "archive" (Archivieren): executed → archived',
    ]
    assert diff(base, base) == []


def test_an_earlier_version_lives_under_its_name_and_number(tmp_path: Path) -> None:
    misplaced = tmp_path / "proposal" / "v3.yaml"
    misplaced.parent.mkdir()
    shutil.copy(REPO / "definitions" / "proposal" / "v1.yaml", misplaced)
    with pytest.raises(DefinitionError) as error:
        load_definition(misplaced, default_registry())
    assert [str(p) for p in error.value.problems] == [
        f"{misplaced}:3: Version 1 liegt in der Datei v3.yaml"
    ]
