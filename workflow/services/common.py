"""Checks every service shares: role, tenant, and that an agenda item is voted on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session

from workflow.access import within_tenant
from workflow.context import Actor
from workflow.deputies import substitutions
from workflow.errors import Conflict, RoleRefused, not_found
from workflow.models import AgendaItem, Proposal


def require_role(actor: Actor, operation: str, roles: Iterable[str]) -> None:
    allowed = tuple(roles)
    if actor.role not in allowed and not actor.is_system:
        raise RoleRefused(trigger=operation, role=actor.role, allowed_roles=allowed)


def acting_as(session: Session, actor: Actor, day: date, roles: Iterable[str]) -> Actor | None:
    """Who may do a step of ``roles`` on ``day``: the actor in his own role, else in the
    office of an absent holder he stands in for (``workflow.deputies``, § 48 GemO for the
    mayor), as the engine's transitions let him; None when neither may. The Actor returned
    is the one to act and audit as: a deputy's records name both him and the holder."""
    allowed = tuple(roles)
    if actor.is_system or actor.role in allowed:
        return actor
    return next((a for a in substitutions(session, actor, day) if a.role in allowed), None)


def require_acting(
    session: Session, actor: Actor, day: date, operation: str, roles: Iterable[str]
) -> Actor:
    """``acting_as``, refused by the actor's own role where nobody's office lets him."""
    allowed = tuple(roles)
    acting = acting_as(session, actor, day, allowed)
    if acting is None:
        raise RoleRefused(trigger=operation, role=actor.role, allowed_roles=allowed)
    return acting


def require_tenant(session: Session, actor: Actor, municipality_id: int | None, what: str) -> None:
    if not within_tenant(session, actor, municipality_id):
        raise not_found(what)


def require_votable(session: Session, item: AgendaItem) -> None:
    """An Informationsvorlage is taken note of, never voted on: no Beschluss, so nothing the
    mayor could object to (§ 43 Abs. 2 GemO)."""
    proposal = session.get(Proposal, item.proposal_id) if item.proposal_id is not None else None
    if proposal is not None and proposal.is_information:
        raise Conflict(
            f"Über die Informationsvorlage {proposal.label} wird nicht abgestimmt; sie wird "
            "zur Kenntnis genommen"
        )
