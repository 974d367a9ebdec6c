"""Shared column shapes: workflow instance state with optimistic locking, JSON, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_stamp() -> Any:
    """When the row was created; NULL for rows older than migration 0014."""
    return Field(default_factory=utcnow, nullable=True)


def modified_stamp() -> Any:
    """Bumped on every ORM update of the row: OParl clients sync through ``modified``."""
    return Field(default_factory=utcnow, nullable=True, sa_column_kwargs={"onupdate": utcnow})


class WorkflowInstance(SQLModel):
    """Columns every row driven by a definition carries.

    The instance pins the definition version it started with (DESIGN.md: a new version applies
    to new instances only). ``version`` is SQLAlchemy's ``version_id_col``: a stale writer gets
    ``StaleDataError`` instead of silently overwriting (LIBRARIES.md §3).
    """

    state: str = Field(max_length=64, index=True)
    definition_name: str = Field(max_length=64)
    definition_version: int
    version: int = Field(default=1)
    # Written on every firing, so even a transition back into the same state bumps `version`.
    updated_at: datetime = Field(default_factory=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
