"""The built wheel on its own: a fresh venv in a temporary directory, no checkout beside it.

Run by ``.ci/run`` (marker ``wheel``, deselected by default: it builds and installs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.served import free_port, stop, wait_healthy

pytestmark = pytest.mark.wheel

_NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.db", ".*_cache")


def _run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )


def _env(database: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RATSFLOW_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    env["RATSFLOW_DATABASE_URL"] = f"sqlite:///{database}"
    return env


def test_installed_wheel_plays_the_demo_sets_up_a_town_and_serves(tmp_path: Path) -> None:
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    # Built from a copy: pip builds in-tree and would leave build/ in the checkout.
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", source, "-w", dist])
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("ratsflow-*.whl")
    assert _run([sys.executable, "-m", "venv", venv]).returncode == 0
    installed = _run([venv / "bin" / "pip", "install", "-q", wheel])
    assert installed.returncode == 0, installed.stderr

    where = _run(
        [venv / "bin" / "python", "-c", "import workflow; print(workflow.__file__)"],
        cwd=work,
        env=_env(work / "x.db"),
    )
    assert where.stdout.startswith(str(venv)), where.stdout  # not the checkout

    demo = _run([venv / "bin" / "ratsflow", "demo"], cwd=work, env=_env(work / "demo.db"))
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "importiert Vorlage 8/2024" in demo.stdout

    # a real installation: the municipality and its first administrator, no demo data
    password = {"RATSFLOW_ADMIN_PASSWORD": "Rathaus-Schluessel-2026"}
    setup = _run(
        [venv / "bin" / "ratsflow", "setup", "--gemeinde", "Musterhausen",
         "--admin", "admin.musterhausen", "--name", "Uwe Ordner"],
        cwd=work,
        env=_env(work / "setup.db") | password,
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr[-3000:]
    assert "Konto „admin.musterhausen“ (Uwe Ordner, Administration) angelegt." in setup.stdout

    port = free_port()
    log = tmp_path / "serve.log"
    env = _env(work / "serve.db") | {"RATSFLOW_BASE_URL": f"http://127.0.0.1:{port}"}
    process = subprocess.Popen(
        [venv / "bin" / "ratsflow", "serve", "--demo", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        health = wait_healthy(base, process, log, 240)  # the demo is loaded first
        assert health == {"status": "ok", "database": "ok", "scheduler": "running"}, log.read_text()
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": "demo"}
        )
        assert token.status_code == 200, token.text
    finally:
        stop(process)
