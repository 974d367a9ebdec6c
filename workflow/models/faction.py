"""Fraktionen of a municipality's council (§ 32a GemO) and who belongs to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from workflow.models.base import created_stamp, modified_stamp

# A Fraktion's name is unique among the municipality's current ones only: after an election
# a dissolved Fraktion's name may come back, and its old Anträge keep pointing at the old row.
CURRENT = "dissolved_on IS NULL"
# A councillor sits in one current Fraktion at most (§ 32a GemO): held by the database too,
# since two changes of different Fraktionen at once could each pass the service's check.
CURRENT_SEAT = "ended_on IS NULL"


class Faction(SQLModel, table=True):
    """Fraktion: councillors who joined to act together (§ 32a Abs. 1 GemO).

    Dissolving keeps the row (``dissolved_on``): Fraktionsanträge filed by it stay readable.
    ``version`` is SQLAlchemy's ``version_id_col`` (the API's ETag), bumped by every rename,
    change of members and the dissolution.
    """

    __table_args__ = (
        Index(
            "uq_faction_current_name",
            "municipality_id",
            "name",
            unique=True,
            postgresql_where=text(CURRENT),
            sqlite_where=text(CURRENT),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id")  # led by the unique index
    name: str = Field(max_length=200)
    short_name: str = Field(default="", max_length=50)
    dissolved_on: date | None = None
    version: int = Field(default=1)
    created_at: datetime | None = created_stamp()
    updated_at: datetime | None = modified_stamp()

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    @property
    def label(self) -> str:
        """ "Freie Wähler (FW)": how pages name it where both are known."""
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name


class FactionMember(SQLModel, table=True):
    """A councillor's seat in a Fraktion; ``role`` chair marks the Fraktionsvorsitz.

    ``ended_on`` is the day the seat ended: the member left, or the Fraktion was dissolved
    (NULL while current). Ended seats stay as the record of who belonged when (OParl); the
    partial unique index on ``person_id`` keys the current seats. One row per Fraktion and
    person: a former member who comes back gets his seat reopened.
    """

    __table_args__ = (
        UniqueConstraint("faction_id", "person_id"),
        Index(
            "uq_factionmember_current_person",
            "person_id",
            unique=True,
            postgresql_where=text(CURRENT_SEAT),
            sqlite_where=text(CURRENT_SEAT),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    faction_id: int = Field(foreign_key="faction.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(default="member", max_length=16)  # chair | member
    ended_on: date | None = None
    created_at: datetime | None = created_stamp()
    updated_at: datetime | None = modified_stamp()
