"""Schriftliche Einladung: the members no e-mail invitation reached (no address, or a mail
given up after its last attempt) are invited in writing (§ 34 Abs. 1 S. 1 GemO: "schriftlich
oder elektronisch"); the Sitzungsdienst records on which day, so the Rechtmäßigkeitsnachweis
can show that every member was invited in time (``workflow.legality.convening``). Until it
is recorded, Meine Aufgaben asks for it (``unrecorded``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow import audit
from workflow.access import meeting_read_clause
from workflow.context import Actor, local_date
from workflow.documents import mailing
from workflow.errors import Conflict, InvalidInput
from workflow.models import AuditEvent, Meeting, OutboxMessage, Person
from workflow.rules.meeting_rules import invitation_latest
from workflow.services.common import require_role
from workflow.services.missed_meetings import LIMIT
from workflow.services.transition import load_instance

ROLES = ("secretary", "mayor")
RECORDED = "record_written_invitation"  # the meeting's audit event (workflow.event_labels)


def to_invite_in_writing(session: Session, meeting: Meeting) -> list[Person]:
    """The body's members whose invitation e-mail is not on its way or delivered: none was
    written (no address when it went out) or it was given up (``dead``)."""
    members = mailing.members_of(session, [meeting.body_id], meeting)
    prefix = mailing.invitation_keys(meeting.id or 0)
    mailed = {
        int(key.removeprefix(prefix))
        for key in session.exec(
            select(OutboxMessage.key).where(
                col(OutboxMessage.key).startswith(prefix), OutboxMessage.status != "dead"
            )
        )
    }
    wanted = [p for p in members if p not in mailed]
    if not wanted:
        return []
    people = session.exec(select(Person).where(col(Person.id).in_(wanted)))
    return sorted(people, key=lambda p: p.name)


def recorded(session: Session, meeting_id: int) -> dict[int, date]:
    """Person id → the day his written invitation was recorded as sent (the earliest)."""
    days: dict[int, date] = {}
    for event in session.exec(
        select(AuditEvent).where(
            AuditEvent.instance_type == "meeting",
            AuditEvent.instance_id == meeting_id,
            AuditEvent.trigger == RECORDED,
        )
    ):
        data: dict[str, Any] = event.data or {}
        sent = date.fromisoformat(str(data.get("on")))
        for person_id in data.get("person_ids", []):
            days[int(person_id)] = min(sent, days.get(int(person_id), sent))
    return days


def record(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    person_ids: list[int],
    on: date,
) -> None:
    """Record that these members were invited in writing on ``on`` (not a day to come, not
    after the session)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, "record_written_invitation", ROLES)
    if meeting.invited_at is None:
        raise Conflict("Die Sitzung ist noch nicht einberufen")
    if on > local_date(now) or on > meeting.meeting_date:
        raise InvalidInput(
            "Der Tag der schriftlichen Einladung darf weder in der Zukunft noch nach dem "
            "Sitzungstag liegen",
            field="on",
        )
    open_ = {p.id for p in to_invite_in_writing(session, meeting)}
    if not person_ids or not set(person_ids) <= open_:
        raise InvalidInput(
            "Bitte wählen Sie Mitglieder, die keine Einladung per E-Mail erreicht hat",
            field="person_id",
        )
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_written_invitation",
        {"person_ids": sorted(set(person_ids)), "on": on.isoformat()},
    )


def record_all(*, session: Session, actor: Actor, now: datetime, meeting_id: int, on: date) -> int:
    """Record every member no e-mail reached as invited in writing on ``on`` (a letter to
    all of them, as the demo's Sitzungsdienst sends); returns how many, 0 when none."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    people = [p.id or 0 for p in to_invite_in_writing(session, meeting)]
    if people:
        record(
            session=session, actor=actor, now=now, meeting_id=meeting_id, person_ids=people, on=on
        )
    return len(people)


@dataclass(frozen=True)
class Unrecorded:
    """A coming invited session with members no e-mail reached and no written invitation
    recorded for them: a task in Meine Aufgaben until it is recorded."""

    meeting: Meeting
    people: list[Person]
    latest: date  # the invitation's last day, for the written one too (§ 34 Abs. 1 S. 1)


def unrecorded(*, session: Session, actor: Actor, now: datetime) -> list[Unrecorded]:
    """The user's municipality's invited sessions to come whose written invitations are not
    all recorded, when he records them (``ROLES``); the soonest first. An emergency session
    is convened "formlos" (§ 34 Abs. 2 GemO): the report asks no record there, nor does this."""
    if actor.municipality_id is None or actor.role not in ROLES:
        return []
    today = local_date(now)
    meetings = session.exec(
        select(Meeting)
        .where(
            meeting_read_clause(actor),
            col(Meeting.municipality_id) == actor.municipality_id,
            col(Meeting.state) == "invited",
            col(Meeting.meeting_date) >= today,
            col(Meeting.emergency_reason).is_(None),
        )
        .order_by(col(Meeting.meeting_date), col(Meeting.id))
        .limit(LIMIT)
    ).all()
    found: list[Unrecorded] = []
    for meeting in meetings:
        done = recorded(session, meeting.id or 0)
        people = [p for p in to_invite_in_writing(session, meeting) if p.id not in done]
        if people:
            found.append(Unrecorded(meeting, people, invitation_latest(session, meeting)[0]))
    return found
