"""A member's address corrected after invitations went out: the personal links sent to the
old address stop working (it may have been a stranger's, and a link opens non-public
papers, § 35 Abs. 2 GemO), and his invitations to the sessions still ahead go out again to
the new address, with a new link (§ 34 Abs. 1 S. 1 GemO: the invitation must reach him).

The same outbox row is sent again (its key stays, so each member still has one invitation
per session); the audit log keeps the old address.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from workflow import audit
from workflow.context import Actor, local_date
from workflow.documents import mailing
from workflow.models import Meeting, OutboxMessage, PapersAccess, Person, User
from workflow.queries import agenda

INVITED = "invited"  # sent, the session not yet opened


def readdress_invitations(
    session: Session, *, actor: Actor, person: Person, now: datetime, base_url: str
) -> int:
    """Revoke ``person``'s links and send his invitations to the sessions ahead again, to
    his address as it is now; the number of invitations sent again."""
    session.execute(delete(PapersAccess).where(col(PapersAccess.person_id) == person.id))
    account = session.exec(
        select(User).where(User.person_id == person.id, ~col(User.disabled))
    ).first()
    address = mailing.invitation_address(person, account)
    if address is None:
        return 0  # invited in writing from now on; the session's page names him
    messages = session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.key).like("invitation:meeting:%:person:" + str(person.id))
        )
    ).all()
    today = local_date(now)
    sent = 0
    for message in messages:
        meeting = session.get(Meeting, int(message.key.split(":")[2]))
        if meeting is None or meeting.state != INVITED or meeting.meeting_date < today:
            continue
        invitee = next(
            (
                i
                for i in mailing.invitees(session, meeting, agenda(session, meeting.id or 0))
                if i.person.id == person.id
            ),
            None,
        )
        if invitee is None:  # no longer invited (his seat ended)
            continue
        letter = mailing.invitation_text(session, meeting, invitee, base_url, now=now)
        previous = {"to_address": message.to_address, "status": message.status}
        message.to_address = address
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
            trigger="readdress",
            source=previous["status"],
            dest="pending",
            now=now,
            data=previous,
        )
        sent += 1
    return sent
