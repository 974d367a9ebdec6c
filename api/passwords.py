"""A holder changes his own password: the current one checked, and when wrong counted like a
failed sign-in (``workflow.services.throttle``), so a page left open or a leaked token cannot
be used to guess it. One rule for the page "Einstellungen" and ``POST /api/v1/auth/me/password``.

Runs in a route's worker thread: Argon2 in a slot of the same small pool as sign-ins
(``api.security``); the throttle's counts go through the route's own session, not through
``security.sign_in``, whose connections of its own would wait on the route's write lock
(SQLite's one writer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

import anyio.from_thread
from sqlmodel import Session

from api import directory
from api.security import hash_password_bounded, verify_password_bounded
from workflow.context import Actor
from workflow.models import User
from workflow.services import throttle


@dataclass(frozen=True)
class Refused:
    """Why the change was refused, for the field ``field``; ``retry_after`` when throttled."""

    field: str
    message: str
    retry_after: int | None = None


NO_CURRENT = Refused("current_password", "Bitte geben Sie Ihr bisheriges Passwort ein.")
UNCHANGED = Refused("new_password", "Das neue Passwort muss sich vom bisherigen unterscheiden.")
WRONG = Refused("current_password", "Das bisherige Passwort ist nicht richtig.")


def change_own(
    session: Session,
    *,
    actor: Actor,
    account: User,
    current: str,
    new: str,
    address: str | None,
    now: datetime,
    limiter: anyio.CapacityLimiter,
) -> Refused | None:
    """None when changed; the account's ``credentials_version`` then moved on, ending every
    other sign-in of it (the caller carries the new number on for its own)."""
    if not current:
        return NO_CURRENT
    if new == current:
        return UNCHANGED
    refusal = throttle.blocked(session=session, username=account.username, address=address, now=now)
    if refusal is not None:
        return Refused(
            "current_password",
            f"Zu viele falsche Passwörter. Bitte in {refusal.retry_after} Sekunden erneut "
            "versuchen.",
            refusal.retry_after,
        )
    verified = anyio.from_thread.run(
        partial(verify_password_bounded, limiter, account.password_hash, current)
    )
    if not verified:
        throttle.record_failure(
            session=session, username=account.username, address=address, now=now
        )
        return WRONG
    throttle.record_success(session=session, username=account.username)
    password_hash = anyio.from_thread.run(partial(hash_password_bounded, limiter, new))
    directory.set_password(
        session=session, actor=actor, user_id=account.id or 0, password_hash=password_hash
    )
    return None
