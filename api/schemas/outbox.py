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


class OutboxMessageFull(OutboxMessageRead):
    """The message as sent: with its text and its key (also the Message-ID's source)."""

    key: str = Field(description="Idempotenzschlüssel")
    body: str = Field(description="Text der E-Mail")


class OutboxMessagesRead(Output):
    data: list[OutboxMessageRead]
    count: int
    next_cursor: str | None
