"""Who is present at an agenda item: the session's attendance, changed by members leaving
and arriving during the session (§ 38 Abs. 1 GemO: the minutes name who took part)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workflow.agenda_numbers import session_key
from workflow.db import memo
from workflow.models import AgendaItem, Attendance, ItemAttendance


def present_at_session(session: Session, meeting_id: int) -> set[int]:
    """Who the attendance list has present at the session (read once per firing)."""

    def load() -> set[int]:
        return set(
            session.exec(
                select(Attendance.person_id).where(
                    Attendance.meeting_id == meeting_id, col(Attendance.present)
                )
            )
        )

    return set(memo(session, (Attendance, meeting_id), load))


def changes_at(session: Session, agenda_item_id: int) -> list[ItemAttendance]:
    return list(
        session.exec(
            select(ItemAttendance)
            .where(ItemAttendance.agenda_item_id == agenda_item_id)
            .order_by(col(ItemAttendance.id))
        )
    )


def present_at_item(session: Session, item: AgendaItem) -> set[int]:
    """The session's attendance with every change recorded at this or an earlier item
    applied in the order of deliberation (``agenda_numbers.session_key``: the public part
    first); a change marked ``only_item`` holds for its own item only."""
    return _present(session, item, with_own=True)


def present_before_item(session: Session, item: AgendaItem) -> set[int]:
    """Who is present as the item is called, before its own changes: what the minutes
    compare each of them with (who takes a seat back, whose deputy stands in)."""
    return _present(session, item, with_own=False)


def _present(session: Session, item: AgendaItem, *, with_own: bool) -> set[int]:
    present = present_at_session(session, item.meeting_id)

    def load() -> list[tuple[ItemAttendance, int | None, bool, int]]:
        rows = session.exec(
            select(ItemAttendance, AgendaItem.id, AgendaItem.public, AgendaItem.position)
            .join(AgendaItem, col(AgendaItem.id) == col(ItemAttendance.agenda_item_id))
            .where(AgendaItem.meeting_id == item.meeting_id)
            .order_by(col(ItemAttendance.id))
        )
        ordered = sorted(rows, key=lambda r: (session_key(r[2], r[3], r[1]), r[0].id or 0))
        return [(change, at, public, position) for change, at, public, position in ordered]

    # Once per firing (each vote guard of GET …/actions asks); both tables are read.
    changes = memo(session, ((ItemAttendance, AgendaItem), item.meeting_id), load)
    here = session_key(item.public, item.position, item.id)
    for change, at, public, position in changes:
        if session_key(public, position, at) > here:
            break
        if change.only_item and at != item.id:
            continue
        if at == item.id and not with_own:
            continue
        if change.present:
            present.add(change.person_id)
        else:
            present.discard(change.person_id)
    return present
