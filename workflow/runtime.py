"""What an edge (CLI, API, worker) needs: settings, a migrated database, loaded definitions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import select

from workflow.db import make_engine, unit_of_work
from workflow.errors import DefinitionError, DefinitionProblem
from workflow.machines import Workflows, load_workflows
from workflow.models import DefinitionRecord
from workflow.registry import default_registry
from workflow.schema import upgrade
from workflow.settings import Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    workflows: Workflows


def load_definitions(settings: Settings) -> Workflows:
    return load_workflows([settings.definitions_dir], default_registry())


def record_definitions(engine: Engine, workflows: Workflows) -> None:
    """Persist each definition version once; a changed file needs a new version number,
    because running instances keep the version they started with."""
    with unit_of_work(engine) as session:
        stored = {(r.name, r.version): r for r in session.exec(select(DefinitionRecord))}
        for wf in workflows:
            key = (wf.spec.name, wf.spec.version)
            record = stored.get(key)
            if record is None:
                session.add(
                    DefinitionRecord(
                        name=key[0],
                        version=key[1],
                        content_hash=wf.loaded.content_hash,
                        source=wf.loaded.source,
                    )
                )
            elif record.content_hash != wf.loaded.content_hash:
                raise DefinitionError(
                    [
                        DefinitionProblem(
                            str(wf.loaded.path),
                            1,
                            f"{key[0]} Version {key[1]} wurde geändert, ist aber schon in "
                            "Gebrauch: "
                            "bitte die Versionsnummer erhöhen",
                        )
                    ]
                )


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.database_url, connect_timeout=settings.db_connect_timeout)


def open_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    engine = engine_for(settings)
    workflows = load_definitions(settings)
    if migrate:
        upgrade(engine)
        record_definitions(engine, workflows)
    return Runtime(settings=settings, engine=engine, workflows=workflows)
