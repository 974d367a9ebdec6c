"""Items added to the agenda after the invitation (§ 34 GemO).

- Before the invitation (planned, agenda): the ordinary agenda.
- Invited: a Nachtrag; it must reach the members within the invitation period of § 34
  Abs. 1 S. 1 ("in der Regel mindestens sieben Tage", the municipality's own period if set),
  counted back from the meeting day like the invitation itself. Later only as an emergency
  with its reason (§ 34 Abs. 2: "In Notfällen kann der Gemeinderat ohne Frist … einberufen
  werden"), which the minutes record.
- In session: only as an emergency with its reason; a public session cannot be extended by
  a matter the public was not told of (§ 34 Abs. 1 S. 7 ortsübliche Bekanntgabe).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from workflow.documents import german
from workflow.models import Meeting
from workflow.rules.meeting_rules import invitation_latest

OPEN = ("planned", "agenda")
LATE = ("invited", "in_session")


def late_addition_refusal(
    session: Session, meeting: Meeting, today: date, urgent_reason: str | None
) -> str | None:
    """Why nothing can be added to the meeting's agenda now, or None."""
    if meeting.state in OPEN:
        if meeting.meeting_date < today:
            return f"Die Sitzung am {german.day(meeting.meeting_date)} liegt in der Vergangenheit"
        return None
    if meeting.state not in LATE:
        return "Die Tagesordnung dieser Sitzung ist abgeschlossen"
    if meeting.state != "in_session" and meeting.meeting_date < today:
        # Not even in an emergency: the session was convened for a day that has passed
        # without it; it cannot open any more (``meeting_day_reached``, § 37 Abs. 1 S. 1).
        return (
            f"Die Sitzung am {german.day(meeting.meeting_date)} liegt in der Vergangenheit "
            "und wurde nicht eröffnet; sagen Sie sie ab und berufen Sie sie für einen neuen "
            "Tag neu ein"
        )
    if urgent_reason:
        return None
    if meeting.state == "in_session":
        return (
            "In der laufenden Sitzung kann die Tagesordnung nur in einem Notfall erweitert "
            "werden; der Grund ist anzugeben (urgent_reason, § 34 Abs. 2 GemO)"
        )
    latest, period = invitation_latest(session, meeting)
    if today <= latest:
        return None
    return (
        f"Ein Nachtrag zur Tagesordnung hätte spätestens am {german.day(latest)} versandt werden "
        f"müssen (§ 34 Abs. 1 Satz 1 GemO: in der Regel mindestens {period.german()} vor dem "
        "Sitzungstag). Später nur als Notfall mit Begründung (urgent_reason, § 34 Abs. 2 GemO)"
    )
