"""Failed sign-ins, counted in the database so that every process shares the count."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class LoginThrottle(SQLModel, table=True):
    """Consecutive failures of one account (``kind="account"``) or one client address
    (``kind="address"``), and until when further attempts are refused."""

    kind: str = Field(max_length=16, primary_key=True)
    key: str = Field(max_length=200, primary_key=True)
    failures: int = 0
    last_failed_at: datetime = Field(default_factory=utcnow)
    blocked_until: datetime | None = None
