"""A wrong or unreachable database: every command says so in one German line, no traceback.

The console script runs as a user starts it (a subprocess with the environment set).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED

REFUSED = "postgresql+psycopg://postgres:geheim@127.0.0.1:9/ratsflow"  # discard port


def ratsflow(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "RATSFLOW_DATABASE_URL": url,
        "RATSFLOW_SECRET_KEY": "x" * 32,
        "RATSFLOW_DB_CONNECT_TIMEOUT": "2",
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Fehler: Datenbank nicht nutzbar ("), lines[0]
    assert "geheim" not in lines[0]  # the password stays out of the message
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "verify"),
        ("serve", "--port", "1"),
        ("worker", "--once"),
        ("demo",),
        ("import-vorlage", str(SEED)),
    ],
)
def test_unreachable_database_is_one_line(args: tuple[str, ...]) -> None:
    line = _one_line(ratsflow(REFUSED, *args))
    assert "127.0.0.1:9" in line


def test_malformed_url_is_one_line() -> None:
    line = _one_line(ratsflow("kein-url", "audit", "verify"))
    assert "ungültige URL" in line


def test_audit_verify_on_a_database_without_schema_exits_2(tmp_path: Path) -> None:
    """Verifying reads only: it neither creates the schema nor calls an empty database intact."""
    _one_line(ratsflow(f"sqlite:///{tmp_path / 'leer.db'}", "audit", "verify"))
