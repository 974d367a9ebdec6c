"""Beschluss and its Beschlusskontrolle (execution tasks)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class Resolution(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id")
    body_id: int | None = Field(default=None, foreign_key="body.id")
    kind: str = Field(
        default="vote", max_length=16
    )  # vote | urgent (§ 43 Abs. 4) | circulation (§ 37 Abs. 1) | mayor (§ 37 Abs. 4)
    decided_on: date
    text: str = Field(sa_type=Text)
    adopted: bool
    yes: int = 0
    no: int = 0
    abstain: int = 0
    members: int = 0
    present_entitled: int = 0
    biased: int = 0
    public: bool = True
    objected_at: datetime | None = None
    objection_reason: str | None = Field(default=None, sa_type=Text)
    # § 43 Abs. 2 GemO: "unlawful" (the mayor must object) or "detrimental" (he may); only
    # an unlawful one goes on to the Rechtsaufsichtsbehörde (S. 5).
    objection_ground: str | None = Field(default=None, max_length=16)
    # § 121 Abs. 2 GemO: a resolution to be submitted to the Rechtsaufsicht is executed only
    # once it confirmed it or a month passed without objection; a Satzung only once it is
    # publicly announced (§ 4 Abs. 3 GemO).
    submitted_at: datetime | None = None
    confirmed_at: datetime | None = None
    announced_at: datetime | None = None
    published_at: datetime | None = None
    # § 35 Abs. 1 S. 4 GemO: a non-public resolution announced at the next public session;
    # the meeting is chosen with the agenda, the time set when the secretary confirms it.
    announced_meeting_id: int | None = None
    disclosed_at: datetime | None = None
    # ... "sofern nicht das öffentliche Wohl oder berechtigte Interessen Einzelner
    # entgegenstehen": why it is not announced (no longer proposed), and since when.
    disclosure_withheld: str | None = Field(default=None, sa_type=Text)
    disclosure_withheld_at: datetime | None = None
    superseded: bool = False
    # § 18 Abs. 6 GemO: a member's bias came to light only after the vote; the resolution
    # is unlawful, cured a year after it (or its publication) unless objected to in time.
    unlawful_reason: str | None = Field(default=None, sa_type=Text)
    unlawful_since: datetime | None = None
    option: str | None = Field(default=None, max_length=64)  # chosen option of a decision request
    created_at: datetime = Field(default_factory=utcnow)


class ExecutionTask(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    title: str = Field(max_length=500)
    owner_id: int | None = Field(default=None, foreign_key="user.id")
    target_date: date | None = None
    status: str = Field(default="open", max_length=16)  # open | done | not_feasible
    note: str | None = Field(default=None, sa_type=Text)
    closed_at: datetime | None = None
