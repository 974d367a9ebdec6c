"""Fristen opened and closed by transitions; the scheduler (issue 3) acts on them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class Deadline(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("instance_type", "instance_id", "rule", "opened_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    instance_type: str = Field(max_length=32)
    instance_id: int
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    rule: str = Field(max_length=64)
    label: str = Field(max_length=200)
    due_date: date = Field(index=True)
    status: str = Field(
        default="open", max_length=16, index=True
    )  # open|met|missed|elapsed|waived|cancelled
    explanation: str = Field(default="", sa_type=Text)
    opened_seq: int  # audit sequence number of the transition that opened it
    opened_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    waived_reason: str | None = Field(default=None, sa_type=Text)
