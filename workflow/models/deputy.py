"""Stellvertretung: who stands in for whom, and when a user is away.

Two kinds of deputy. A member of a body has personal deputies in order, appointed by the
council (§ 40 Abs. 1 S. 2 GemO, Hauptsatzung): ``BodyDeputy``, by person. A user's office
acts (co-signing, the mayor's release) pass to a deputy while the holder is absent: for the
mayor these are the Stellvertreter des Bürgermeisters in their order (§ 48 GemO):
``UserDeputy``, by login.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class Absence(SQLModel, table=True):
    """A user is away (Urlaub, Krankheit, Verhinderung) from ``starts_on`` to ``ends_on``,
    both days included."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    starts_on: date
    ends_on: date = Field(index=True)  # who is away today: ends_on >= today (issue 14)
    note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)


class UserDeputy(SQLModel, table=True):
    """``deputy_id`` acts for ``user_id`` while the holder is absent; ``rank`` 1 first."""

    __table_args__ = (UniqueConstraint("user_id", "deputy_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")  # led by the unique key's index
    deputy_id: int = Field(foreign_key="user.id")
    rank: int = 1


class BodyDeputy(SQLModel, table=True):
    """A personal deputy of a body's member (Hauptsatzung); ``rank`` 1 is called first."""

    __table_args__ = (UniqueConstraint("body_id", "member_person_id", "deputy_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id")  # led by the unique key's index
    member_person_id: int = Field(foreign_key="person.id")
    deputy_person_id: int = Field(foreign_key="person.id")
    rank: int = 1
