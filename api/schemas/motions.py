"""Shapes of motions, counted votes and attendance per agenda item."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, Strict

from api.schemas.common import Flag, Id, Input, Name, Output, Reason, Text, Version
from api.schemas.meetings import Count

Reach = Annotated[int, Strict(), Field(ge=0, le=100)]


class MotionCreate(Input):
    """Änderungsantrag (``amendment``: the wording as amended), Gegen-/Ersetzungsantrag
    (``counter``), Geschäftsordnungsantrag (``procedural`` with ``procedure``)."""

    expected_version: Version | None = None
    kind: Literal["amendment", "counter", "procedural"]
    procedure: Literal["remove", "adjourn", "refer", "close_debate"] | None = Field(
        default=None,
        description="Absetzung, Vertagung, Verweisung, Schluss der Debatte",
    )
    mover: Name | None = Field(
        default=None,
        description="wer den Antrag stellt (Mitglied, Fraktion, Verwaltung); entbehrlich, "
        "wenn mover_person_id oder mover_faction_id genannt ist (dann deren Name)",
    )
    mover_person_id: Id | None = Field(default=None, description="ein Mitglied als Antragsteller")
    mover_faction_id: Id | None = Field(
        default=None, description="eine Fraktion der Gemeinde als Antragstellerin (§ 32a GemO)"
    )
    text: Text = ""
    reach: Reach = Field(
        default=0, description="wie weit der Antrag geht (höher zuerst, innerhalb seiner Art)"
    )
    target_body_id: Id | None = Field(
        default=None, description="Verweisung: das Gremium (§ 39 Abs. 3 GemO)"
    )


class MotionVote(Input):
    expected_version: Version | None = None
    yes: Count
    no: Count
    abstain: Count = 0


class MotionRead(Output):
    id: int
    agenda_item_id: int
    kind: str
    procedure: str | None
    mover: str
    mover_person_id: int | None
    mover_faction_id: int | None
    text: str
    reach: int
    target_body_id: int | None
    yes: int | None
    no: int | None
    abstain: int | None
    adopted: bool | None = Field(description="null solange nicht abgestimmt")
    withdrawn: bool = Field(description="durch einen angenommenen Antrag erledigt")
    voted_at: datetime | None


class MotionWritten(MotionRead):
    meeting_version: int


class MotionsRead(Output):
    data: list[MotionRead] = Field(description="in der Reihenfolge der Abstimmung")
    next_motion_id: int | None = Field(
        description="über diesen Antrag ist als nächstes abzustimmen"
    )
    adopted_wording: str | None = Field(
        description="der Wortlaut nach den angenommenen Anträgen; null: der Beschlussvorschlag"
    )


class VoteCountsWrite(Input):
    """An open vote as counts, or a secret ballot (§ 37 Abs. 6 GemO, only as counts)."""

    expected_version: Version | None = None
    yes: Count
    no: Count
    abstain: Count = 0
    secret: Flag = False


class VoteCountsRead(Output):
    agenda_item_id: int
    yes: int
    no: int
    abstain: int
    secret: bool
    biased: list[int] = Field(description="befangen, wirken nicht mit (§ 18 GemO)")
    absent: list[int] = Field(description="bei diesem Punkt nicht anwesend")
    entitled: int = Field(description="anwesend und stimmberechtigt")
    meeting_version: int


class ItemAttendanceCreate(Input):
    expected_version: Version | None = None
    person_id: Id
    present: Flag = Field(description="false: verlässt die Sitzung; true: kommt hinzu")
    only_item: Flag = Field(default=False, description="nur für diesen Tagesordnungspunkt")
    reason: Reason | None = None


class ItemAttendanceRead(Output):
    id: int
    agenda_item_id: int
    person_id: int
    present: bool
    only_item: bool
    reason: str | None
    recorded_at: datetime
    meeting_version: int


class ItemChairWrite(Input):
    expected_version: Version | None = None
    person_id: Id | None = Field(
        description=(
            "wer den Vorsitz bei diesem Punkt führt, wenn Bürgermeister und alle "
            "Stellvertreter verhindert sind: im Gemeinderat das an Lebensjahren älteste "
            "anwesende Mitglied, das nicht befangen ist (§ 48 Abs. 1 Satz 8 GemO), im "
            "Ausschuss das beauftragte Mitglied (§ 40 Abs. 4, § 41 Abs. 2 GemO); oder eine "
            "Übergabe; null: nach der Regel (Vorsitz der Sitzung, sonst Stellvertretung in "
            "ihrer Reihenfolge)"
        )
    )


class ItemChairRead(Output):
    agenda_item_id: int
    person_id: int | None = Field(description="wer den Vorsitz führt; null: niemand")
    prevented: int | None = Field(
        description="der Vorsitz der Sitzung, wenn er diesen Punkt nicht leitet"
    )
    reason: Literal["biased", "absent", "returned", "determined"] | None = Field(
        description="befangen (§ 18 GemO), nicht anwesend, Bürgermeister wieder da, übergeben"
    )
    recorded: bool = Field(description="am Punkt erfasst, nicht aus der Regel abgeleitet")
    meeting_version: int


class LatePaper(Input):
    expected_version: Version | None = None
    late_paper: Literal[True] = True
