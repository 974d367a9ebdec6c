"""Shapes of attachments (Anlagen) as listed; the bytes come from ``…/content``."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Output


class AttachmentRead(Output):
    id: int
    instance_type: str = Field(description="proposal oder meeting")
    instance_id: int
    name: str = Field(description="bereinigter Dateiname")
    content_type: str = Field(description="aus dem Dateiinhalt bestimmt")
    size: int = Field(description="Bytes")
    sha256: str
    public: bool = Field(description="false: nur für Berechtigte (§ 35 Abs. 1 GemO)")
    uploaded_by: int | None
    uploaded_at: datetime
