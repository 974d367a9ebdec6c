"""What an edge (CLI, API, worker) needs: settings, a migrated database, loaded definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from workflow.composition import default_registry
from workflow.db import make_engine, unit_of_work
from workflow.definitions.machines import Workflows, load_workflows
from workflow.errors import DefinitionError, DefinitionProblem
from workflow.models import (
    DecisionRequest,
    DecisionResponse,
    DefinitionRecord,
    Meeting,
    Proposal,
)
from workflow.rules.common import count_of
from workflow.schema import upgrade
from workflow.settings import Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    workflows: Workflows


def load_definitions(settings: Settings) -> Workflows:
    return load_workflows(
        [settings.definitions_dir],
        default_registry(mail_attachment_max_bytes=settings.mail_attachment_max_bytes),
    )


def _version_line(source: str) -> int:
    match = re.search(r"^version\s*:", source, re.MULTILINE)
    return source.count("\n", 0, match.start()) + 1 if match else 1


def record_definitions(engine: Engine, workflows: Workflows) -> None:
    """Persist each definition version once with its content hash; a changed file needs a
    new version number, because running instances keep the version they started with, and
    every version an instance still uses must stay loadable."""
    with unit_of_work(engine) as session:
        stored = {(r.name, r.version): r for r in session.exec(select(DefinitionRecord))}
        problems: list[DefinitionProblem] = []
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
                problems.append(
                    DefinitionProblem(
                        str(wf.loaded.path),
                        _version_line(wf.loaded.source),
                        f'Die Definition "{key[0]}" ({wf.spec.title}) Version {key[1]} '
                        "wurde geändert, die Datenbank kennt sie mit anderem Inhalt "
                        f"(Hash {record.content_hash[:12]}…, jetzt "
                        f"{wf.loaded.content_hash[:12]}…): bitte die Versionsnummer "
                        f"erhöhen, die bisherige Fassung als {key[0]}/v{key[1]}.yaml "
                        "behalten und laufende Instanzen mit ratsflow definitions migrate "
                        "umstellen",
                    )
                )
        problems.extend(_missing_versions(session, workflows))
        if problems:
            raise DefinitionError(problems)


def _missing_versions(session: Session, workflows: Workflows) -> list[DefinitionProblem]:
    """Versions instances are pinned to that no definition file provides."""
    problems: list[DefinitionProblem] = []
    for model in (Proposal, Meeting, DecisionRequest, DecisionResponse):
        pinned = session.exec(
            select(
                col(model.definition_name), col(model.definition_version), func.count()
            ).group_by(col(model.definition_name), col(model.definition_version))
        )
        for name, version, count in pinned:
            if (name, version) not in workflows.by_key:
                problems.append(
                    DefinitionProblem(
                        f"{name}/v{version}.yaml",
                        1,
                        f'Version {version} der Definition "{name}" fehlt, '
                        f"{count_of(count, 'Instanz läuft', 'Instanzen laufen')} darauf: die "
                        "Fassung (gespeichert in der Tabelle "
                        "definitionrecord) wieder ablegen",
                    )
                )
    return problems


def engine_for(settings: Settings) -> Engine:
    """The process's engine; a server database keeps ``db_pool_size`` connections open and
    may open as many again for a while (the deadline sweep, bursts outside requests)."""
    pool: dict[str, int] = {}
    if not settings.database_url.startswith("sqlite"):
        pool = {"pool_size": settings.db_pool_size, "max_overflow": settings.db_pool_size}
    return make_engine(settings.database_url, connect_timeout=settings.db_connect_timeout, **pool)


def open_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    engine = engine_for(settings)
    workflows = load_definitions(settings)
    if migrate:
        upgrade(engine)
        record_definitions(engine, workflows)
    return Runtime(settings=settings, engine=engine, workflows=workflows)
