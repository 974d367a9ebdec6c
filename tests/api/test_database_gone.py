"""The database gone: 503 with Retry-After on every route, quick connect timeouts, /metrics
still answering, a vanished SQLite file noticed by /health."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from api.app import create_app
from tests.api.conftest import SECRET, FixedClock
from tests.conftest import World
from workflow.db import make_engine
from workflow.definitions.machines import Workflows
from workflow.runtime import Runtime
from workflow.schema import upgrade
from workflow.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

REFUSED = "postgresql+psycopg://postgres@127.0.0.1:9/ratsflow"  # discard port: refused


def _app_on(url: str, workflows: Workflows, clock: FixedClock) -> FastAPI:
    settings = Settings(secret_key=SECRET, database_url=url, db_connect_timeout=2)
    engine = make_engine(url, connect_timeout=2)
    runtime = Runtime(settings=settings, engine=engine, workflows=workflows)
    return create_app(settings, runtime=runtime, start_scheduler=False, clock=clock)


@pytest.fixture
def gone(workflows: Workflows, clock: FixedClock) -> Iterator[tuple[FastAPI, TestClient]]:
    app = _app_on(REFUSED, workflows, clock)
    with TestClient(app) as client:
        yield app, client


def _concrete(path: str) -> str:
    """Every path parameter filled with 1 (the calendar token with a word)."""
    return re.sub(r"\{[a-z_]+\}", "1", path.replace("{token}", "abc"))


def test_every_route_answers_503_with_retry_after(
    gone: tuple[FastAPI, TestClient], as_user: Any
) -> None:
    app, client = gone
    checked = 0
    for path, operations in app.openapi()["paths"].items():
        if path in ("/health", "/metrics", "/api/v1/deadline-calculator"):
            continue  # the operations answer themselves; the calculator needs no database
        for method in operations:
            response = client.request(
                method,
                _concrete(path),
                headers=as_user("ilsfeld.clerk"),
                json={},
                params={"expected_version": 1},
            )
            if response.status_code in (400, 422, 428) and method != "GET":
                continue  # refused by validation before the database is asked
            assert response.status_code == 503, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["Retry-After"] == "5"
            assert "Datenbank" in response.json()["detail"]
            checked += 1
    assert checked > 30
    login = client.post("/api/v1/auth/token", data={"username": "a", "password": "b"})
    assert login.status_code == 503
    health = client.get("/health")
    assert health.status_code == 503
    assert health.json()["database"] == "error"
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert "ratsflow_database_up 0" in metrics.text


def test_a_black_holed_database_times_out_quickly() -> None:
    """A server that accepts the TCP connection and then never answers."""
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))
        hole.listen(16)
        port = hole.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://x@127.0.0.1:{port}/x", connect_timeout=2)
        outcome: list[BaseException | None] = []

        def connect() -> None:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                outcome.append(None)
            except Exception as exc:  # noqa: BLE001 - the test inspects what happened
                outcome.append(exc)

        started = time.monotonic()
        worker = threading.Thread(target=connect, daemon=True)
        worker.start()
        worker.join(timeout=20)
        elapsed = time.monotonic() - started
    assert outcome, "the connection attempt hung"
    assert outcome[0] is not None
    assert elapsed < 10
    engine.dispose()


def test_health_notices_a_vanished_sqlite_file(
    tmp_path: Path, world: World, clock: FixedClock
) -> None:
    path = tmp_path / "verschwunden.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = _app_on(url, world.workflows, clock)
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                os.remove(f"{path}{suffix}")
        health = client.get("/health")
        assert health.status_code == 503
        assert "Datenbankdatei fehlt" in health.json()["detail"]
