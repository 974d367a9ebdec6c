"""What the Sitzungen pages show of a meeting: its title, the agenda in its public and
non-public parts, the Vorlagen that may join it, and a month as a calendar."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from workflow import meeting_titles as titles
from workflow.agenda_numbers import numbered
from workflow.context import Actor
from workflow.models import AgendaItem, Body, Meeting, Proposal
from workflow.outcomes import OUTCOME_LABELS
from workflow.queries import current_step, person_names
from workflow.services import bias_notices

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
TONES = {"rejected": "danger", "deferred": "warning", "referred": "warning", "removed": "info"}
OUTCOMES = {key: (label, TONES.get(key, "success")) for key, label in OUTCOME_LABELS.items()}
# A proposal waits for a meeting in these states (proposal.yaml: schedule).
SCHEDULABLE = ("ready", "objected")
AGENDA_STATES = ("planned", "agenda")


def meeting_title(body: Body | None, meeting: Meeting) -> str:
    return titles.meeting_title(body.name if body is not None else None, meeting.meeting_date)


def body_names(session: Session, municipality_id: int | None) -> dict[int, str]:
    if municipality_id is None:
        return {}
    bodies = session.exec(
        select(Body).where(Body.municipality_id == municipality_id).order_by(col(Body.name))
    )
    return {b.id or 0: b.name for b in bodies}


@dataclass(frozen=True)
class ItemRow:
    item: AgendaItem
    proposal: Proposal | None
    outcome: tuple[str, str] | None  # words and badge tone
    first: bool  # first of its part: cannot move up
    last: bool
    number: str = "–"  # "2", "NÖ 1" (workflow.agenda_numbers); "–" once taken off


def agenda_parts(
    session: Session, items: list[AgendaItem]
) -> tuple[list[ItemRow], list[ItemRow], list[ItemRow]]:
    """Public part, non-public part (§ 35 GemO), and items taken off (abgesetzt)."""
    parts: list[list[ItemRow]] = []
    for public in (True, False):
        part = numbered(items, public)
        parts.append(
            [
                ItemRow(
                    item=i,
                    proposal=session.get(Proposal, i.proposal_id) if i.proposal_id else None,
                    outcome=OUTCOMES.get(i.outcome or ""),
                    first=n == 0,
                    last=n == len(part) - 1,
                    number=number,
                )
                for n, (number, i) in enumerate(part)
            ]
        )
    removed = [
        ItemRow(
            i,
            session.get(Proposal, i.proposal_id) if i.proposal_id else None,
            OUTCOMES["removed"],
            True,
            True,
        )
        for i in items
        if i.removed
    ]
    return parts[0], parts[1], removed


def moved(items: list[AgendaItem], item_id: int, step: int) -> list[int] | None:
    """The agenda order with ``item_id`` swapped with its neighbour in the same part
    (public or non-public) one ``step`` up (-1) or down (+1); None if it is at the edge."""
    order = [i for i in items if not i.removed]
    ids = [i.id or 0 for i in order]
    if item_id not in ids:
        return None
    here = ids.index(item_id)
    same = [n for n, i in enumerate(order) if i.public is order[here].public]
    pos = same.index(here) + step
    if not 0 <= pos < len(same):
        return None
    there = same[pos]
    ids[here], ids[there] = ids[there], ids[here]
    return ids


def schedulable(session: Session, meeting: Meeting) -> list[Proposal]:
    """Released Vorlagen of the meeting's municipality whose pending consultation step is
    for the meeting's body (the ``schedule`` guards decide, this only narrows the choice)."""
    candidates = session.exec(
        select(Proposal)
        .where(
            Proposal.municipality_id == meeting.municipality_id,
            col(Proposal.state).in_(SCHEDULABLE),
        )
        .order_by(col(Proposal.year), col(Proposal.number))
    )
    result = []
    for proposal in candidates:
        step = current_step(session, proposal)
        if step is not None and step.body_id == meeting.body_id:
            result.append(proposal)
    return result


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    meetings: list[Meeting]


def month_grid(year: int, month: int, meetings: list[Meeting]) -> list[list[Day]]:
    """Weeks from Monday to Sunday covering the month, each day with its meetings."""
    by_day: dict[date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(meeting.meeting_date, []).append(meeting)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(d, d.month == month, by_day.get(d, [])) for d in week] for week in weeks]


def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def shift_month(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class OwnNotice:
    """A member's own notice of possible bias on one item, as his meeting page lists it."""

    row: ItemRow
    reason: str


@dataclass(frozen=True)
class BiasNoticeForm:
    """§ 18 Abs. 4 S. 1 GemO: what the invited meeting's page offers a member of the body
    or a member's personal deputy (§ 40 Abs. 1 S. 2 GemO)."""

    sent: list[OwnNotice]
    options: list[tuple[str, str]]  # items he may still notify: (id, "TOP 2: Betreff")
    deputy_for: str  # "Hans Maier" when he notifies as personal deputy, else ""
    moot: list[OwnNotice]  # his notices on items abgesetzt since: nothing left to do


def bias_notice_form(
    session: Session, actor: Actor, meeting: Meeting, rows: list[ItemRow], removed: list[ItemRow]
) -> BiasNoticeForm | None:
    """None unless the actor may send one (a councillor of the body or a member's personal
    deputy, the meeting invited)."""
    if not bias_notices.may_notify(session, actor, meeting):
        return None
    seat = bias_notices.notifier_seat(session, meeting, actor.person_id)
    mine = {
        n.agenda_item_id: n
        for n in bias_notices.meeting_notices(session, meeting.id or 0)
        if n.person_id == actor.person_id
    }
    moot = {
        n.agenda_item_id: n
        for n in bias_notices.removed_item_notices(session, meeting.id or 0)
        if n.person_id == actor.person_id
    }
    sent = [OwnNotice(r, mine[r.item.id].reason) for r in rows if r.item.id in mine]
    options = [
        (str(r.item.id), f"TOP {r.number}: {r.item.title}")
        for r in rows
        if r.item.id not in mine and not r.item.outcome
    ]
    return BiasNoticeForm(
        sent,
        options,
        person_names(session, seat.deputy_for) if seat and seat.deputy_for else "",
        [OwnNotice(r, moot[r.item.id].reason) for r in removed if r.item.id in moot],
    )


def staff_notices(session: Session, meeting: Meeting, rows: list[ItemRow]) -> list[str]:
    """The members' notices for the Sitzungsdienst before the session, one line each in the
    agenda's order ("TOP 2: Anna Acker – Grund: …"); recorded at the item in the session."""
    notices = bias_notices.meeting_notices(session, meeting.id or 0)
    if not notices:
        return []
    names = {
        p: bias_notices.notifier_name(session, meeting, p) for p in {n.person_id for n in notices}
    }
    lines = []
    for row in rows:
        for n in notices:
            if n.agenda_item_id == row.item.id:
                reason = f" – Grund: {n.reason}" if n.reason else ""
                lines.append(f"TOP {row.number}: {names.get(n.person_id, 'Mitglied')}{reason}")
    return lines
