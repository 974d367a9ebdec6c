"""Append-only, hash-chained audit log per workflow instance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models.base import JSONType


class AuditEvent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("instance_type", "instance_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    instance_type: str = Field(max_length=32)
    instance_id: int
    seq: int
    at: datetime
    actor: str = Field(max_length=100)
    actor_role: str = Field(max_length=32)
    trigger: str = Field(max_length=64)
    source: str | None = Field(default=None, max_length=64)
    dest: str = Field(max_length=64)
    comment: str | None = Field(default=None, sa_type=Text)
    data: dict[str, object] = Field(default_factory=dict, sa_type=JSONType)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """Last sequence number and hash per instance, so a removed *last* event is detected too."""

    instance_type: str = Field(max_length=32, primary_key=True)
    instance_id: int = Field(primary_key=True)
    seq: int
    hash: str = Field(max_length=64)
