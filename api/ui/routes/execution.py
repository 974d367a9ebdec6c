"""Beschlusskontrolle: the execution tasks of each resolution, with owner, target date and
traffic light; closing one (done or not feasible, with a note) and adding one go through the
same services as the JSON API (``workflow.services.proposals``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui import formatting
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
    render,
)
from workflow.access import proposal_read_clause
from workflow.context import Actor, local_date
from workflow.digits import as_id
from workflow.errors import NotFound, WorkflowError
from workflow.models import ExecutionTask, Proposal, User
from workflow.services import proposals as proposal_service
from workflow.services.proposals import EXECUTION_ROLES, may_own_execution_task

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CLOSED_WORDS = {"done": ("erledigt", "success"), "not_feasible": ("nicht umsetzbar", "danger")}


@dataclass
class Group:
    proposal: Proposal
    tasks: list[tuple[ExecutionTask, str]] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for t, _ in self.tasks if t.status == "open")


def task_light(task: ExecutionTask, today: date) -> tuple[str, str]:
    """The traffic light of a task in words: closed ones say how, open ones how due."""
    if task.status in CLOSED_WORDS:
        return CLOSED_WORDS[task.status]
    if task.target_date is None:
        return "offen, ohne Zieldatum", "info"
    return formatting.due_in_words(task.target_date, today)


def _groups(session: Session, user: PageUser) -> list[Group]:
    rows = session.exec(
        select(ExecutionTask, Proposal)
        .join(Proposal, col(Proposal.id) == col(ExecutionTask.proposal_id))
        .where(
            Proposal.municipality_id == user.actor.municipality_id,
            proposal_read_clause(user.actor),
        )
        .order_by(col(Proposal.year).desc(), col(Proposal.number).desc(), col(ExecutionTask.id))
    ).all()
    # the names of all who hold a task, also one no longer offered (disabled, another role)
    holders = {task.owner_id for task, _ in rows if task.owner_id is not None}
    owners = {
        u.id: u.full_name for u in session.exec(select(User).where(col(User.id).in_(holders)))
    }
    groups: dict[int, Group] = {}
    for task, proposal in rows:
        group = groups.setdefault(proposal.id or 0, Group(proposal))
        group.tasks.append((task, owners.get(task.owner_id, "") if task.owner_id else ""))
    # resolutions with open tasks first
    return sorted(groups.values(), key=lambda g: g.open_count == 0)


def open_targets(session: Session, actor: Actor) -> list[tuple[ExecutionTask, Proposal]]:
    """The open execution tasks with a target date that ``actor`` reads here (those of his
    municipality's readable resolutions), for the Fristen page."""
    if actor.municipality_id is None:
        return []
    return list(
        session.exec(
            select(ExecutionTask, Proposal)
            .join(Proposal, col(Proposal.id) == col(ExecutionTask.proposal_id))
            .where(
                Proposal.municipality_id == actor.municipality_id,
                proposal_read_clause(actor),
                ExecutionTask.status == "open",
                col(ExecutionTask.target_date).is_not(None),
            )
            .order_by(col(ExecutionTask.target_date), col(ExecutionTask.id))
        ).all()
    )


def _owners(session: Session, user: PageUser) -> list[User]:
    """Who may be named responsible: the people who can close the task themselves."""
    town = user.actor.municipality_id
    rows = session.exec(
        select(User).where(User.municipality_id == town).order_by(col(User.full_name))
    )
    return [u for u in rows if town is not None and may_own_execution_task(u, town)]


def _final_proposals(session: Session, user: PageUser) -> list[Proposal]:
    return list(
        session.exec(
            select(Proposal)
            .where(
                Proposal.municipality_id == user.actor.municipality_id,
                Proposal.state == "final",
                proposal_read_clause(user.actor),
            )
            .order_by(col(Proposal.year).desc(), col(Proposal.number).desc())
        )
    )


def _page(
    request: Request,
    session: Session,
    user: PageUser,
    today: date,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    can_edit = user.role in EXECUTION_ROLES and user.actor.municipality_id is not None
    groups = _groups(session, user) if user.actor.municipality_id is not None else []
    context = {
        "groups": groups,
        "today": today,
        "can_edit": can_edit,
        "light": task_light,
        "proposals": [
            (str(p.id), f"Vorlage {p.label}: {p.title}") for p in _final_proposals(session, user)
        ]
        if can_edit
        else [],
        "owners": [(str(u.id), u.full_name) for u in _owners(session, user)] if can_edit else [],
        "errors": errors or {},
        "given": given or {},
        "open_total": sum(g.open_count for g in groups),
    }
    return render(request, "beschlusskontrolle.html", context, status=status)


@router.get("/beschlusskontrolle")
def execution_list(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    vorlage: Annotated[str, Query()] = "",
) -> Response:
    """``?vorlage=ID`` (the link "Vollzugsaufgabe anlegen" on a Vorlage's page) chooses that
    Beschluss in the form; any other value is ignored (the form's list decides)."""
    return _page(request, session, user, local_date(now), given={"vorlage": vorlage[:12]})


@router.post("/beschlusskontrolle/{task_id}/abschliessen")
def close_task(
    request: Request,
    task_id: TaskId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    outcome = str(form.get("ergebnis") or "")
    note = str(form.get("vermerk") or "").strip() or None
    if outcome not in CLOSED_WORDS:
        flash(
            request, "Bitte wählen Sie, ob die Aufgabe erledigt oder nicht umsetzbar ist.", "danger"
        )
        return redirect(f"/beschlusskontrolle#aufgabe-{task_id}")
    if outcome == "not_feasible" and note is None:
        flash(
            request,
            "Bitte begründen Sie im Vermerk, warum die Aufgabe nicht umsetzbar ist.",
            "danger",
        )
        return redirect(f"/beschlusskontrolle#aufgabe-{task_id}")
    try:
        with session.begin_nested():
            task = proposal_service.close_execution_task(
                session=session,
                actor=user.actor,
                now=now,
                task_id=task_id,
                status=outcome,
                note=note,
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        flash(request, error_text(exc), "danger")
        return redirect("/beschlusskontrolle")
    words, _ = CLOSED_WORDS[outcome]
    flash(request, f"Die Vollzugsaufgabe „{task.title}“ ist als {words} vermerkt.")
    return redirect(f"/beschlusskontrolle#aufgabe-{task_id}")


@router.post("/beschlusskontrolle")
def add_task(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    given = {
        k: str(form.get(k) or "").strip() for k in ("vorlage", "titel", "zustaendig", "zieldatum")
    }
    errors: dict[str, str] = {}
    proposal_id = as_id(given["vorlage"])
    if proposal_id is None:
        errors["vorlage"] = "Bitte wählen Sie den Beschluss aus."
    if not given["titel"]:
        errors["titel"] = "Bitte beschreiben Sie die Aufgabe."
    elif len(given["titel"]) > 500:
        errors["titel"] = "Bitte fassen Sie die Aufgabe in höchstens 500 Zeichen."
    owners = {str(u.id): u for u in _owners(session, user)}
    if given["zustaendig"] and given["zustaendig"] not in owners:
        errors["zustaendig"] = "Bitte wählen Sie eine Person aus der Liste."
    today = local_date(now)
    target = formatting.parse_date_de(given["zieldatum"]) if given["zieldatum"] else None
    if given["zieldatum"] and target is None:
        example = formatting.date_example(today + timedelta(weeks=6))
        errors["zieldatum"] = f"Bitte geben Sie das Zieldatum als Datum an, {example}."
    if errors or proposal_id is None:
        return _page(request, session, user, today, errors=errors, given=given, status=422)
    owner = owners.get(given["zustaendig"])
    try:
        with session.begin_nested():
            proposal_service.add_execution_task(
                session=session,
                actor=user.actor,
                now=now,
                proposal_id=proposal_id,
                title=given["titel"],
                owner_id=owner.id if owner else None,
                target_date=target,
            )
    except WorkflowError as exc:
        errors["vorlage"] = error_text(exc)
        return _page(request, session, user, today, errors=errors, given=given, status=422)
    flash(request, f"Die Vollzugsaufgabe „{given['titel']}“ wurde angelegt.")
    return redirect("/beschlusskontrolle")
