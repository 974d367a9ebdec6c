"""Tenant rules: a user acts only within their municipality (the district within its own)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from workflow.context import Actor
from workflow.models import Municipality


def within_tenant(session: Session, actor: Actor, municipality_id: int | None) -> bool:
    """True if the actor may touch data of that municipality at all.

    The district coordinator reaches the district's municipalities only for what the
    Landratsamt does there (Rechtsaufsicht, § 119 GemO; decision requests); transitions
    narrow that further by role.
    """
    if actor.is_system:
        return True
    if municipality_id is None:
        return False
    if actor.municipality_id is not None:
        return actor.municipality_id == municipality_id
    if actor.district_id is not None:
        municipality = session.get(Municipality, municipality_id)
        return municipality is not None and municipality.district_id == actor.district_id
    return False


def instance_visible(session: Session, actor: Actor, instance: Any) -> bool:
    return within_tenant(session, actor, getattr(instance, "municipality_id", None))
