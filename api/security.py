"""Passwords (Argon2) and bearer tokens (HS256 JWT); no FastAPI in here."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial

import anyio
import anyio.to_thread
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.turns import turn
from workflow.db import unit_of_work
from workflow.models import User
from workflow.services import throttle
from workflow.settings import Settings

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"
DEFAULT_TOKEN_MINUTES = 8 * 60  # one working day


class MissingSecret(RuntimeError):
    """No signing key outside demo mode: tokens signed with a guessable key are worthless."""


@lru_cache
def hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache
def _dummy_hash() -> str:
    """Unknown users are verified against this, so their answer takes as long as a real one."""
    return hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return hasher().hash(password)


async def hash_password_bounded(limiter: anyio.CapacityLimiter, password: str) -> str:
    """``hash_password`` in a slot of the same small pool as sign-ins, so creating accounts
    in bulk cannot starve other requests (a sync route calls it via ``anyio.from_thread``)."""
    return await anyio.to_thread.run_sync(partial(hash_password, password), limiter=limiter)


async def verify_password_bounded(
    limiter: anyio.CapacityLimiter, password_hash: str | None, password: str
) -> bool:
    """``verify_password`` in the sign-ins' pool (``hash_password_bounded``)."""
    return await anyio.to_thread.run_sync(
        partial(verify_password, password_hash, password), limiter=limiter
    )


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def token_minutes(settings: Settings) -> int:
    """``RATSFLOW_TOKEN_MINUTES`` if the settings class knows it, else eight hours."""
    value = getattr(settings, "token_minutes", None)
    return value if isinstance(value, int) and value > 0 else DEFAULT_TOKEN_MINUTES


def resolve_secret(settings: Settings, *, demo: bool) -> Settings:
    """The settings with a signing key; demo mode invents one per process (tokens then die
    with the process), production refuses to start without one."""
    if settings.secret_key:
        return settings
    if not demo:
        raise MissingSecret(
            "RATSFLOW_SECRET_KEY ist nicht gesetzt. Ohne geheimen Schlüssel startet der Server "
            "nur im Demomodus (--demo). Bitte einen zufälligen Schlüssel setzen, z. B. "
            "RATSFLOW_SECRET_KEY=$(openssl rand -hex 32)."
        )
    logger.warning(
        "RATSFLOW_SECRET_KEY fehlt: Demomodus mit zufälligem Schlüssel; "
        "Anmeldungen gelten nur bis zum Neustart"
    )
    return settings.model_copy(update={"secret_key": secrets.token_urlsafe(32)})


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def issue_token(settings: Settings, username: str, credentials: int = 0) -> IssuedToken:
    """Validity is wall-clock time (PyJWT checks ``exp`` against it), not the app's clock.
    ``credentials``: the account's ``credentials_version`` at sign-in; a new password ends
    the token (``api.deps``)."""
    now = datetime.now(UTC)
    minutes = token_minutes(settings)
    payload = {
        "sub": username,
        "cv": credentials,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    token = jwt.encode(payload, settings.secret_key or "", algorithm=ALGORITHM)
    return IssuedToken(access_token=token, expires_in=minutes * 60)


def token_subject(settings: Settings, token: str) -> tuple[str, int]:
    """The username and the credentials version it was signed in with (0 for a token from
    before there was one); raises ``jwt.InvalidTokenError`` for anything not signed by us or
    expired.

    A token that verified once is remembered with its expiry (``_verified``): a client sends
    the same token with every request, and its signature, claims and ``iat`` cannot change,
    so only ``exp`` is checked again, as PyJWT does (expired when ``int(exp)`` ≤ now).
    Failures are never remembered.
    """
    subject, expires, credentials = _verified(settings.secret_key or "", token)
    if expires <= datetime.now(UTC).timestamp():
        raise jwt.ExpiredSignatureError("Signature has expired")
    return subject, credentials


@lru_cache(maxsize=4096)
def _verified(secret: str, token: str) -> tuple[str, int, int]:
    claims = jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],
        options={"require": ["exp", "sub"]},
    )
    subject = claims["sub"]
    credentials = claims.get("cv", 0)
    if not isinstance(subject, str):
        raise jwt.InvalidTokenError("sub")
    if not isinstance(credentials, int):
        raise jwt.InvalidTokenError("cv")
    return subject, int(claims["exp"]), credentials


class LoginThrottled(Exception):
    """Too many failed sign-ins of the account or the client address: wait ``retry_after``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _stored_hash(
    engine: Engine, username: str, address: str | None, now: datetime
) -> tuple[str | None, int]:
    """Refuse while throttled, else the stored hash (None: unknown or disabled) and the
    account's credentials version."""
    with unit_of_work(engine) as session:
        refusal = throttle.blocked(session=session, username=username, address=address, now=now)
        if refusal is not None:
            raise LoginThrottled(refusal.retry_after)
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None or user.disabled:
            return None, 0
        return user.password_hash, user.credentials_version


def _count(engine: Engine, username: str, address: str | None, ok: bool, now: datetime) -> None:
    """In a transaction of its own: the refusal that follows must not roll the count back.
    A first failure in two processes at once may collide on insert; the retry then counts."""
    for attempt in (1, 2):
        try:
            with unit_of_work(engine) as session:
                if ok:
                    throttle.record_success(session=session, username=username)
                else:
                    throttle.record_failure(
                        session=session, username=username, address=address, now=now
                    )
            return
        except IntegrityError:
            if attempt == 2:
                raise


async def sign_in(
    *,
    engine: Engine,
    turns: anyio.Semaphore | None,
    limiter: anyio.CapacityLimiter,
    username: str,
    password: str,
    address: str | None,
    now: datetime,
) -> int | None:
    """The password check every sign-in (API token, web UI) goes through: the account's
    credentials version when the password is right (the session or token carries it), else
    None.

    Raises ``LoginThrottled`` while the account or address is backing off; counts the
    outcome in the database (``workflow.services.throttle``). Argon2 runs under ``limiter``,
    a small pool of its own, so a flood of sign-ins waits there (holding no worker thread)
    instead of taking the CPU from every other request. The database is used in the
    process's ``turns`` (``api.turns``), not held during the hash.
    """
    async with turn(turns):
        stored, credentials = await anyio.to_thread.run_sync(
            partial(_stored_hash, engine, username, address, now)
        )
    ok = await anyio.to_thread.run_sync(partial(verify_password, stored, password), limiter=limiter)
    async with turn(turns):
        await anyio.to_thread.run_sync(partial(_count, engine, username, address, ok, now))
    return credentials if ok else None
