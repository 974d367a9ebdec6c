"""Shapes of Wahlen in a meeting (§ 37 Abs. 7 GemO)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, Strict

from api.schemas.common import Comment, Flag, Id, Input, Name, Output, Title, Version

Votes = Annotated[int, Strict(), Field(ge=0, le=500)]


class ElectionCreate(Input):
    expected_version: Version | None = None
    agenda_item_id: Id = Field(description="der Tagesordnungspunkt der Wahl (auch ein freier)")
    title: Title
    open_proposed: Flag = Field(
        default=False,
        description="offene Wahl vorgeschlagen; sie findet nur statt, wenn kein Mitglied "
        "widerspricht (§ 37 Abs. 7 Satz 1 GemO)",
    )
    objected_by: Annotated[list[Id], Field(max_length=500)] = Field(
        default=[], description="anwesende Mitglieder, die der offenen Wahl widersprechen"
    )


class CandidateCreate(Input):
    expected_version: Version | None = None
    name: Name
    person_id: Id | None = None


class CandidateRead(Output):
    id: int
    election_id: int
    name: str
    person_id: int | None


class CandidateCreated(CandidateRead):
    meeting_version: int


class CountIn(Input):
    candidate_id: Id
    votes: Votes


class RoundCreate(Input):
    """One Wahlgang. Only counts per candidate are kept, and who cast a ballot, never for
    whom."""

    expected_version: Version | None = None
    counts: Annotated[list[CountIn], Field(max_length=200)]
    invalid: Votes = Field(default=0, description="leere und ungültige Stimmzettel")
    voters: Annotated[list[Id], Field(max_length=500)] = Field(
        description="die anwesenden Stimmberechtigten, die einen Stimmzettel abgegeben haben"
    )
    lot: Annotated[list[Id], Field(max_length=200)] = Field(
        default=[],
        description="bei Stimmengleichheit: die durch das im Saal gezogene Los bestimmten "
        "Bewerber in gezogener Reihenfolge (§ 37 Abs. 7 GemO)",
    )
    agenda_item_id: Id | None = Field(
        default=None,
        description="zweiter Wahlgang in einer späteren Sitzung: deren Tagesordnungspunkt",
    )
    early_reason: Comment | None = Field(
        default=None,
        description="warum der zweite Wahlgang früher als eine Woche nach dem ersten "
        "stattfindet (Soll-Vorschrift, § 37 Abs. 7 GemO)",
    )


class CountRead(Output):
    candidate_id: int
    votes: int


class RoundRead(Output):
    id: int
    number: int
    kind: str = Field(description="first | runoff | second_ballot")
    meeting_id: int
    agenda_item_id: int
    held_on: date
    mode: str
    entitled: int = Field(description="anwesende Stimmberechtigte: Grundlage der Mehrheit")
    invalid: int
    required: int | None = Field(description="erforderliche Stimmen; null in der Stichwahl")
    counts: list[CountRead]
    voters: list[int]
    lot: list[int]
    next: str = Field(description="elected | runoff | second_ballot | not_elected")
    elected_candidate_id: int | None
    runoff: list[int]
    early_reason: str | None
    recorded_at: datetime


class RoundCreated(RoundRead):
    meeting_version: int


class ElectionRead(Output):
    id: int
    meeting_id: int
    agenda_item_id: int
    title: str
    mode: str = Field(description="secret | open")
    open_proposed: bool
    objected_by: list[int]
    outcome: str | None = Field(description="elected | not_elected; null solange offen")
    elected_candidate_id: int | None
    candidates: list[CandidateRead]
    rounds: list[RoundRead]
    pending: str | None = Field(description="runoff | second_ballot, wenn ein Wahlgang aussteht")
    second_ballot_from: date | None = Field(
        description="frühester Tag des zweiten Wahlgangs (Soll, § 37 Abs. 7 GemO)"
    )
    meeting_version: int | None = None
