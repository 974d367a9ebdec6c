"""The browser session: a signed cookie with the user, the CSRF token and pending flashes.

Stateless like the API's bearer tokens (any ``ratsflow serve`` process behind a load balancer
can read it): an HS256 JWT signed with ``RATSFLOW_SECRET_KEY``, with its own audience so a
cookie is no bearer token and a bearer token is no cookie. The CSRF token is a synchronizer
token kept inside the signed session: a form is accepted only if it sends back the token of
the session that rendered it, and a new one is issued at every sign-in.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from starlette.requests import Request
from starlette.responses import Response

from api.security import ALGORITHM, token_minutes
from workflow.settings import Settings

COOKIE = "ratsflow_session"
SEEN_COOKIE = "ratsflow_seen"
AUDIENCE = "ratsflow-ui"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SEEN_DAYS = 365
MAX_FLASHES = 5


@dataclass(frozen=True)
class Flash:
    """A message shown once after an action (KERN alert): ``success``, ``danger``, ``info``."""

    kind: str
    text: str


@dataclass(frozen=True)
class UiSession:
    csrf: str
    username: str | None = None
    since: str | None = None  # ISO instant of the previous visit: "what changed since"
    # The account's credentials_version at sign-in: a new password ends the session.
    credentials: int = 0
    flashes: tuple[Flash, ...] = field(default_factory=tuple)
    changed: bool = False  # must be written back to the cookie

    def with_flash(self, kind: str, text: str) -> UiSession:
        kept = (*self.flashes, Flash(kind, text))[-MAX_FLASHES:]
        return replace(self, flashes=kept, changed=True)

    def without_flashes(self) -> UiSession:
        return replace(self, flashes=(), changed=True) if self.flashes else self


def new_session() -> UiSession:
    return UiSession(csrf=secrets.token_urlsafe(32), changed=True)


def signed_in(username: str, since: str | None, credentials: int = 0) -> UiSession:
    """A fresh session for the user: a new CSRF token, so one planted before sign-in is void."""
    return UiSession(
        csrf=secrets.token_urlsafe(32),
        username=username,
        since=since,
        credentials=credentials,
        changed=True,
    )


def _key(settings: Settings) -> str:
    return settings.secret_key or ""


def read_session(request: Request, settings: Settings) -> UiSession:
    """The session of this request's cookie; a new anonymous one if missing or not ours."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return new_session()
    try:
        claims = jwt.decode(
            raw,
            _key(settings),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["exp", "csrf"]},
        )
    except jwt.InvalidTokenError:
        return new_session()
    csrf = claims.get("csrf")
    username = claims.get("sub")
    since = claims.get("since")
    credentials = claims.get("cv", 0)
    if not isinstance(csrf, str) or len(csrf) < 16:
        return new_session()
    flashes = tuple(
        Flash(str(f[0]), str(f[1]))
        for f in claims.get("flash", [])
        if isinstance(f, list) and len(f) == 2
    )
    return UiSession(
        csrf=csrf,
        username=username if isinstance(username, str) else None,
        since=since if isinstance(since, str) else None,
        credentials=credentials if isinstance(credentials, int) else -1,  # -1: never valid
        flashes=flashes,
    )


def _secure(request: Request, settings: Settings) -> bool:
    base = settings.base_url or ""
    return request.url.scheme == "https" or base.startswith("https://")


def write_session(
    response: Response, request: Request, settings: Settings, session: UiSession
) -> None:
    """Set the cookie (HttpOnly, SameSite=Lax, Secure over https), valid one working day."""
    now = datetime.now(UTC)
    minutes = token_minutes(settings)
    claims: dict[str, Any] = {
        "aud": AUDIENCE,
        "csrf": session.csrf,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    if session.username:
        claims["sub"] = session.username
    if session.since:
        claims["since"] = session.since
    if session.credentials:
        claims["cv"] = session.credentials
    if session.flashes:
        claims["flash"] = [[f.kind, f.text] for f in session.flashes]
    token = jwt.encode(claims, _key(settings), algorithm=ALGORITHM)
    response.set_cookie(
        COOKIE,
        token,
        max_age=minutes * 60,
        httponly=True,
        samesite="lax",
        secure=_secure(request, settings),
        path="/",
    )


def clear_session(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request, settings)
    )


def csrf_valid(session: UiSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf, sent or "")


def previous_visit(request: Request, settings: Settings, username: str) -> str | None:
    """When this user last signed in with this browser (a long-lived signed cookie)."""
    raw = request.cookies.get(SEEN_COOKIE)
    if not raw:
        return None
    try:
        claims = jwt.decode(raw, _key(settings), algorithms=[ALGORITHM], audience=AUDIENCE)
    except jwt.InvalidTokenError:
        return None
    seen = claims.get("seen")
    if claims.get("sub") != username or not isinstance(seen, str):
        return None
    return seen


def remember_visit(
    response: Response, request: Request, settings: Settings, username: str, now: datetime
) -> None:
    claims = {
        "aud": AUDIENCE,
        "sub": username,
        "seen": now.isoformat(),
        "exp": datetime.now(UTC) + timedelta(days=SEEN_DAYS),
    }
    response.set_cookie(
        SEEN_COOKIE,
        jwt.encode(claims, _key(settings), algorithm=ALGORITHM),
        max_age=SEEN_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=_secure(request, settings),
        path="/",
    )
