"""The in-app notification list of a user (administrators see e-mails in ``outbox``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflow.context import Actor
from workflow.deadlines.notify import MAIL_KINDS
from workflow.errors import InvalidInput, NotFound
from workflow.models import Notification, User


def list_notifications(
    *, session: Session, actor: Actor, unread_only: bool = False
) -> list[Notification]:
    return list(session.exec(notifications_query(actor=actor, unread_only=unread_only)))


def notifications_query(*, actor: Actor, unread_only: bool = False) -> SelectOfScalar[Notification]:
    """The caller's own notifications, newest first (``listing.page_of`` pages it)."""
    query = select(Notification).where(Notification.user_id == actor.user_id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    return query.order_by(col(Notification.id).desc())


def mark_read(
    *, session: Session, actor: Actor, now: datetime, notification_id: int
) -> Notification:
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != actor.user_id:
        raise NotFound(f"Benachrichtigung {notification_id} wurde nicht gefunden.")
    notification.read_at = notification.read_at or now
    session.add(notification)
    session.flush()
    return notification


def set_mail_off(*, session: Session, actor: Actor, kinds: list[str]) -> User:
    """The kinds of e-mail the caller no longer wants (the in-app notice stays)."""
    unknown = [k for k in kinds if k not in MAIL_KINDS]
    if unknown:
        raise InvalidInput(f"Unbekannte Art von E-Mail: {', '.join(unknown)}", field="mail_off")
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotFound("Ihr Benutzerkonto wurde nicht gefunden.")
    user.mail_off = [k for k in MAIL_KINDS if k in kinds]
    session.add(user)
    session.flush()
    return user
