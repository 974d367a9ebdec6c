"""Anträge within an agenda item, and attendance changes during a session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class Motion(SQLModel, table=True):
    """A motion on one agenda item with its own vote (counted, § 37 Abs. 6 GemO).

    ``kind``: amendment (Änderungsantrag: ``text`` is the wording as amended), counter
    (Gegen-/Ersetzungsantrag: ``text`` replaces the Beschlussvorschlag), or procedural
    (Geschäftsordnungsantrag, ``procedure`` adjourn | refer | close_debate | remove).
    ``reach`` is how far it goes as the chair judges it (higher first, within its kind).
    """

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id", index=True)
    kind: str = Field(max_length=16)
    procedure: str | None = Field(default=None, max_length=16)
    mover: str = Field(max_length=200)  # a member, a Fraktion or the administration
    mover_person_id: int | None = Field(default=None, foreign_key="person.id")
    # chosen from the list of Fraktionen; ``mover`` keeps the name as moved
    mover_faction_id: int | None = Field(default=None, foreign_key="faction.id")
    text: str = Field(sa_type=Text)
    reach: int = 0
    target_body_id: int | None = Field(default=None, foreign_key="body.id")  # Verweisung
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    adopted: bool | None = None  # None until voted on
    withdrawn: bool = False
    voted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ItemAttendance(SQLModel, table=True):
    """A member leaves or arrives at an agenda item (§ 38 Abs. 1 GemO: the minutes name who
    took part in each deliberation); it holds from that item on, unless ``only_item``."""

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    present: bool
    only_item: bool = False
    reason: str | None = Field(default=None, sa_type=Text)
    recorded_at: datetime = Field(default_factory=utcnow)
