"""Abfrage des Landratsamts: a district's decision request and each municipality's answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Numeric, Text, UniqueConstraint
from sqlmodel import Field

from workflow.models.base import JSONType, WorkflowInstance, utcnow


class DecisionRequest(WorkflowInstance, table=True):
    """E.g. "Integrationsmanagement ab 01.01.2025": every municipality decides by a date.

    ``options`` is a list of ``{"key", "label", "description"}``; ``default_option`` applies
    to whoever has not answered when the reply deadline has passed.
    """

    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    title: str = Field(max_length=500)
    explanation: str = Field(default="", sa_type=Text)
    attachments: list[str] = Field(default_factory=list, sa_type=JSONType)
    options: list[dict[str, str]] = Field(default_factory=list, sa_type=JSONType)
    default_option: str = Field(max_length=64)
    reply_deadline: date
    effective_date: date | None = None
    # municipality name → amount it would receive when running the task itself
    amounts: dict[str, str] = Field(default_factory=dict, sa_type=JSONType)
    targets: list[int] = Field(default_factory=list, sa_type=JSONType)  # municipality ids
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)

    def option_label(self, key: str | None) -> str:
        for option in self.options:
            if option.get("key") == key:
                return option.get("label", key or "")
        return key or ""


class DecisionResponse(WorkflowInstance, table=True):
    """One municipality's answer, decided by its own procedure (or defaulted at expiry)."""

    __table_args__ = (UniqueConstraint("request_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="decisionrequest.id")  # led by the unique key's index
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    amount: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    option: str | None = Field(default=None, max_length=64)
    decided_by: str | None = Field(default=None, max_length=200)  # body name or the mayor's title
    decided_on: date | None = None
    resolution_id: int | None = Field(default=None, foreign_key="resolution.id")
    answered_at: datetime | None = None
    late: bool = False
    note: str | None = Field(default=None, sa_type=Text)
