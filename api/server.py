"""``ratsflow serve``: one uvicorn process with the API and the in-process deadline sweep."""

from __future__ import annotations

import gc
import logging
import sys

import uvicorn

from api.app import create_app
from api.observability import configure_logging
from api.security import MissingSecret, resolve_secret
from workflow.db import UNUSABLE, describe_database_error
from workflow.runtime import open_runtime
from workflow.settings import get_settings

logger = logging.getLogger(__name__)


def serve(host: str, port: int, demo: bool) -> int:
    """Run until interrupted; exit code 1 without a signing key, 2 when the database cannot
    be used (one line on stderr, no traceback)."""
    configure_logging()
    settings = get_settings()
    try:
        settings = resolve_secret(settings, demo=demo)
    except MissingSecret as exc:
        sys.stderr.write(f"Fehler: {exc}\n")
        return 1
    try:
        # Opened here rather than in the lifespan, where uvicorn would print a traceback.
        runtime = open_runtime(settings)
    except UNUSABLE as exc:
        sys.stderr.write(f"Fehler: {describe_database_error(settings.database_url, exc)}\n")
        return 2
    app = create_app(settings, demo=demo, runtime=runtime)
    freeze_startup_heap()
    logger.info("Ratsflow startet auf http://%s:%d (Datenbank %s)", host, port, _safe(settings))
    # Proxy headers are handled by the app itself, only from RATSFLOW_TRUSTED_PROXIES (uvicorn
    # would otherwise believe any local peer's X-Forwarded-For).
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, proxy_headers=False)
    runtime.engine.dispose()
    return 0


def freeze_startup_heap() -> None:
    """Move what startup built (modules, mappers, definitions: 250,000 objects) out of the
    garbage collector's sight; call once the app is built, before serving. Every full
    collection scanned all of it: a 175 ms stall of every request in flight, every few
    seconds under load (issue 14, open loop p99). Frozen objects are still freed when their
    last reference goes; only cycles among them are never collected, and startup objects
    live as long as the process."""
    gc.collect()
    gc.freeze()


def _safe(settings: object) -> str:
    """The database URL without its password, for the log."""
    from sqlalchemy.engine import make_url

    url = make_url(str(getattr(settings, "database_url", "")))
    return url.render_as_string(hide_password=True)
