"""Which audit events of a history the caller may read.

An event is read under the rule of the object it belongs to: a meeting's history carries
events of its agenda items (removal comments, linked proposals, votes, bias decisions with
person ids), and those of a non-public item (§ 35 Abs. 1 GemO) go only to who may open that
item. The audit trail names people and their internal comments: proposal and meeting
histories are the municipality's own; the Landratsamt reads histories only where the district
is a party (decision requests and the answers to them).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, or_, true
from sqlmodel import Session, col, select

from workflow.access import STAFF_ROLES, UNRELEASED_STATES, agenda_item_readable
from workflow.context import Actor
from workflow.models import AgendaItem, AuditEvent, Election, ElectionRound, Meeting


def municipal_history_readable(actor: Actor, municipality_id: int | None) -> bool:
    """Proposal and meeting histories: users of that municipality only."""
    return actor.is_system or (
        actor.municipality_id is not None and actor.municipality_id == municipality_id
    )


def released_work_only(actor: Actor) -> bool:
    """A councillor reads a Vorlage from its release on: drafting, co-signing and the
    administration's comments before it are the administration's internal work."""
    return not actor.is_system and actor.role not in STAFF_ROLES


def proposal_events(actor: Actor, events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """A proposal's history as the caller may read it (``released_work_only``)."""
    if not released_work_only(actor):
        return list(events)
    return [e for e in events if not _before_release(e.source, e.dest)]


def _before_release(source: str | None, dest: str) -> bool:
    return (source is None or source in UNRELEASED_STATES) and dest in UNRELEASED_STATES


def proposal_event_clause(actor: Actor) -> ColumnElement[bool]:
    """``proposal_events`` as SQL, for lists of changes."""
    if not released_work_only(actor):
        return true()
    source, dest = col(AuditEvent.source), col(AuditEvent.dest)
    internal = and_(
        or_(source.is_(None), source.in_(UNRELEASED_STATES)), dest.in_(UNRELEASED_STATES)
    )
    return ~internal


def meeting_events(
    session: Session, actor: Actor, meeting: Meeting, events: Iterable[AuditEvent]
) -> list[AuditEvent]:
    """The meeting's events without those of agenda items the caller may not open.

    An agenda order lists item ids; the caller sees it with the unreadable ones left out
    (a copy: the stored event is never touched).
    """
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    hidden = {i.id for i in items if not agenda_item_readable(session, actor, meeting, i)}
    if not hidden:
        return list(events)
    by_election = _election_items(session, meeting.id or 0)
    shown: list[AuditEvent] = []
    for event in events:
        data = event.data or {}
        referenced = {data.get("agenda_item_id"), by_election.get(data.get("election_id"))}
        if referenced & hidden:
            continue
        order = data.get("order")
        if isinstance(order, list) and hidden.intersection(order):
            event = AuditEvent.model_validate(
                {
                    **event.model_dump(),
                    "data": {**data, "order": [i for i in order if i not in hidden]},
                }
            )
        shown.append(event)
    return shown


def _election_items(session: Session, meeting_id: int) -> dict[object, int]:
    """Election id → the agenda item it is held under (rounds may be held in a later meeting)."""
    rows: dict[object, int] = {
        e.id: e.agenda_item_id
        for e in session.exec(select(Election).where(Election.meeting_id == meeting_id))
    }
    rounds = session.exec(
        select(ElectionRound.election_id, ElectionRound.agenda_item_id).where(
            col(ElectionRound.meeting_id) == meeting_id
        )
    )
    for election_id, item_id in rounds:
        rows.setdefault(election_id, item_id)
    return rows
