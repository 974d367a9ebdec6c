"""iCalendar (RFC 5545) feeds of meetings and deadlines, written by hand.

Hand-written so the tests can parse the output with an independent library; times are
local Europe/Berlin with a VTIMEZONE, UIDs are stable per object, and SEQUENCE follows the
row version, so a moved meeting updates subscribers' entries instead of duplicating them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse

from sqlmodel import Session, col, select

from workflow.access import STAFF_ROLES  # the system administration is none
from workflow.agenda_numbers import in_session_order, top_numbers
from workflow.deadlines.addressees import concerns
from workflow.deadlines.lifecycle import ACTIVE
from workflow.deadlines.notify import describe_instance
from workflow.definitions.machines import Workflows
from workflow.meeting_titles import genitive
from workflow.models import Body, Deadline, Meeting, Membership, Municipality, User
from workflow.queries import agenda, second_session_notice

PRODID = "-//Ratsflow//Sitzungen und Fristen//DE"
MEETING_HOURS = 3
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:MESZ",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:MEZ",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded with CRLF + space (RFC 5545 §3.1)."""
    raw = line.encode("utf-8")
    parts: list[str] = []
    while len(raw) > 75:
        cut = 75 if not parts else 74
        while cut > 0 and (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            cut -= 1
        parts.append(raw[:cut].decode("utf-8"))
        raw = raw[cut:]
    parts.append(raw.decode("utf-8"))
    return [parts[0], *(" " + p for p in parts[1:])]


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _domain(base_url: str) -> str:
    return urlparse(base_url).hostname or "ratsflow"


def calendar(events: Iterable[list[str]], name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Europe/Berlin",
        *VTIMEZONE,
    ]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in fold(line))


def meeting_event(
    session: Session, meeting: Meeting, now: datetime, base_url: str, *, public_only: bool
) -> list[str]:
    body = session.get(Body, meeting.body_id)
    municipality = session.get(Municipality, meeting.municipality_id)
    hour, minute = (int(x) for x in meeting.start_time.split(":"))
    start = datetime.combine(meeting.meeting_date, time(hour, minute))
    whole = in_session_order(agenda(session, meeting.id or 0))
    numbers = top_numbers(whole)
    items = [i for i in whole if i.public or not public_only]
    description = (
        "Tagesordnung:\n"
        + "\n".join(
            f"TOP {numbers[i.id or 0]}: {i.title}" + ("" if i.public else " (nichtöffentlich)")
            for i in items
        )
        if items
        else "Tagesordnung folgt."
    )
    notice = second_session_notice(session, meeting)
    if notice:  # § 37 Abs. 3 S. 1 GemO: the invitation points out the lowered quorum
        description = f"{notice}\n\n{description}"
    status = {"cancelled": "CANCELLED", "planned": "TENTATIVE"}.get(meeting.state, "CONFIRMED")
    of = f" {genitive(body.name)}" if body else ""
    town = municipality.name if municipality else ""
    return [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{_domain(base_url)}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART;TZID=Europe/Berlin:{_local(start)}",
        f"DTEND;TZID=Europe/Berlin:{_local(start + timedelta(hours=MEETING_HOURS))}",
        f"SEQUENCE:{meeting.version}",
        f"SUMMARY:{escape(f'Sitzung{of} {town}'.strip())}",
        f"LOCATION:{escape(meeting.location)}",
        f"DESCRIPTION:{escape(description)}",
        f"STATUS:{status}",
        f"URL:{base_url.rstrip('/')}{_meeting_path(meeting, public_only)}",
        "END:VEVENT",
    ]


def _meeting_path(meeting: Meeting, public_only: bool) -> str:
    """The public feeds link the portal page; the personal one the staff page."""
    if public_only:
        return f"/oeffentlich/{meeting.municipality_id}/sitzungen/{meeting.id}"
    return f"/sitzungen/{meeting.id}"


def deadline_event(session: Session, deadline: Deadline, now: datetime, base_url: str) -> list[str]:
    subject = describe_instance(session, deadline, base_url)
    day: date = deadline.due_date
    return [
        "BEGIN:VEVENT",
        f"UID:deadline-{deadline.id}@{_domain(base_url)}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(f'Frist: {deadline.label} – {subject.in_subject}')}",
        f"DESCRIPTION:{escape(deadline.explanation)}",
        f"URL:{subject.link}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def body_feed(session: Session, body_id: int, now: datetime, base_url: str) -> str | None:
    """Public feed of one body: its meetings once invited (agenda public parts only)."""
    body = session.get(Body, body_id)
    if body is None:
        return None
    meetings = session.exec(
        select(Meeting)
        .where(Meeting.body_id == body_id, col(Meeting.state).not_in(("planned", "agenda")))
        .order_by(col(Meeting.meeting_date), col(Meeting.id))
    ).all()
    events = [meeting_event(session, m, now, base_url, public_only=True) for m in meetings]
    return calendar(events, f"Sitzungen {body.name}")


def municipality_feed(
    session: Session, municipality_id: int, now: datetime, base_url: str
) -> str | None:
    """Public feed of all bodies of a municipality: its public sessions once invited, no
    token needed (§ 34 Abs. 1 S. 7, § 41b Abs. 1 GemO)."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        return None
    meetings = session.exec(
        select(Meeting)
        .where(
            Meeting.municipality_id == municipality_id,
            col(Meeting.state).not_in(("planned", "agenda")),
        )
        .order_by(col(Meeting.meeting_date), col(Meeting.id))
    ).all()
    events = [meeting_event(session, m, now, base_url, public_only=True) for m in meetings]
    return calendar(events, f"Öffentliche Sitzungen {municipality.name}")


def user_feed(
    session: Session, workflows: Workflows, user: User, now: datetime, base_url: str
) -> str:
    """Personal feed: meetings of the user's bodies (all of the municipality for staff) and
    open deadlines whose reminders go to the user's role."""
    if user.municipality_id is None:
        return calendar([], f"Ratsflow – {user.full_name}")
    meetings_query = select(Meeting).where(Meeting.municipality_id == user.municipality_id)
    if user.role not in STAFF_ROLES:
        bodies = select(Membership.body_id).where(Membership.person_id == user.person_id)
        meetings_query = meetings_query.where(col(Meeting.body_id).in_(bodies))
    meetings = session.exec(meetings_query.order_by(col(Meeting.meeting_date), col(Meeting.id)))
    events = [meeting_event(session, m, now, base_url, public_only=False) for m in meetings]
    for deadline in session.exec(
        select(Deadline)
        .where(
            Deadline.municipality_id == user.municipality_id,
            col(Deadline.status).in_(ACTIVE),
            col(Deadline.closed_at).is_(None),
        )
        .order_by(col(Deadline.due_date), col(Deadline.id))
    ):
        if concerns(session, workflows, deadline, user.role, user.id):
            events.append(deadline_event(session, deadline, now, base_url))
    return calendar(events, f"Ratsflow – {user.full_name}")


def ensure_calendar_token(session: Session, user: User, *, rotate: bool = False) -> str:
    """The secret in the personal feed URL; rotating it revokes every old subscription."""
    if user.calendar_token is None or rotate:
        user.calendar_token = secrets.token_urlsafe(24)
        session.add(user)
        session.flush()
    return user.calendar_token


def user_by_token(session: Session, token: str) -> User | None:
    if not token:
        return None
    user = session.exec(select(User).where(User.calendar_token == token)).first()
    return user if user is not None and not user.disabled else None
