"""What the Niederschrift records of an item's course (§ 38 Abs. 1 GemO): how it came on the
agenda, the motions made on it with their votes, and who left or arrived."""

from __future__ import annotations

from sqlmodel import Session, select

from workflow.attendance import changes_at
from workflow.documents.common import names
from workflow.models import AgendaItem, Attendance, Body, Meeting
from workflow.motions import label, motion_order, motions_of
from workflow.rules.common import vote_counts


def origin_line(item: AgendaItem) -> str | None:
    """Nachtrag, Tischvorlage, emergency addition (§ 34 GemO)."""
    parts = []
    if item.supplement:
        parts.append("Nachtrag zur Tagesordnung")
    if item.urgent_reason:
        parts.append(f"als Notfall aufgenommen (§ 34 Abs. 2 GemO): {item.urgent_reason}")
    if item.late_paper:
        parts.append("Tischvorlage")
    return "; ".join(parts) or None


def motion_lines(session: Session, meeting: Meeting, item: AgendaItem) -> list[str]:
    """Each motion in voting order: who moved what, and how the body decided."""
    order = motion_order(session, session.get(Body, meeting.body_id))
    rank = {key: n for n, key in enumerate(order)}
    motions = sorted(
        motions_of(session, item.id or 0),
        key=lambda m: (m.voted_at is None, m.voted_at, rank.get(m.procedure or m.kind, 0)),
    )
    lines = []
    for m in motions:
        if m.adopted is None:
            result = "erledigt ohne Abstimmung" if m.withdrawn else "nicht abgestimmt"
        else:
            verdict = "angenommen" if m.adopted else "abgelehnt"
            result = f"{verdict} ({vote_counts(m.yes, m.no, m.abstain)})"
        lines.append(f"{label(m)} von {m.mover}: „{m.text}“ – {result}")
    return lines


def attendance_lines(session: Session, item: AgendaItem) -> list[str]:
    changes = changes_at(session, item.id or 0)
    who = names(session, (c.person_id for c in changes))
    lines = []
    for c in changes:
        verb = "ist hinzugekommen" if c.present else "hat die Sitzung verlassen"
        scope = " (nur für diesen Punkt)" if c.only_item else ""
        reason = f": {c.reason}" if c.reason else ""
        lines.append(f"{who.get(c.person_id, '')} {verb}{scope}{reason}")
    return lines


def absent_with_reasons(session: Session, meeting: Meeting, members: set[int]) -> str:
    """Absent members with the reason given (§ 38 Abs. 1 GemO: "die Namen der … fehlenden
    Gemeinderäte unter Angabe des Grundes der Abwesenheit")."""
    rows = [
        a
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
        if not a.present and a.person_id in members
    ]
    who = names(session, (a.person_id for a in rows))
    entries = sorted(
        who.get(a.person_id, "") + (f" ({a.absence_reason})" if a.absence_reason else "")
        for a in rows
    )
    return ", ".join(entries) or "–"
