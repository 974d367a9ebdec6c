"""The web UI: server-rendered pages (Jinja2, KERN, htmx) over the engine's services."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api import problems
from api.ui.routes import (
    accounts,
    admin,
    agenda,
    auth,
    bias_notice,
    council_requests,
    deadlines,
    deputies,
    documents,
    drafts,
    execution,
    factions,
    invitation_resend,
    legality,
    mail_delivery,
    meeting_moves,
    meetings,
    minutes_objections,
    persons,
    proposals,
    public,
    publication,
    request_form,
    requests,
    revisions,
    settings,
    sitting,
    sitting_bias,
    sitting_outcomes,
    sitting_votes,
    tasks,
    workflows,
)
from api.ui.sessions import read_session
from api.ui.web import error_page, wants_html

STATIC_DIR = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the static assets and the page routers; unknown paths opened in a browser get
    the German "nicht gefunden" page instead of problem+json."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # drafts before proposals: /vorlagen/neu is no /vorlagen/{id}; request_form before
    # requests likewise for /abfragen/neu
    for module in (
        auth,
        tasks,
        drafts,
        documents,
        revisions,
        proposals,
        minutes_objections,
        meetings,
        meeting_moves,
        bias_notice,
        agenda,
        sitting,
        sitting_bias,
        sitting_outcomes,
        sitting_votes,
        deadlines,
        execution,
        legality,
        request_form,
        requests,
        council_requests,
        workflows,
        admin,
        factions,
        deputies,
        settings,
        accounts,
        persons,
        mail_delivery,
        invitation_resend,
        public,
        publication,
    ):
        app.include_router(module.router)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        if wants_html(request) and not path.startswith(problems.MACHINE_PREFIXES):
            request.state.ui_session = read_session(request, request.app.state.settings)
            return await error_page(request, exc.status_code)
        return await problems.http_error(request, exc)

    app.add_exception_handler(StarletteHTTPException, http_error)
