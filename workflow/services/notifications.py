"""The in-app notification list of a user (administrators see e-mails in ``outbox``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflow.context import Actor
from workflow.deadlines.notify import MAIL_KINDS
from workflow.deadlines.standing import COUNCIL_REQUEST
from workflow.deadlines.standing import RULES as STANDING_RULES
from workflow.definitions.machines import Workflows
from workflow.definitions.spec import DeadlineRuleSpec, Recipients
from workflow.deputies import stands_in_for
from workflow.errors import InvalidInput, NotFound, not_found
from workflow.models import Membership, Notification, User, UserDeputy
from workflow.monthly import REMINDED_ROLES
from workflow.roles import AUTHOR_ROLES, MAIL_ROLES
from workflow.services.council_requests.terms import FILING_ROLES

# The owner a deadline rule may remind (``Recipients.owner``) is the instance's author.
OWNER_ROLES = {"proposal": AUTHOR_ROLES, COUNCIL_REQUEST: FILING_ROLES}


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
        raise not_found("Benachrichtigung")
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


def _told(who: Recipients, applies_to: str) -> set[str]:
    return set(who.roles) | (set(OWNER_ROLES.get(applies_to, ())) if who.owner else set())


def _deadline_roles(workflows: Workflows) -> set[str]:
    """The roles a deadline's reminder or escalation can reach: those the rules of every
    loaded definition version and the standing rules name, their owners', and whom the
    monthly session reminder (workflow.monthly) reaches."""
    rules: list[tuple[str, DeadlineRuleSpec]] = [
        (wf.spec.applies_to, rule)
        for wf in workflows
        for state in wf.spec.states
        for rule in state.deadlines
    ]
    rules += [(COUNCIL_REQUEST, rule) for rule in STANDING_RULES.values()]
    roles = set(REMINDED_ROLES)
    for applies_to, rule in rules:
        roles |= _told(rule.remind, applies_to)
        if rule.escalation is not None:
            roles |= _told(rule.escalation.to, applies_to)
    return roles


def mail_kinds_for(session: Session, workflows: Workflows, user: User) -> dict[str, str]:
    """The kinds of e-mail (``MAIL_KINDS``, in their order) that can reach ``user``: by his
    role and the roles of those he stands in for (an absent holder's messages reach his
    acting deputy, workflow.deputies); the minutes also by a seat in a body (the chair and
    the councillors sign them). A councillor is offered none of the administration's."""
    roles = {user.role}
    if user.id is not None:
        roles |= set(
            session.exec(
                select(User.role)
                .join(UserDeputy, col(UserDeputy.user_id) == col(User.id))
                .where(UserDeputy.deputy_id == user.id)
                # only holders he may act for (workflow.deputies.STAND_IN_ROLES)
                .where(col(User.role).in_(stands_in_for(user.role)))
            )
        )
    reach = {kind: set(held) for kind, held in MAIL_ROLES.items()}
    reach["deadline"] = _deadline_roles(workflows)
    kinds = {kind for kind, held in reach.items() if roles & held}
    if user.person_id is not None and (
        session.exec(select(Membership.id).where(Membership.person_id == user.person_id)).first()
        is not None
    ):
        kinds.add("minutes")
    return {kind: label for kind, label in MAIL_KINDS.items() if kind in kinds}
