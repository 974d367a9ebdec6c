"""Ortsübliche Bekanntgabe of a public session (§ 34 Abs. 1 S. 7 GemO) and the Bekanntgabe
of a non-public resolution recorded by hand, as facts of the audit chain.

"Zeit, Ort und Tagesordnung der öffentlichen Sitzungen sind rechtzeitig ortsüblich bekannt zu
geben": the Amtsblatt, the Aushang or the website the Hauptsatzung names. Ratsflow renders the
Bekanntmachung (``ratsflow render bekanntmachung``); that it appeared, and when, is recorded
here in the meeting's audit chain, which is what the Rechtmäßigkeitsnachweis reads.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from workflow import audit
from workflow.context import Actor, local_date
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.models import AuditEvent, Meeting, Proposal, Resolution
from workflow.services.common import require_role
from workflow.services.transition import load_instance

ANNOUNCING_ROLES = ("secretary", "mayor")


def record_announcement(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    announced_on: date,
    medium: str,
) -> AuditEvent:
    """The announcement as an audit event of the meeting (no column: it is a fact about
    the meeting, like attendance, and the chain proves when it was recorded)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, "record_announcement", ANNOUNCING_ROLES)
    if meeting.state == "cancelled":
        raise Conflict("Die Sitzung ist abgesagt")
    if not medium.strip():
        raise InvalidInput(
            "Bitte geben Sie an, wo bekannt gegeben wurde (z. B. Mitteilungsblatt)", field="medium"
        )
    if announced_on > local_date(now):
        raise InvalidInput("Die Bekanntgabe liegt in der Zukunft", field="announced_on")
    if announced_on > meeting.meeting_date:
        raise InvalidInput("Die Bekanntgabe liegt nach dem Sitzungstag", field="announced_on")
    event = audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_announcement",
        data={"announced_on": announced_on, "medium": medium.strip()},
    )
    return event


def announcements_of(session: Session, meeting_id: int) -> list[tuple[date, str]]:
    """The ortsübliche Bekanntgaben recorded for a meeting (day, where), oldest first: the
    meeting page shows them, so none is recorded twice by mistake."""
    found: list[tuple[date, str]] = []
    for event in audit.history(session, "meeting", meeting_id):
        data = event.data or {}
        day = data.get("announced_on")
        if event.trigger != "record_announcement" or not isinstance(day, str):
            continue
        try:
            found.append((date.fromisoformat(day), str(data.get("medium", ""))))
        except ValueError:
            continue
    return found


def record_resolution_announcement(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    resolution_id: int,
    meeting_id: int,
) -> AuditEvent:
    """§ 35 Abs. 1 S. 4 GemO: a resolution of a non-public session is announced in the next
    public session once the reasons for secrecy have gone; recorded on the proposal with
    the public session it was announced in."""
    resolution = session.get(Resolution, resolution_id)
    if resolution is None:
        raise not_found("Beschluss")
    proposal: Proposal = load_instance(session, "proposal", resolution.proposal_id, actor)
    require_role(actor, "record_announcement", ANNOUNCING_ROLES)
    if resolution.public:
        raise Conflict(
            "Der Beschluss wurde öffentlich gefasst; er wird veröffentlicht, nicht bekannt "
            "gegeben (§ 41b Abs. 5 GemO)"
        )
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.municipality_id != proposal.municipality_id:
        raise InvalidInput("Die gewählte Sitzung wurde nicht gefunden.", field="meeting_id")
    if meeting.meeting_date < resolution.decided_on or meeting.meeting_date > local_date(now):
        raise InvalidInput(
            "Bekannt gegeben wird in einer späteren, bereits abgehaltenen Sitzung",
            field="meeting_id",
        )
    return audit.note(
        session,
        "proposal",
        proposal,
        actor,
        now,
        "announce_resolution",
        data={
            "resolution_id": resolution_id,
            "meeting_id": meeting_id,
            "announced_on": meeting.meeting_date,
        },
    )
