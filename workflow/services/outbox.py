"""The e-mail outbox as administrators see it: find dead letters and queue them again.

An administrator sees the messages of their own municipality only (``municipality_id``, and
for rows written before it existed, the recipient's account); messages of another
municipality are "not found", as everywhere. They see what a message is (recipient, subject,
status, attempts, last error, the files' names and sizes), never what it says: see
``BODY_WITHHELD``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflow import audit
from workflow.context import Actor
from workflow.documents.mailing import invitation_address, invitation_keys
from workflow.errors import Conflict, NotFound, not_found
from workflow.models import Attachment, OutboxAttachment, OutboxMessage, Person, User
from workflow.services.common import require_role

logger = logging.getLogger(__name__)

ADMIN_ROLES = ("admin",)
# Invitations and Beschlussauszüge carry non-public items (§ 35 GemO); handling a dead letter
# needs none of it (data minimisation, Art. 5 Abs. 1 lit. c DSGVO). No role reads a message's
# text or files here: its recipients got them, and the documents have their own access rules.
BODY_WITHHELD = (
    "Der Inhalt der E-Mail wird der Administration nicht angezeigt: Er kann nichtöffentliche "
    "Angelegenheiten (§ 35 GemO) enthalten. Für die Zustellung genügen Empfänger, Betreff, "
    "Status und Fehlermeldung (Datenminimierung, Art. 5 Abs. 1 lit. c DSGVO)."
)


NON_PUBLIC_FILE = "nichtöffentliche Anlage (Name nicht angezeigt)"
BIAS_NOTICE_SUBJECT = "Mitteilung möglicher Befangenheit (Betreff nicht angezeigt)"


def _own_messages(actor: Actor) -> ColumnElement[bool]:
    """Messages of the actor's municipality; the system sees all of them."""
    if actor.is_system:
        return true()
    if actor.municipality_id is None:
        raise NotFound("Für Ihr Konto ist keine Gemeinde hinterlegt.")
    users = select(User.id).where(User.municipality_id == actor.municipality_id)
    return or_(
        col(OutboxMessage.municipality_id) == actor.municipality_id,
        col(OutboxMessage.municipality_id).is_(None) & col(OutboxMessage.user_id).in_(users),
    )


def list_messages(
    *, session: Session, actor: Actor, status: str | None = None
) -> list[OutboxMessage]:
    """Newest first, optionally one status (``dead``: given up after the last retry)."""
    return list(session.exec(messages_query(actor=actor, status=status)))


def messages_query(*, actor: Actor, status: str | None = None) -> SelectOfScalar[OutboxMessage]:
    """``list_messages`` as a query (``listing.page_of`` pages it); refuses a non-admin."""
    require_role(actor, "list_outbox", ADMIN_ROLES)
    query = select(OutboxMessage).where(_own_messages(actor))
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return query.order_by(col(OutboxMessage.id).desc())


def get_message(*, session: Session, actor: Actor, message_id: int) -> OutboxMessage:
    """One e-mail's delivery facts (recipient, subject, status, error), e.g. to see why it
    failed before queueing it again; callers show its text to nobody (``BODY_WITHHELD``)."""
    require_role(actor, "read_outbox_message", ADMIN_ROLES)
    message = session.exec(
        select(OutboxMessage).where(OutboxMessage.id == message_id, _own_messages(actor))
    ).first()
    if message is None:
        raise not_found("E-Mail")
    return message


def attachments_of(*, session: Session, message: OutboxMessage) -> list[OutboxAttachment]:
    """The files that go with a message (read after ``get_message`` checked access), as
    administrators see them: a non-public Anlage's name can be the matter itself (a list of
    purchase prices), so it is replaced by ``NON_PUBLIC_FILE``; size and SHA-256 stay."""
    files = list(
        session.exec(
            select(OutboxAttachment)
            .where(OutboxAttachment.outbox_message_id == message.id)
            .order_by(col(OutboxAttachment.id))
        )
    )
    hidden = set(
        session.exec(
            select(Attachment.sha256).where(
                col(Attachment.sha256).in_({f.sha256 for f in files}), ~col(Attachment.public)
            )
        )
    )
    return [
        OutboxAttachment(  # a copy to show, outside the session: nothing is written back
            id=f.id,
            outbox_message_id=f.outbox_message_id,
            sha256=f.sha256,
            name=NON_PUBLIC_FILE,
            content_type=f.content_type,
            size=f.size,
        )
        if f.sha256 in hidden
        else f
        for f in files
    ]


def subject_for_admin(message: OutboxMessage) -> str:
    """The subject as administrators see it: a bias notice's names the councillor who may be
    befangen on an item (§ 18 GemO), which is no delivery fact (Art. 5 Abs. 1 lit. c DSGVO)."""
    if message.key.startswith("bias_notice:"):
        return BIAS_NOTICE_SUBJECT
    return message.subject


def _current_address(session: Session, message: OutboxMessage) -> str | None:
    """Where the message goes now: a dead letter is often a mistyped address, corrected since
    (Verwaltung › Gremien for a member, the account's page for a user)."""
    prefix, _, person_id = message.key.rpartition(":person:")
    if prefix and person_id.isdigit():
        person = session.get(Person, int(person_id))
        if person is None:
            return None
        account = session.exec(
            select(User).where(User.person_id == person.id, ~col(User.disabled))
        ).first()
        return invitation_address(person, account)
    if message.user_id is not None:
        user = session.get(User, message.user_id)
        return user.email if user is not None and not user.disabled else None
    return message.to_address


def requeue(*, session: Session, actor: Actor, now: datetime, message_id: int) -> OutboxMessage:
    """Give a dead letter a fresh set of attempts, due at once (e.g. after the SMTP relay or
    the recipient's address was fixed: it goes to the address as it is now); the audit log
    keeps who did it, the last error and a replaced address."""
    require_role(actor, "requeue_outbox_message", ADMIN_ROLES)
    message = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id, _own_messages(actor))
        .with_for_update()
    ).first()
    if message is None:
        raise not_found("E-Mail")
    if message.status != "dead":
        raise Conflict(
            f"Nur unzustellbare E-Mails können erneut versandt werden; diese ist "
            f'im Status "{message.status}".'
        )
    previous: dict[str, object] = {"attempts": message.attempts, "last_error": message.last_error}
    address = _current_address(session, message)
    if address is None:
        raise Conflict(
            "Für den Empfänger ist keine E-Mail-Adresse mehr hinterlegt; eine Einladung geht "
            "ihm schriftlich zu."
        )
    if address != message.to_address:  # the address was corrected since: the new one
        previous["to_address"] = message.to_address
        message.to_address = address
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = now
    session.add(message)
    audit.append(
        session,
        instance_type="outbox_message",
        instance_id=message_id,
        actor=actor,
        trigger="requeue",
        source="dead",
        dest="pending",
        now=now,
        data=previous,
    )
    logger.info("outbox message %s requeued by %s", message_id, actor.username)
    return message


def undelivered_invitations(session: Session, meeting_id: int) -> list[tuple[str, str]]:
    """(name, address) of the members whose invitation e-mail to the session was given up
    after its last attempt: the invitation has not reached them (§ 34 Abs. 1 S. 1 GemO), so
    the Sitzungsdienst invites them in writing. Written per person (``mailing``'s keys)."""
    rows = session.exec(
        select(OutboxMessage.key, OutboxMessage.to_address).where(
            col(OutboxMessage.key).startswith(invitation_keys(meeting_id)),
            OutboxMessage.status == "dead",
        )
    ).all()
    person_ids = {int(key.rpartition(":")[2]): address for key, address in rows}
    if not person_ids:
        return []
    people = session.exec(select(Person).where(col(Person.id).in_(person_ids)))
    return sorted((p.name, person_ids[p.id or 0]) for p in people)
