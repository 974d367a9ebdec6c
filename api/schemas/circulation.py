"""Shapes of the Umlaufverfahren (§ 37 Abs. 1 Satz 2 GemO)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from api.schemas.common import Comment, Id, Input, Output, Version


class CirculationReplyCreate(Input):
    expected_version: Version | None = None
    person_id: Id | None = Field(
        default=None,
        description="Das antwortende Mitglied; ohne Angabe das eigene (nur Ratsmitglieder). "
        "Schriftführung und Bürgermeister/in erfassen schriftlich eingegangene Antworten.",
    )
    choice: Literal["consent", "objection", "bias"] = Field(
        description="Zustimmung, Widerspruch (beendet das Verfahren) oder Befangenheit "
        "(§ 18 GemO, schließt von der Beschlussfassung aus; mit Begründung)"
    )
    reason: Comment | None = None


class CirculationReplyRead(Output):
    id: int
    proposal_id: int
    person_id: int
    choice: str
    reason: str | None
    recorded_at: datetime
    pending: list[int] = Field(description="Mitglieder, deren Antwort noch aussteht")
    proposal_state: str
    proposal_version: int
    fired: str | None = Field(
        description="circulation_objected oder circulation_adopted, wenn diese Antwort das "
        "Verfahren beendet hat"
    )
