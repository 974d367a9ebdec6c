"""Shapes of Stellvertretung (absences, deputies, membership dates), the municipality's
review settings and objections to the minutes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from api.schemas.common import Flag, Id, Input, Output, Short, Text

Deputies = Annotated[list[Id], Field(max_length=10)]


class AbsenceCreate(Input):
    starts_on: date
    ends_on: date = Field(description="letzter Tag der Abwesenheit (eingeschlossen)")
    note: Short | None = None


class AbsenceRead(Output):
    id: int
    user_id: int
    starts_on: date
    ends_on: date
    note: str | None


class AbsencesRead(Output):
    data: list[AbsenceRead]
    count: int


class UserDeputiesWrite(Input):
    deputy_ids: Deputies = Field(
        description="Benutzer in der Reihenfolge der Vertretung; beim Bürgermeister die "
        "Stellvertreter des Bürgermeisters aus dem Gemeinderat (§ 48 GemO), sonst "
        "Beschäftigte derselben oder der nächsthöheren Funktion (§ 53 GemO: Sachbearbeitung "
        "durch Sachbearbeitung oder Amtsleitung, Amtsleitung durch Amtsleitung, "
        "Sitzungsdienst durch Sitzungsdienst oder Sachbearbeitung). Gemeinderäte und die "
        "Administration haben keine; die Administration vertritt niemanden. Eine leere "
        "Liste ist immer zulässig."
    )


class DeputyRead(Output):
    rank: int
    user_id: int
    username: str
    full_name: str


class UserDeputiesRead(Output):
    user_id: int
    data: list[DeputyRead]


class MemberDeputiesWrite(Input):
    deputy_person_ids: Deputies = Field(
        description="Personen in der Reihenfolge der Vertretung (Hauptsatzung, § 40 Abs. 1 "
        "Satz 2 GemO)"
    )


class BodyDeputyRead(Output):
    member_person_id: int
    deputy_person_id: int
    rank: int


class BodyDeputiesRead(Output):
    body_id: int
    data: list[BodyDeputyRead]


class MembershipDates(Input):
    start_date: date | None = None
    end_date: date | None = Field(
        default=None,
        description="letzter Tag der Mitgliedschaft; danach zählt die Person nicht mehr "
        "(Beschlussfähigkeit, Einladung)",
    )


class MembershipDatesRead(Output):
    id: int
    body_id: int
    person_id: int
    start_date: date | None
    end_date: date | None


MunicipalStatus = Literal["gemeinde", "stadt", "grosse_kreisstadt", "stadtkreis"]
# "" : unset, the status gives the title (§ 42 Abs. 4 GemO)
MayorTitle = Literal[
    "Bürgermeister", "Bürgermeisterin", "Oberbürgermeister", "Oberbürgermeisterin", ""
]


class ReviewSettingsRead(Output):
    municipality_id: int
    municipal_status: str = Field(
        description="Gemeinde, Stadt (§ 5 Abs. 2 GemO), Große Kreisstadt oder Stadtkreis"
    )
    supervisory_authority_name: str | None
    supervisory_authority: str = Field(description="Rechtsaufsichtsbehörde (§ 119 GemO)")
    supervisory_authority_kind: str
    mayor_title: str = Field(
        description="Amtsbezeichnung, mit der Zustände und Schritte die Bürgermeisterin oder "
        "den Bürgermeister nennen; ohne Einstellung aus dem Status (§ 42 Abs. 4 GemO)"
    )
    pre_deliberation_on_request: bool = Field(
        description="Vorberatung auf Antrag bindend (§ 39 Abs. 4 Satz 2 GemO)"
    )
    monthly_session_reminder_day: int = Field(
        description="ab diesem Tag eines Monats ohne Gemeinderatssitzung wird erinnert "
        "(§ 34 Abs. 1 Satz 2 GemO); 0: nie"
    )
    invitation_days: int = Field(
        description="Einladungsfrist in Tagen (§ 34 Abs. 1 Satz 1 GemO: mindestens 7)"
    )
    announcement_days: int = Field(
        description="ortsübliche Bekanntgabe spätestens so viele Tage vor der Sitzung "
        "(§ 34 Abs. 1 Satz 7 GemO, Bekanntmachungssatzung); 0: ohne Vorgabe"
    )


class ReviewSettingsWrite(Input):
    municipal_status: MunicipalStatus | None = None
    supervisory_authority_name: Short | None = None
    mayor_title: MayorTitle | None = Field(
        default=None, description='Amtsbezeichnung; "": aus dem Status (§ 42 Abs. 4 GemO)'
    )
    pre_deliberation_on_request: Flag | None = None
    monthly_session_reminder_day: Annotated[int, Field(ge=0, le=28, strict=True)] | None = None
    invitation_days: Annotated[int, Field(ge=7, le=30, strict=True)] | None = None
    announcement_days: Annotated[int, Field(ge=0, le=30, strict=True)] | None = None


class MinutesObjectionCreate(Input):
    text: Annotated[Text, Field(min_length=1)]
    person_id: Id | None = Field(
        default=None, description="das Mitglied, das die Einwendung erhebt (Standard: man selbst)"
    )


class MinutesObjectionDecision(Input):
    upheld: Flag = Field(description="true: der Einwendung wird stattgegeben")
    decided_in_meeting_id: Id = Field(description="die Sitzung, in der entschieden wurde")
    note: Text | None = None


class MinutesObjectionRead(Output):
    id: int
    meeting_id: int
    person_id: int | None
    raised_by: str
    text: str
    raised_at: datetime
    decided_at: datetime | None
    upheld: bool | None
    decision_note: str | None
    decided_in_meeting_id: int | None
    decided_by: str | None


class MinutesObjectionsRead(Output):
    data: list[MinutesObjectionRead]
    count: int
