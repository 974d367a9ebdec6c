"""The rule every vote on an item obeys: motions first, the furthest-reaching first."""

from __future__ import annotations

from sqlmodel import Session

from workflow.errors import Conflict
from workflow.models import AgendaItem, Body, Meeting, Motion
from workflow.motions import label, motion_order, motions_of, pending


def next_motions(session: Session, meeting: Meeting, item: AgendaItem) -> list[Motion]:
    """The item's open motions in the order the Geschäftsordnung prescribes."""
    body = session.get(Body, meeting.body_id)
    return pending(motions_of(session, item.id or 0), motion_order(session, body))


def require_no_pending_motions(session: Session, meeting: Meeting, item: AgendaItem) -> None:
    """The main motion is voted on after every motion made on it (Geschäftsordnung)."""
    waiting = next_motions(session, meeting, item)
    if waiting:
        raise Conflict(
            f"Zuerst ist über den {label(waiting[0])} von {waiting[0].mover} abzustimmen; "
            "über den Beschlussvorschlag wird nach den Anträgen abgestimmt (Geschäftsordnung)"
        )
