"""Who chairs an agenda item, where the rule of workflow.chairs does not decide it: when the
mayor and all his Stellvertreter are prevented, in the council "das an Lebensjahren
älteste, nicht verhinderte Mitglied" (§ 48 Abs. 1 Satz 8 GemO), whom the secretary names
(Ratsflow keeps no birth dates), in a committee the member the mayor commissions (§ 40
Abs. 4, § 41 Abs. 2 GemO); or an explicit handover. The minutes name him (§ 38 Abs. 1)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from workflow import audit
from workflow.attendance import present_at_item
from workflow.chairs import ItemChair, handover_refusal, item_chair
from workflow.context import Actor
from workflow.errors import Conflict, InvalidInput
from workflow.loaded_rows import bump_version
from workflow.queries import biased_persons, person_names, seated_at
from workflow.services.agenda import (
    Recorded,
    item_in_meeting,
    meeting_for_write,
)


def record_item_chair(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    person_id: int | None,
) -> Recorded[ItemChair]:
    """``person_id`` chairs the item; None returns it to the rule (the meeting's chair or
    his Stellvertreter). Only a voting member present at the item and not befangen: one who
    is excluded takes part neither in the deliberation nor the decision (§ 18 Abs. 1 GemO);
    in the council only where the rule names nobody (§ 48 Abs. 1 Satz 8 GemO), in a committee also
    as the mayor's handover (§ 40 Abs. 4, § 41 Abs. 2 GemO; workflow.chairs.handover_refusal)."""
    item = item_in_meeting(session, actor, meeting_id, item_id)
    meeting = meeting_for_write(session, actor, meeting_id, expected_version, "record_votes")
    if meeting.state != "in_session":
        raise Conflict("Der Vorsitz bei einem Tagesordnungspunkt wird während der Sitzung erfasst")
    if item.outcome is not None or item.removed:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt")
    if person_id is not None:
        name = person_names(session, [person_id])
        if person_id not in seated_at(session, meeting, item):
            raise InvalidInput(
                f"{name} ist kein stimmberechtigtes Mitglied des Gremiums", field="person_id"
            )
        if person_id in biased_persons(session, item_id):  # and has left the table for it
            raise InvalidInput(
                f"{name} ist befangen und kann den Vorsitz bei diesem Punkt nicht führen "
                "(§ 18 Abs. 1 GemO)",
                field="person_id",
            )
        if person_id not in present_at_item(session, item):
            raise InvalidInput(f"{name} ist bei diesem Punkt nicht anwesend", field="person_id")
        refused = handover_refusal(session, meeting, item, person_id)
        if refused is not None:
            raise InvalidInput(refused, field="person_id")
    item.chair_person_id = person_id
    session.add(item)
    session.flush()
    chair = item_chair(session, meeting, item)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_item_chair",
        {"agenda_item_id": item_id, "person_id": person_id, "chair": chair.person_id},
    )
    bump_version(session, meeting, now)
    return Recorded(chair, meeting.version)
