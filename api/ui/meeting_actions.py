"""A Sitzung's actions as small forms, and the invitation period explained before the click.

The forms reuse ``api.ui.actions`` (fields, reading, firing through the JSON API's path);
what differs is which data each meeting trigger asks for: an invitation after the period
needs a reason (§ 34 Abs. 1 S. 1 GemO "in der Regel") or is an emergency (§ 34 Abs. 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from api.ui import formatting
from api.ui.action_forms import ActionForm, FormField
from api.ui.actions import Blocked, forms_from
from workflow.collation import german_key
from workflow.context import local_date
from workflow.documents import mailing
from workflow.engine import ActionOption
from workflow.models import Meeting, Person
from workflow.queries import agenda
from workflow.rules.common import count_of
from workflow.rules.meeting_rules import invitation_latest
from workflow.services import outbox, written_invitations

# Guards met by what the form asks for.
INPUT_GUARDS = {"comment_given": "comment", "invitation_in_time": "late_or_emergency"}
LEGAL = frozenset({"invite", "cancel", "close_session"})
SECONDARY = frozenset({"reopen_agenda", "cancel"})


@dataclass(frozen=True)
class InvitationCheck:
    """What the page says of the invitation period (§ 34 Abs. 1 S. 1 GemO): before the
    invitation whether it can still be kept, after it whether it was."""

    latest: date
    in_time: bool
    text: str


def invitation_check(session: Session, meeting: Meeting, today: date) -> InvitationCheck:
    latest, period = invitation_latest(session, meeting)
    rule = (
        f"§ 34 Abs. 1 Satz 1 GemO: Die Tagesordnung ist in der Regel mindestens "
        f"{period.german()} vor dem Sitzungstag ({formatting.date_de(meeting.meeting_date)}) "
        "mitzuteilen."
    )
    if meeting.invited_at is not None:
        # sent: the period is kept or not, by the day the invitation went out
        sent = local_date(meeting.invited_at)
        if sent <= latest:
            text = (
                f"Die Einladungsfrist ist gewahrt: Die Einladung wurde am "
                f"{formatting.date_de(sent)} versandt, spätestens war es der "
                f"{formatting.date_de(latest)}. {rule}"
            )
            return InvitationCheck(latest, True, text)
        text = (
            f"Die Einladungsfrist ist nicht gewahrt: Die Einladung wurde am "
            f"{formatting.date_de(sent)} versandt, nach dem {formatting.date_de(latest)}, "
            "mit begründeter kürzerer Frist oder als Notsitzung (§ 34 Abs. 2 GemO). "
            f"{rule}"
        )
        return InvitationCheck(latest, False, text)
    if today <= latest:
        # nothing sent yet: the period is not kept before the invitation goes out
        text = (
            f"Die Einladungsfrist kann noch gewahrt werden (bis "
            f"{formatting.date_de(latest)}): Die Einladung muss spätestens am "
            f"{formatting.date_de(latest)} versandt werden; heute ist der "
            f"{formatting.date_de(today)}. {rule}"
        )
        return InvitationCheck(latest, True, text)
    text = (
        f"Die Einladungsfrist ist nicht mehr gewahrt: Die Einladung hätte spätestens am "
        f"{formatting.date_de(latest)} versandt werden müssen. {rule} Sie können trotzdem "
        "einladen, wenn Sie die kürzere Frist begründen oder eine Notsitzung (§ 34 Abs. 2 GemO) "
        "mit ihrem Grund angeben."
    )
    return InvitationCheck(latest, False, text)


def without_address(session: Session, meeting: Meeting) -> str | None:
    """Before the invitation is sent: the members no e-mail will reach, who must be invited
    in writing (§ 34 Abs. 1 Satz 1 GemO: "schriftlich oder elektronisch"); None when the
    e-mail reaches every member. The same people the message after sending names."""
    assert meeting.id is not None
    people = mailing.invitees(session, meeting, agenda(session, meeting.id))
    unreached = mailing.members_without_address(session, meeting, people)
    if not unreached:
        return None
    reached = sum(1 for p in people if not p.heard and not p.deputy)
    total = reached + len(unreached)
    have = "hat" if len(unreached) == 1 else "haben"
    return (
        f"{len(unreached)} von {count_of(total, 'Mitglied', 'Mitgliedern')} {have} keine "
        f"E-Mail-Adresse und {'erhält' if len(unreached) == 1 else 'erhalten'} die Einladung "
        f"nicht elektronisch: {', '.join(unreached)}. Laden Sie "
        f"{'dieses Mitglied' if len(unreached) == 1 else 'diese Mitglieder'} schriftlich ein "
        "(§ 34 Abs. 1 Satz 1 GemO: schriftlich oder elektronisch). Die Administration "
        "hinterlegt E-Mail-Adressen der Mitglieder unter Verwaltung › Gremien."
    )


def resend_options(session: Session, meeting: Meeting) -> list[tuple[str, str]]:
    """The people the invitation reaches by e-mail, at their address as it is now: whom the
    Sitzungsdienst may send it again."""
    people = mailing.invitees(session, meeting, agenda(session, meeting.id or 0))
    return sorted(
        ((str(i.person.id), f"{i.person.name} ({i.address})") for i in people),
        key=lambda option: german_key(option[1]),
    )


def in_writing_rows(session: Session, meeting: Meeting) -> list[tuple[Person, date | None]]:
    """The members no e-mail invitation reached, each with the day his written invitation
    was recorded (None: not yet)."""
    days = written_invitations.recorded(session, meeting.id or 0)
    return [
        (p, days.get(p.id or 0)) for p in written_invitations.to_invite_in_writing(session, meeting)
    ]


def undelivered(session: Session, meeting: Meeting) -> str | None:
    """After the invitation: the members whose e-mail could not be delivered (given up after
    its last attempt), who must be invited in writing; None when every e-mail went out."""
    failed = outbox.undelivered_invitations(session, meeting.id or 0)
    if not failed:
        return None
    one = len(failed) == 1
    return (
        f"Die Einladung per E-Mail konnte nicht zugestellt werden an: "
        f"{', '.join(f'{name} ({address})' for name, address in failed)}. Bitte laden Sie "
        f"{'dieses Mitglied' if one else 'diese Mitglieder'} schriftlich ein (§ 34 Abs. 1 "
        "Satz 1 GemO). Die Administration berichtigt die Adresse unter Verwaltung › Gremien "
        "und sendet die E-Mail unter Verwaltung › E-Mail-Versand erneut."
    )


EMERGENCY = FormField(
    "emergency_reason",
    "Notsitzung: Grund (§ 34 Abs. 2 GemO)",
    "textarea",
    hint="Nur bei einer Notsitzung, die ohne Frist einberufen wird.",
)
LATE = FormField(
    "late_reason",
    "Begründung der kürzeren Frist",
    "textarea",
    hint="Die Einladungsfrist ist nicht gewahrt: Begründen Sie die kürzere Frist oder geben "
    "Sie den Grund der Notsitzung an.",
    needed="Pflicht bei verkürzter Frist, außer bei einer Notsitzung",
)


def _fields(trigger: str, needs: set[str]) -> tuple[FormField, ...]:
    if trigger == "invite":
        return (LATE, EMERGENCY) if "late_or_emergency" in needs else (EMERGENCY,)
    if "comment" in needs or trigger == "cancel":
        return (FormField("comment", "Begründung", "textarea", required=True),)
    return ()


def meeting_forms(options: list[ActionOption]) -> tuple[list[ActionForm], list[Blocked]]:
    """Allowed meeting actions as forms, blocked ones with their reasons."""
    return forms_from(
        options, input_guards=INPUT_GUARDS, fields=_fields, legal=LEGAL, secondary=SECONDARY
    )


def late_reason_missing(form: ActionForm, data: dict[str, object]) -> bool:
    """An invitation after the period needs a reason or an emergency (§ 34 GemO)."""
    asks = any(f.name == "late_reason" for f in form.fields)
    return asks and not data.get("late_reason") and not data.get("emergency_reason")
