"""Which methods a path accepts: ``OPTIONS`` answers with all of them (RFC 9110 § 9.3.7), and
a 405 names all of them in ``Allow`` (§ 15.5.6), not only those of the first route matched.

Starlette registers one route per method group, so the answer is collected from every route
that matches the path.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

CANDIDATES = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _endpoint(route: Any, scope: Scope) -> Any:
    """The innermost route that serves ``scope`` (it carries the path template).

    FastAPI includes routers lazily and reports no child route from ``matches``; its
    ``_match`` names it. Without that (another FastAPI), the outer route stands in.
    """
    match_inner = getattr(route, "_match", None)
    if match_inner is None:
        return route
    _, _, inner, _ = match_inner(scope)
    return _endpoint(inner, scope) if inner is not None else route


def _matches(app: ASGIApp, scope: Scope) -> dict[str, Any]:
    """Method → the route accepting it at the request's path."""
    routes = getattr(getattr(app, "router", None), "routes", [])
    found: dict[str, Any] = {}
    for method in CANDIDATES:
        probe = {**scope, "method": method}
        for route in routes:
            if route.matches(probe)[0] == Match.FULL:
                found[method] = _endpoint(route, probe)
                break
    return found


def allowed_methods(app: ASGIApp, scope: Scope) -> list[str]:
    """The methods some route of ``app`` accepts at the request's path (empty: no such path)."""
    found = list(_matches(app, scope))
    return [*found, "OPTIONS"] if found else []


class OptionsMiddleware:
    """Answers ``OPTIONS`` for every path the app serves with 204 and the full ``Allow``."""

    def __init__(self, app: ASGIApp, *, root: ASGIApp) -> None:
        self.app = app
        self.root = root

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            found = _matches(self.root, scope)
            if found:
                # The route, so that logs and metrics name its template, never the path
                # (a calendar feed's path carries its secret token).
                scope["route"] = next(iter(found.values()))
                allow = ", ".join([*found, "OPTIONS"])
                response = Response(status_code=204, headers={"Allow": allow})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
