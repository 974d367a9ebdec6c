"""Definitions as loaded: name, version and content hash, pinned by instances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class DefinitionRecord(SQLModel, table=True):
    name: str = Field(max_length=64, primary_key=True)
    version: int = Field(primary_key=True)
    content_hash: str = Field(max_length=64)
    source: str = Field(sa_type=Text)
    loaded_at: datetime = Field(default_factory=utcnow)
