"""``ratsflow serve``: one uvicorn process with the API and the in-process deadline sweep."""

from __future__ import annotations

import errno
import gc
import ipaddress
import logging
import socket
import sys

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.observability import configure_logging
from api.security import MissingSecret, resolve_secret
from workflow.db import UNUSABLE, describe_database_error
from workflow.runtime import open_runtime
from workflow.settings import get_settings

logger = logging.getLogger(__name__)

_BIND_ERRORS = {
    errno.EADDRINUSE: "der Port ist belegt; mehrere serve-Prozesse auf einem Port nur alle "
    "mit --reuse-port",
    errno.EACCES: "keine Berechtigung für diesen Port",
    errno.EADDRNOTAVAIL: "diese Adresse gibt es auf diesem Rechner nicht",
}


def serve(host: str, port: int, demo: bool, reuse_port: bool = False) -> int:
    """Run until interrupted; exit code 1 without a signing key or when the address is taken,
    2 when the database cannot be used (one line on stderr, no traceback)."""
    configure_logging()
    try:
        listener = listening_socket(host, port, reuse_port=reuse_port)
    except OSError as exc:
        reason = _BIND_ERRORS.get(exc.errno or 0, exc.strerror)
        sys.stderr.write(f"Fehler: {host}:{port} ist nicht verfügbar ({reason}).\n")
        return 1
    settings = get_settings()
    try:
        settings = resolve_secret(settings, demo=demo)
    except MissingSecret as exc:
        listener.close()
        sys.stderr.write(f"Fehler: {exc}\n")
        return 1
    try:
        # Opened here rather than in the lifespan, where uvicorn would print a traceback.
        runtime = open_runtime(settings)
    except UNUSABLE as exc:
        listener.close()
        sys.stderr.write(f"Fehler: {describe_database_error(settings.database_url, exc)}\n")
        return 2
    served = served_url(host, port)
    if settings.base_url is None and not _loopback(host):
        logger.warning(
            "RATSFLOW_BASE_URL ist nicht gesetzt: Links in E-Mails des Fristenlaufs zeigen auf "
            "%s; setzen Sie die Adresse, unter der Ratsflow erreichbar ist",
            served,
        )
    app = create_app(settings, demo=demo, runtime=runtime, served_url=served)
    freeze_startup_heap()
    logger.info("Ratsflow startet auf http://%s:%d (Datenbank %s)", host, port, _safe(settings))
    run_app(app, listener)
    runtime.engine.dispose()
    return 0


def served_url(host: str, port: int) -> str:
    """The address ``serve`` listens on, as a link base: a wildcard host (all interfaces)
    answers on the loopback address too, the one name of it known without a guess."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"  # an IPv6 address in a URL (RFC 3986 § 3.2.2)
    return f"http://{shown}:{port}"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def listening_socket(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """The bound, listening TCP socket, as uvicorn binds it. With ``reuse_port`` several
    ``ratsflow serve`` processes listen on the same address and the kernel spreads new
    connections across them (SO_REUSEPORT, Linux; only processes of the same user may
    join). Uvicorn's own ``--workers`` share one socket instead, and asyncio's accept loop
    takes every waiting connection at once: a burst of keep-alive connections ended up in
    one worker while the others idled (issue 14: the HTTP benchmark's 2 workers served as
    many requests per second as 1)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run_app(app: FastAPI, listener: socket.socket) -> None:
    """Serve ``app`` on ``listener`` until interrupted. Proxy headers are handled by the app
    itself, only from RATSFLOW_TRUSTED_PROXIES (uvicorn would otherwise believe any local
    peer's X-Forwarded-For)."""
    config = uvicorn.Config(app, log_config=None, access_log=False, proxy_headers=False)
    uvicorn.Server(config).run(sockets=[listener])


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
