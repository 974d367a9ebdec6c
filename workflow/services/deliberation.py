"""The essential content of the deliberation on each agenda item, for the Niederschrift
(§ 38 Abs. 1 S. 1 GemO: "den wesentlichen Inhalt der Verhandlungen").

Written during or after the session by the Sitzungsdienst, behind the meeting's version like
every record of a meeting; fixed once the first signature is on the minutes (§ 38 Abs. 2):
what was signed must not change under the signers' names.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from workflow import audit
from workflow.context import Actor
from workflow.errors import Conflict, InvalidInput
from workflow.limits import MAX_TEXT
from workflow.loaded_rows import bump_version
from workflow.models import AgendaItem, MinutesSignature
from workflow.services.agenda import (
    Recorded,
    item_in_meeting,
    meeting_for_write,
)

NOTE_STATES = ("in_session", "closed")


def record_notes(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    notes: str | None,
) -> Recorded[AgendaItem]:
    """Set (or with an empty text, clear) the deliberation notes of one item."""
    item = item_in_meeting(session, actor, meeting_id, item_id)
    meeting = meeting_for_write(session, actor, meeting_id, expected_version, "record_notes")
    if meeting.state not in NOTE_STATES:
        raise Conflict(
            "Der Verlauf der Beratung kann erst ab Beginn der Sitzung und bis zur "
            "Unterzeichnung der Niederschrift erfasst werden (§ 38 GemO)."
        )
    signed = session.exec(
        select(MinutesSignature.id).where(MinutesSignature.meeting_id == meeting_id)
    ).first()
    if signed is not None:
        raise Conflict(
            "Die Niederschrift ist bereits unterzeichnet; der Verlauf der Beratung kann nicht "
            "mehr geändert werden (§ 38 Abs. 2 GemO)."
        )
    text = (notes or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"Der Verlauf der Beratung darf höchstens {MAX_TEXT} Zeichen lang sein.",
            field="deliberation_notes",
        )
    item.deliberation_notes = text or None
    session.add(item)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_notes",
        {"agenda_item_id": item_id, "length": len(text)},
    )
    bump_version(session, meeting, now)
    return Recorded(item, meeting.version)
