"""Anlagen of a proposal or meeting: metadata here, the bytes content-addressed on disk."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class Attachment(SQLModel, table=True):
    """One uploaded file; ``sha256`` names its bytes in ``RATSFLOW_FILES_DIR``.

    ``public`` False keeps it from readers who may not see non-public matter: personal data
    or business secrets in Beratungsunterlagen (§ 41b Abs. 2 S. 2, § 35 Abs. 1 GemO).
    """

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    instance_type: str = Field(max_length=32)  # proposal | meeting
    instance_id: int = Field(index=True)
    name: str = Field(max_length=200)
    content_type: str = Field(max_length=120)
    size: int
    sha256: str = Field(max_length=64, index=True)
    public: bool = True
    # § 41b Abs. 2 S. 2 GemO: personal_data | business_secret; such a file stays out of every
    # published rendition (the portal, OParl, anonymous reads), which names the omission.
    redaction: str | None = Field(default=None, max_length=32)
    uploaded_by: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = Field(default_factory=utcnow)
