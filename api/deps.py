"""Typed dependencies (``Annotated`` aliases) every route uses: session, clock, caller."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from typing import Annotated, TypeVar, cast

import jwt
from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from api.problems import ApiError
from api.security import token_subject
from api.turns import app_turns, turn
from workflow.context import Actor
from workflow.db import transaction
from workflow.models import User
from workflow.runtime import Runtime
from workflow.services.setup import actor_for
from workflow.settings import Settings

T = TypeVar("T")
TOKEN_URL = "/api/v1/auth/token"
# Two schemes of the same kind, so the OpenAPI document can say which routes also answer
# anonymous callers (security alternatives ``[{bearer}, {}]``, see api.openapi).
bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
optional_bearer = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL, auto_error=False, scheme_name="OptionalBearer"
)
CHALLENGE = {"WWW-Authenticate": "Bearer"}


# Dependencies that only read app state are ``async def`` (their ``_dep`` twins): FastAPI
# runs a plain ``def`` dependency in the thread pool, a hop per dependency and request for
# a dictionary lookup. The plain functions stay for direct calls.


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _runtime_dep(request: Request) -> Runtime:
    return get_runtime(request)


async def _settings_dep(request: Request) -> Settings:
    return get_settings(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime_dep)]
SettingsDep = Annotated[Settings, Depends(_settings_dep)]


def get_link_base(request: Request) -> str:
    """Absolute links: ``RATSFLOW_BASE_URL``, else where this request was sent (so a server
    on another port or behind a proxy links to itself)."""
    return get_settings(request).link_base(str(request.base_url))


async def _link_base_dep(request: Request) -> str:
    return get_link_base(request)


LinkBase = Annotated[str, Depends(_link_base_dep)]


async def _database_turn(request: Request) -> AsyncIterator[None]:
    """The request's turn at the database (``api.turns``): entered before the session and
    left after its commit, waiting in the event loop, not in a pool thread. While held,
    ``request.state.holds_database_turn`` says so: code running inside the request (a page's
    error handler) must not open a second session then, it would wait for this one."""
    async with turn(app_turns(request.app)):
        request.state.holds_database_turn = True
        try:
            yield
        finally:
            request.state.holds_database_turn = False


# For routes that use the engine without a session of their own (health, metrics).
DatabaseTurn = Annotated[None, Depends(_database_turn, scope="function")]


def get_session(request: Request, runtime: RuntimeDep, _turn: DatabaseTurn) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent (scope="function":
    a failing commit still becomes the response, LIBRARIES.md §4). Rolled back when the
    request failed but its exception never came here: a page route turns it into an error
    page inside the dependency stack and says so in ``request.state.roll_back``."""
    with Session(runtime.engine, expire_on_commit=False) as session, transaction(session):
        yield session
        if getattr(request.state, "roll_back", False):
            session.rollback()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_now(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


async def _now_dep(request: Request) -> datetime:
    return get_now(request)


NowDep = Annotated[datetime, Depends(_now_dep)]

# What ``actor_for`` reads, and ``disabled``: built once (not per request), and columns
# rather than the entity, so no User is built and tracked for every authenticated request.
_CALLER = select(
    col(User.id),
    col(User.username),
    col(User.role),
    col(User.municipality_id),
    col(User.person_id),
    col(User.district_id),
    col(User.disabled),
    col(User.credentials_version),
).where(col(User.username) == bindparam("username"))


def _invalid_token() -> ApiError:
    return ApiError(
        401,
        "Die Anmeldung ist ungültig oder abgelaufen. Bitte erneut anmelden.",
        slug="invalid-token",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def _username(settings: Settings, token: str) -> tuple[str, int]:
    try:
        return token_subject(settings, token)
    except jwt.InvalidTokenError as exc:
        raise _invalid_token() from exc


def _caller(session: Session, username: str, credentials: int) -> Actor:
    """The token's account, unless disabled or its password changed since the token was
    issued (``credentials_version``)."""
    # Core, not the ORM's execute: a select of columns needs none of its work (issue 14).
    row = session.connection().execute(_CALLER, {"username": username}).first()
    if row is None or row.disabled or row.credentials_version != credentials:
        raise _invalid_token()
    return actor_for(cast(User, row))  # the row has every attribute actor_for reads


def _actor(session: Session, settings: Settings, token: str) -> Actor:
    return _caller(session, *_username(settings, token))


def get_optional_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(optional_bearer)],
) -> Actor | None:
    """Anonymous callers are ``None``; a bad token is refused, never treated as anonymous."""
    return _actor(session, settings, token) if token else None


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer)],
) -> Actor:
    if not token:
        raise ApiError(401, "Bitte melden Sie sich an.", slug="unauthenticated", headers=CHALLENGE)
    return _actor(session, settings, token)


CurrentUser = Annotated[Actor, Depends(get_current_user)]
OptionalUser = Annotated[Actor | None, Depends(get_optional_user)]


async def _signed_in(
    settings: SettingsDep, token: Annotated[str | None, Depends(bearer)]
) -> tuple[str, int]:
    """The token's username and credentials version, checked in the event loop (a
    signature, no database): a missing or bad token is refused before the request's body is
    validated, as ``CurrentUser`` refuses it."""
    if not token:
        raise ApiError(401, "Bitte melden Sie sich an.", slug="unauthenticated", headers=CHALLENGE)
    return _username(settings, token)


SignedIn = Annotated[tuple[str, int], Depends(_signed_in)]


async def in_one_call(
    request: Request,
    runtime: Runtime,
    signed: tuple[str, int],
    work: Callable[[Session, Actor], T],
) -> T:
    """Session, caller and ``work`` in one thread-pool call, committed inside it (issue 14).

    ``SessionDep`` and ``CurrentUser`` cost a hop each into the thread pool, the session's
    commit another, a sync route and its response validation two more: five per request.
    The hot routes (a Vorlage's actions and transitions) do all of it in one call. The
    request still waits for its database turn in the event loop (``api.turns``), the
    caller is read and refused (401) as ``CurrentUser`` does, and a lost version race
    becomes 409 as in ``get_session`` (``workflow.db.transaction``)."""

    def unit() -> T:
        with Session(runtime.engine, expire_on_commit=False) as session, transaction(session):
            return work(session, _caller(session, *signed))

    async with turn(app_turns(request.app)):
        request.state.holds_database_turn = True
        try:
            return await run_in_threadpool(unit)
        finally:
            request.state.holds_database_turn = False


_ETAG = re.compile(r'^(?:W/)?"?([0-9]{1,10})"?$')
ETAG_PATTERN = _ETAG.pattern
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        pattern=ETAG_PATTERN,
        description="ETag (Version) der zuletzt gelesenen Fassung",
    ),
]


def expected_version(request: Request, body_version: int | None, if_match: str | None) -> int:
    """The version the client read: ``If-Match`` (412 when stale) or ``expected_version``
    in the body (409 when stale). Writes without either are refused (428)."""
    match = _ETAG.match(if_match) if if_match else None
    if match is not None:
        header_version = int(match.group(1))
        if body_version is not None and body_version != header_version:
            raise ApiError(
                412,
                "If-Match und expected_version nennen verschiedene Versionen.",
                slug="version-mismatch",
            )
        request.state.version_from = "if-match"
        return header_version
    if body_version is None:
        raise ApiError(
            428,
            "Bitte die gelesene Version angeben (expected_version oder If-Match), "
            "damit keine fremde Änderung überschrieben wird.",
            slug="version-required",
        )
    return body_version


def etag(version: int) -> str:
    return f'"{version}"'
