"""Einwendungen gegen die Niederschrift (§ 38 Abs. 2 S. 3 GemO): the council decides them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class MinutesObjection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    # The member who objects; ``raised_by`` is the login that recorded it.
    person_id: int | None = Field(default=None, foreign_key="person.id")
    raised_by: str = Field(max_length=100)
    text: str = Field(sa_type=Text)
    raised_at: datetime = Field(default_factory=utcnow)
    # The council's decision: upheld (the minutes are corrected) or dismissed.
    decided_at: datetime | None = None
    upheld: bool | None = None
    decision_note: str | None = Field(default=None, sa_type=Text)
    decided_in_meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    decided_by: str | None = Field(default=None, max_length=100)
