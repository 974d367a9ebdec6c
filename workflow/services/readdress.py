"""Invitations sent again, to the member's address as it is now.

- The admin corrects or adds a member's address after the invitations went out: the
  personal links sent to the old address stop working (it may have been a stranger's, and a
  link opens non-public papers, § 35 Abs. 2 GemO), and the invitations to the sessions still
  ahead go to the new address, with a new link (§ 34 Abs. 1 S. 1 GemO: the invitation must
  reach him) — also to a member who had no address when they were sent.
- The Sitzungsdienst sends one member's invitation again ("nicht angekommen", in the spam
  folder, or given up after its last attempt).

A member's outbox row is written again (its key stays: one invitation per member and
session); the audit log keeps the address and state it had.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from workflow import audit
from workflow.context import Actor, local_date
from workflow.documents import mailing
from workflow.errors import Conflict, InvalidInput
from workflow.models import Meeting, OutboxMessage, PapersAccess, Person
from workflow.queries import agenda
from workflow.services.common import require_role

INVITED = "invited"  # sent, the session not yet opened
RESENDING_ROLES = ("secretary", "mayor")  # who invites (§ 34 Abs. 1 GemO) and prepares it


def readdress_invitations(
    session: Session, *, actor: Actor, person: Person, now: datetime, base_url: str
) -> int:
    """After ``person``'s address changed: his links end, and each session ahead he is
    invited to gets his invitation at the address he has now; how many were sent."""
    session.execute(delete(PapersAccess).where(col(PapersAccess.person_id) == person.id))
    ahead = session.exec(
        select(Meeting).where(
            Meeting.municipality_id == person.municipality_id,
            Meeting.state == INVITED,
            col(Meeting.meeting_date) >= local_date(now),
        )
    ).all()
    sent = 0
    for meeting in ahead:
        invitee = _invitee(session, meeting, person)
        if invitee is not None:
            _send(session, actor, meeting, invitee, now, base_url, trigger="readdress")
            sent += 1
    return sent


def resend_invitation(
    session: Session,
    *,
    actor: Actor,
    meeting: Meeting,
    person_id: int,
    now: datetime,
    base_url: str,
) -> str:
    """One member's invitation once more, to his address as it is now (with a new personal
    link, the earlier ones of this session ended); the address it went to."""
    require_role(actor, "resend_invitation", RESENDING_ROLES)
    if meeting.state != INVITED or meeting.meeting_date < local_date(now):
        raise Conflict(
            "Eine Einladung wird nur zu einer Sitzung erneut gesendet, die noch bevorsteht"
        )
    person = session.get(Person, person_id)
    if person is None or person.municipality_id != meeting.municipality_id:
        raise InvalidInput("Unbekannte Person", field="person_id")
    invitee = _invitee(session, meeting, person)
    if invitee is None:
        raise Conflict(
            f"{person.name} erhält zu dieser Sitzung keine Einladung per E-Mail (ohne "
            "E-Mail-Adresse: schriftlich einladen)"
        )
    session.execute(
        delete(PapersAccess).where(
            col(PapersAccess.person_id) == person.id, col(PapersAccess.meeting_id) == meeting.id
        )
    )
    _send(session, actor, meeting, invitee, now, base_url, trigger="resend")
    return invitee.address


def _invitee(session: Session, meeting: Meeting, person: Person) -> mailing.Invitee | None:
    """``person`` as the session's invitation reaches him by e-mail, or None (no seat, no
    address)."""
    people = mailing.invitees(session, meeting, agenda(session, meeting.id or 0))
    return next((i for i in people if i.person.id == person.id), None)


def _send(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    invitee: mailing.Invitee,
    now: datetime,
    base_url: str,
    trigger: str,
) -> None:
    """The member's invitation row written again (or first written), due at once."""
    key = mailing.invitation_key(meeting, invitee.person)
    message = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).first()
    if message is None:  # he had no address when the invitations went out
        mailing.queue_invitation(session, meeting, invitee, base_url, now)
        return
    letter = mailing.invitation_text(session, meeting, invitee, base_url.rstrip("/"), now=now)
    previous = {"to_address": message.to_address, "status": message.status}
    message.to_address = invitee.address
    message.body = letter.body
    message.status = "pending"
    message.attempts = 0
    message.last_error = None
    message.sent_at = None
    message.next_attempt_at = now
    session.add(message)
    audit.append(
        session,
        instance_type="outbox_message",
        instance_id=message.id or 0,
        actor=actor,
        trigger=trigger,
        source=previous["status"],
        dest="pending",
        now=now,
        data=previous,
    )
