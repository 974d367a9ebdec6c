"""Sessions whose ortsübliche Bekanntgabe is still to be made and recorded.

§ 34 Abs. 1 S. 7 GemO: "Zeit, Ort und Tagesordnung der öffentlichen Sitzungen sind
rechtzeitig ortsüblich bekannt zu geben." The Sitzungsdienst places it (Mitteilungsblatt,
Aushang) and records it on the meeting page (``services.notices.record_announcement``); the
Rechtmäßigkeitsnachweis reads the record. No step of the meeting's definition asks for it
(it is a fact recorded beside the lifecycle, not a transition), so Meine Aufgaben computes
the task here, as it does for a missed session (``missed_meetings``): a coming session with
its agenda set and a public part, no Bekanntgabe recorded, not an emergency session (§ 34
Abs. 2 GemO: none owed). The task goes when the Bekanntgabe is recorded. The deadline sweep
mails them three days before its last day (``remind_announcements``), once per session and
last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists
from sqlmodel import Session, col, select

from workflow import meeting_titles
from workflow.access import meeting_read_clause
from workflow.context import Actor, local_date
from workflow.deadlines.notify import Message, mail_footer, send_to
from workflow.deputies import with_deputies
from workflow.documents import german
from workflow.models import AgendaItem, AuditEvent, Body, Meeting
from workflow.queries import users_with_role
from workflow.rules.meeting_rules import announcement_latest
from workflow.services.missed_meetings import LIMIT
from workflow.services.notices import ANNOUNCING_ROLES

# The agenda is what is announced: from "Tagesordnung aufgestellt" until the session.
BEFORE_SESSION = ("agenda", "invited")
# The audit trigger of a recorded Bekanntgabe (``services.notices``).
RECORDED = "record_announcement"
# The sweep's e-mail comes so long before the last day (as the invitation's reminder, P3D).
REMIND_BEFORE = timedelta(days=3)


@dataclass(frozen=True)
class DueAnnouncement:
    meeting: Meeting
    latest: date  # the last day it may appear (the municipality's lead, else the day before)
    advice: str


def last_day(session: Session, meeting: Meeting) -> tuple[date, str | None]:
    """The last day of the Bekanntgabe and, where the municipality sets a lead
    (``announcement_days``), that lead in words; without one "rechtzeitig" is read as before
    the session day, as the Rechtmäßigkeitsnachweis judges it (a Bekanntgabe on the day
    fails)."""
    lead = announcement_latest(session, meeting)
    if lead is None:
        return meeting.meeting_date - timedelta(days=1), None
    return lead[0], lead[1].german()


def when_words(latest: date, lead: str | None) -> str:
    """``nach der Vorgabe der Gemeinde (5 Tage vor der Sitzung) spätestens am …`` or ``vor
    dem Sitzungstag, spätestens am …``: the task's and the meeting page's words."""
    if lead:
        return (
            f"nach der Vorgabe der Gemeinde ({lead} vor der Sitzung) spätestens am "
            f"{german.day(latest)}"
        )
    return f"vor dem Sitzungstag, spätestens am {german.day(latest)}"


def advice(latest: date, lead: str | None) -> str:
    """What to do and by when; ``lead`` the municipality's period in words, if it sets one."""
    return (
        "Zeit, Ort und Tagesordnung der öffentlichen Sitzung rechtzeitig ortsüblich bekannt "
        f"geben (§ 34 Abs. 1 Satz 7 GemO), {when_words(latest, lead)}, und die Bekanntgabe "
        "auf der Seite der Sitzung erfassen."
    )


def _due(
    session: Session, today: date, where: list[Any], limit: int | None = LIMIT
) -> list[DueAnnouncement]:
    """Coming public sessions with their agenda set and no Bekanntgabe recorded, matching
    ``where`` (a municipality, what the user may read), soonest last day first; the sweep
    reads them all (``limit`` None), every municipality's."""
    public_part = exists().where(
        col(AgendaItem.meeting_id) == col(Meeting.id),
        col(AgendaItem.public),
        ~col(AgendaItem.removed),
    )
    recorded = exists().where(
        and_(
            col(AuditEvent.instance_type) == "meeting",
            col(AuditEvent.instance_id) == col(Meeting.id),
            col(AuditEvent.trigger) == RECORDED,
        )
    )
    rows = session.exec(
        select(Meeting)
        .where(
            *where,
            col(Meeting.state).in_(BEFORE_SESSION),
            col(Meeting.meeting_date) >= today,
            col(Meeting.emergency_reason).is_(None),
            public_part,
            ~recorded,
        )
        .order_by(col(Meeting.meeting_date), col(Meeting.id))
        .limit(limit)
    ).all()
    found: list[DueAnnouncement] = []
    for meeting in rows:
        latest, lead = last_day(session, meeting)
        found.append(DueAnnouncement(meeting, latest, advice(latest, lead)))
    return sorted(found, key=lambda d: (d.latest, d.meeting.id or 0))


def due_announcements(*, session: Session, actor: Actor, now: datetime) -> list[DueAnnouncement]:
    """The coming public sessions of the user's municipality without a recorded Bekanntgabe,
    when he records them (``notices.ANNOUNCING_ROLES``); the soonest first."""
    if actor.municipality_id is None or actor.role not in ANNOUNCING_ROLES:
        return []
    where = [meeting_read_clause(actor), col(Meeting.municipality_id) == actor.municipality_id]
    return _due(session, local_date(now), where)


def remind_announcements(session: Session, now: datetime, base_url: str) -> int:
    """One notice to the Sitzungsdienst and the mayor (or their acting deputies) per session
    whose Bekanntgabe is due within ``REMIND_BEFORE`` and not recorded (the sweep's check,
    as the invitation's reminder three days ahead); returns how many users were told."""
    today = local_date(now)
    told = 0
    for due in _due(session, today, [], limit=None):
        if today < due.latest - REMIND_BEFORE:
            continue
        meeting = due.meeting
        town = meeting.municipality_id
        holders = [u for role in ANNOUNCING_ROLES for u in users_with_role(session, town, role)]
        if not holders:
            continue
        body = session.get(Body, meeting.body_id)
        title = meeting_titles.meeting_title(body.name if body else None, meeting.meeting_date)
        link = f"{base_url.rstrip('/')}/sitzungen/{meeting.id}#ortsuebliche-bekanntgabe"
        overdue = today > due.latest
        message = Message(
            kind="reminder",
            title=f"Ortsübliche Bekanntgabe {'überfällig' if overdue else 'fällig'}: {title}",
            body="\n".join(
                [
                    "Guten Tag,",
                    "",
                    f"für die {title} ist noch keine ortsübliche Bekanntgabe erfasst. "
                    + due.advice,
                    "",
                    f"Zur Sitzung: {link}",
                    "",
                    mail_footer(base_url),
                ]
            ),
            link=link,
            instance_type="meeting",
            instance_id=meeting.id,
        )
        told += send_to(
            session,
            key_prefix=f"announcement:{meeting.id}:{due.latest:%Y-%m-%d}",
            users=with_deputies(session, holders, today),
            message=message,
            now=now,
        )
    return told
