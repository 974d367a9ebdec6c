"""Shapes of Sitzungen, their agenda and what is recorded in them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, Strict

from api.schemas.common import (
    Comment,
    Flag,
    Id,
    Input,
    Output,
    Reason,
    RequiredReason,
    Short,
    Text,
    Title,
    Version,
)

PersonKey = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,8}$")]
StartTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class MeetingCreate(Input):
    body_id: Id
    meeting_date: date
    start_time: StartTime = "18:00"
    location: Short = "Rathaus, Sitzungssaal"
    second_session: Flag = Field(
        default=False,
        description="§ 37 Abs. 3 GemO: zweite Sitzung; nur zusammen mit second_session_of",
    )
    second_session_of: Id | None = Field(
        default=None,
        description=(
            "§ 37 Abs. 3 GemO: die Sitzung desselben Gremiums, in der es nicht beschlussfähig "
            "war; für die dort nicht erledigten Vorlagen genügen dann drei Mitglieder"
        ),
    )


class MeetingReschedule(Input):
    """Verlegung before the invitation; deadlines counted from the meeting day move along."""

    expected_version: Version | None = None
    meeting_date: date
    reason: RequiredReason


class AgendaItemRead(Output):
    id: int
    position: int = Field(
        description=(
            "Reihenfolge auf der Tagesordnung; wer nicht alle Punkte sehen darf, erhält die "
            "sichtbaren fortlaufend gezählt (1, 2, …), ohne Lücken für nichtöffentliche"
        )
    )
    number: str | None = Field(
        default=None,
        description=(
            "TOP-Nummer wie in Einladung und Niederschrift: 1, 2 … im öffentlichen Teil, "
            "NÖ 1, NÖ 2 … im nichtöffentlichen (§ 35 GemO); leer, wenn abgesetzt"
        ),
    )
    title: str
    proposal_id: int | None
    public: bool
    non_public_reason: str | None
    outcome: str | None
    removed: bool
    supplement: bool = Field(default=False, description="Nachtrag nach der Einladung (§ 34 GemO)")
    late_paper: bool = Field(default=False, description="Tischvorlage")
    urgent_reason: str | None = Field(
        default=None, description="Notfall: warum nachträglich aufgenommen (§ 34 Abs. 2 GemO)"
    )
    secret_ballot: bool = False
    deliberation_notes: str | None = Field(
        default=None,
        description="Wesentlicher Inhalt der Beratung für die Niederschrift (§ 38 Abs. 1 GemO)",
    )
    chair_person_id: int | None = Field(
        default=None,
        description=(
            "Vorsitz bei diesem Punkt, wo erfasst (sind Bürgermeister und alle Stellvertreter "
            "verhindert, im Gemeinderat das an Lebensjahren älteste anwesende Mitglied, das "
            "nicht befangen ist, § 48 Abs. 1 Satz 8 GemO, im Ausschuss das beauftragte "
            "Mitglied, § 40 Abs. 4, § 41 Abs. 2 GemO; oder übergeben); sonst leitet ihn der "
            "Vorsitz der Sitzung oder seine Stellvertretung"
        ),
    )


class MeetingRead(Output):
    id: int
    municipality_id: int
    body_id: int
    meeting_date: date
    start_time: str
    location: str
    state: str
    state_label: str
    version: int
    emergency: bool
    invited_at: datetime | None
    second_session: bool
    second_session_of: int | None
    second_session_notice: str | None = Field(
        default=None, description="Hinweis für die Einladung (§ 37 Abs. 3 Satz 1 GemO)"
    )
    chair_person_id: int | None = Field(
        default=None, description="wer die Sitzung leitet (§ 38 Abs. 1 GemO)"
    )
    agenda: list[AgendaItemRead]


class MeetingSummary(Output):
    id: int
    municipality_id: int
    body_id: int
    meeting_date: date
    start_time: str
    location: str
    state: str
    state_label: str
    version: int


class MeetingsRead(Output):
    data: list[MeetingSummary]
    count: int
    next_cursor: str | None


class AgendaItemCreate(Input):
    """Either ``proposal_id`` (the proposal's ``schedule`` transition) or a free ``title``."""

    expected_version: Version | None = None
    proposal_id: Id | None = None
    title: Title | None = None
    public: Flag = True
    non_public_reason: Comment | None = None
    late_paper: Flag = Field(
        default=False, description="Tischvorlage: Unterlagen erst in der Sitzung"
    )
    urgent_reason: Comment | None = Field(
        default=None,
        description=(
            "nach der Einladungsfrist oder in der laufenden Sitzung: der Notfall (§ 34 Abs. 2 GemO)"
        ),
    )


class AgendaReorder(Input):
    expected_version: Version | None = None
    item_ids: Annotated[list[Id], Field(max_length=200)]


class ItemOutcome(Input):
    expected_version: Version | None = None
    outcome: Literal["handled", "noted", "deferred"]


class AttendanceWrite(Input):
    """Everyone of the body not listed as present is recorded absent (§ 38 Abs. 1 GemO)."""

    expected_version: Version | None = None
    present: Annotated[list[Id], Field(max_length=500)]
    digital: Annotated[list[Id], Field(max_length=500)] = []
    absence_reasons: Annotated[dict[PersonKey, Reason], Field(max_length=500)] = Field(
        default={},
        description="Grund der Abwesenheit je Person-ID, für die Niederschrift (§ 38 Abs. 1 GemO)",
    )
    chair_person_id: Id | None = Field(
        default=None,
        description=(
            "wer den Vorsitz führt, wenn der Bürgermeister verhindert ist: im Gemeinderat "
            "und Ortschaftsrat der erste anwesende Stellvertreter in ihrer Reihenfolge, sind "
            "alle verhindert, das an Lebensjahren älteste anwesende Mitglied (§ 48 Abs. 1 "
            "Satz 4, 6, 8 GemO); im Ausschuss, wen der Bürgermeister beauftragt, auch wenn "
            "er anwesend ist (§ 40 Abs. 4, § 41 Abs. 2 GemO); sonst der anwesende Bürgermeister"
        ),
    )


class AttendanceRead(Output):
    meeting_id: int
    meeting_version: int
    present: list[int]
    absent: list[int]
    digital: list[int]
    chair_person_id: int | None


class VoteIn(Input):
    person_id: Id
    choice: Literal["yes", "no", "abstain"]


class BiasCreate(Input):
    expected_version: Version | None = None
    person_id: Id
    reason: RequiredReason
    doubtful: Flag = Field(
        default=False,
        description=(
            "Zweifelsfall: das Gremium entscheidet in Abwesenheit des Betroffenen, bis dahin "
            "wird über den Punkt nicht abgestimmt (§ 18 Abs. 4 Satz 2 GemO)"
        ),
    )


class BiasNoticeCreate(Input):
    reason: Reason = Field(
        default="",
        description=(
            "Grund, kurz (z. B. „Angehöriger ist Bieter“, § 18 Abs. 1 GemO); bei einem "
            "nichtöffentlichen Punkt nur für das Gremium und die Verwaltung sichtbar"
        ),
    )


class BiasNoticeRead(Output):
    """Mitteilung möglicher Befangenheit vor der Sitzung (§ 18 Abs. 4 Satz 1 GemO): keine
    Feststellung; die Befangenheit erfasst der Sitzungsdienst in der Sitzung."""

    id: int
    agenda_item_id: int
    person_id: int
    reason: str
    notified_at: datetime


class BiasRead(Output):
    id: int
    agenda_item_id: int
    person_id: int
    reason: str
    declared_at: datetime
    doubtful: bool
    after_vote: bool = Field(description="erst nach der Abstimmung über den Punkt erklärt")
    decided_at: datetime | None
    decided_biased: bool | None = Field(
        description="Entscheidung des Gremiums im Zweifelsfall; null solange nicht entschieden"
    )
    decision_yes: int | None
    decision_no: int | None
    decision_abstain: int | None
    meeting_version: int


Count = Annotated[int, Strict(), Field(ge=0, le=500)]


class TallyIn(Input):
    yes: Count
    no: Count
    abstain: Count = 0


class BiasDecision(Input):
    """The body's vote on a doubtful case (§ 18 Abs. 4 Satz 2, § 37 Abs. 6 GemO): either
    each member's vote or the counted result; the motion is "befangen"."""

    expected_version: Version | None = None
    votes: Annotated[list[VoteIn], Field(max_length=500)] | None = None
    tally: TallyIn | None = None


class ResolutionRead(Output):
    id: int
    proposal_id: int
    meeting_id: int | None
    agenda_item_id: int | None
    kind: str
    decided_on: date
    text: str = Field(description="der Wortlaut, wie beschlossen (nach angenommenen Anträgen)")
    adopted: bool
    yes: int
    no: int
    abstain: int
    public: bool
    published_at: datetime | None
    objected_at: datetime | None
    objection_ground: str | None = Field(
        default=None,
        description="Widerspruchsgrund (§ 43 Abs. 2 GemO): unlawful (rechtswidrig) oder "
        "detrimental (nachteilig)",
    )
    submitted_at: datetime | None = Field(
        default=None, description="der Rechtsaufsichtsbehörde vorgelegt (§ 121 Abs. 2 GemO)"
    )
    confirmed_at: datetime | None = Field(
        default=None, description="von der Rechtsaufsichtsbehörde bestätigt (§ 121 Abs. 2 GemO)"
    )
    announced_at: datetime | None = Field(
        default=None, description="öffentlich bekannt gemacht (§ 4 Abs. 3 GemO)"
    )
    superseded: bool
    unlawful: bool = Field(description="rechtswidrig wegen Befangenheit (§ 18 Abs. 6 GemO)")
    unlawful_reason: str | None
    cure_date: date | None = Field(
        description=(
            "Tag, an dem der Verstoß als geheilt gilt: ein Jahr nach Beschluss bzw. "
            "Bekanntmachung, außer bei Widerspruch (§ 18 Abs. 6 Satz 2 GemO)"
        )
    )


class ResolutionsRead(Output):
    data: list[ResolutionRead]
    count: int


class DeliberationNotesWrite(Input):
    """The essential content of the deliberation on the item (§ 38 Abs. 1 GemO); empty
    clears it. Possible in and after the session until the minutes are signed."""

    expected_version: Version | None = None
    deliberation_notes: Text | None = None


class VotesWrite(Input):
    expected_version: Version | None = None
    votes: Annotated[list[VoteIn], Field(max_length=500)]


class VotesRead(Output):
    agenda_item_id: int
    yes: int
    no: int
    abstain: int
    meeting_version: int


class SignatureCreate(Input):
    expected_version: Version | None = None
    person_id: Id
    capacity: Literal["chair", "councillor", "secretary"]


class SignatureRead(Output):
    id: int
    meeting_id: int
    person_id: int
    capacity: str
    signed_at: datetime
    meeting_version: int
