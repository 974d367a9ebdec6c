"""Anträge an den Gemeinderat: Fraktionsanträge, Anträge von Gemeinderäten, Sitzungs- und
Tagesordnungsverlangen (§ 34 Abs. 1 S. 3, 4 GemO), Einwohneranträge (§ 20b) and requests of
the youth representation (§ 41a). Not the Landratsamt's Abfragen (``decision.py``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from workflow.models.base import JSONType, utcnow


class CouncilRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    body_id: int = Field(foreign_key="body.id", index=True)
    # faction_motion | councillor_motion | session_request | agenda_request | residents_motion
    # | youth_motion (workflow.services.council_requests.KINDS)
    kind: str = Field(max_length=32)
    # received | proposal | scheduled | refused | done
    state: str = Field(default="received", max_length=16, index=True)
    subject: str = Field(max_length=500)
    text: str = Field(default="", sa_type=Text)
    received_on: date
    # Who asks: the Fraktion's name, the Jugendvertretung, the Vertrauenspersonen of an
    # Einwohnerantrag; ``faction`` is set when a Fraktion as such asks (§ 34 Abs. 1 S. 4):
    # its name as filed. ``faction_id`` is the Fraktion of the municipality's list (0029);
    # requests filed before that, or where the list is empty, carry the name alone.
    submitted_by: str = Field(default="", max_length=500)
    faction: str | None = Field(default=None, max_length=200)
    faction_id: int | None = Field(default=None, foreign_key="faction.id")
    # The councillors (person ids) who signed; counted against the body on ``received_on``.
    signer_person_ids: list[int] = Field(default_factory=list, sa_type=JSONType)
    # Einwohnerantrag (§ 20b Abs. 2 GemO): valid signatures and the number required.
    signature_count: int | None = None
    required_signatures: int | None = None
    # What it became: a Vorlage, an agenda item (of a meeting).
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id")
    # Refused as inadmissible: six_months | quorum | remit | late | other, with the reason;
    # for the six-month rule (§ 34 Abs. 1 S. 6) the agenda item that dealt with the matter.
    refusal_ground: str | None = Field(default=None, max_length=16)
    refusal_reason: str | None = Field(default=None, sa_type=Text)
    previous_agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id")
    settled_note: str | None = Field(default=None, sa_type=Text)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
