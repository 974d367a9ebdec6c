"""§ 34 Abs. 1 S. 2 GemO: the council "soll" meet at least once a month – a soft reminder.

From a day of the month on (municipality setting ``monthly_session_reminder_day``, default
15; 0 switches it off), a month without a council session held or planned earns the mayor
(or his acting deputy) one notice. Nothing is blocked: the law says "soll".
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from workflow.context import local_date
from workflow.deadlines.notify import Message, mail_footer, send_to
from workflow.deputies import with_deputies
from workflow.models import Body, Meeting, Municipality
from workflow.queries import users_with_role
from workflow.supervision import municipality_title

REMINDER_DAY_SETTING = "monthly_session_reminder_day"
DEFAULT_REMINDER_DAY = 15
# Who is reminded (a "deadline" e-mail, services.notifications.mail_kinds_for).
REMINDED_ROLES = ("mayor",)
MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)


def reminder_day(municipality: Municipality) -> int:
    value = (municipality.settings or {}).get(REMINDER_DAY_SETTING, DEFAULT_REMINDER_DAY)
    return value if isinstance(value, int) and 0 <= value <= 28 else DEFAULT_REMINDER_DAY


def council_meets_in(session: Session, municipality_id: int, day: date) -> bool:
    """A council session of ``day``'s month, held or planned and not cancelled."""
    first = day.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    found = session.exec(
        select(Meeting.id)
        .join(Body, col(Body.id) == col(Meeting.body_id))
        .where(
            Meeting.municipality_id == municipality_id,
            Body.kind == "council",
            col(Meeting.meeting_date) >= first,
            col(Meeting.meeting_date) < after,
            Meeting.state != "cancelled",
        )
    ).first()
    return found is not None


def remind_monthly_sessions(session: Session, now: datetime, base_url: str) -> int:
    """One notice per municipality and month without a council session; returns how many
    users were told."""
    today = local_date(now)
    told = 0
    for municipality in session.exec(select(Municipality).order_by(col(Municipality.id))):
        day = reminder_day(municipality)
        if day == 0 or today.day < day:
            continue
        if council_meets_in(session, municipality.id or 0, today):
            continue
        town = municipality.id or 0
        mayors = [u for role in REMINDED_ROLES for u in users_with_role(session, town, role)]
        if not mayors:
            continue
        month = f"{MONTHS[today.month - 1]} {today.year}"
        link = f"{base_url.rstrip('/')}/sitzungen"
        message = Message(
            kind="reminder",
            title=f"Im {month} ist keine Sitzung des Gemeinderats geplant",
            body="\n".join(
                [
                    "Guten Tag,",
                    "",
                    f"für die {municipality_title(municipality)} ist im {month} keine Sitzung des "
                    "Gemeinderats angesetzt. Der Gemeinderat soll mindestens einmal im Monat "
                    "einberufen werden (§ 34 Abs. 1 Satz 2 GemO); wenn die Geschäftslage es "
                    "erfordert, setzen Sie bitte eine Sitzung an.",
                    "",
                    f"Sitzungen: {link}",
                    "",
                    mail_footer(base_url),
                ]
            ),
            link=link,
            instance_type=None,
            instance_id=None,
        )
        told += send_to(
            session,
            key_prefix=f"monthly-session:{municipality.id}:{today:%Y-%m}",
            users=with_deputies(session, mayors, today),
            message=message,
            now=now,
        )
    return told
