"""Umlaufverfahren: a decision without a meeting on a simple matter (§ 37 Abs. 1 S. 2 GemO)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class Circulation(SQLModel, table=True):
    """One round of the written or electronic procedure for the proposal's deciding step.

    Replies cannot be ``Vote`` rows: a vote belongs to an agenda item of a meeting, and a
    circulation has none. ``outcome`` stays None while members are replying.
    """

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    consultation_step_id: int = Field(foreign_key="consultationstep.id")
    body_id: int = Field(foreign_key="body.id")
    started_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    outcome: str | None = Field(default=None, max_length=16)  # adopted | objected | cancelled


class CirculationReply(SQLModel, table=True):
    """A member's answer, once per round: consent, objection, or bias (§ 18 GemO: excluded)."""

    __table_args__ = (UniqueConstraint("circulation_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    circulation_id: int = Field(foreign_key="circulation.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id")
    choice: str = Field(max_length=16)  # consent | objection | bias
    reason: str | None = Field(default=None, sa_type=Text)
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow)
