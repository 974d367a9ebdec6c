"""Wahl in a meeting (§ 37 Abs. 7 GemO): candidates, rounds, counts and who cast a ballot."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models.base import JSONType, utcnow


class Election(SQLModel, table=True):
    """One Wahl, held as an agenda item of a meeting.

    Secret unless open voting was proposed and no member objected (§ 37 Abs. 7 S. 1 GemO):
    ``objected_by`` keeps who objected. ``outcome`` stays None while rounds are pending.
    """

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id", index=True)
    title: str = Field(max_length=500)
    mode: str = Field(default="secret", max_length=8)  # secret | open
    open_proposed: bool = False
    objected_by: list[int] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow)
    outcome: str | None = Field(default=None, max_length=16)  # elected | not_elected
    elected_candidate_id: int | None = None


class ElectionCandidate(SQLModel, table=True):
    """A Bewerber; a member of the body or not (staff appointments), hence a name."""

    __table_args__ = (UniqueConstraint("election_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    election_id: int = Field(foreign_key="election.id")  # led by the unique key's index
    name: str = Field(max_length=200)
    person_id: int | None = Field(default=None, foreign_key="person.id")


class ElectionRound(SQLModel, table=True):
    """One Wahlgang: first ballot, run-off, or the single candidate's second ballot.

    ``entitled`` is the basis of the majority (present entitled members, § 37 Abs. 7 S. 2);
    ``lot`` the candidates the lot drawn in the room picked, in drawing order; ``early_reason``
    why a second ballot took place less than a week after the first (a "soll", so allowed
    with a recorded reason).
    """

    __table_args__ = (UniqueConstraint("election_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    election_id: int = Field(foreign_key="election.id")  # led by the unique key's index
    number: int
    kind: str = Field(max_length=16)  # first | runoff | second_ballot
    meeting_id: int = Field(foreign_key="meeting.id")
    agenda_item_id: int = Field(foreign_key="agendaitem.id")
    held_on: date
    mode: str = Field(max_length=8)
    entitled: int
    invalid: int = 0
    required: int | None = None
    lot: list[int] = Field(default_factory=list, sa_type=JSONType)
    next: str = Field(max_length=16)  # elected | runoff | second_ballot | not_elected
    elected_candidate_id: int | None = None
    runoff: list[int] = Field(default_factory=list, sa_type=JSONType)
    early_reason: str | None = Field(default=None, sa_type=Text)
    recorded_at: datetime = Field(default_factory=utcnow)


class ElectionCount(SQLModel, table=True):
    """Votes of one candidate in one round; a secret ballot keeps no more than this."""

    __table_args__ = (UniqueConstraint("round_id", "candidate_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="electionround.id")  # led by the unique key's index
    candidate_id: int = Field(foreign_key="electioncandidate.id")
    votes: int


class ElectionBallot(SQLModel, table=True):
    """That a member cast a ballot in a round (never for whom): nobody votes twice."""

    __table_args__ = (UniqueConstraint("round_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="electionround.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id")
