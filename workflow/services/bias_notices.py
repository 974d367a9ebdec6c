"""A member's own notice of possible bias before the session (§ 18 Abs. 4 S. 1 GemO).

"Wer annehmen muss, weder beratend noch entscheidend mitwirken zu dürfen, hat dies vor
Beginn der Beratung über diesen Gegenstand dem Vorsitzenden mitzuteilen." The member sends
the notice himself once he is invited; it is not the bias itself: the chair or the
Sitzungsdienst sees it on the session screen at the item and records the bias there
(``meetings.declare_bias``) or has the body decide a doubtful case (Abs. 4 S. 2). The
secretary and the mayor are told in the app and by e-mail. The member may withdraw the
notice until the session opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from workflow import audit
from workflow.agenda_numbers import top_number
from workflow.context import Actor, local_date
from workflow.deadlines.notify import Message, mail_footer, send_to
from workflow.deputies import body_deputies, with_deputies
from workflow.documents.german import quoted
from workflow.errors import Conflict, RoleRefused, not_found
from workflow.limits import require_reason
from workflow.meeting_titles import meeting_title
from workflow.models import AgendaItem, BiasDeclaration, BiasNotice, Body, Meeting, User
from workflow.queries import person_names, users_with_role, voting_members
from workflow.roles import MAIL_ROLES
from workflow.services.common import require_role
from workflow.services.transition import load_instance

NOTIFYING_ROLES = ("council_member",)
# Who hears of a notice: the chair (the mayor, § 42 Abs. 1 GemO) and the Sitzungsdienst
# that records the bias at the item; the settings page offers its e-mail to them.
TOLD_ROLES = MAIL_ROLES["bias_notice"]
# Only an invited meeting: before the invitation the agenda is not set, and once the session
# opens the member tells the chair at the table (the screen records it).
OPEN_STATES = ("invited",)


class NotBodyMember(RoleRefused):
    """A councillor with no seat in the meeting's body, deputy of none of its members,
    notifies for no one."""

    def __init__(self, message: str) -> None:
        super().__init__(trigger="notify_bias", role="council_member", allowed_roles=())
        self.message = message
        self.args = (message,)


def item_notices(session: Session, agenda_item_id: int) -> list[BiasNotice]:
    """The open notices on one item, in the order sent; none once it is abgesetzt."""
    return list(
        session.exec(
            select(BiasNotice)
            .join(AgendaItem, col(AgendaItem.id) == col(BiasNotice.agenda_item_id))
            .where(BiasNotice.agenda_item_id == agenda_item_id, ~col(AgendaItem.removed))
            .order_by(col(BiasNotice.id))
        )
    )


def meeting_notices(session: Session, meeting_id: int) -> list[BiasNotice]:
    """The open notices on the meeting's agenda, by item and in the order sent."""
    return _notices(session, meeting_id, removed=False)


def removed_item_notices(session: Session, meeting_id: int) -> list[BiasNotice]:
    """The notices on items abgesetzt after they were sent: kept as sent (the audit names
    them), moot for this meeting; a matter set anew on an agenda is a new item."""
    return _notices(session, meeting_id, removed=True)


def _notices(session: Session, meeting_id: int, *, removed: bool) -> list[BiasNotice]:
    return list(
        session.exec(
            select(BiasNotice)
            .join(AgendaItem, col(AgendaItem.id) == col(BiasNotice.agenda_item_id))
            .where(AgendaItem.meeting_id == meeting_id, col(AgendaItem.removed) == removed)
            .order_by(col(BiasNotice.agenda_item_id), col(BiasNotice.id))
        )
    )


@dataclass(frozen=True)
class Seat:
    """Whence a person notifies for a meeting: his own seat in the body, or as personal
    deputy of the members in ``deputy_for`` (person ids; empty for a member)."""

    person_id: int
    deputy_for: tuple[int, ...] = ()


def notifier_seat(session: Session, meeting: Meeting, person_id: int | None) -> Seat | None:
    """Who may tell the chair of his possible bias for ``meeting`` (§ 18 Abs. 4 S. 1 GemO):
    a voting member of the body on the meeting's day, or a personal deputy of one (the
    Hauptsatzung, § 40 Abs. 1 S. 2 GemO), who is invited too and sits when his member is
    away. None for anyone else. The page's form and the service ask this one rule."""
    if person_id is None:
        return None
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    if person_id in members:
        return Seat(person_id)
    deputy_for = tuple(
        member
        for member, deputies in sorted(body_deputies(session, meeting.body_id).items())
        if member in members and person_id in deputies
    )
    return Seat(person_id, deputy_for) if deputy_for else None


def notifier_name(session: Session, meeting: Meeting, person_id: int) -> str:
    """``Eva Schäfer``, or for a deputy ``Eva Schäfer (Stellvertretung für Hans Maier)``, as
    the session screen names a deputy standing in."""
    name = person_names(session, [person_id])
    seat = notifier_seat(session, meeting, person_id)
    if seat is None or not seat.deputy_for:
        return name
    return f"{name} (Stellvertretung für {person_names(session, seat.deputy_for)})"


def may_notify(session: Session, actor: Actor, meeting: Meeting) -> bool:
    """The page offers the form: a councillor with a seat in the body or a personal deputy
    of a member (``notifier_seat``), the meeting invited."""
    return (
        actor.role in NOTIFYING_ROLES
        and meeting.state in OPEN_STATES
        and notifier_seat(session, meeting, actor.person_id) is not None
    )


def _checked(
    session: Session, actor: Actor, meeting_id: int, item_id: int, what: str
) -> tuple[Meeting, AgendaItem, Seat]:
    require_role(actor, what, NOTIFYING_ROLES)
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id or item.removed:
        raise not_found("Tagesordnungspunkt")
    seat = notifier_seat(session, meeting, actor.person_id)
    if seat is None:
        body = session.get(Body, meeting.body_id)
        raise NotBodyMember(
            f"Sie sind nicht Mitglied des Gremiums {body.name if body else ''} und keine "
            "persönliche Stellvertretung eines seiner Mitglieder: Eine Befangenheit teilen nur "
            "sie für sich selbst mit (§ 18 Abs. 4, § 40 Abs. 1 Satz 2 GemO)."
        )
    if meeting.state not in OPEN_STATES:
        raise Conflict(
            "Die Mitteilung möglicher Befangenheit ist nur nach der Einladung und vor Beginn "
            "der Sitzung möglich. In der Sitzung teilen Sie sie dem Vorsitz mit, der sie "
            "in die Niederschrift aufnehmen lässt (§ 18 Abs. 4 GemO)."
        )
    if item.outcome:
        raise Conflict(f"Über TOP {top_number(session, item)} ist bereits entschieden.")
    return meeting, item, seat


def notify_bias(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    reason: str = "",
    base_url: str = "",
) -> BiasNotice:
    """§ 18 Abs. 4 S. 1 GemO: the member (or a member's personal deputy) tells the chair
    before the deliberation."""
    meeting, item, seat = _checked(session, actor, meeting_id, item_id, "notify_bias")
    person_id = seat.person_id
    reason = reason.strip()
    require_reason(reason, what="Der Grund", field="reason")
    declared = session.exec(
        select(BiasDeclaration.id).where(
            BiasDeclaration.agenda_item_id == item_id, BiasDeclaration.person_id == person_id
        )
    ).first()
    if declared is not None:
        raise Conflict("Ihre Befangenheit für diesen Punkt ist bereits erfasst.")
    already = Conflict("Sie haben Ihre mögliche Befangenheit für diesen Punkt bereits mitgeteilt.")
    taken = session.exec(
        select(BiasNotice.id).where(
            BiasNotice.agenda_item_id == item_id, BiasNotice.person_id == person_id
        )
    ).first()
    if taken is not None:
        raise already
    notice = BiasNotice(agenda_item_id=item_id, person_id=person_id, reason=reason, notified_at=now)
    try:
        with session.begin_nested():  # a double click sent at once: the unique key decides
            session.add(notice)
            session.flush()
    except IntegrityError:
        raise already from None
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "notify_bias",
        {
            "agenda_item_id": item_id,
            "person_id": person_id,
            "reason": reason,
            **({"deputy_for": list(seat.deputy_for)} if seat.deputy_for else {}),
        },
    )
    _tell(session, meeting, item, notice, now, base_url, withdrawn=False)
    session.flush()
    return notice


def withdraw_bias_notice(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    base_url: str = "",
) -> None:
    """The member takes his notice back; only his own, only until the session opens."""
    meeting, item, seat = _checked(session, actor, meeting_id, item_id, "withdraw_bias_notice")
    person_id = seat.person_id
    notice = session.exec(
        select(BiasNotice).where(
            BiasNotice.agenda_item_id == item_id, BiasNotice.person_id == person_id
        )
    ).first()
    if notice is None:
        raise not_found("Mitteilung")
    # by its key, not the loaded row: a concurrent withdrawal may have deleted it meanwhile
    gone = session.execute(delete(BiasNotice).where(col(BiasNotice.id) == notice.id))
    if getattr(gone, "rowcount", 1) != 1:
        raise not_found("Mitteilung")
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "withdraw_bias_notice",
        {"agenda_item_id": item_id, "person_id": person_id},
    )
    _tell(session, meeting, item, notice, now, base_url, withdrawn=True)
    session.expunge(notice)
    session.flush()


def _tell(
    session: Session,
    meeting: Meeting,
    item: AgendaItem,
    notice: BiasNotice,
    now: datetime,
    base_url: str,
    *,
    withdrawn: bool,
) -> None:
    """In the app and by e-mail to the secretary and the mayor (and their acting deputies).
    The reason of a non-public item stays in Ratsflow (§ 35 Abs. 2 GemO: confidential)."""
    who = notifier_name(session, meeting, notice.person_id)
    seat = notifier_seat(session, meeting, notice.person_id)
    body = session.get(Body, meeting.body_id)
    title = meeting_title(body.name if body else None, meeting.meeting_date)
    top = f"TOP {top_number(session, item)}"
    base = base_url.rstrip("/")
    link = f"{base}/sitzungen/{meeting.id}/durchfuehren?top={item.id}"
    if withdrawn:
        subject = f"Mitteilung zurückgenommen: {who}, {top} – {title}"
        lines = [
            f"{who} hat die Mitteilung möglicher Befangenheit zu {top} {quoted(item.title)} "
            f"der {title} zurückgenommen."
        ]
    else:
        subject = f"Mitteilung möglicher Befangenheit: {who}, {top} – {title}"
        lines = [
            f"{who} hält sich zu {top} {quoted(item.title)} der {title} für befangen und teilt "
            "dies vor Beginn der Beratung mit (§ 18 Abs. 4 GemO).",
        ]
        if seat is not None and seat.deputy_for:
            lines.append(
                "Die Stellvertretung wirkt nur mit, wenn sie ein abwesendes Mitglied vertritt "
                "(Hauptsatzung, § 40 Abs. 1 Satz 2 GemO)."
            )
        if notice.reason and item.public:
            lines.append(f"Grund: {notice.reason}")
        elif notice.reason:
            lines.append("Den Grund (nichtöffentlicher Punkt) finden Sie in Ratsflow.")
        lines.append(
            "Die Befangenheit wird in der Sitzung bei diesem Punkt erfasst; in Zweifelsfällen "
            "entscheidet das Gremium (§ 18 Abs. 4 Satz 2 GemO)."
        )
    text = "\n".join(
        ["Guten Tag,", "", *lines, "", f"In der Sitzung: {link}", "", mail_footer(base or None)]
    )
    users: dict[int | None, User] = {}
    for role in TOLD_ROLES:
        for user in users_with_role(session, meeting.municipality_id, role):
            users[user.id] = user
    recipients = with_deputies(session, list(users.values()), local_date(now))
    send_to(
        session,
        key_prefix=f"bias_notice:{notice.id}:{'withdrawn' if withdrawn else 'sent'}",
        users=[u for u in recipients if not u.disabled],
        message=Message(
            kind="bias_notice",
            title=subject,
            body=text,
            link=link,
            instance_type="meeting",
            instance_id=meeting.id,
        ),
        now=now,
    )
