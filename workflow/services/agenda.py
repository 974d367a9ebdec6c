"""Tagesordnung, and what is recorded in a meeting, behind the meeting's optimistic version.

Agenda changes and in-meeting records change no state of their own, yet two secretaries
editing the same meeting must not overwrite each other: every change here checks the version
the client read and bumps it (``updated_at`` is written, so ``version_id_col`` moves).
A proposal reaches the agenda only through its ``schedule`` transition (guards: the body of
the pending consultation step, agenda still open), never by inserting an item directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlmodel import Session, col, func, select

from workflow import audit
from workflow.agenda_numbers import top_number
from workflow.chairs import chair_refusal
from workflow.context import Actor, local_date
from workflow.definitions.machines import Workflows
from workflow.errors import Conflict, InvalidInput, StaleVersion, not_found
from workflow.law.voting import Tally
from workflow.limits import require_reason
from workflow.loaded_rows import bump_version
from workflow.models import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    Meeting,
    MinutesSignature,
    Proposal,
)
from workflow.outcomes import OUTCOME_LABELS
from workflow.queries import agenda, current_agenda_item, tally
from workflow.rules.late_items import LATE, late_addition_refusal
from workflow.services import bias, meetings
from workflow.services.common import require_role
from workflow.services.transition import fire, load_instance

T = TypeVar("T")
MEETING_ROLES = meetings.MEETING_ROLES
AGENDA_STATES = ("planned", "agenda")
FREE_ITEM_OUTCOMES = ("handled", "noted", "deferred")
FREE_OUTCOME_LABELS = {o: OUTCOME_LABELS[o] for o in FREE_ITEM_OUTCOMES}


@dataclass(frozen=True)
class Recorded(Generic[T]):
    """What was recorded, and the meeting's new version for the client's next write."""

    record: T
    meeting_version: int


def _meeting(
    session: Session, actor: Actor, meeting_id: int, expected_version: int, operation: str
) -> Meeting:
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, operation, MEETING_ROLES)
    if meeting.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=meeting.version)
    return meeting


def _item_of(session: Session, actor: Actor, meeting_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise not_found("Tagesordnungspunkt")
    load_instance(session, "meeting", meeting_id, actor)
    return item


# For the services that record in a meeting behind its version (motions, item_votes).
meeting_for_write = _meeting
item_in_meeting = _item_of


def add_item(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    expected_version: int,
    proposal_id: int | None = None,
    title: str | None = None,
    public: bool = True,
    non_public_reason: str | None = None,
    late_paper: bool = False,
    urgent_reason: str | None = None,
    proposal_version: int | None = None,
    base_url: str = "",
) -> AgendaItem:
    """A proposal (its ``schedule`` transition) or a free item such as "Bekanntgaben".

    After the invitation the item is a Nachtrag (in time, or as an emergency with its
    reason, § 34 GemO: ``workflow.rules.late_items``); ``late_paper`` marks a Tischvorlage.
    ``proposal_version``: the version of the proposal its page showed, when it is scheduled
    from there (the meeting's page checks the meeting's version only). ``base_url``: where
    the links of a Nachtrag's e-mail point (the transition writes it, § 34 Abs. 1 GemO)."""
    meeting = _meeting(session, actor, meeting_id, expected_version, "add_agenda_item")
    require_reason(urgent_reason, what="Die Begründung der Dringlichkeit", field="urgent_reason")
    require_reason(
        non_public_reason,
        what="Die Begründung der nichtöffentlichen Behandlung",
        field="non_public_reason",
    )
    urgent = (urgent_reason or "").strip() or None
    if proposal_id is not None:
        fire(
            session=session,
            workflows=workflows,
            kind="proposal",
            instance_id=proposal_id,
            trigger="schedule",
            actor=actor,
            now=now,
            expected_version=proposal_version,
            base_url=base_url,
            data={
                "meeting_id": meeting_id,
                "late_paper": late_paper,
                **({"urgent_reason": urgent} if urgent else {}),
            },
        )
        proposal = session.get(Proposal, proposal_id)
        assert proposal is not None
        item = current_agenda_item(session, proposal)
        assert item is not None
    else:
        refusal = late_addition_refusal(session, meeting, local_date(now), urgent)
        if refusal is not None:
            raise Conflict(refusal)
        if not (title or "").strip():
            raise InvalidInput("Ein Tagesordnungspunkt braucht einen Titel", field="title")
        if not public and not (non_public_reason or "").strip():
            raise InvalidInput(
                "Nichtöffentliche Behandlung ist zu begründen (§ 35 Abs. 1 GemO)",
                field="non_public_reason",
            )
        last = session.exec(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
        ).one()
        item = AgendaItem(
            meeting_id=meeting_id,
            position=(last or 0) + 1,
            title=(title or "").strip(),
            public=public,
            non_public_reason=None if public else non_public_reason,
            supplement=meeting.state in LATE,
            late_paper=late_paper,
            urgent_reason=urgent if meeting.state in LATE else None,
        )
        session.add(item)
        session.flush()
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "add_agenda_item",
        {
            "agenda_item_id": item.id,
            **item_reference(session, item),
            "position": item.position,
            "proposal_id": proposal_id,
            "supplement": item.supplement,
            "late_paper": item.late_paper,
            "urgent_reason": item.urgent_reason,
        },
    )
    bump_version(session, meeting, now)
    return item


def reorder(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    expected_version: int,
    item_ids: list[int],
) -> list[AgendaItem]:
    """New TOP numbers in the given order; only before the invitation fixes them."""
    meeting = _meeting(session, actor, meeting_id, expected_version, "reorder_agenda")
    if meeting.state not in AGENDA_STATES:
        raise Conflict("Die Tagesordnung dieser Sitzung ist bereits versandt oder abgeschlossen")
    items = {i.id: i for i in agenda(session, meeting_id)}
    if len(set(item_ids)) != len(item_ids) or set(item_ids) != set(items):
        raise InvalidInput(
            "Die Reihenfolge muss jeden Tagesordnungspunkt genau einmal nennen", field="item_ids"
        )
    for position, item_id in enumerate(item_ids, start=1):
        items[item_id].position = position
        session.add(items[item_id])
    audit.note(session, "meeting", meeting, actor, now, "reorder_agenda", {"order": item_ids})
    bump_version(session, meeting, now)
    return [items[i] for i in item_ids]


def remove_item(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    comment: str | None = None,
) -> AgendaItem:
    """Absetzung: a proposal through ``remove_from_agenda``; the item stays on record."""
    require_reason(comment, what="Der Grund der Absetzung", field="comment")
    item = _item_of(session, actor, meeting_id, item_id)
    meeting = _meeting(session, actor, meeting_id, expected_version, "remove_agenda_item")
    if item.removed or item.outcome is not None:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt oder abgesetzt")
    named = item_reference(session, item)  # its number before it is taken off
    if item.proposal_id is not None:
        fire(
            session=session,
            workflows=workflows,
            kind="proposal",
            instance_id=item.proposal_id,
            trigger="remove_from_agenda",
            actor=actor,
            now=now,
            comment=comment,
        )
        session.refresh(item)
    else:
        if meeting.state not in (*AGENDA_STATES, "invited"):
            raise Conflict("Im aktuellen Zustand der Sitzung kann nichts abgesetzt werden")
        item.removed = True
        item.outcome = "removed"
        session.add(item)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "remove_agenda_item",
        {"agenda_item_id": item_id, **named, "comment": comment},
    )
    bump_version(session, meeting, now)
    return item


def record_item_outcome(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    outcome: str,
) -> AgendaItem:
    """Free items (Bekanntgaben, Anfragen) are closed by hand, so the session can close."""
    item = _item_of(session, actor, meeting_id, item_id)
    meeting = _meeting(session, actor, meeting_id, expected_version, "record_item_outcome")
    if item.proposal_id is not None:
        raise Conflict(
            "Über eine Vorlage wird mit ihren Aktionen entschieden (Beschluss gefasst, "
            "Abgelehnt, Vertagen), nicht mit einem freien Ergebnis"
        )
    if outcome not in FREE_ITEM_OUTCOMES:
        choices = ", ".join(f"„{label}“" for label in FREE_OUTCOME_LABELS.values())
        raise InvalidInput(f"Bitte wählen Sie als Ergebnis {choices}", field="outcome")
    if meeting.state != "in_session":
        raise Conflict("Ergebnisse werden nur in einer laufenden Sitzung erfasst")
    if item.removed or item.outcome is not None:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt oder abgesetzt")
    # Handled, taken note of or vertagt: each concludes the item in the session, which the
    # chair leads (§ 36 Abs. 1, § 37 Abs. 1 Satz 1 GemO); a Vertagung is the body's or its
    # chair's decision too, so nobody chairing defers nothing either.
    no_chair = chair_refusal(session, meeting, item, action=outcome)
    if no_chair is not None:
        raise Conflict(no_chair)
    item.outcome = outcome
    session.add(item)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_item_outcome",
        {"agenda_item_id": item_id, "outcome": outcome},
    )
    bump_version(session, meeting, now)
    return item


@dataclass(frozen=True)
class AttendanceList:
    rows: list[Attendance]
    chair_person_id: int | None  # who chairs (§ 38 Abs. 1 GemO), None while undetermined


def record_attendance(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    expected_version: int,
    present: list[int],
    digital: list[int] | None = None,
    chair_person_id: int | None = None,
    absence_reasons: Mapping[int, str] | None = None,
) -> Recorded[AttendanceList]:
    meeting = _meeting(session, actor, meeting_id, expected_version, "record_attendance")
    meetings.record_attendance(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        present=present,
        digital=digital,
        chair_person_id=chair_person_id,
        absence_reasons=absence_reasons,
    )
    bump_version(session, meeting, now)
    rows = session.exec(
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(col(Attendance.person_id))
    )
    return Recorded(AttendanceList(list(rows), meeting.chair_person_id), meeting.version)


def declare_bias(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    person_id: int,
    reason: str,
    doubtful: bool = False,
) -> Recorded[BiasDeclaration]:
    _item_of(session, actor, meeting_id, item_id)
    meeting = _meeting(session, actor, meeting_id, expected_version, "declare_bias")
    declaration = meetings.declare_bias(
        session=session,
        actor=actor,
        now=now,
        agenda_item_id=item_id,
        person_id=person_id,
        reason=reason,
        doubtful=doubtful,
    )
    bump_version(session, meeting, now)
    return Recorded(declaration, meeting.version)


def decide_bias(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    declaration_id: int,
    expected_version: int,
    votes: Mapping[int, str] | None = None,
    counted: Tally | None = None,
) -> Recorded[BiasDeclaration]:
    _item_of(session, actor, meeting_id, item_id)
    meeting = _meeting(session, actor, meeting_id, expected_version, "decide_bias")
    declaration = session.get(BiasDeclaration, declaration_id)
    if declaration is None or declaration.agenda_item_id != item_id:
        raise not_found("Befangenheitserklärung")
    bias.decide_bias(
        session=session,
        actor=actor,
        now=now,
        declaration_id=declaration_id,
        votes=votes,
        tally=counted,
    )
    bump_version(session, meeting, now)
    return Recorded(declaration, meeting.version)


def record_votes(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    votes: Mapping[int, str],
) -> Recorded[Tally]:
    _item_of(session, actor, meeting_id, item_id)
    meeting = _meeting(session, actor, meeting_id, expected_version, "record_votes")
    meetings.record_votes(
        session=session, actor=actor, now=now, agenda_item_id=item_id, votes=votes
    )
    bump_version(session, meeting, now)
    return Recorded(tally(session, item_id), meeting.version)


def sign_minutes(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    expected_version: int,
    person_id: int,
    capacity: str,
) -> Recorded[MinutesSignature]:
    meeting = _meeting(session, actor, meeting_id, expected_version, "sign_minutes")
    signature = meetings.sign_minutes(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        person_id=person_id,
        capacity=capacity,
    )
    bump_version(session, meeting, now)
    return Recorded(signature, meeting.version)


def item_reference(session: Session, item: AgendaItem) -> dict[str, str]:
    """What an event about one agenda item records of it: its TOP number and title at the
    time, so the Sitzung's Verlauf can say which item was added as a Nachtrag or taken off
    (§ 34 Abs. 1 GemO) after the numbers moved on (``workflow.event_labels.item_named``)."""
    return {"top": top_number(session, item), "title": item.title}
