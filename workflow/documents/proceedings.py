"""What the Niederschrift records of an item's course (§ 38 Abs. 1 GemO): how it came on the
agenda, the motions made on it with their votes, and who left or arrived."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlmodel import Session, col, select

from workflow.attendance import changes_at, present_before_item
from workflow.documents.common import names
from workflow.documents.german import clock
from workflow.models import AgendaItem, Attendance, AuditEvent, Body, Meeting, MinutesSignature
from workflow.motions import label, motion_order, motions_of
from workflow.queries import stand_ins_among, users_with_role
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
    """Who left or arrived at the item, in order; where that begins or ends a personal
    deputy's stand-in, the line says so (Hauptsatzung, § 40 Abs. 1 S. 2 GemO: a deputy sits
    only while his member is away), and a deputy is named as whose deputy he comes or goes."""
    changes = changes_at(session, item.id or 0)
    meeting = session.get(Meeting, item.meeting_id)
    if not changes or meeting is None:
        return []
    present = present_before_item(session, item)
    before = stand_ins_among(session, meeting, present)
    steps = []
    for c in changes:
        present = present | {c.person_id} if c.present else present - {c.person_id}
        after = stand_ins_among(session, meeting, present)
        steps.append((c, before, after))
        before = after
    who = names(
        session,
        [c.person_id for c in changes]
        + [p for _, b, a in steps for pair in (*b.items(), *a.items()) for p in pair],
    )
    lines = []
    for c, before, after in steps:
        verb = "ist hinzugekommen" if c.present else "hat die Sitzung verlassen"
        scope = " (nur für diesen Punkt)" if c.only_item else ""
        reason = f": {c.reason}" if c.reason else ""
        name = who.get(c.person_id, "")
        stood_for = (after if c.present else before).get(c.person_id)
        if stood_for is not None:
            name = f"{name} (Stellvertreter/in von {who.get(stood_for, '')})"
        notes = []
        for deputy, member in before.items():
            if after.get(deputy) == member or deputy == c.person_id:
                continue
            if member == c.person_id:
                notes.append(
                    f"{who.get(member, '')} übernimmt wieder selbst; Stellvertretung durch "
                    f"{who.get(deputy, '')} endet"
                )
            else:
                notes.append(
                    f"Stellvertretung von {who.get(member, '')} durch {who.get(deputy, '')} endet"
                )
        notes += [
            f"{who.get(deputy, '')} vertritt {who.get(member, '')}"
            for deputy, member in after.items()
            if before.get(deputy) != member and deputy != c.person_id
        ]
        lines.append("; ".join([f"{name} {verb}{scope}{reason}", *notes]))
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


def session_times(session: Session, meeting: Meeting) -> str | None:
    """``Beginn: 18:32 Uhr, Ende: 20:05 Uhr``: when the session was opened and closed, as
    its audit trail records the two transitions; None before it was opened."""
    events = session.exec(
        select(AuditEvent.trigger, AuditEvent.at)
        .where(
            AuditEvent.instance_type == "meeting",
            AuditEvent.instance_id == meeting.id,
            col(AuditEvent.trigger).in_(("open_session", "close_session")),
        )
        .order_by(col(AuditEvent.seq))
    ).all()
    opened = next((at for trigger, at in events if trigger == "open_session"), None)
    closed = next((at for trigger, at in reversed(events) if trigger == "close_session"), None)
    if opened is None:
        return None
    end = f", Ende: {clock(closed)} Uhr" if closed is not None else ""
    return f"Beginn: {clock(opened)} Uhr{end}"


def minutes_keeper(
    session: Session, meeting: Meeting, signed: Sequence[MinutesSignature]
) -> str | None:
    """The Schriftführer, who signs the minutes (§ 38 Abs. 2 GemO): who signed as such; else
    the Schriftführung (a user with the secretary role) who recorded most of the session, or
    the municipality's only one; None when that is not known."""
    person = next((s.person_id for s in signed if s.capacity == "secretary"), None)
    if person is None:
        keepers = {
            u.username: u.person_id
            for u in users_with_role(session, meeting.municipality_id, "secretary")
            if u.person_id is not None
        }
        acted = Counter(
            session.exec(
                select(AuditEvent.actor).where(
                    AuditEvent.instance_type == "meeting",
                    AuditEvent.instance_id == meeting.id,
                    col(AuditEvent.actor).in_(keepers),
                    (col(AuditEvent.source) == "in_session")
                    | (col(AuditEvent.dest) == "in_session"),
                )
            )
        )
        if acted:
            person = keepers[acted.most_common(1)[0][0]]
        elif len(keepers) == 1:
            person = next(iter(keepers.values()))
    return names(session, [person]).get(person) if person is not None else None
