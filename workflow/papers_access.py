"""Personal links to a Sitzungsmappe for members invited by e-mail who have no account.

§ 34 Abs. 1 S. 1 GemO: the documents needed for deliberation go with the invitation. The
e-mail links the Sitzungsmappe, which a member with an account opens after signing in; one
without an account could not open it. He gets a link of his own instead: it opens that
session's Mappe as he may read it (his seat decides, as for the e-mail's agenda), and ends
some days after the session. Only the link's SHA-256 is stored, like a password's hash.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from workflow.context import BERLIN, Actor
from workflow.models import Meeting, PapersAccess, Person

# Long enough after the session to prepare the minutes' objections (§ 38 Abs. 2 S. 3 GemO)
# with the papers at hand; a moved session is invited again, with a new link.
DAYS_AFTER_SESSION = 14
TOKEN_MAX_LENGTH = 64  # token_urlsafe(32) is 43 characters; anything longer is no token


def person_actor(person: Person) -> Actor:
    """A member as the access rules see him without an account: by his seat."""
    return Actor(
        username=f"person:{person.id}",
        role="council_member",
        municipality_id=person.municipality_id,
        person_id=person.id,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def grant(session: Session, meeting: Meeting, person: Person, now: datetime) -> str:
    """A new link's token for ``person`` to ``meeting``'s Mappe (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    ends = datetime.combine(last_day(meeting) + timedelta(days=1), time(0), tzinfo=BERLIN)
    session.add(
        PapersAccess(
            token_sha256=_digest(token),
            meeting_id=meeting.id or 0,
            person_id=person.id or 0,
            created_at=now,
            expires_at=ends.astimezone(UTC),
        )
    )
    return token


def reader(session: Session, meeting_id: int, token: str, now: datetime) -> Actor | None:
    """Who the link reads as, or None: unknown, for another session, or ended."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    access = session.exec(
        select(PapersAccess).where(PapersAccess.token_sha256 == _digest(token))
    ).first()
    if access is None or access.meeting_id != meeting_id or access.expires_at <= now:
        return None
    person = session.get(Person, access.person_id)
    return person_actor(person) if person is not None else None


def last_day(meeting: Meeting) -> date:
    """The last day (Europe/Berlin) a link to ``meeting``'s Mappe opens."""
    return meeting.meeting_date + timedelta(days=DAYS_AFTER_SESSION)
