"""The meeting to put a Vorlage on: the choices of the ``schedule`` step's form.

An invited meeting is offered while it can still take the Vorlage as a Nachtrag (§ 34 Abs. 1
GemO, the ``schedule`` guard's rule ``late_addition_refusal``); after a Widerspruch the last
day of the re-decision is named (§ 43 Abs. 2 Satz 4 GemO).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from api.ui import formatting
from api.ui.action_forms import FormField
from workflow.context import local_date
from workflow.meeting_titles import genitive
from workflow.models import Body, Deadline, Meeting, Proposal
from workflow.queries import current_step
from workflow.rules.late_items import late_addition_refusal


def meeting_field(session: Session, proposal: Proposal, now: datetime) -> FormField:
    """The meeting to put the Vorlage on; with none open, which body lacks one and where to
    plan it. An invited meeting is offered while it can still take the Vorlage as a Nachtrag
    (§ 34 Abs. 1 GemO); one past that period is named with the rule (``_meetings``)."""
    step = current_step(session, proposal)
    body = session.get(Body, step.body_id) if step is not None else None
    of = f" {genitive(body.name)}" if body is not None else ""
    options, refusals = _meetings(session, proposal, now)
    refused = " ".join(reason for _, reason in refusals)
    latest = re_decision_due(session, proposal)
    if latest is not None:
        # § 43 Abs. 2 Satz 4 GemO: not refused (the re-decision is owed all the same), said
        refused = (
            f"Nach dem Widerspruch ist erneut zu beschließen in einer Sitzung bis spätestens "
            f"{formatting.date_de(latest)} (höchstens drei Wochen nach der ersten Sitzung, "
            f"§ 43 Abs. 2 Satz 4 GemO). {refused}"
        ).strip()
    missing = f"Keine Sitzung{of} mit offener Tagesordnung"
    return FormField(
        "meeting_id",
        "Sitzung",
        "select",
        required=True,
        hint=refused or None,
        options=options,
        missing=f"{missing}. {refused}" if refused else missing,
        missing_link=("neue Sitzung anlegen", "/sitzungen/neu"),
        refusals=refusals,
    )


NACHTRAG = "(Nachtrag zur Tagesordnung)"


def _meetings(
    session: Session, proposal: Proposal, now: datetime
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Meetings of the body of the step now due that take the Vorlage: an open agenda, or an
    invited meeting whose agenda can still take it as a Nachtrag (the rule the ``schedule``
    guard applies, ``late_addition_refusal``); and the invited ones that cannot, with why."""
    step = current_step(session, proposal)
    today = local_date(now)
    latest = re_decision_due(session, proposal)
    query = select(Meeting).where(
        Meeting.municipality_id == proposal.municipality_id,
        col(Meeting.state).in_(("planned", "agenda", "invited")),
        col(Meeting.meeting_date) >= today,
    )
    if step is not None:
        query = query.where(Meeting.body_id == step.body_id)
    options = []
    refusals = []
    for meeting in session.exec(query.order_by(col(Meeting.meeting_date))):
        body = session.get(Body, meeting.body_id)
        text = f"{body.name if body else ''} am {formatting.date_de(meeting.meeting_date)}"
        if latest is not None and meeting.meeting_date > latest:
            text += " – nach der Frist des § 43 Abs. 2 Satz 4 GemO"
        refusal = late_addition_refusal(session, meeting, today, None)
        if refusal is not None:
            refusals.append((str(meeting.id), _no_nachtrag(text, refusal)))
        elif meeting.state == "invited":
            options.append((str(meeting.id), f"{text} {NACHTRAG}"))
        else:
            options.append((str(meeting.id), text))
    return tuple(options), tuple(refusals)


def re_decision_due(session: Session, proposal: Proposal) -> date | None:
    """The last day of the re-decision after a Widerspruch (the open ``re_decision``
    deadline, § 43 Abs. 2 Satz 4 GemO), None when none runs."""
    if proposal.state != "objected":
        return None
    due: date | None = session.exec(
        select(col(Deadline.due_date)).where(
            Deadline.instance_type == "proposal",
            Deadline.instance_id == proposal.id,
            Deadline.rule == "re_decision",
            Deadline.status == "open",
        )
    ).first()
    return due


def _no_nachtrag(meeting: str, refusal: str) -> str:
    """Why an invited meeting takes no Nachtrag now, for this form: an emergency addition,
    with its reason for the minutes, is made on the meeting's page."""
    reason = refusal.replace(
        "(urgent_reason, § 34 Abs. 2 GemO)", "auf der Seite der Sitzung (§ 34 Abs. 2 GemO)"
    )
    return f"Sitzung {meeting}: bereits eingeladen, kein Nachtrag mehr möglich. {reason}."
