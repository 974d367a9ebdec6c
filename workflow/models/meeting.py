"""Sitzung with its agenda, attendance, bias declarations, votes and minutes signatures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models.base import WorkflowInstance, created_stamp, modified_stamp, utcnow


class Meeting(WorkflowInstance, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    meeting_date: date = Field(index=True)
    start_time: str = Field(default="18:00", max_length=5)
    location: str = Field(default="Rathaus, Sitzungssaal", max_length=200)
    emergency: bool = False
    emergency_reason: str | None = Field(default=None, sa_type=Text)
    invited_at: datetime | None = None
    late_invitation_reason: str | None = Field(default=None, sa_type=Text)
    # § 37 Abs. 3 GemO: the second session after a session of the same body that was not
    # quorate; the link names that session, whose attendance and bias records prove it.
    second_session: bool = False
    second_session_of: int | None = Field(default=None, foreign_key="meeting.id")
    # § 38 Abs. 1 and 2 GemO: who chaired (the mayor, or a deputy when he is prevented,
    # §§ 40 Abs. 4, 41 Abs. 2, 48 GemO) is named in the minutes and signs them as chair.
    chair_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


class AgendaItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int
    title: str = Field(max_length=500)
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id", index=True)
    consultation_step_id: int | None = Field(default=None, foreign_key="consultationstep.id")
    public: bool = True
    non_public_reason: str | None = Field(default=None, sa_type=Text)
    outcome: str | None = Field(default=None, max_length=32)
    removed: bool = False
    # After the invitation (§ 34 GemO): a Nachtrag sent within the invitation period, or an
    # urgent addition with its reason (§ 34 Abs. 2); a Tischvorlage is handed out at the table.
    supplement: bool = False
    late_paper: bool = False
    urgent_reason: str | None = Field(default=None, sa_type=Text)
    # The vote on the item as counts (§ 37 Abs. 6 GemO); None when taken by name (Vote rows).
    # A secret ballot (§ 37 Abs. 6 S. 2) is recorded only as counts.
    secret_ballot: bool = False
    vote_yes: int | None = None
    vote_no: int | None = None
    vote_abstain: int | None = None
    # § 38 Abs. 1 S. 1 GemO: "den wesentlichen Inhalt der Verhandlungen", for the minutes.
    deliberation_notes: str | None = Field(default=None, sa_type=Text)
    # Who chairs this item when the rule does not decide it (workflow.chairs): when the mayor
    # and all Stellvertreter are prevented the eldest member not prevented, named by the
    # secretary (§ 48 Abs. 1 Satz 8 GemO; committees § 40 Abs. 4, § 41 Abs. 2), or an
    # explicit handover. None: the meeting's chair, or his Stellvertreter in
    # their order when he is absent at the item or befangen on it (§ 18 Abs. 1 GemO).
    chair_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime | None = created_stamp()
    updated_at: datetime | None = modified_stamp()


class Attendance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id")
    present: bool = True
    digital: bool = False  # § 37a: counts as present
    absence_reason: str | None = Field(default=None, sa_type=Text)  # for the minutes


class BiasDeclaration(SQLModel, table=True):
    """§ 18 GemO: a member excluded from deliberation and vote on one item.

    A doubtful case (§ 18 Abs. 4 S. 2) excludes no one until the body has decided in the
    member's absence: ``decided_biased`` stays None until then and blocks the vote on the
    item. ``after_vote`` marks a disclosure made once the item was already voted on.
    """

    __table_args__ = (UniqueConstraint("agenda_item_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id")
    reason: str = Field(sa_type=Text)
    declared_at: datetime = Field(default_factory=utcnow)
    doubtful: bool = False
    after_vote: bool = False
    decided_at: datetime | None = None
    decided_biased: bool | None = None
    decision_yes: int | None = None
    decision_no: int | None = None
    decision_abstain: int | None = None

    @property
    def excludes(self) -> bool:
        """Declared, or found biased by the body (§ 18 Abs. 1, 2, 4 GemO)."""
        return not self.doubtful or self.decided_biased is True


class BiasNotice(SQLModel, table=True):
    """§ 18 Abs. 4 S. 1 GemO: a member tells the chair before the session that he may be
    biased on an item ("Mitteilung möglicher Befangenheit").

    Not the bias itself: it excludes no one. The chair or the secretary records the bias
    (``BiasDeclaration``) at the item, or has the body decide a doubtful case (§ 18 Abs. 4
    S. 2); the member may withdraw his notice until the session opens (the row is deleted,
    the audit keeps both). A member's personal deputy notifies alike (§ 40 Abs. 1 S. 2
    GemO). On an item abgesetzt the row stays as sent but is no longer open. The reason of a
    non-public item is for the body and staff only.
    """

    __table_args__ = (UniqueConstraint("agenda_item_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id")
    reason: str = Field(default="", sa_type=Text)
    notified_at: datetime = Field(default_factory=utcnow)


class Vote(SQLModel, table=True):
    """An open vote (§ 37 Abs. 6 GemO) of one member on one item: yes | no | abstain."""

    __table_args__ = (UniqueConstraint("agenda_item_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id")
    choice: str = Field(max_length=8)


class MinutesSignature(SQLModel, table=True):
    """§ 38 Abs. 2 GemO: chair, two participating councillors and the Schriftführer sign."""

    __table_args__ = (UniqueConstraint("meeting_id", "person_id", "capacity"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id")
    capacity: str = Field(max_length=16)  # chair | councillor | secretary
    signed_at: datetime = Field(default_factory=utcnow)
