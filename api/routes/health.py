"""Operations: liveness with its dependencies, and Prometheus metrics."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from api.deps import DatabaseTurn, RuntimeDep
from api.observability import Metrics, workflow_metrics
from api.problems import PROBLEM_JSON, responses
from workflow.db import database_file_missing

router = APIRouter(tags=["Betrieb"])
logger = logging.getLogger(__name__)


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
    scheduler: Literal["running", "disabled"]


def database_up(engine: Engine) -> bool:
    """A query answers, and on SQLite the file is still where it was opened."""
    if database_file_missing(engine):
        logger.error("health: database file %s is gone", engine.url.database)
        return False
    try:
        with Session(engine) as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except SQLAlchemyError as exc:
        logger.error("health: database unreachable: %s", str(exc).splitlines()[0])
        return False
    return True


@router.get(
    "/health",
    operation_id="health",
    response_model=Health,
    responses=responses(503),
)
def health(request: Request, runtime: RuntimeDep, _turn: DatabaseTurn) -> Health | JSONResponse:
    """200 when the database answers and the deadline scheduler (if started) is alive."""
    database_ok = database_up(runtime.engine)
    scheduler = getattr(request.app.state, "scheduler", None)
    scheduler_state: Literal["running", "disabled", "stopped"] = "disabled"
    if scheduler is not None:
        scheduler_state = "running" if scheduler.alive else "stopped"
    if database_ok and scheduler_state != "stopped":
        return Health(status="ok", database="ok", scheduler=scheduler_state)
    problems = []
    if not database_ok:
        problems.append(
            "Datenbankdatei fehlt"
            if database_file_missing(runtime.engine)
            else "Datenbank nicht erreichbar"
        )
    if scheduler_state == "stopped":
        problems.append("Fristenprüfung (Scheduler) läuft nicht")
    return JSONResponse(
        {
            "type": "urn:ratsflow:problem:unhealthy",
            "title": "Dienst nicht verfügbar",
            "status": 503,
            "detail": "; ".join(problems) + ".",
            "instance": request.url.path,
            "database": "ok" if database_ok else "error",
            "scheduler": scheduler_state,
        },
        status_code=503,
        media_type=PROBLEM_JSON,
    )


@router.get(
    "/metrics",
    operation_id="metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(request: Request, runtime: RuntimeDep, _turn: DatabaseTurn) -> PlainTextResponse:
    """Prometheus text format: requests, latency, transitions, deadlines, outbox backlog.

    Answers without the database too (``ratsflow_database_up 0``): a scrape is how an
    outage is noticed.
    """
    collected: Metrics = request.app.state.metrics
    lines = list(collected.render())
    try:
        with Session(runtime.engine) as session:
            lines += [*workflow_metrics(session, runtime.workflows), "ratsflow_database_up 1"]
    except SQLAlchemyError as exc:
        logger.error("metrics: database unreachable: %s", str(exc).splitlines()[0])
        lines.append("ratsflow_database_up 0")
    return PlainTextResponse(
        "\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8"
    )


ROBOTS = (
    "# Öffentliche Ratsinformationen, ihre Dokumente und OParl dürfen Suchmaschinen lesen\n"
    "# (Nichtöffentliches liefert Ratsflow ohne Anmeldung ohnehin nicht aus);\n"
    "# alles andere ist nach der Anmeldung und gehört nicht in einen Index.\n"
    "User-agent: *\n"
    "Allow: /oeffentlich\n"
    "Allow: /oparl/\n"
    "Allow: /api/v1/meetings/*/documents/\n"
    "Allow: /api/v1/proposals/*/documents/\n"
    "Allow: /api/v1/attachments/\n"
    "Allow: /static/\n"
    "Disallow: /\n"
)


@router.get("/robots.txt", include_in_schema=False)
def robots() -> PlainTextResponse:
    """Crawlers: the public portal yes, the administration's pages no (they also say
    ``noindex``, should a crawler follow a link past this file)."""
    return PlainTextResponse(ROBOTS)
