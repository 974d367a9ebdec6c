"""Sitzungen: creation, attendance, bias declarations, votes and minutes signatures.

What happens *in* a meeting is recorded here and audited on the meeting; the transitions
that depend on it (quorum, majority) read these records through their guards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlmodel import Session, col, delete, select

from workflow import audit
from workflow.context import Actor
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.machines import Workflows
from workflow.models import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    Body,
    Meeting,
    Membership,
    MinutesSignature,
    Person,
    Vote,
)
from workflow.queries import biased_persons, present_persons, voting_members
from workflow.services.common import require_role, require_tenant
from workflow.services.transition import load_instance, open_initial_deadlines

MEETING_ROLES = ("secretary", "mayor")
VOTE_CHOICES = ("yes", "no", "abstain")


def _record(
    session: Session,
    meeting: Meeting,
    actor: Actor,
    now: datetime,
    what: str,
    data: dict[str, object],
) -> None:
    audit.append(
        session,
        instance_type="meeting",
        instance_id=meeting.id or 0,
        actor=actor,
        trigger=what,
        source=meeting.state,
        dest=meeting.state,
        now=now,
        data=data,
    )


def create_meeting(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    body_id: int,
    meeting_date: date,
    start_time: str = "18:00",
    location: str = "Rathaus, Sitzungssaal",
    second_session: bool = False,
) -> Meeting:
    """The mayor convenes (§ 34 Abs. 1 GemO); the secretary prepares it on his behalf."""
    require_role(actor, "create_meeting", MEETING_ROLES)
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(f"Gremium {body_id} wurde nicht gefunden.")
    require_tenant(session, actor, body.municipality_id, f"Gremium {body_id}")
    wf = workflows.latest("meeting")
    meeting = Meeting(
        municipality_id=body.municipality_id,
        body_id=body_id,
        meeting_date=meeting_date,
        start_time=start_time,
        location=location,
        second_session=second_session,
        state=wf.spec.initial,
        definition_name=wf.spec.name,
        definition_version=wf.spec.version,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    session.flush()
    audit.append(
        session,
        instance_type="meeting",
        instance_id=meeting.id or 0,
        actor=actor,
        trigger="create",
        source=None,
        dest=meeting.state,
        now=now,
        data={"body": body.name, "meeting_date": meeting_date},
    )
    open_initial_deadlines(
        session=session,
        workflows=workflows,
        kind="meeting",
        instance=meeting,
        actor=actor,
        now=now,
    )
    return meeting


def _meeting_for_change(
    session: Session, actor: Actor, meeting_id: int, operation: str, states: tuple[str, ...]
) -> Meeting:
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, operation, MEETING_ROLES)
    if meeting.state not in states:
        raise Conflict(f"Im aktuellen Zustand der Sitzung ({meeting.state}) nicht möglich")
    return meeting


def record_attendance(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    present: list[int],
    digital: list[int] | None = None,
) -> Meeting:
    """Anwesenheit; everyone of the body not listed is recorded absent (§ 38 Abs. 1 GemO)."""
    meeting = _meeting_for_change(
        session, actor, meeting_id, "record_attendance", ("invited", "in_session")
    )
    members = set(
        session.exec(select(Membership.person_id).where(Membership.body_id == meeting.body_id))
    )
    unknown = [p for p in present if p not in members]
    if unknown:
        raise InvalidInput(f"Keine Mitglieder des Gremiums: {unknown}", field="present")
    session.exec(delete(Attendance).where(col(Attendance.meeting_id) == meeting_id))
    online = set(digital or ())
    for person_id in sorted(members):
        session.add(
            Attendance(
                meeting_id=meeting_id,
                person_id=person_id,
                present=person_id in present,
                digital=person_id in online,
            )
        )
    _record(
        session,
        meeting,
        actor,
        now,
        "record_attendance",
        {"present": sorted(present), "absent": sorted(members - set(present))},
    )
    session.flush()
    return meeting


def _item(session: Session, actor: Actor, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(f"Tagesordnungspunkt {item_id} wurde nicht gefunden.")
    meeting: Meeting = load_instance(session, "meeting", item.meeting_id, actor)
    return item, meeting


def declare_bias(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    agenda_item_id: int,
    person_id: int,
    reason: str,
) -> BiasDeclaration:
    """§ 18 Abs. 4 GemO: disclosed before deliberation; the member is excluded and leaves."""
    item, meeting = _item(session, actor, agenda_item_id)
    require_role(actor, "declare_bias", MEETING_ROLES)
    if meeting.state not in ("planned", "agenda", "invited", "in_session"):
        raise Conflict("Befangenheit kann nach der Sitzung nicht mehr erklärt werden")
    if not reason.strip():
        raise InvalidInput("Der Grund der Befangenheit ist anzugeben", field="reason")
    if person_id not in voting_members(session, meeting.body_id):
        raise InvalidInput(
            "Die Person ist kein stimmberechtigtes Mitglied des Gremiums", field="person_id"
        )
    if session.exec(select(Vote).where(Vote.agenda_item_id == agenda_item_id)).first():
        raise Conflict("Über den Tagesordnungspunkt wurde bereits abgestimmt (§ 18 Abs. 4 GemO)")
    if person_id in biased_persons(session, agenda_item_id):
        raise Conflict("Die Befangenheit dieser Person ist für den Punkt bereits erklärt")
    declaration = BiasDeclaration(
        agenda_item_id=agenda_item_id, person_id=person_id, reason=reason, declared_at=now
    )
    session.add(declaration)
    _record(
        session,
        meeting,
        actor,
        now,
        "declare_bias",
        {"agenda_item_id": agenda_item_id, "person_id": person_id, "reason": reason},
    )
    session.flush()
    return declaration


def record_votes(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    agenda_item_id: int,
    votes: Mapping[int, str],
) -> AgendaItem:
    """Open vote per member (§ 37 Abs. 6 GemO); biased or absent members cannot vote."""
    item, meeting = _item(session, actor, agenda_item_id)
    require_role(actor, "record_votes", MEETING_ROLES)
    if meeting.state != "in_session":
        raise Conflict("Abstimmungen werden nur in einer laufenden Sitzung erfasst")
    if item.outcome is not None or item.removed:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt")
    members = set(voting_members(session, meeting.body_id))
    present = present_persons(session, meeting.id or 0)
    biased = biased_persons(session, agenda_item_id)
    for person_id, choice in votes.items():
        field = f"votes.{person_id}"
        if choice not in VOTE_CHOICES:
            raise InvalidInput(f"Ungültige Stimme {choice!r} (yes, no, abstain)", field=field)
        if person_id not in members:
            raise InvalidInput(f"Person {person_id} ist nicht stimmberechtigt", field=field)
        if person_id in biased:
            raise InvalidInput(
                f"Person {person_id} ist befangen und darf nicht mitstimmen (§ 18 GemO)",
                field=field,
            )
        if person_id not in present:
            raise InvalidInput(f"Person {person_id} ist nicht anwesend", field=field)
    session.exec(delete(Vote).where(col(Vote.agenda_item_id) == agenda_item_id))
    for person_id, choice in sorted(votes.items()):
        session.add(Vote(agenda_item_id=agenda_item_id, person_id=person_id, choice=choice))
    counts = {c: sum(1 for v in votes.values() if v == c) for c in VOTE_CHOICES}
    _record(
        session, meeting, actor, now, "record_votes", {"agenda_item_id": agenda_item_id, **counts}
    )
    session.flush()
    return item


def sign_minutes(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    person_id: int,
    capacity: str,
) -> MinutesSignature:
    """§ 38 Abs. 2 GemO: chair, two councillors who took part, and the Schriftführer."""
    meeting = _meeting_for_change(session, actor, meeting_id, "sign_minutes", ("closed",))
    person = session.get(Person, person_id)
    if person is None or person.municipality_id != meeting.municipality_id:
        raise InvalidInput("Unbekannte Person", field="person_id")
    membership = session.exec(
        select(Membership).where(
            Membership.body_id == meeting.body_id, Membership.person_id == person_id
        )
    ).first()
    if capacity == "chair":
        if membership is None or membership.role != "chair":
            raise InvalidInput(
                "Die Person führt in diesem Gremium nicht den Vorsitz", field="person_id"
            )
    elif capacity == "councillor":
        if (
            membership is None
            or membership.role == "chair"
            or person_id not in present_persons(session, meeting_id)
        ):
            raise InvalidInput(
                "Nur Ratsmitglieder, die an der Sitzung teilgenommen haben, unterzeichnen",
                field="person_id",
            )
    elif capacity != "secretary":
        raise InvalidInput("capacity muss chair, councillor oder secretary sein", field="capacity")
    already = session.exec(
        select(MinutesSignature).where(
            MinutesSignature.meeting_id == meeting_id,
            MinutesSignature.person_id == person_id,
            MinutesSignature.capacity == capacity,
        )
    ).first()
    if already is not None:
        raise Conflict("Die Unterschrift dieser Person in dieser Eigenschaft liegt schon vor")
    signature = MinutesSignature(
        meeting_id=meeting_id, person_id=person_id, capacity=capacity, signed_at=now
    )
    session.add(signature)
    _record(
        session, meeting, actor, now, "sign_minutes", {"person_id": person_id, "capacity": capacity}
    )
    session.flush()
    return signature
