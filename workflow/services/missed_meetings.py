"""Sitzungen whose day has passed without being held or cancelled.

A session opens on the day it was convened for and on no later one (``meeting_day_reached``:
§ 34 Abs. 1, § 37 Abs. 1 S. 1 GemO). A meeting still planned, with its agenda set, or
invited when its day has passed can no longer be held: it is moved to a new day or
cancelled. No step of the definition says so (the steps of its state are moot, and the
ones that help are options nobody is asked to take), so Meine Aufgaben computes the task
here from the meeting's day and state, as it does the execution tasks; it goes when the
meeting is moved (``deadline_service.reschedule_meeting``) or cancelled (``cancel``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from workflow.access import meeting_read_clause
from workflow.context import Actor, local_date
from workflow.documents import german
from workflow.models import Meeting
from workflow.services.common import acting_as
from workflow.wording import mayor_phrase, municipality_wording

# Before the session opens: no minutes, no resolutions yet; "in_session" has been held.
UNHELD = ("planned", "agenda", "invited")
# Before the invitation a meeting is moved (``reschedule_meeting``); after it, cancelled and
# convened anew with a new invitation.
MOVABLE = ("planned", "agenda")
# Who prepares and convenes sessions: the Sitzungsdienst and the mayor (§ 34 Abs. 1, § 43
# Abs. 1 GemO); the mayor alone cancels.
ROLES = ("secretary", "mayor")
LIMIT = 200  # as Meine Aufgaben reads at most so many instances of a kind


@dataclass(frozen=True)
class MissedMeeting:
    meeting: Meeting
    task: str  # what to do, short: the task's name
    advice: str  # why, and how


def missed(meeting: Meeting, today: date) -> bool:
    """Its day has passed and it was neither held nor cancelled."""
    return meeting.state in UNHELD and meeting.meeting_date < today


def task_words(meeting: Meeting) -> str:
    """``nicht durchgeführt: verlegen oder absagen`` (after the invitation: ``absagen und
    neu einberufen``): what is left to do, after the meeting's title."""
    if meeting.state in MOVABLE:
        return "nicht durchgeführt: verlegen oder absagen"
    return "nicht durchgeführt: absagen und neu einberufen"


def advice(meeting: Meeting, mayor: str) -> str:
    """The meeting page's and the task's explanation, in the engine's terms; ``mayor``: the
    title of the municipality's mayor (``wording.Wording.mayor``), who alone cancels."""
    day = german.day(meeting.meeting_date)
    by_mayor = f"durch {mayor_phrase('acc', mayor)}"
    if meeting.state in MOVABLE:
        return (
            f"Die Sitzung war für den {day} vorgesehen und hat nicht stattgefunden. Verlegen "
            "Sie sie auf einen neuen Tag und laden Sie zu diesem ein, oder sagen Sie sie ab "
            f"(Absage {by_mayor})."
        )
    return (
        f"Die Sitzung war für den {day} einberufen und wurde nicht eröffnet; an einem "
        "späteren Tag ist sie nicht ordnungsmäßig einberufen (§ 34 Abs. 1, § 37 Abs. 1 "
        f"Satz 1 GemO). Nach der Einladung wird sie nicht verlegt, sondern abgesagt ({by_mayor}; "
        "Vorlagen auf der Tagesordnung sind zuvor abzusetzen) und für einen neuen Tag neu "
        "einberufen."
    )


def of(meeting: Meeting, today: date, mayor: str) -> MissedMeeting | None:
    """``mayor``: as ``advice``."""
    if not missed(meeting, today):
        return None
    return MissedMeeting(meeting, task_words(meeting), advice(meeting, mayor))


def missed_meetings(*, session: Session, actor: Actor, now: datetime) -> list[MissedMeeting]:
    """The missed meetings of the user's municipality when he (or an office he stands in
    for today) prepares sessions; the oldest first."""
    if actor.municipality_id is None:
        return []
    today = local_date(now)
    if acting_as(session, actor, today, ROLES) is None:
        return []
    rows = session.exec(
        select(Meeting)
        .where(
            meeting_read_clause(actor),
            col(Meeting.municipality_id) == actor.municipality_id,
            col(Meeting.state).in_(UNHELD),
            col(Meeting.meeting_date) < today,
        )
        .order_by(col(Meeting.meeting_date), col(Meeting.id))
        .limit(LIMIT)
    )
    mayor = municipality_wording(session, actor.municipality_id).mayor
    return [MissedMeeting(m, task_words(m), advice(m, mayor)) for m in rows]
