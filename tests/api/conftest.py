"""The app against the test database (``db``/``world``), a movable clock, signed-in users."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from api.app import create_app
from api.security import hash_password, issue_token
from tests.conftest import World, berlin
from workflow.models import User
from workflow.runtime import Runtime
from workflow.settings import Settings

with warnings.catch_warnings():
    # Starlette 1.x would like httpx2 under its TestClient; httpx works the same here.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient as TestClient

SECRET = "test-secret-key-for-ratsflow-api-tests"
PASSWORD = "demo"


@dataclass
class FixedClock:
    """The app's clock; tests move it like the demo story moves its dates."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@lru_cache
def demo_hash() -> str:
    return hash_password(PASSWORD)  # Argon2 is slow on purpose: hash once per session


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(berlin(date(2024, 4, 8), 8))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(secret_key=SECRET, files_dir=tmp_path / "files")


@pytest.fixture
def app(world: World, settings: Settings, clock: FixedClock) -> FastAPI:
    def give_passwords(session: Session) -> None:
        for user in session.exec(select(User)):
            user.password_hash = demo_hash()
            session.add(user)

    world.run(give_passwords)
    runtime = Runtime(settings=settings, engine=world.engine, workflows=world.workflows)
    return create_app(settings, runtime=runtime, start_scheduler=False, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def as_user(settings: Settings, clock: FixedClock) -> Any:
    """``as_user("ilsfeld.clerk")`` → headers with a bearer token (no password round trip)."""

    def headers(username: str | None, **extra: str) -> dict[str, str]:
        if username is None:
            return dict(extra)
        token = issue_token(settings, username).access_token
        return {"Authorization": f"Bearer {token}", **extra}

    return headers
