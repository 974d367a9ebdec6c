"""Checks every service shares: role and tenant."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from workflow.access import within_tenant
from workflow.context import Actor
from workflow.errors import NotFound, RoleRefused


def require_role(actor: Actor, operation: str, roles: Iterable[str]) -> None:
    allowed = tuple(roles)
    if actor.role not in allowed and not actor.is_system:
        raise RoleRefused(trigger=operation, role=actor.role, allowed_roles=allowed)


def require_tenant(session: Session, actor: Actor, municipality_id: int | None, what: str) -> None:
    if not within_tenant(session, actor, municipality_id):
        raise NotFound(f"{what} wurde nicht gefunden.")
