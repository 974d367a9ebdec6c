"""What the sweep does for requests when the agenda changes around them: a request taken
over as a Vorlage follows it onto the agenda, one whose item is removed or whose session is
cancelled goes back with its Frist running again, and an agenda request's day follows the
sessions planned (§ 34 Abs. 1 S. 4 GemO). Each runs as ``system`` and returns a count."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from workflow.context import SYSTEM
from workflow.deadlines.acts import schedule_acts
from workflow.deadlines.standing import COUNCIL_REQUEST, RULES
from workflow.models import AgendaItem, CouncilRequest, Deadline, Meeting
from workflow.services.council_requests.chain import move_to, record_event, record_scheduled
from workflow.services.council_requests.deadline import (
    next_but_one_day,
    next_but_one_text,
    open_deadline,
)


def follow_proposals(session: Session, now: datetime) -> int:
    """Requests taken over as a Vorlage reach the agenda when their Vorlage does, on the
    meeting page: mark them scheduled (by ``system``) once an item of their body's session
    carries it. Run by the sweep; returns how many moved."""
    moved = 0
    for request in session.exec(
        select(CouncilRequest).where(
            CouncilRequest.state == "proposal", col(CouncilRequest.proposal_id).is_not(None)
        )
    ):
        found = session.exec(
            select(AgendaItem, Meeting)
            .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
            .where(
                AgendaItem.proposal_id == request.proposal_id,
                Meeting.body_id == request.body_id,
                Meeting.state != "cancelled",
                ~col(AgendaItem.removed),
            )
            .order_by(col(Meeting.meeting_date))
        ).first()
        if found is None:
            continue
        item, meeting = found
        source = move_to(request, "scheduled", now)
        record_scheduled(
            session,
            request,
            SYSTEM,
            now,
            source=source,
            meeting=meeting,
            item=item,
            via_proposal=request.proposal_id,
        )
        moved += 1
    session.flush()
    return moved


def follow_agenda_changes(session: Session, now: datetime) -> int:
    """A request whose agenda item was removed (Absetzung) or whose session was cancelled is
    not dealt with: it goes back to where it was (received, or taken over as a Vorlage) by
    ``system``, and its statutory deadline runs again from the receipt (the day of the
    next-but-one session may have passed: then it is overdue and escalates). Run by the
    sweep; returns how many went back."""
    back = 0
    for request in session.exec(select(CouncilRequest).where(CouncilRequest.state == "scheduled")):
        item = session.get(AgendaItem, request.agenda_item_id) if request.agenda_item_id else None
        meeting = session.get(Meeting, request.meeting_id) if request.meeting_id else None
        if item is not None and not item.removed and meeting is not None:
            if meeting.state != "cancelled":
                continue
        why = (
            "Sitzung abgesagt"
            if meeting is not None and meeting.state == "cancelled"
            else ("Tagesordnungspunkt abgesetzt")
        )
        source = request.state
        request.state = "proposal" if request.proposal_id else "received"
        request.updated_at = now
        data: dict[str, object] = {
            "meeting_id": request.meeting_id,
            "agenda_item_id": request.agenda_item_id,
        }
        request.meeting_id = request.agenda_item_id = None
        session.add(request)
        seq = record_event(session, request, SYSTEM, now, "unschedule", source, data, comment=why)
        open_deadline(session, request, seq, now)
        back += 1
    session.flush()
    return back


def replan_agenda_deadlines(session: Session, now: datetime) -> int:
    """The agenda request's day follows the sessions planned: once two sessions of the body
    follow the receipt, the next-but-one is the day (§ 34 Abs. 1 S. 4 GemO), replacing the
    fallback period; a session planned, moved or cancelled moves it. Run by the sweep;
    returns how many deadlines moved (their reminders and escalations with them)."""
    moved = 0
    rule = RULES["council_request_agenda"]
    for deadline in session.exec(
        select(Deadline).where(
            Deadline.instance_type == COUNCIL_REQUEST,
            Deadline.rule == rule.rule,
            Deadline.status == "open",
            col(Deadline.closed_at).is_(None),
        )
    ):
        request = session.get(CouncilRequest, deadline.instance_id)
        due = next_but_one_day(session, request) if request is not None else None
        if request is None or due is None or due == deadline.due_date:
            continue
        deadline.due_date = due
        deadline.explanation = next_but_one_text(request, due)
        session.add(deadline)
        session.flush()
        schedule_acts(session, deadline, rule, now=now)
        moved += 1
    return moved
