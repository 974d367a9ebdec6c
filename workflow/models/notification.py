"""What deadlines do when they come due: scheduled acts, the e-mail outbox, in-app notices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class DeadlineAct(SQLModel, table=True):
    """One reminder, escalation or expiry of a deadline, due at an instant.

    Written when the deadline opens (or moves), so the sweep only has to claim rows whose
    ``due_at`` has passed; ``key`` makes each act happen once whatever the number of workers.
    The partial index holds only pending acts in due order: claiming the due ones and
    finding the next instant cost the same with ten thousand or a million acts in the table
    (done acts and those far ahead are never read).
    """

    __table_args__ = (
        Index(
            "ix_deadlineact_pending_due",
            "due_at",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    kind: str = Field(max_length=16)  # reminder | escalation | expiry
    due_at: datetime  # indexed for pending acts only (ix_deadlineact_pending_due)
    key: str = Field(max_length=200, unique=True)
    status: str = Field(default="pending", max_length=16)  # pending|done|skipped|failed
    attempts: int = 0
    note: str | None = Field(default=None, sa_type=Text)
    done_at: datetime | None = None


class OutboxMessage(SQLModel, table=True):
    """An e-mail to send; written in the transaction that decided it, delivered later."""

    __table_args__ = (  # the sweep's delivery queue: pending messages in send order
        Index(
            "ix_outboxmessage_pending_next",
            "next_attempt_at",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=250, unique=True)  # idempotency key, also the Message-ID
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    # Whose administrators see it: members without an account get invitations too.
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=16)  # pending|sent|dead
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class OutboxAttachment(SQLModel, table=True):
    """A file that goes out with an e-mail (an Anlage of an invitation, § 34 Abs. 1 S. 1 GemO).

    Only the name and the SHA-256 are kept: the bytes stay in ``RATSFLOW_FILES_DIR`` and are
    read when the message is delivered, so a retry sends exactly the same file.
    """

    id: int | None = Field(default=None, primary_key=True)
    outbox_message_id: int = Field(foreign_key="outboxmessage.id", index=True)
    sha256: str = Field(max_length=64)
    name: str = Field(max_length=200)
    content_type: str = Field(max_length=120)
    size: int


class Notification(SQLModel, table=True):
    """In-app notice for one user (the same facts as the e-mail)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=250, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=16)  # reminder | escalation | expiry
    title: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    link: str | None = Field(default=None, max_length=500)
    instance_type: str | None = Field(default=None, max_length=32)
    instance_id: int | None = None
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id")
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None


class PapersAccess(SQLModel, table=True):
    """A member without an account reads the Sitzungsmappe of the session he is invited to
    through a personal link in his e-mail (§ 34 Abs. 1 S. 1 GemO: the documents go with the
    invitation); only the link's SHA-256 is kept, and it ends some days after the session."""

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
