"""Sign-in throttling: exponential back-off after repeated failures, per account and address.

The counts live in the database (``LoginThrottle``), so several ``ratsflow serve`` processes
behind one load balancer share them. A success clears the account's count; an address's
count fades after a quiet hour (an office behind one NAT address is not locked out forever).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from workflow.models import LoginThrottle

# Failures allowed before the back-off starts: an account is personal, an address may be a
# whole town hall behind one NAT gateway.
FREE_FAILURES = {"account": 5, "address": 20}
FIRST_WAIT = timedelta(seconds=1)
LONGEST_WAIT = timedelta(minutes=15)
ADDRESS_MEMORY = timedelta(hours=1)


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds


def _keys(username: str, address: str | None) -> list[tuple[str, str]]:
    keys = [("account", username.strip().lower()[:200])]
    if address:
        keys.append(("address", address[:200]))
    return keys


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def blocked(
    *, session: Session, username: str, address: str | None, now: datetime
) -> Refusal | None:
    """Whether to refuse the attempt before the password is even checked."""
    waits = []
    for kind, key in _keys(username, address):
        row = session.get(LoginThrottle, (kind, key))
        if row is not None and row.blocked_until is not None:
            remaining = (_utc(row.blocked_until) - now).total_seconds()
            if remaining > 0:
                waits.append(math.ceil(remaining))
    return Refusal(retry_after=max(waits)) if waits else None


def record_failure(*, session: Session, username: str, address: str | None, now: datetime) -> None:
    """Count one failure; past the free ones, each doubles the wait (1 s, 2 s, … 15 min).

    The row is locked while counted, so parallel failures of several processes add up.
    """
    for kind, key in _keys(username, address):
        row = session.get(LoginThrottle, (kind, key), with_for_update=True)
        if row is None:
            row = LoginThrottle(kind=kind, key=key, failures=0, last_failed_at=now)
        elif kind == "address" and now - _utc(row.last_failed_at) > ADDRESS_MEMORY:
            row.failures = 0
        row.failures += 1
        row.last_failed_at = now
        over = row.failures - FREE_FAILURES[kind]
        if over > 0:
            wait = min(FIRST_WAIT * 2 ** min(over - 1, 20), LONGEST_WAIT)
            row.blocked_until = now + wait
        session.add(row)
    session.flush()


def record_success(*, session: Session, username: str) -> None:
    row = session.get(LoginThrottle, _keys(username, None)[0], with_for_update=True)
    if row is not None:
        session.delete(row)
        session.flush()
