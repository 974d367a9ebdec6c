"""Who and where: district, municipalities, their bodies, people, memberships, users."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflow.models.base import JSONType, created_stamp, modified_stamp, utcnow


class District(SQLModel, table=True):
    """Landkreis; also the Rechtsaufsichtsbehörde of its municipalities (§ 119 GemO)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class Municipality(SQLModel, table=True):
    """Gemeinde; its settings carry what the Hauptsatzung/GO decides locally (DOMAIN.md)."""

    id: int | None = Field(default=None, primary_key=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    name: str = Field(max_length=200, unique=True)
    subdivision: str = Field(default="BW", max_length=8)
    # e.g. {"deadline_periods": {"invitation": "P8D"},
    #       "local_non_working_days": {"2025-03-04": "Fasnetsdienstag"}}
    settings: dict[str, object] = Field(default_factory=dict, sa_type=JSONType)
    # § 41b Abs. 7 GemO: without an electronic system providing the session documents to the
    # councillors, Abs. 1, 2 and 5 (online publication) do not apply.
    publishes_online: bool = True
    # Amtlicher Gemeindeschlüssel (8 digits), for OParl Body.ags.
    ags: str | None = Field(default=None, max_length=8)
    # A new random value whenever a body, user or absence of the municipality is written
    # (database triggers, migration 0023): what workflow.config_cache keys its copies by.
    config_version: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime | None = created_stamp()
    updated_at: datetime | None = modified_stamp()


class Body(SQLModel, table=True):
    """Gremium: Gemeinderat, beschließender or beratender Ausschuss, Ortschaftsrat."""

    __table_args__ = (UniqueConstraint("municipality_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id")  # led by the unique key's index
    name: str = Field(max_length=200)
    kind: str = Field(
        default="council", max_length=32
    )  # council | deciding_committee | advisory_committee | local_council
    # Keys into workflow.law.subjects: the Aufgabengebiet a beschließender Ausschuss has under the
    # Hauptsatzung (§ 39 Abs. 1 S. 1 GemO); council matters in it go there first (Abs. 4 S. 1).
    remit: list[str] = Field(default_factory=list, sa_type=JSONType)
    # What the Hauptsatzung/GO decides for this body, over the municipality's settings, e.g.
    # {"motion_order": [...], "quarter_referral": true} (§ 39 Abs. 3 S. 3 GemO).
    settings: dict[str, object] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime | None = created_stamp()
    updated_at: datetime | None = modified_stamp()


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    created_at: datetime | None = created_stamp()
    updated_at: datetime | None = modified_stamp()


class Membership(SQLModel, table=True):
    """A person's seat in a body; the mayor is a voting member of the council (§ 25 Abs. 1 GemO)."""

    __table_args__ = (UniqueConstraint("body_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id")  # led by the unique key's index
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(default="member", max_length=32)  # chair | member
    voting: bool = True
    start_date: date | None = None
    end_date: date | None = None
    created_at: datetime | None = created_stamp()
    updated_at: datetime | None = modified_stamp()


class User(SQLModel, table=True):
    """A login; belongs to one municipality, or to the district (coordinator).

    A person has at most one account: a second one would split their acts (co-signing,
    circulation replies) over two names and defeat the four-eyes checks.
    """

    __table_args__ = (Index("uq_user_person_id", "person_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    role: str = Field(max_length=32)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    department: str | None = Field(default=None, max_length=200)
    finance_office: bool = False  # Kämmerei: must co-sign spending outside the budget plan
    password_hash: str | None = Field(default=None, max_length=300)
    disabled: bool = False
    # Counted up with each new password: sessions and tokens signed in with an older number
    # stop working (``api.security``, ``api.ui.sessions``).
    credentials_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Secret part of the personal iCalendar feed URL; rotating it revokes old subscriptions.
    calendar_token: str | None = Field(default=None, max_length=64, unique=True)
    # Kinds of e-mail the user switched off (keys of workflow.deadlines.notify.MAIL_KINDS); the
    # in-app notice is written all the same.
    mail_off: list[str] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow)
