"""The FastAPI application: wiring only (runtime, scheduler, routers, problem handlers)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import anyio
import anyio.to_thread
from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import problems, swagger, ui
from api.allow import OptionsMiddleware
from api.demo import prepare_demo
from api.limits import BodyLimitMiddleware
from api.observability import Metrics, ObservabilityMiddleware
from api.oparl.routes import entry as oparl_entry
from api.oparl.routes import router as oparl_router
from api.openapi import build_openapi
from api.routes import (
    admin,
    attachments,
    auth,
    calendar,
    circulation,
    council_requests,
    deadlines,
    decision_requests,
    deputies,
    documents,
    elections,
    factions,
    feeds,
    health,
    legality,
    meetings,
    minutes_objections,
    motions,
    outbox,
    proposals,
    publication,
    sittings,
    tools,
)
from api.security import resolve_secret
from api.turns import new_turns
from workflow.clock import Clock, system_clock
from workflow.deadlines.scheduler import SweepScheduler
from workflow.runtime import Runtime, open_runtime
from workflow.settings import Settings

logger = logging.getLogger(__name__)

DESCRIPTION = (
    "Beschlussvorlagen nach der Gemeindeordnung Baden-Württemberg: Vorlagen, Sitzungen, "
    "Fristen. Fehler als application/problem+json (RFC 9457). Schreibende Aufrufe nennen die "
    "gelesene Version (expected_version oder If-Match)."
)


def create_app(
    settings: Settings,
    *,
    demo: bool = False,
    runtime: Runtime | None = None,
    start_scheduler: bool = True,
    clock: Clock = system_clock,
    served_url: str | None = None,
) -> FastAPI:
    """Build the app; nothing touches the database before the lifespan starts.

    ``runtime`` lets tests hand in their database; ``clock`` lets them move time;
    ``served_url`` is where ``serve`` listens: links written without a request (the sweep's
    reminders, the demo's mails) point there when ``RATSFLOW_BASE_URL`` is unset. Raises
    ``MissingSecret`` outside demo mode without ``RATSFLOW_SECRET_KEY``.
    """
    settings = resolve_secret(settings, demo=demo)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        active: Runtime = (
            runtime
            if runtime is not None
            else await anyio.to_thread.run_sync(partial(open_runtime, settings))
        )
        app.state.runtime = active
        # As many requests use the database at once as it has connections for (SQLite: one),
        # the others queue in the event loop (api.turns); created in the loop it serves.
        app.state.database_turns = new_turns(active.engine)
        # Created in the event loop it serves; bounds concurrent Argon2 checks (sign_in).
        app.state.hash_limiter = anyio.CapacityLimiter(settings.password_hash_workers)
        if demo:
            await anyio.to_thread.run_sync(prepare_demo, active, served_url)
        scheduler: SweepScheduler | None = None
        if start_scheduler:
            scheduler = SweepScheduler(
                engine=active.engine,
                workflows=active.workflows,
                settings=settings,
                clock=clock,
                served_url=served_url,
            )
            scheduler.start()
        app.state.scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown()
            app.state.scheduler = None
            if runtime is None:
                active.engine.dispose()

    app = FastAPI(
        title="Ratsflow",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    swagger.install(app, title="Ratsflow", openapi_url="/openapi.json")
    app.state.settings = settings
    app.state.clock = clock
    app.state.runtime = runtime
    app.state.scheduler = None
    app.state.metrics = Metrics()
    problems.install(app)
    app.add_middleware(OptionsMiddleware, root=app)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    if settings.trusted_proxies:
        # Outermost: the throttle, the access log and the cookie's Secure flag see the client
        # and scheme the proxy reports, and only a listed proxy is believed.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    routers = (
        auth,
        proposals,
        meetings,
        sittings,
        motions,
        elections,
        circulation,
        deadlines,
        decision_requests,
        council_requests,
        factions,
        attachments,
        publication,
        documents,
        legality,
        calendar,
        feeds,
        admin,
        deputies,
        minutes_objections,
        outbox,
        tools,
        health,
    )
    for module in routers:
        app.include_router(module.router)
    app.include_router(oparl_router)
    app.include_router(oparl_entry)
    ui.install(app)
    app.openapi = partial(build_openapi, app)  # type: ignore[method-assign]
    return app
