"""Shapes of the requests to the council (Anträge, § 34 Abs. 1 S. 3–6, §§ 20b, 41a GemO)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, Strict

from api.schemas.common import Id, Input, Output, Short, Text, Title, Version

Kind = Literal[
    "faction_motion",
    "councillor_motion",
    "session_request",
    "agenda_request",
    "residents_motion",
    "youth_motion",
]
Ground = Literal["six_months", "quorum", "remit", "late", "other"]
Count = Annotated[int, Strict(), Field(ge=0, le=10_000_000)]


class CouncilRequestCreate(Input):
    body_id: Id = Field(description="das Gremium, an das der Antrag gerichtet ist")
    kind: Kind = Field(
        description="Fraktionsantrag, Antrag von Gemeinderäten, Sitzungsverlangen (§ 34 Abs. 1 "
        "Satz 3 GemO), Tagesordnungsantrag (Satz 4), Einwohnerantrag (§ 20b), Antrag der "
        "Jugendvertretung (§ 41a)"
    )
    subject: Title
    text: Text = ""
    received_on: date | None = Field(
        default=None,
        description="Eingang (Standard: heute); ein Gemeinderat stellt seinen Antrag heute",
    )
    submitted_by: Annotated[str, Field(max_length=500, pattern=r"^[^\x00]*$")] = ""
    faction_id: Id | None = Field(
        default=None,
        description="die antragstellende Fraktion aus GET /api/v1/factions; Pflicht beim "
        "Fraktionsantrag, sobald die Gemeinde ihre Fraktionen führt",
    )
    faction: Short | None = Field(
        default=None,
        description="Name der Fraktion, nur wo die Gemeinde keine Fraktionen führt "
        "(sonst faction_id)",
    )
    signer_person_ids: Annotated[list[Id], Field(max_length=200)] = Field(
        default_factory=list,
        description="die unterzeichnenden Gemeinderäte (Personen); ein Gemeinderat "
        "unterzeichnet nur selbst, weitere erfasst die Verwaltung",
    )
    signature_count: Count | None = Field(
        default=None, description="Einwohnerantrag: gültige Unterschriften"
    )
    required_signatures: Count | None = Field(
        default=None, description="Einwohnerantrag: erforderliche Unterschriften (§ 20b Abs. 2)"
    )


class CouncilRequestTakeOver(Input):
    proposal_id: Id | None = Field(
        default=None, description="eine bestehende Vorlage; ohne: ein neuer Entwurf"
    )


class CouncilRequestSchedule(Input):
    meeting_id: Id
    agenda_item_id: Id | None = Field(
        default=None, description="ein Tagesordnungspunkt der Sitzung; ohne: ein neuer"
    )
    expected_version: Version | None = None


class CouncilRequestRefusal(Input):
    ground: Ground
    reason: Text = ""
    previous_agenda_item_id: Id | None = Field(
        default=None,
        description="Sechsmonatsregel: der Tagesordnungspunkt, in dem der Gegenstand "
        "behandelt wurde (§ 34 Abs. 1 Satz 6 GemO)",
    )


class CouncilRequestSettle(Input):
    note: Text = ""
    withdrawn: Annotated[bool, Strict()] = Field(
        default=False, description="von den Antragstellern zurückgenommen: die Frist entfällt"
    )


class QuorumRead(Output):
    reached: bool
    signers: int
    needed: int
    explanation: str


class RequestDeadlineRead(Output):
    id: int
    rule: str
    label: str
    due_date: date
    status: str
    explanation: str


class CouncilRequestRead(Output):
    id: int
    municipality_id: int
    body_id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    subject: str
    text: str
    received_on: date
    submitted_by: str
    faction: str | None = Field(description="Name der Fraktion, wie beim Eingang")
    faction_id: int | None
    signer_person_ids: list[int]
    signature_count: int | None
    required_signatures: int | None
    proposal_id: int | None
    meeting_id: int | None
    agenda_item_id: int | None
    refusal_ground: str | None
    refusal_reason: str | None
    previous_agenda_item_id: int | None
    settled_note: str | None
    created_at: datetime
    updated_at: datetime
    quorum: QuorumRead | None = None
    deadlines: list[RequestDeadlineRead] = []


class CouncilRequestsRead(Output):
    data: list[CouncilRequestRead]
    count: int
