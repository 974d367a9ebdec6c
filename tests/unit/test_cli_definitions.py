"""``ratsflow definitions validate|diagram``: exit codes and ``file:line: reason`` on stderr."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from workflow.cli.main import main
from workflow.composition import default_registry
from workflow.definitions.loader import load_definition
from workflow.definitions.machines import mermaid

REPO = Path(__file__).resolve().parents[2]
DEFINITIONS = REPO / "definitions"
INVALID_DIR = REPO / "tests" / "data" / "definitions_invalid"
_EXPECT = re.compile(r"^# expect: (\d+): (.+)$")


def expectation(path: Path) -> tuple[int, str]:
    match = _EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, path
    return int(match.group(1)), match.group(2).strip()


def reported(stderr: str, path: Path) -> bool:
    """Whether stderr holds the expected ``file:line: reason`` line for ``path``."""
    line, fragment = expectation(path)
    prefix = f"{path}:{line}: "
    return any(row.startswith(prefix) and fragment in row for row in stderr.splitlines())


def test_validate_real_definitions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["definitions", "validate"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "proposal v1 gültig" in out
    assert "meeting v4 gültig" in out


def test_validate_explicit_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = DEFINITIONS / "meeting.yaml"
    assert main(["definitions", "validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{path}: meeting v4 gültig")
    assert err == ""


@pytest.mark.parametrize(
    "name", ["unknown_guard.yaml", "yaml_syntax.yaml", "bad_period.yaml", "not_a_mapping.yaml"]
)
def test_validate_invalid_file(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = INVALID_DIR / name
    assert main(["definitions", "validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert reported(err, path), err
    assert all(re.match(rf"{re.escape(str(path))}:\d+: \S", row) for row in err.splitlines())


def test_validate_directory_reports_every_invalid_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = ["dead_end.yaml", "unknown_action.yaml", "unknown_role.yaml", "missing_name.yaml"]
    for name in chosen:
        shutil.copy(INVALID_DIR / name, tmp_path / name)
    shutil.copy(DEFINITIONS / "proposal.yaml", tmp_path / "proposal.yaml")

    assert main(["definitions", "validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    for name in chosen:
        assert reported(err, tmp_path / name), f"{name} missing from:\n{err}"
    # The valid file in the same directory is still checked and reported as valid.
    assert f"{tmp_path / 'proposal.yaml'}: proposal v6 gültig" in out


def test_validate_whole_invalid_directory(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(INVALID_DIR.glob("*.yaml"))
    assert main(["definitions", "validate", str(INVALID_DIR)]) == 1
    _, err = capsys.readouterr()
    missing = [p.name for p in files if not reported(err, p)]
    assert missing == []


def test_validate_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["definitions", "validate", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert "Keine Definitionsdateien gefunden" in err


def test_diagram_prints_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["definitions", "diagram", "proposal", "--format", "mermaid"]) == 0
    out, err = capsys.readouterr()
    spec = load_definition(DEFINITIONS / "proposal.yaml", default_registry()).spec
    assert out == mermaid(spec)
    assert out.startswith("stateDiagram-v2\n")
    assert "    decided --> objected: object" in out.splitlines()
    assert err == ""


def test_diagram_of_unknown_definition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["definitions", "diagram", "no_such_workflow", "--format", "mermaid"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert 'Unbekannte Definition "no_such_workflow"' in err


def test_console_script_adds_serve_to_the_engine_commands() -> None:
    scripts = entry_points(group="console_scripts", name="ratsflow")
    assert [ep.value for ep in scripts] == ["api.cli:main"]
    script_main = next(iter(scripts)).load()
    assert script_main(["definitions", "validate"]) == 0


def test_module_entry_point_validates() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workflow.cli.main", "definitions", "validate"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "proposal v1 gültig" in result.stdout
    assert "meeting v1 gültig" in result.stdout
