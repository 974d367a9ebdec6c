"""``ratsflow serve``: one uvicorn process with the API and the in-process deadline sweep."""

from __future__ import annotations

import logging
import sys

import uvicorn

from api.app import create_app
from api.observability import configure_logging
from api.security import MissingSecret
from workflow.settings import get_settings

logger = logging.getLogger(__name__)


def serve(host: str, port: int, demo: bool) -> int:
    """Run until interrupted; exit code 1 when the configuration is unusable."""
    configure_logging()
    settings = get_settings()
    try:
        app = create_app(settings, demo=demo)
    except MissingSecret as exc:
        sys.stderr.write(f"Fehler: {exc}\n")
        return 1
    logger.info("Ratsflow startet auf http://%s:%d (Datenbank %s)", host, port, _safe(settings))
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
    return 0


def _safe(settings: object) -> str:
    """The database URL without its password, for the log."""
    from sqlalchemy.engine import make_url

    url = make_url(str(getattr(settings, "database_url", "")))
    return url.render_as_string(hide_password=True)
