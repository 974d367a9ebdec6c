"""Einwendungen gegen die Niederschrift: recorded, and decided by the Gemeinderat.

§ 38 Abs. 2 S. 3 GemO: "Über die gegen die Niederschrift vorgebrachten Einwendungen
entscheidet der Gemeinderat." A member objects once the minutes exist (the session is
closed); the Schriftführung or the mayor records the council's decision and the session of
the council that took it. Both steps are on the meeting's audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from workflow import audit
from workflow.context import Actor
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.models import Body, Meeting, Membership, MinutesObjection
from workflow.services.common import require_role
from workflow.services.transition import load_instance

# Recording for a member, and recording the council's decision.
RECORDING_ROLES = ("secretary", "mayor")
MINUTES_STATES = ("closed", "minutes_signed", "minutes_presented")
# A council session deciding: while it runs or once it is over.
DECIDING_STATES = ("in_session", "closed", "minutes_signed", "minutes_presented")
MAX_TEXT = 10_000


def list_objections(session: Session, actor: Actor, meeting_id: int) -> list[MinutesObjection]:
    load_instance(session, "meeting", meeting_id, actor)
    return list(
        session.exec(
            select(MinutesObjection)
            .where(MinutesObjection.meeting_id == meeting_id)
            .order_by(col(MinutesObjection.id))
        )
    )


def raise_objection(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    text: str,
    person_id: int | None = None,
) -> MinutesObjection:
    """A member's objection; a council member raises his own, the Schriftführung or the
    mayor records one for a member (``person_id``)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    if actor.role == "council_member":
        if person_id not in (None, actor.person_id):
            raise InvalidInput("Einwendungen erheben Sie nur für sich selbst", field="person_id")
        person_id = actor.person_id
    else:
        require_role(actor, "raise_minutes_objection", (*RECORDING_ROLES, "council_member"))
    if meeting.state not in MINUTES_STATES:
        raise Conflict("Einwendungen gibt es erst gegen die Niederschrift einer beendeten Sitzung")
    if not text.strip():
        raise InvalidInput("Die Einwendung ist zu begründen", field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Höchstens {MAX_TEXT} Zeichen", field="text")
    if person_id is None:
        raise InvalidInput(
            "Das Mitglied, das die Einwendung erhebt, ist anzugeben", field="person_id"
        )
    seat = session.exec(
        select(Membership.id).where(
            Membership.body_id == meeting.body_id, Membership.person_id == person_id
        )
    ).first()
    if seat is None:
        raise InvalidInput("Die Person ist kein Mitglied des Gremiums", field="person_id")
    objection = MinutesObjection(
        meeting_id=meeting_id,
        person_id=person_id,
        raised_by=actor.username,
        text=text.strip(),
        raised_at=now,
    )
    session.add(objection)
    session.flush()
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "raise_minutes_objection",
        {"objection_id": objection.id, "person_id": person_id},
    )
    return objection


def decide_objection(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    objection_id: int,
    upheld: bool,
    decided_in_meeting_id: int,
    note: str | None = None,
) -> MinutesObjection:
    """The Gemeinderat's decision (§ 38 Abs. 2 S. 3 GemO), taken in one of its sessions; a
    committee decides on its own minutes (§ 39 Abs. 5, § 41 Abs. 3: "entsprechend")."""
    # The row lock decides concurrent decisions: the later ones find it decided (409).
    objection = session.exec(
        select(MinutesObjection).where(MinutesObjection.id == objection_id).with_for_update()
    ).first()
    if objection is None:
        raise not_found("Einwendung")
    meeting: Meeting = load_instance(session, "meeting", objection.meeting_id, actor)
    require_role(actor, "decide_minutes_objection", RECORDING_ROLES)
    if objection.decided_at is not None:
        raise Conflict("Über diese Einwendung hat der Gemeinderat bereits entschieden")
    deciding = session.get(Meeting, decided_in_meeting_id)
    body = session.get(Body, deciding.body_id) if deciding is not None else None
    if deciding is None or deciding.municipality_id != meeting.municipality_id or body is None:
        raise InvalidInput("Unbekannte Sitzung", field="decided_in_meeting_id")
    if deciding.body_id != meeting.body_id:
        raise InvalidInput(
            "Über Einwendungen gegen die Niederschrift entscheidet der Gemeinderat, bei einem "
            "Ausschuss dieser selbst (§ 38 Abs. 2 Satz 3, §§ 39 Abs. 5, 41 Abs. 3 GemO): die "
            "Sitzung muss eine des Gremiums sein, dessen Niederschrift es ist",
            field="decided_in_meeting_id",
        )
    if deciding.state not in DECIDING_STATES or deciding.meeting_date < meeting.meeting_date:
        raise InvalidInput(
            "Die Sitzung des Gemeinderats muss nach der betroffenen Sitzung stattfinden "
            "oder stattgefunden haben",
            field="decided_in_meeting_id",
        )
    objection.upheld = upheld
    objection.decided_at = now
    objection.decision_note = (note or "").strip() or None
    objection.decided_in_meeting_id = decided_in_meeting_id
    objection.decided_by = actor.username
    session.add(objection)
    session.flush()
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "decide_minutes_objection",
        {
            "objection_id": objection_id,
            "upheld": upheld,
            "decided_in_meeting_id": decided_in_meeting_id,
        },
    )
    return objection
