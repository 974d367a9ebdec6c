"""Guards and actions of the Sitzung lifecycle (§§ 34, 37, 38 GemO)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from workflow.agenda_numbers import top_numbers
from workflow.attendance import present_at_session
from workflow.context import FiringContext
from workflow.deadlines.acts import skip_pending
from workflow.deadlines.lifecycle import calendar_for, local_period
from workflow.definitions.registry import Action, Guard
from workflow.documents import german
from workflow.law.periods import Period, latest_before
from workflow.models import Body, Deadline, Meeting, MinutesSignature
from workflow.queries import (
    agenda,
    councillor_signers,
    meeting_quorum,
    second_session_notice,
)
from workflow.rules.common import data_text, member_words, missing_minutes_signatures
from workflow.wording import wording_for

INVITATION_PERIOD = "P7D"  # § 34 Abs. 1 S. 1 GemO: "in der Regel mindestens sieben Tage"


def _meeting(ctx: FiringContext) -> Meeting:
    meeting: Meeting = ctx.instance
    return meeting


def has_agenda_items(ctx: FiringContext) -> str | None:
    return None if agenda(ctx.session, _meeting(ctx).id or 0) else "Die Tagesordnung ist leer"


def invitation_latest(session: Session, meeting: Meeting) -> tuple[date, Period]:
    """The last day the invitation may go out (§ 34 Abs. 1 S. 1 GemO: "in der Regel
    mindestens sieben Tage vor dem Sitzungstag", or the municipality's own period), counted
    back on its calendar and never extended; with the period, for explaining it."""
    period = local_period(session, meeting.municipality_id, "invitation") or INVITATION_PERIOD
    latest = latest_before(
        meeting.meeting_date, period, calendar_for(session, meeting.municipality_id)
    )
    return latest.date, Period.parse(period)


def announcement_latest(session: Session, meeting: Meeting) -> tuple[date, Period] | None:
    """The last day of the ortsübliche Bekanntgabe where the municipality sets a lead (§ 34
    Abs. 1 S. 7 GemO: "rechtzeitig", Bekanntmachungssatzung; setting ``announcement_days``),
    counted back like the invitation and never extended; None: no lead set, any day before
    the session. An emergency session needs none (§ 34 Abs. 2 GemO)."""
    period = local_period(session, meeting.municipality_id, "announcement")
    if period is None or meeting.emergency_reason:
        return None
    latest = latest_before(
        meeting.meeting_date, period, calendar_for(session, meeting.municipality_id)
    )
    return latest.date, Period.parse(period)


def invitation_in_time(ctx: FiringContext) -> str | None:
    """§ 34 Abs. 1 S. 1 GemO (7 days, counted back from the meeting day and never extended),
    unless it is an emergency session with its reason (§ 34 Abs. 2) or, the rule being
    "in der Regel", a recorded reason for the shorter period. No reason invites to a day
    gone by: members cannot come to it, and the session could never open
    (``meeting_day_reached``); the meeting is moved to a new day first."""
    meeting = _meeting(ctx)
    if ctx.today > meeting.meeting_date:
        return (
            f"Der Sitzungstag {german.day(meeting.meeting_date)} ist vorbei: Zu ihm kann nicht "
            "mehr eingeladen werden (§ 34 Abs. 1 Satz 1 GemO). Verlegen Sie die Sitzung auf einen "
            "neuen Tag oder sagen Sie sie ab"
        )
    if meeting.emergency_reason or data_text(ctx, "emergency_reason"):
        return None
    if data_text(ctx, "late_reason"):
        return None
    latest, period = invitation_latest(ctx.session, meeting)
    if ctx.today <= latest:
        return None
    return (
        f"Die Einladung hätte spätestens am {german.day(latest)} versandt werden müssen "
        f"(§ 34 Abs. 1 Satz 1 GemO: in der Regel mindestens {period.german()} "
        "vor dem Sitzungstag). Für eine Notsitzung ist eine Begründung anzugeben "
        "(emergency_reason, § 34 Abs. 2 GemO), sonst eine Begründung der kürzeren Frist "
        "(late_reason)"
    )


def meeting_day_reached(ctx: FiringContext) -> str | None:
    """A session opens on the day it was convened for (§ 34 Abs. 1 GemO): not before, and
    not on a later day either: members were invited to that day, and a session held on
    another is not "ordnungsmäßig einberufen" (§ 37 Abs. 1 S. 1), its resolutions unlawful.
    Only an invited meeting opens; once invited it is not moved (``reschedule_meeting``) but
    cancelled and convened anew (``missed_meetings``)."""
    meeting = _meeting(ctx)
    if ctx.today < meeting.meeting_date:
        return f"Die Sitzung ist erst am {german.day(meeting.meeting_date)}"
    if ctx.today > meeting.meeting_date:
        return (
            f"Die Sitzung war für den {german.day(meeting.meeting_date)} einberufen; an einem "
            "späteren Tag ist sie nicht ordnungsmäßig einberufen (§ 34 Abs. 1, § 37 Abs. 1 "
            "Satz 1 GemO). Nach der Einladung wird sie nicht verlegt: Sagen Sie sie ab und "
            "berufen Sie sie für einen neuen Tag neu ein"
        )
    return None


def attendance_recorded(ctx: FiringContext) -> str | None:
    """Attendance, and with it who chairs: the chair opens the session (§ 36 Abs. 1 GemO)
    and is named in and signs the minutes (§ 38 Abs. 1, 2). The message names the session
    screen's field ("Vorsitz"); the API's problem carries the guard's name."""
    meeting = _meeting(ctx)
    present = present_at_session(ctx.session, meeting.id or 0)
    if not present:
        return "Die Anwesenheit ist nicht erfasst"
    if meeting.chair_person_id not in present:
        return wording_for(meeting, ctx.session).text(
            "Der Vorsitz ist nicht erfasst: Ist der Bürgermeister nicht anwesend, ist mit der "
            "Anwesenheit unter „Vorsitz“ anzugeben, wer den Vorsitz führt (§ 48 Abs. 1 "
            "Satz 4, 8, § 40 Abs. 4, § 41 Abs. 2 GemO)"
        )
    return None


def meeting_quorate(ctx: FiringContext) -> str | None:
    quorum = meeting_quorum(ctx.session, _meeting(ctx))
    return None if quorum.reached else f"Nicht beschlussfähig – {quorum.explain()}"


def all_items_handled(ctx: FiringContext) -> str | None:
    items = agenda(ctx.session, _meeting(ctx).id or 0)
    numbers = top_numbers(items)
    open_items = [i for i in items if i.outcome is None]
    if open_items:
        titles = ", ".join(f"TOP {numbers[i.id or 0]}" for i in open_items)
        return f"Für folgende Tagesordnungspunkte fehlt das Ergebnis: {titles}"
    return None


def minutes_signatures_complete(ctx: FiringContext) -> str | None:
    """§ 38 Abs. 2 S. 1 GemO: all who must sign have signed (``unsigned``)."""
    missing = unsigned(ctx.session, _meeting(ctx))
    return f"Es fehlen Unterschriften: {', '.join(missing)}" if missing else None


def unsigned(session: Session, meeting: Meeting) -> list[str]:
    """Who has yet to sign the minutes, in words (§ 38 Abs. 2 S. 1 GemO): the person who
    chaired this session, two councillors who took part (neither the chair nor the mayor),
    and the Schriftführer (checked when signing); empty when all have signed."""
    rows = session.exec(
        select(MinutesSignature).where(MinutesSignature.meeting_id == meeting.id)
    ).all()
    participants = councillor_signers(session, meeting)
    chair = meeting.chair_person_id is not None and any(
        r.capacity == "chair" and r.person_id == meeting.chair_person_id for r in rows
    )
    secretary = any(r.capacity == "secretary" for r in rows)
    councillors = {r.person_id for r in rows if r.capacity == "councillor"} & participants
    body = session.get(Body, meeting.body_id)
    return missing_minutes_signatures(
        chair=chair,
        councillors=len(councillors),
        secretary=secretary,
        members=member_words(body.kind if body is not None else ""),
    )


def unsigned_note(missing: list[str]) -> str:
    """The draft minutes' note, on the page and in the Niederschrift alike."""
    if not missing:
        return "Entwurf, alle Unterschriften liegen vor"
    return f"Entwurf; es fehlen noch die Unterschriften: {', '.join(missing)}"


def no_pending_proposals(ctx: FiringContext) -> str | None:
    pending = [
        i
        for i in agenda(ctx.session, _meeting(ctx).id or 0)
        if i.proposal_id is not None and i.outcome is None
    ]
    if pending:
        return "Vorlagen auf der Tagesordnung müssen zuerst abgesetzt werden"
    return None


def record_invitation(ctx: FiringContext) -> None:
    meeting = _meeting(ctx)
    meeting.invited_at = ctx.now
    emergency = data_text(ctx, "emergency_reason")
    if emergency:
        meeting.emergency = True
        meeting.emergency_reason = emergency
    if meeting.emergency:
        # § 34 Abs. 2 GemO: an emergency session is convened "ohne Frist".
        for deadline in ctx.session.exec(
            select(Deadline).where(
                Deadline.instance_type == "meeting",
                Deadline.instance_id == meeting.id,
                Deadline.rule == "invitation",
                Deadline.status == "open",
            )
        ):
            deadline.status = "waived"
            deadline.waived_reason = f"Notsitzung (§ 34 Abs. 2 GemO): {meeting.emergency_reason}"
            deadline.closed_at = ctx.now
            ctx.session.add(deadline)
            skip_pending(ctx.session, deadline.id or 0, note="Notsitzung")
    meeting.late_invitation_reason = data_text(ctx, "late_reason")
    ctx.audit_data.update(emergency=meeting.emergency)
    notice = second_session_notice(ctx.session, meeting)
    if notice:  # § 37 Abs. 3 S. 1 GemO: the invitation points out the lowered quorum
        ctx.audit_data.update(second_session_notice=notice)


GUARDS = [
    Guard("has_agenda_items", has_agenda_items),
    Guard("invitation_in_time", invitation_in_time, "§ 34 Abs. 1 und 2 GemO"),
    Guard("meeting_day_reached", meeting_day_reached, premise=True),
    Guard("attendance_recorded", attendance_recorded, "§§ 36, 38 GemO"),
    Guard("meeting_quorate", meeting_quorate, "§ 37 Abs. 2 und 3 GemO"),
    Guard("all_items_handled", all_items_handled),
    Guard("minutes_signatures_complete", minutes_signatures_complete, "§ 38 Abs. 2 GemO"),
    Guard("no_pending_proposals", no_pending_proposals),
]
ACTIONS = [Action("record_invitation", record_invitation)]
