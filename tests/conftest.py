"""Fixtures: a real database (SQLite file, or PostgreSQL via RATSFLOW_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

import workflow.models  # noqa: F401  (tables on the metadata)
from workflow.context import BERLIN, Actor, local_date
from workflow.db import make_engine, unit_of_work
from workflow.definitions.machines import Workflows
from workflow.demo.data import SEED_PATH
from workflow.runtime import load_definitions, record_definitions
from workflow.schema import upgrade
from workflow.services.setup import DemoData, actor_for, load_demo_data
from workflow.services.transition import Fired, fire
from workflow.settings import Settings, get_settings

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
SEED = SEED_PATH


def known(value: T | None) -> T:
    """``value``, which the test knows is there: a flushed row's id, a row it just made."""
    assert value is not None
    return value


def berlin(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def berlin_today() -> date:
    """Today as the app counts it (Europe/Berlin): ``date.today()`` is the machine's (UTC
    here), a day behind between 23:00 and midnight UTC."""
    return local_date(datetime.now(UTC))


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Commands read their settings once per process (``get_settings`` is cached); a test
    that sets ``RATSFLOW_*`` must not see the values an earlier test left in the cache."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("RATSFLOW_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ratsflow-test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def workflows() -> Workflows:
    return load_definitions(Settings())


def truncate(engine: Engine) -> None:
    """Every table emptied, dependents first; on PostgreSQL the ids restart at 1 as on a
    fresh database. DELETE, not TRUNCATE: a test leaves a few hundred rows, and TRUNCATE's
    new files for 48 tables cost three times as long (40 against 12 ms, twice per test)."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            sequences = conn.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            ).scalars()
            restart = ", ".join(f"setval('\"{name}\"', 1, false)" for name in sequences)
            deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in tables)
            conn.exec_driver_sql(f"{deletes}; SELECT {restart}" if restart else deletes)
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def db(engine: Engine, workflows: Workflows) -> Iterator[Engine]:
    """A migrated, empty database; committed data is removed after the test."""
    truncate(engine)
    record_definitions(engine, workflows)
    yield engine
    truncate(engine)


@dataclass
class World:
    """The demo municipality, ready for tests: ids and actors, no live ORM sessions."""

    engine: Engine
    workflows: Workflows
    data: DemoData
    actors: dict[str, Actor]

    def __getitem__(self, username: str) -> Actor:
        return self.actors[username]

    def body_id(self, name: str, town: str = "ilsfeld") -> int:
        demo_town = self.data.ilsfeld if town == "ilsfeld" else self.data.flein
        return demo_town.bodies[name].id or 0

    def run(self, fn: Callable[[Session], T]) -> T:
        with unit_of_work(self.engine) as session:
            return fn(session)

    def fire(
        self,
        kind: str,
        instance_id: int,
        trigger: str,
        actor: Actor | str,
        now: datetime,
        **kwargs: Any,
    ) -> Fired:
        who = self.actors[actor] if isinstance(actor, str) else actor
        return self.run(
            lambda s: fire(
                session=s,
                workflows=self.workflows,
                kind=kind,
                instance_id=instance_id,
                trigger=trigger,
                actor=who,
                now=now,
                **kwargs,
            )
        )

    def get_meeting(self, meeting_id: int) -> Any:
        from workflow.models import Meeting

        return self.get(Meeting, meeting_id)

    def get(self, model: type[Any], key: Any) -> Any:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(model, key)


@pytest.fixture
def world(db: Engine, workflows: Workflows) -> World:
    with unit_of_work(db) as session:
        data = load_demo_data(session)
    actors = {name: actor_for(user) for name, user in data.users.items()}
    return World(engine=db, workflows=workflows, data=data, actors=actors)
