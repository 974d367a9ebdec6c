"""Shapes of outbox e-mails as administrators see them (without the message text)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Output


class OutboxMessageRead(Output):
    id: int
    user_id: int | None
    to_address: str = Field(description="Empfängeradresse")
    subject: str
    status: str = Field(description="pending (wartet), sent (versandt) oder dead (unzustellbar)")
    attempts: int = Field(description="Zustellversuche seit dem letzten Einreihen")
    last_error: str | None = Field(description="Fehler des letzten gescheiterten Versuchs")
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None


class OutboxAttachmentRead(Output):
    name: str = Field(description="Dateiname der Anlage")
    content_type: str
    size: int = Field(description="Größe in Bytes")
    sha256: str = Field(description="SHA-256 des Inhalts (Name im Dateispeicher)")


class OutboxMessageFull(OutboxMessageRead):
    """The message as sent: with its text, its key (also the Message-ID's source) and the
    files it carries (Anlagen below RATSFLOW_MAIL_ATTACHMENT_MAX_BYTES; others are links)."""

    key: str = Field(description="Idempotenzschlüssel")
    body: str = Field(description="Text der E-Mail")
    attachments: list[OutboxAttachmentRead] = Field(
        default_factory=list, description="Als Datei beigefügte Anlagen"
    )


class OutboxMessagesRead(Output):
    data: list[OutboxMessageRead]
    count: int
    next_cursor: str | None
