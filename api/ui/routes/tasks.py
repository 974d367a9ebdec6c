"""Meine Aufgaben, the home page: what to do now, what waits for others, deadlines, changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fastapi import APIRouter, Request
from sqlmodel import Session, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.action_warnings import NO_EXECUTION_TASK, never_had_execution_task
from api.ui.formatting import date_de
from api.ui.history import event_label
from api.ui.links import action_path, instance_path
from api.ui.meeting_views import body_names
from api.ui.routes.council_requests import next_steps
from api.ui.routes.deadlines import duty_rows, rows_of
from api.ui.web import PageRoute, PageUserDep, render, ui_session, workflows_of
from workflow.context import Actor, local_date
from workflow.definitions.machines import Workflows
from workflow.definitions.spec import DefinitionSpec
from workflow.deputies import member_on
from workflow.models import Deadline, Meeting, Membership, Proposal
from workflow.roles import AUTHOR_ROLES
from workflow.services import listing, my_tasks, news_since
from workflow.services.announcements import HELD
from workflow.services.transition import KINDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DEFAULT_LOOKBACK = timedelta(days=14)


@dataclass(frozen=True)
class TaskRow:
    """One entry of "Jetzt zu erledigen": a step of a definition, or an execution task."""

    title: str
    href: str
    note: str
    actions: list[tuple[str, str]]
    due: date | None
    returned: my_tasks.Return | None = None  # a draft back with a remark to work in


@dataclass(frozen=True)
class DueRow:
    """One line of "Meine Fristen": a deadline, or a date without a deadline row (no
    ``deadline``): an execution task's target, or the last day of what a coming session
    still owes (``deadlines.duty_rows``)."""

    label: str
    title: str
    href: str
    due: date
    deadline: Deadline | None = None


# How many of a councillor's coming sessions the home page lists (the rest: /sitzungen).
MY_MEETINGS = 5


def my_meetings(session: Session, actor: Actor, today: date) -> list[Meeting]:
    """A councillor's coming sessions: those of the bodies the person sits in on the day
    (§ 31 GemO: from the seat's start to its end), the invitation and its papers being what a
    member works on before a session (§ 34 Abs. 1 GemO)."""
    if actor.person_id is None or actor.municipality_id is None:
        return []
    seats = list(session.exec(select(Membership).where(Membership.person_id == actor.person_id)))
    if not seats:
        return []
    coming = listing.meetings_between(
        session=session, actor=actor, municipality_id=actor.municipality_id, start=today
    )
    mine = [
        m
        for m in coming
        if m.state not in HELD
        and any(s.body_id == m.body_id and member_on(s, m.meeting_date) for s in seats)
    ]
    return mine[:MY_MEETINGS]


def _since(request: Request, now: datetime) -> datetime:
    raw = ui_session(request).since
    try:
        since = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        since = None
    return since if since is not None and since.tzinfo is not None else now - DEFAULT_LOOKBACK


def admin_start(request: Request, workflows: Workflows) -> Response:
    """The admin's start page: he keeps users, bodies and definitions and handles no
    resolutions (no step of any definition is his), so no tasks and no "Neu seit" of
    Vorlagen and Sitzungen, but the ways into Verwaltung and the Abläufe."""
    latest: dict[str, DefinitionSpec] = {}
    for wf in workflows:
        known = latest.get(wf.spec.name)
        if known is None or known.version < wf.spec.version:
            latest[wf.spec.name] = wf.spec
    specs = sorted(latest.values(), key=lambda spec: spec.title)
    return render(request, "start_admin.html", {"specs": specs})


@router.get("/")
def home(request: Request, user: PageUserDep, session: SessionDep, now: NowDep) -> Response:
    workflows = workflows_of(request)
    if user.role == "admin":
        return admin_start(request, workflows)
    actor = user.actor
    work = my_tasks.open_work(session=session, workflows=workflows, actor=actor, now=now)
    since = _since(request, now)
    today = local_date(now)
    rows: list[TaskRow] = []
    for task in work.tasks:
        instance = session.get(KINDS[task.kind], task.instance_id)
        note = f"Stand: {task.state_label}"
        if (
            isinstance(instance, Proposal)
            and any(o.trigger == "complete_execution" for o in task.actions)
            and never_had_execution_task(session, task.instance_id)
        ):
            note += f". {NO_EXECUTION_TASK}"
        rows.append(
            TaskRow(
                title=task.title,
                href=instance_path(task.kind, instance),
                note=note,
                actions=[
                    (o.label, action_path(task.kind, instance, o.trigger)) for o in task.actions
                ],
                due=task.due,
                returned=my_tasks.latest_return(session, instance)
                if isinstance(instance, Proposal)
                else None,
            )
        )
    for duty in work.duties:
        rows.append(
            TaskRow(
                title=f"Vollzugsaufgabe: {duty.task.title}",
                href=f"/beschlusskontrolle#aufgabe-{duty.task.id}",
                note=f"Zum Beschluss {my_tasks.proposal_title(duty.proposal)}",
                actions=[],
                due=duty.task.target_date,
            )
        )
    # § 34 Abs. 1, § 37 Abs. 1 S. 1 GemO: a session whose day passed is moved or cancelled
    for missed in work.missed:
        rows.append(
            TaskRow(
                title=f"{my_tasks.meeting_title(session, missed.meeting)} {missed.task}",
                href=f"{instance_path('meeting', missed.meeting)}#nicht-durchgefuehrt",
                note=missed.advice,
                actions=[],
                due=missed.meeting.meeting_date,
            )
        )
    # § 34 Abs. 1 S. 7 GemO: a coming public session is announced and the fact recorded
    for due in work.announcements:
        rows.append(
            TaskRow(
                title=f"{my_tasks.meeting_title(session, due.meeting)}: ortsüblich bekannt geben",
                href=f"{instance_path('meeting', due.meeting)}#ortsuebliche-bekanntgabe",
                note=due.advice,
                actions=[],
                due=due.latest,
            )
        )
    # § 34 Abs. 1 S. 1 GemO: members no e-mail reached are invited in writing, recorded
    for unrecorded in work.written:
        rows.append(
            TaskRow(
                title=f"{my_tasks.meeting_title(session, unrecorded.meeting)}: schriftliche "
                "Einladung erfassen",
                href=f"{instance_path('meeting', unrecorded.meeting)}#schriftlich",
                note=f"Keine Einladung per E-Mail erreicht: "
                f"{', '.join(p.name for p in unrecorded.people)}. Laden Sie sie schriftlich ein "
                "und erfassen Sie den Tag des Versands (§ 34 Abs. 1 Satz 1 GemO).",
                actions=[],
                due=unrecorded.latest,
            )
        )
    # § 34 Abs. 1 S. 3-6 GemO: an Antrag that came in waits for the agenda or a refusal
    # (by the Stellvertretung while the holder is away, workflow.deputies)
    for waiting in work.requests:
        motion, acting = waiting.request, waiting.acting
        steps = next_steps(user.role, acting.role)
        if acting.on_behalf_of_name:
            steps += f" (in Vertretung für {acting.on_behalf_of_name})"
        rows.append(
            TaskRow(
                title=my_tasks.request_title(motion),
                href=f"/antraege/{motion.id}",
                note=f"Eingegangen am {date_de(motion.received_on)}: {steps}",
                actions=[],
                due=waiting.due,
            )
        )
    rows.sort(key=lambda r: (r.due is None, r.due or date.max))
    deadlines = my_tasks.my_deadlines(session=session, workflows=workflows, actor=actor)
    # What each deadline belongs to, as /fristen names it ("Sitzung des … am …"), and the
    # target dates of the user's execution tasks among them, by day.
    dated: list[DueRow] = [
        DueRow(r.deadline.label, r.title, r.href, r.deadline.due_date, r.deadline)
        for r in rows_of(session, deadlines, today)
        if isinstance(r.deadline, Deadline)  # rows of deadlines only: all of them
    ]
    dated += [
        DueRow(
            f"Vollzugsaufgabe: {d.task.title}",
            my_tasks.proposal_title(d.proposal),
            f"/beschlusskontrolle#aufgabe-{d.task.id}",
            d.task.target_date,
        )
        for d in work.duties
        if d.task.target_date is not None
    ]
    # what a coming session still owes, as /fristen lists it (``deadlines.duty_rows``)
    dated += [
        DueRow(r.deadline.label, r.title, r.href, r.deadline.due_date)
        for r in duty_rows(session, work.announcements, work.written, today)
    ]
    dated.sort(key=lambda r: r.due)
    context = {
        "rows": rows,
        "waiting": my_tasks.waiting_for_others(session=session, workflows=workflows, actor=actor),
        # only who writes or signs Vorlagen has Vorlagen that wait on others
        "authors": user.role in AUTHOR_ROLES,
        "deadlines": dated,
        "changes": news_since.by_object(
            news_since.changes_since(session=session, workflows=workflows, actor=actor, since=since)
        ),
        "since": since,
        "event_label": event_label,
        "instance_path": instance_path,
        "today": today,
        # Ein Ratsmitglied: seine nächsten Sitzungen, mit Tag, Beginn und Ort
        "meetings": my_meetings(session, actor, today) if user.role == "council_member" else [],
        "bodies": body_names(session, actor.municipality_id),
    }
    return render(request, "tasks.html", context)
