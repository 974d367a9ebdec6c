"""Vorlagen: the list with filters and search, one Vorlage with its actions, and doing one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.ui.action_forms import ActionForm, ActionInput
from api.ui.action_warnings import (
    NO_EXECUTION_TASK,
    DueOnEntry,
    due_on_entry,
    never_had_execution_task,
)
from api.ui.actions import done_words, fire_action, page_actions, read_input, split_options, told_to
from api.ui.document_links import proposal_documents
from api.ui.drafts import council_named_warning
from api.ui.history import history_entries
from api.ui.kinds import KIND_OPTIONS, kind_context
from api.ui.routes.agenda import add_proposal_item
from api.ui.routes.legality import proposal_summaries
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    changed_meanwhile,
    error_status,
    error_text,
    flash,
    public_page_instead,
    redirect,
    render,
    workflows_of,
)
from workflow.agenda_numbers import top_number
from workflow.collation import german_key
from workflow.context import local_date
from workflow.digits import as_id, as_number
from workflow.errors import NotFound, StaleVersion, WorkflowError
from workflow.models import (
    AgendaItem,
    AuditEvent,
    Body,
    Deadline,
    ExecutionTask,
    Meeting,
    Municipality,
    Proposal,
    User,
)
from workflow.queries import cosignatures, deciding_body, steps
from workflow.rules.late_items import LATE
from workflow.services import bias_notices, listing, my_tasks
from workflow.services.deadline_service import list_deadlines
from workflow.services.proposals import AUTHOR_ROLES, EXECUTION_ROLES
from workflow.services.publication import PUBLICATION_ROLES
from workflow.settings import Settings
from workflow.wording import municipality_wording

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
# Before the vote: the Beschlussvorschlag can still be corrected (by a return, at the latest
# in the session), so a text naming the wrong body is pointed out.
UNDECIDED = ("draft", "cosigning", "awaiting_release", "ready", "scheduled")
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PAGE_SIZE = 50
Text = Annotated[str | None, Query(max_length=200)]


def _year(text: str | None) -> int | None:
    return as_number(text or "", low=1900, high=2999)


@router.get("/vorlagen")
def proposal_list(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    zustand: Text = None,
    gremium: Text = None,
    jahr: Text = None,
    amt: Text = None,
    suche: Text = None,
    art: Text = None,
    gemeinde: Text = None,
    weiter: Text = None,
) -> Response:
    workflows = workflows_of(request)
    spec = workflows.latest("proposal").spec
    wording = municipality_wording(session, user.actor.municipality_id)
    states = [(s.name, wording.state(spec, s.name)) for s in spec.states]
    state = zustand if zustand in {s for s, _ in states} else None
    towns = _towns(session, user)
    town = next((t.id for t in towns if str(t.id) == gemeinde), None)
    bodies = _body_options(session, user, towns)
    body_id = next((int(k) for k, _ in bodies if k == gremium), None)
    filters = listing.ProposalFilter(
        state=state,
        body_id=body_id,
        year=_year(jahr),
        department=amt or None,
        q=suche or None,
        municipality_id=user.actor.municipality_id or town,
        kind=art if art in dict(KIND_OPTIONS) else None,
    )
    try:
        page = listing.list_proposals(
            session=session,
            actor=user.actor,
            now=now,
            filters=filters,
            limit=PAGE_SIZE,
            cursor=weiter,
        )
    except WorkflowError:  # a tampered cursor: start again from the first page
        page = listing.list_proposals(
            session=session, actor=user.actor, now=now, filters=filters, limit=PAGE_SIZE
        )
    params = {"zustand": state or "", "gremium": str(body_id or ""), "jahr": jahr or "",
              "amt": amt or "", "suche": suche or "",
              "art": art if art in dict(KIND_OPTIONS) else "",
              "gemeinde": str(town or "")}  # fmt: skip
    # Without a municipality of one's own (the Landratsamt) the list spans many: each row
    # names its municipality, and the district's can be chosen.
    without_town = user.actor.municipality_id is None
    context = {
        "page": page,
        "towns": [(str(t.id), t.name) for t in towns],
        "town_names": _town_names(session, page.items) if without_town else {},
        "states": states,
        "bodies": bodies,
        "kinds": KIND_OPTIONS,
        "departments": [(d, d) for d in listing.departments(session=session, actor=user.actor)],
        "params": params,
        "years": [(str(y), str(y)) for y in range(local_date(now).year + 1, 2019, -1)],
        "can_create": user.role in ("clerk", "cosigner", "mayor"),
    }
    template = (
        "vorlagen/_results.html" if request.headers.get("HX-Request") else "vorlagen/list.html"
    )
    return render(request, template, context)


def _towns(session: Session, user: PageUser) -> list[Municipality]:
    """The municipalities a user without one of his own oversees (the coordinator's
    district), in German order; none for a municipality's own users."""
    if user.actor.municipality_id is not None or user.actor.district_id is None:
        return []
    rows = session.exec(
        select(Municipality).where(Municipality.district_id == user.actor.district_id)
    )
    return sorted(rows, key=lambda t: german_key(t.name))


def _town_names(session: Session, proposals: list[Proposal]) -> dict[int, str]:
    ids = {p.municipality_id for p in proposals}
    if not ids:
        return {}
    rows = session.exec(select(Municipality).where(col(Municipality.id).in_(ids)))
    return {t.id or 0: t.name for t in rows}


def _body_options(
    session: Session, user: PageUser, towns: list[Municipality]
) -> list[tuple[str, str]]:
    """The Gremium filter's choices: the bodies of the user's municipality; for a user who
    oversees several (the Landratsamt), those of each, named with their municipality
    ("Ilsfeld – Gemeinderat": every town has one) and in the order of the towns."""
    if user.actor.municipality_id is not None:
        rows = session.exec(
            select(Body)
            .where(Body.municipality_id == user.actor.municipality_id)
            .order_by(col(Body.name))
        )
        return [(str(b.id), b.name) for b in rows]
    if not towns:
        return []
    names = {t.id: t.name for t in towns}
    rows = session.exec(select(Body).where(col(Body.municipality_id).in_(list(names))))
    order = {t.id: i for i, t in enumerate(towns)}
    bodies = sorted(rows, key=lambda b: (order[b.municipality_id], german_key(b.name)))
    return [(str(b.id), f"{names[b.municipality_id]} – {b.name}") for b in bodies]


def _plan(session: Session, user: PageUser, proposal: Proposal) -> list[dict[str, object]]:
    """The Beratungsfolge as the pages show it: each step with its body, its meeting once
    scheduled, and where it stands (done, current, next, later)."""
    assert proposal.id is not None
    plan: list[dict[str, object]] = []
    for step in steps(session, proposal.id):
        body = session.get(Body, step.body_id)
        meeting = None
        if step.agenda_item_id is not None:
            meeting = session.exec(
                select(Meeting)
                .join(AgendaItem, col(AgendaItem.meeting_id) == col(Meeting.id))
                .where(AgendaItem.id == step.agenda_item_id)
            ).first()
        if step.outcome or step.position < proposal.current_step:
            status = "done"
        elif step.position == proposal.current_step and proposal.state not in ("draft",):
            status = "current"
        elif any(p["status"] in ("next", "later") for p in plan):
            status = "later"  # after the next step: "danach", not "als Nächstes" again
        else:
            status = "next"
        # § 18 Abs. 4 S. 1 GemO: a member of the body tells the chair from the meeting's page
        notify = meeting is not None and bias_notices.may_notify(session, user.actor, meeting)
        plan.append(
            {"step": step, "body": body, "meeting": meeting, "status": status, "notify": notify}
        )
    return plan


def _detail_context(
    request: Request, session: Session, user: PageUser, proposal: Proposal, now: NowDep
) -> dict[str, object]:
    workflows = workflows_of(request)
    assert proposal.id is not None
    plan = _plan(session, user, proposal)
    signatures = []
    for signature in cosignatures(session, proposal.id):
        signer = session.get(User, signature.user_id)
        signatures.append({"signature": signature, "name": signer.full_name if signer else ""})
    forms: list[ActionForm] = []
    warnings: dict[str, list[DueOnEntry]] = {}
    blocked: list[object] = []
    history: list[dict[str, object]] = []
    deadlines: list[object] = []
    if (
        user.actor.municipality_id == proposal.municipality_id
        or user.role == "district_coordinator"
    ):
        found = page_actions(session, workflows, user.actor, "proposal", proposal.id, now)
        forms, blocked_list = split_options(session, proposal, found.options, now)
        blocked = list(told_to(blocked_list, user.role))
        warnings = due_on_entry(session, workflows, user.actor, proposal, forms, now)
        try:
            history = history_entries(workflows, session, user.actor, proposal)
        except NotFound:
            history = []
        deadlines = list(
            list_deadlines(
                session=session,
                workflows=workflows,
                actor=user.actor,
                instance_type="proposal",
                instance_id=proposal.id,
            )
        )
    returned_rounds = _returned_rounds(session, proposal.id, deadlines)
    # The remark of a return is read with the Verlauf it comes from: the municipality's users.
    returned = my_tasks.latest_return(session, proposal) if history else None
    execution: list[tuple[ExecutionTask, str]] = []
    if user.actor.municipality_id == proposal.municipality_id:
        execution = _open_execution_tasks(session, proposal.id)
    return {
        "proposal": proposal,
        **proposal_documents(session, user.actor, proposal),
        "plan": plan,
        "signatures": signatures,
        "forms": forms,
        "due_on_entry": warnings,
        "blocked": blocked,
        "history": history,
        "deadlines": deadlines,
        "returned_rounds": returned_rounds,
        "draft_warning": council_named_warning(
            proposal.resolution_text, deciding_body(session, proposal)
        )
        if proposal.state in UNDECIDED
        else None,
        "execution_tasks": execution,
        "can_add_execution_task": proposal.state == "final"
        and user.role in EXECUTION_ROLES
        and user.actor.municipality_id == proposal.municipality_id,
        "returned": returned,
        "today": local_date(now),
        "author": session.get(User, proposal.author_id) if proposal.author_id else None,
        "can_publish": proposal.public
        and user.role in PUBLICATION_ROLES
        and user.actor.municipality_id == proposal.municipality_id,
        "can_edit": proposal.state == "draft"
        and user.role in AUTHOR_ROLES
        and user.actor.municipality_id == proposal.municipality_id,
        **kind_context(session, user, proposal, now),
    }


def _open_execution_tasks(session: Session, proposal_id: int) -> list[tuple[ExecutionTask, str]]:
    """The Vorlage's open execution tasks with who is responsible: "Vollzug abschließen"
    waits for them, so the page names them (the Beschlusskontrolle closes them)."""
    rows = session.exec(
        select(ExecutionTask, User)
        .join(User, col(User.id) == col(ExecutionTask.owner_id), isouter=True)
        .where(ExecutionTask.proposal_id == proposal_id, ExecutionTask.status == "open")
        .order_by(col(ExecutionTask.id))
    )
    return [(task, owner.full_name if owner else "") for task, owner in rows]


def _returned_rounds(session: Session, proposal_id: int, deadlines: Sequence[object]) -> set[int]:
    """The ids of the deadlines a return to the author ended (``return_to_author``): that
    round was given back, neither done nor dropped, and the page says so ("zurückgegeben")
    beside the next round's deadline of the same name. The engine closes them as
    "cancelled" at the return's instant (``workflow.deadlines.lifecycle``); rows closed by
    a return before that change say "met", and read as returned too."""
    lapsed = [
        d
        for d in deadlines
        if isinstance(d, Deadline) and d.status in ("cancelled", "met") and d.closed_at is not None
    ]
    if not lapsed:
        return set()
    returns = session.exec(
        select(AuditEvent.at).where(
            AuditEvent.instance_type == "proposal",
            AuditEvent.instance_id == proposal_id,
            AuditEvent.trigger == "return_to_author",
        )
    ).all()
    instants = {at.replace(tzinfo=None) for at in returns}
    return {
        d.id or 0
        for d in lapsed
        if d.closed_at is not None and d.closed_at.replace(tzinfo=None) in instants
    }


def _invited_meeting(session: Session, trigger: str, given: ActionInput) -> Meeting | None:
    """The meeting chosen for ``schedule`` when the item would be a Nachtrag (§ 34 GemO)."""
    chosen = given.data.get("meeting_id")
    if trigger != "schedule" or not isinstance(chosen, int):
        return None
    meeting = session.get(Meeting, chosen)
    return meeting if meeting is not None and meeting.state in LATE else None


def _schedule_as_nachtrag(
    request: Request,
    session: Session,
    user: PageUser,
    now: NowDep,
    settings: Settings,
    proposal_id: int,
    version: int | None,
    meeting: Meeting,
) -> Response:
    """A Nachtrag takes the way the meeting's page adds one: the agenda service records it
    on the meeting too, and the members receive it by e-mail (§ 34 Abs. 1 GemO)."""
    if version is None:
        raise StaleVersion(expected=None, actual=None)
    assert meeting.id is not None
    item = add_proposal_item(
        request,
        session,
        user,
        now,
        settings,
        meeting_id=meeting.id,
        meeting_version=meeting.version,
        proposal_id=proposal_id,
        proposal_version=version,
    )
    flash(
        request,
        f"Die Vorlage steht als Nachtrag zur Tagesordnung unter TOP {top_number(session, item)} "
        "auf der Tagesordnung; die Mitglieder erhalten den Nachtrag per E-Mail "
        "(§ 34 Abs. 1 GemO).",
    )
    return redirect(f"/vorlagen/{proposal_id}")


@router.get("/vorlagen/{proposal_id}")
def proposal_detail(
    request: Request, proposal_id: ProposalId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
    elsewhere = public_page_instead(user, proposal.municipality_id, f"/vorlagen/{proposal_id}")
    if elsewhere is not None:
        return elsewhere
    context = _detail_context(request, session, user, proposal, now)
    context["legality"] = proposal_summaries(session, user, proposal_id, now)
    return render(request, "vorlagen/detail.html", context)


def _action_form(
    request: Request,
    session: Session,
    user: PageUser,
    proposal: Proposal,
    trigger: str,
    now: NowDep,
) -> ActionForm:
    assert proposal.id is not None
    found = page_actions(session, workflows_of(request), user.actor, "proposal", proposal.id, now)
    forms, blocked = split_options(session, proposal, found.options, now)
    for form in forms:
        if form.trigger == trigger:
            return form
    raise NotFound("Diese Aktion ist für diese Vorlage zurzeit nicht möglich.")


def _action_page(
    request: Request,
    session: Session,
    user: PageUser,
    now: datetime,
    proposal: Proposal,
    form: ActionForm,
    given: ActionInput | None = None,
    *,
    refusal: str | None = None,
    preview: object | None = None,
    status: int = 200,
) -> Response:
    # The same warning as beside the action on the Vorlage page: a deadline this step would
    # open already due (the co-signing ten days before the meeting, § 34 Abs. 1 Satz 1 GemO).
    warnings = due_on_entry(session, workflows_of(request), user.actor, proposal, [form], now)
    context = {
        "proposal": proposal,
        "form": form,
        "given": given or ActionInput(),
        "errors": (given.errors if given else {}),
        "refusal": refusal,
        "preview": preview,
        "due_on_entry": warnings.get(form.trigger, []),
        # what the release sets going: the bodies it goes to, in their order
        "plan": _plan(session, user, proposal) if form.trigger == "release" else [],
        "no_execution_task": NO_EXECUTION_TASK
        if form.trigger == "complete_execution"
        and never_had_execution_task(session, proposal.id or 0)
        else None,
    }
    return render(request, "vorlagen/action.html", context, status=status)


@router.get("/vorlagen/{proposal_id}/aktionen/{trigger}")
def action_page(
    request: Request,
    proposal_id: ProposalId,
    trigger: Annotated[str, Path(max_length=64)],
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
) -> Response:
    proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
    form = _action_form(request, session, user, proposal, trigger, now)
    return _action_page(request, session, user, now, proposal, form)


@router.post("/vorlagen/{proposal_id}/aktionen/{trigger}")
def do_action(
    request: Request,
    proposal_id: ProposalId,
    trigger: Annotated[str, Path(max_length=64)],
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    values: PostedForm,
) -> Response:
    flat: dict[str, object] = {k: values.get(k) for k in values}
    flat["cosigners"] = values.getlist("cosigners")
    version = as_id(str(values.get("version") or ""))
    confirmed = values.get("bestaetigt") == "ja"
    return _do_action(
        request,
        proposal_id,
        trigger,
        user,
        session,
        settings,
        now,
        flat,
        version,
        confirmed,
    )


def _do_action(
    request: Request,
    proposal_id: int,
    trigger: str,
    user: PageUser,
    session: Session,
    settings: Settings,
    now: NowDep,
    values: dict[str, object],
    version: int | None,
    confirmed: bool,
) -> Response:
    proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
    try:
        form = _action_form(request, session, user, proposal, trigger, now)
    except NotFound:
        if version is None or version == proposal.version:
            raise
        return changed_meanwhile(request, "Die Vorlage", f"/vorlagen/{proposal_id}")
    given = read_input(form, values)
    if given.errors:
        return _action_page(request, session, user, now, proposal, form, given, status=422)
    workflows = workflows_of(request)
    spec = workflows.get(proposal.definition_name, proposal.definition_version).spec
    nachtrag = _invited_meeting(session, trigger, given)
    dry_run = form.legal and not confirmed
    try:
        if nachtrag is not None:
            return _schedule_as_nachtrag(
                request, session, user, now, settings, proposal_id, version, nachtrag
            )
        fired = fire_action(
            session=session,
            workflows=workflows,
            actor=user.actor,
            proposal_id=proposal_id,
            trigger=trigger,
            version=version,
            given=given,
            now=now,
            base_url=settings.link_base(str(request.base_url)),
            dry_run=dry_run,
        )
    except WorkflowError as exc:
        session.expire_all()
        proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
        return _action_page(
            request,
            session,
            user,
            now,
            proposal,
            form,
            given,
            refusal=error_text(exc, spec),
            status=error_status(exc),
        )
    if dry_run:
        session.expire_all()
        proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
        return _action_page(request, session, user, now, proposal, form, given, preview=fired)
    noun = "Vorlage" if proposal.kind == "beschluss" else proposal.kind_label
    flash(request, done_words(f"{noun} {proposal.label}", fired))
    return redirect(f"/vorlagen/{proposal_id}")
