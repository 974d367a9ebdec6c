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
    """One message's delivery facts: its key (also the Message-ID's source) and the files it
    carries (Anlagen below RATSFLOW_MAIL_ATTACHMENT_MAX_BYTES; others are links), but not its
    text (workflow.services.outbox.BODY_WITHHELD)."""

    key: str = Field(description="Idempotenzschlüssel")
    body: str | None = Field(
        default=None,
        description=(
            "Text der E-Mail; der Administration nicht angezeigt (immer null), weil er "
            "nichtöffentliche Angelegenheiten (§ 35 GemO) enthalten kann – siehe body_withheld"
        ),
    )
    body_withheld: str = Field(
        description=(
            "Warum Text und Inhalt der Anlagen fehlen: Datenminimierung (Art. 5 Abs. 1 lit. c "
            "DSGVO); für die Zustellung genügen Empfänger, Betreff, Status und Fehlermeldung"
        ),
    )
    attachments: list[OutboxAttachmentRead] = Field(
        default_factory=list,
        description="Als Datei beigefügte Anlagen (nur Name, Typ und Größe, nicht ihr Inhalt)",
    )


class OutboxMessagesRead(Output):
    data: list[OutboxMessageRead]
    count: int
    next_cursor: str | None
