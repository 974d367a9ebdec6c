"""A released definition version never changes: running instances and their audit trail rest
on it (the database refuses a changed text at start-up; this test catches it before)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO
from workflow.composition import default_registry
from workflow.definitions.machines import load_workflows

DEFINITIONS = REPO / "definitions"
LOCK = DEFINITIONS / "versions.lock"


def _locked() -> dict[tuple[str, int], str]:
    entries = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version, digest = line.split()
            entries[(name, int(version))] = digest
    return entries


def test_every_definition_version_is_locked_and_unchanged() -> None:
    locked = _locked()
    for wf in load_workflows([DEFINITIONS], default_registry()):
        key = (wf.spec.name, wf.spec.version)
        path = Path(wf.loaded.path).relative_to(REPO)
        assert key in locked, f"{path}: Version {key[1]} fehlt in {LOCK.name}"
        assert locked[key] == wf.loaded.content_hash, (
            f"{path}: {key[0]} Version {key[1]} wurde geändert; bitte als neue Version anlegen"
        )
