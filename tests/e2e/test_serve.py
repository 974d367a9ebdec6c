"""`ratsflow serve --demo` as a user starts it: a real uvicorn process, real HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.conftest import REPO
from tests.served import free_port, stop, wait_healthy, wait_logged


@pytest.fixture
def served(db: Engine, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """The console script's `serve --demo` on the (empty) test database; its JSON log goes
    to a file (a pipe nobody reads would fill up and block the server)."""
    port = free_port()
    env = {
        **os.environ,
        "RATSFLOW_DATABASE_URL": db.url.render_as_string(hide_password=False),
    }
    env.pop("RATSFLOW_SECRET_KEY", None)  # demo mode must start without one
    env.pop("RATSFLOW_BASE_URL", None)  # links follow the served port (test below)
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, log, 240)  # the demo is loaded first
        yield base, process, log
    finally:
        stop(process)


def test_serve_demo_answers_over_real_http(
    served: tuple[str, subprocess.Popen[bytes], Path], db: Engine
) -> None:
    base, process, log = served
    # Without RATSFLOW_BASE_URL the demo's e-mails link to where it is served.
    with db.connect() as conn:
        bodies = [row[0] for row in conn.execute(text("SELECT body FROM outboxmessage"))]
    assert bodies
    assert all(f"{base}/" in body for body in bodies if "http" in body)
    assert sum(f"{base}/" in body for body in bodies) >= 1
    with httpx.Client(base_url=base, timeout=10) as http:
        health = http.get("/health").json()
        assert health == {"status": "ok", "database": "ok", "scheduler": "running"}
        refused = http.post(
            "/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": "falsch"}
        )
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
        token = http.post(
            "/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": "demo"}
        ).json()["access_token"]
        signed_in = {"Authorization": f"Bearer {token}"}
        proposals = http.get("/api/v1/proposals", headers=signed_in).json()
        assert "8/2024" in {p["label"] for p in proposals["data"]}
        assert http.get("/docs").status_code == 200
        assert "ratsflow_http_requests_total" in http.get("/metrics").text
    process.send_signal(signal.SIGTERM)
    # uvicorn re-raises the signal after a graceful shutdown; the log shows the lifespan ran
    assert process.wait(timeout=20) in (0, -signal.SIGTERM)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    messages = [entry["message"] for entry in lines]
    assert "Scheduler has been shut down" in messages
    assert messages[-1].startswith("Finished server process")
    # The demo fired dozens of transitions; the library's INFO chatter stays out of the log.
    assert "Demodaten werden geladen (Vorlage 8/2024 der Gemeinde Ilsfeld)" in messages
    assert [e for e in lines if e["logger"].startswith("transitions")] == []
    access = [e for e in lines if e["logger"] == "api.access"]
    assert access, "every request is logged as JSON with its request id"
    assert all(len(e["request_id"]) == 32 for e in access)


def _start(db: Engine, port: int, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RATSFLOW_DATABASE_URL": db.url.render_as_string(hide_password=False),
        "RATSFLOW_SECRET_KEY": "reuse-port-test-secret-0123456789abcdef",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), *extra],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def test_serve_processes_share_a_port_with_reuse_port(db: Engine, tmp_path: Path) -> None:
    """Several `serve --reuse-port` listen on one port (the kernel spreads connections);
    without the option a taken port is refused with one German line and exit code 1."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = _start(db, port, tmp_path / "first.log", "--reuse-port")
    second: subprocess.Popen[bytes] | None = None
    try:
        wait_healthy(base, first, tmp_path / "first.log", 120)
        refused = subprocess.run(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            cwd=REPO,
            env={**os.environ, "RATSFLOW_SECRET_KEY": "x" * 40},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 1
        assert f"Fehler: 127.0.0.1:{port} ist nicht verfügbar" in refused.stderr
        assert "Traceback" not in refused.stderr

        second = _start(db, port, tmp_path / "second.log", "--reuse-port")
        wait_logged(second, tmp_path / "second.log", "Ratsflow startet auf", 120)
        # It binds before it logs that line: both processes listen on the port now.
        stop(first)
        # Only the second process listens on the port now; it answers.
        wait_healthy(base, second, tmp_path / "second.log", 120)
    finally:
        stop(first)
        if second is not None:
            stop(second)
