"""Shapes of users, bodies and memberships (administration), and of the token."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, Strict

from api.schemas.common import Flag, Id, Input, Name, Output, Short
from api.schemas.proposals import SubjectKey

Role = Literal["clerk", "cosigner", "mayor", "secretary", "council_member", "admin"]


class TokenRead(Output):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Sekunden bis zum Ablauf")


class UserRead(Output):
    id: int
    username: str
    full_name: str
    email: str | None
    role: str
    municipality_id: int | None
    district_id: int | None
    person_id: int | None
    department: str | None
    finance_office: bool
    disabled: bool


class UsersRead(Output):
    data: list[UserRead]
    count: int
    next_cursor: str | None


# The shortest password an account may have (the forms' hints and messages say it).
PASSWORD_MIN = 12
Password = Annotated[str, Field(min_length=PASSWORD_MIN, max_length=200, pattern=r"^[^\x00]*$")]


Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s\x00]+@[^@\s\x00]+$")]


Username = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,99}$")]


class UserCreate(Input):
    username: Username
    full_name: Name
    role: Role
    password: Password
    email: Email | None = None
    department: Short | None = None
    finance_office: Flag = False
    person_id: Id | None = None


class UserUpdate(Input):
    """What the admin corrects on an account: its holder's name, address, office and the
    Kämmerei flag. Username and role stay (the audit trail names them; a new office is a
    new account)."""

    full_name: Name
    email: Email | None = None
    department: Short | None = None
    finance_office: Flag = False


Remit = Annotated[
    list[SubjectKey],
    Field(
        max_length=20,
        description="Aufgabengebiet eines beschließenden Ausschusses nach der Hauptsatzung "
        "(§ 39 Abs. 1 Satz 1 GemO); Angelegenheiten des Gemeinderats darin soll er vorberaten "
        "(§ 39 Abs. 4 Satz 1 GemO)",
    ),
]


class BodyRead(Output):
    id: int
    municipality_id: int
    name: str
    kind: str
    remit: list[str]


class BodiesRead(Output):
    data: list[BodyRead]
    count: int
    next_cursor: str | None = None


class BodyCreate(Input):
    name: Name
    kind: Literal["council", "deciding_committee", "advisory_committee", "local_council"]
    remit: Remit = []


class BodyRemit(Input):
    remit: Remit


MotionKey = Literal["remove", "adjourn", "refer", "close_debate", "counter", "amendment"]


class BodyRules(Input):
    """What the Hauptsatzung or Geschäftsordnung decides for this body's sessions."""

    motion_order: Annotated[list[MotionKey], Field(max_length=6)] | None = Field(
        default=None,
        description="Reihenfolge der Abstimmung über Anträge (weitestgehender zuerst); "
        "null: die der Gemeinde bzw. die übliche",
    )
    quarter_referral: Annotated[bool, Strict()] = Field(
        default=False,
        description="ein Viertel aller Mitglieder eines beschließenden Ausschusses kann an "
        "den Gemeinderat verweisen (§ 39 Abs. 3 Satz 3 GemO, Hauptsatzung)",
    )


class BodyRulesRead(Output):
    id: int
    name: str
    kind: str
    motion_order: list[str]
    quarter_referral: bool


class MembershipRead(Output):
    id: int
    body_id: int
    person_id: int
    person_name: str
    role: str
    voting: bool
    start_date: date | None = None
    end_date: date | None = Field(
        default=None, description="letzter Tag des Sitzes; danach zählt die Person nicht mehr"
    )


class MembershipsRead(Output):
    data: list[MembershipRead]
    count: int
    next_cursor: str | None = None


class MembershipCreate(Input):
    """A known ``person_id``, or ``person_name`` for a newly elected member."""

    person_id: Id | None = None
    person_name: Name | None = None
    person_email: Email | None = Field(
        default=None,
        description="nur mit person_name: die Adresse für Einladungen (§ 34 Abs. 1 GemO)",
    )
    role: Literal["chair", "member"] = "member"
    voting: Flag = True


class PersonRead(Output):
    id: int
    name: str
    email: str | None = Field(description="die für die Person hinterlegte Adresse")
    user_id: int | None = Field(description="ihr Benutzerkonto, falls sie eines hat")
    invitation_address: str | None = Field(
        description="wohin ihre Einladungen gehen (eigene Adresse, sonst die des Kontos); "
        "null: sie wird schriftlich eingeladen"
    )


class PersonSaved(PersonRead):
    reinvited: int = Field(
        description="nach einer geänderten Adresse: Einladungen zu kommenden Sitzungen, die "
        "erneut an die neue Adresse gehen (Links an die alte gelten nicht mehr)",
    )


class PersonsRead(Output):
    data: list[PersonRead]
    count: int


class PersonUpdate(Input):
    """A member's name as it is to be written and his address for invitations."""

    name: Name
    email: Email | None = None


class PeriodLine(Output):
    date: str
    reason: str


class DeadlineCalculation(Output):
    date: str = Field(description="Fristende bzw. spätester Termin (ISO)")
    unadjusted: str
    direction: Literal["after", "before"]
    period: str
    subdiv: str
    explanation: list[str]
    skipped: list[PeriodLine]


class PasswordChange(Input):
    """The holder's own change: the current password proves it is he, not a leaked token."""

    current_password: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
    new_password: Password


class NewPassword(Input):
    """A password set later: by its holder on "Einstellungen", or by the admin for a
    forgotten one; the same rule as the first (``UserCreate``)."""

    password: Password
