"""Meine Aufgaben, the home page: what to do now, what waits for others, deadlines, changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.formatting import EVENT_LABELS
from api.ui.links import action_path, instance_path
from api.ui.routes.deadlines import rows_of
from api.ui.web import PageRoute, PageUserDep, render, ui_session, workflows_of
from workflow.context import local_date
from workflow.services import my_tasks
from workflow.services.transition import KINDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DEFAULT_LOOKBACK = timedelta(days=14)


def _since(request: Request, now: datetime) -> datetime:
    raw = ui_session(request).since
    try:
        since = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        since = None
    return since if since is not None and since.tzinfo is not None else now - DEFAULT_LOOKBACK


@router.get("/")
def home(request: Request, user: PageUserDep, session: SessionDep, now: NowDep) -> Response:
    workflows = workflows_of(request)
    actor = user.actor
    tasks = my_tasks.tasks(session=session, workflows=workflows, actor=actor, now=now)
    since = _since(request, now)
    rows = []
    for task in tasks:
        instance = session.get(KINDS[task.kind], task.instance_id)
        rows.append(
            {
                "task": task,
                "href": instance_path(task.kind, instance),
                "actions": [
                    (o.label, action_path(task.kind, instance, o.trigger)) for o in task.actions
                ],
            }
        )
    deadlines = my_tasks.my_deadlines(session=session, workflows=workflows, actor=actor)
    context = {
        "rows": rows,
        "waiting": my_tasks.waiting_for_others(session=session, workflows=workflows, actor=actor),
        # What each deadline belongs to, as /fristen names it ("Sitzung des … am …").
        "deadlines": rows_of(session, deadlines, local_date(now)),
        "changes": my_tasks.changes_since(
            session=session, workflows=workflows, actor=actor, since=since
        ),
        "since": since,
        "event_labels": EVENT_LABELS,
        "today": local_date(now),
    }
    return render(request, "tasks.html", context)
