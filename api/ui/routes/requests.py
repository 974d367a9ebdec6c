"""Abfragen des Landratsamts: the list, the coordinator's dashboard with its CSV and the
request's end (close, withdraw), and a municipality's answer page (link a Vorlage, create
one from the request, answer).

The same services as ``api/routes/decision_requests.py``: ``listing`` to read,
``decision_overview`` for the dashboard and CSV, ``transition.fire`` for the answer's steps.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.routes.common import PathId
from api.ui import formatting, overview_order
from api.ui.actions import done_words, page_actions
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
    workflows_of,
)
from workflow.access import proposal_read_clause
from workflow.context import local_date
from workflow.digits import as_id
from workflow.errors import RoleRefused, WorkflowError, not_found
from workflow.models import Body, DecisionRequest, DecisionResponse, Proposal
from workflow.rules.decision_rules import linkable_proposals
from workflow.services import decision_overview, decisions, listing
from workflow.services.transition import fire
from workflow.wording import mayor_phrase, wording_for

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
# Guards the answer form satisfies itself, and the deadline guards that only say which of
# "answer" and "answer_late" applies (the other one is offered instead).
FORM_GUARDS = frozenset({"option_valid", "proposal_of_municipality", "comment_given"})
WHICH_VARIANT = frozenset({"before_reply_deadline", "after_reply_deadline"})
ANSWER_TRIGGERS = ("link_proposal", "answer", "answer_late")
# The Landratsamt decides on an answer given after the reply deadline.
LATE_TRIGGERS = ("accept_late", "reject_late")
# The Landratsamt ends its request: closes it once every answer is settled, or withdraws it
# with a reason (the running answers are withdrawn with it).
END_TRIGGERS = ("close", "cancel")
ENDED_STATES = ("closed", "cancelled")
ENDED = {
    "close": "Die Abfrage „{title}“ ist abgeschlossen. Die Gemeinden können nicht mehr antworten.",
    "cancel": "Die Abfrage „{title}“ ist zurückgezogen; die noch laufenden Antworten der "
    "Gemeinden sind damit erledigt.",
}


def _deadline_words(request: DecisionRequest, today: date, open_: bool) -> tuple[str, str]:
    return formatting.due_in_words(request.reply_deadline, today, "open" if open_ else "met")


@router.get("/abfragen")
def request_list(request: Request, user: PageUserDep, session: SessionDep, now: NowDep) -> Response:
    workflows = workflows_of(request)
    page = listing.list_decision_requests(session=session, actor=user.actor, limit=200)
    today = local_date(now)
    rows = []
    for item in page.items:
        href = f"/abfragen/{item.id}"
        answer = None
        if user.actor.municipality_id is not None and item.id is not None:
            answer = session.exec(
                select(DecisionResponse).where(
                    DecisionResponse.request_id == item.id,
                    DecisionResponse.municipality_id == user.actor.municipality_id,
                )
            ).first()
            if answer is not None:
                href = f"/abfragen/{item.id}/antworten/{answer.id}"
        shown = answer if answer is not None else item
        running = shown.state in ("open", "in_preparation", "sent", "draft")
        running = running and item.state not in ENDED_STATES
        rows.append(
            {
                "request": item,
                "href": href,
                "state": _label(workflows, shown),
                "tone": formatting.state_tone(shown.state),
                "light": _deadline_words(item, today, running),
                # a municipality reads that the Landratsamt ended the request, beside its
                # answer ("Abfrage zurückgezogen" already says so)
                "ended": (
                    _label(workflows, item)
                    if answer is not None
                    and item.state in ENDED_STATES
                    and answer.state != "withdrawn"
                    else None
                ),
            }
        )
    return render(request, "abfragen/list.html", {"rows": rows})


def _label(workflows: Any, instance: Any) -> str:
    wf = workflows.get(instance.definition_name, instance.definition_version)
    return wording_for(instance).state(wf.spec, instance.state)


def _overview(
    request: Request, session: Session, user: PageUser, now: datetime, request_id: int
) -> decision_overview.Overview:
    """The coordinator's table (the role is checked by the service, as for the JSON API)."""
    return decision_overview.overview(
        session=session,
        workflows=workflows_of(request),
        actor=user.actor,
        now=now,
        request_id=request_id,
    )


def _ending(
    request: Request, session: Session, user: PageUser, request_id: int, now: datetime
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Close and withdraw as far as the request's state and the user's role allow them: each
    with its label and why it is not possible yet (the reason the form asks for aside)."""
    found = page_actions(
        session, workflows_of(request), user.actor, "decision_request", request_id, now
    )
    return {
        o.trigger: (o.label, tuple(g.message for g in o.unmet_guards if g.name not in FORM_GUARDS))
        for o in found.options
        if o.trigger in END_TRIGGERS and o.blocked_by not in ("state", "role")
    }


def _detail_page(
    request: Request,
    session: Session,
    user: PageUser,
    now: datetime,
    item: DecisionRequest,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, str] | None = None,
    refusal: str | None = None,
    status: int = 200,
    sort: str | None = None,
    show: str | None = None,
) -> Response:
    assert item.id is not None
    result = _overview(request, session, user, now, item.id)
    sort, show = overview_order.chosen(sort, show)
    counts: dict[str, int] = {}
    for row in result.rows:
        counts[row.state_label] = counts.get(row.state_label, 0) + 1
    context = {
        "item": item,
        "overview": result,
        "rows": overview_order.ordered(result.rows, sort, show),
        "sort": sort,
        "show": show,
        "sorts": overview_order.SORTS,
        "shows": overview_order.SHOWS,
        "state": _label(workflows_of(request), item),
        "totals": [(item.option_label(k), n) for k, n in result.totals.items()],
        "by_state": sorted(counts.items()),
        "today": local_date(now),
        "ending": _ending(request, session, user, item.id, now),
        "errors": errors or {},
        "given": given or {},
        "refusal": refusal,
    }
    return render(request, "abfragen/detail.html", context, status=status)


@router.get("/abfragen/{request_id}")
def request_detail(
    request: Request,
    request_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    sortierung: Annotated[str | None, Query(max_length=20)] = None,
    zeigen: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    item = listing.get_decision_request(session=session, actor=user.actor, request_id=request_id)
    if user.actor.municipality_id is not None:
        own = decisions.response_for(session, request_id, user.actor.municipality_id)
        return redirect(f"/abfragen/{request_id}/antworten/{own.id}")
    return _detail_page(request, session, user, now, item, sort=sortierung, show=zeigen)


@router.post("/abfragen/{request_id}/beenden")
def end_request(
    request: Request,
    request_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    values: PostedForm,
) -> Response:
    """Close or withdraw the request (``close``/``cancel`` of definitions/decision_request),
    each confirmed by a tick; withdrawing needs a reason, recorded with each withdrawn answer."""
    item = listing.get_decision_request(session=session, actor=user.actor, request_id=request_id)
    if user.role not in decisions.COORDINATOR:
        raise RoleRefused(trigger="cancel", role=user.role, allowed_roles=decisions.COORDINATOR)
    step = str(values.get("schritt") or "")
    comment = str(values.get("comment") or "").strip()
    given = {"schritt": step, "comment": comment}
    ending = _ending(request, session, user, request_id, now)
    errors: dict[str, str] = {}
    if step not in ending:
        refusal = "Dieser Schritt ist für diese Abfrage zurzeit nicht möglich."
        return _detail_page(
            request, session, user, now, item, given=given, refusal=refusal, status=422
        )
    if step == "cancel" and not comment:
        errors["comment"] = "Bitte begründen Sie, warum die Abfrage zurückgezogen wird."
    if values.get(f"bestaetigt-{step}") != "ja":
        errors[f"bestaetigt-{step}"] = (
            "Bitte bestätigen Sie, dass die Abfrage abgeschlossen werden soll."
            if step == "close"
            else "Bitte bestätigen Sie, dass die Abfrage zurückgezogen werden soll."
        )
    if errors:
        return _detail_page(
            request, session, user, now, item, errors=errors, given=given, status=422
        )
    spec = workflows_of(request).get(item.definition_name, item.definition_version).spec
    try:
        with session.begin_nested():
            fire(
                session=session,
                workflows=workflows_of(request),
                kind="decision_request",
                instance_id=request_id,
                trigger=step,
                actor=user.actor,
                now=now,
                expected_version=_version(values.get("version")),
                comment=comment or None,
                base_url=settings.link_base(str(request.base_url)),
            )
    except WorkflowError as exc:
        session.expire_all()
        item = listing.get_decision_request(
            session=session, actor=user.actor, request_id=request_id
        )
        return _detail_page(
            request,
            session,
            user,
            now,
            item,
            given=given,
            refusal=error_text(exc, spec),
            status=422,
        )
    flash(request, ENDED[step].format(title=item.title))
    return redirect(f"/abfragen/{request_id}")


def _version(raw: object) -> int | None:
    text = raw.strip() if isinstance(raw, str) else ""
    return as_id(text)


@router.get("/abfragen/{request_id}/uebersicht.csv")
def request_csv(
    request: Request, request_id: PathId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    result = _overview(request, session, user, now, request_id)
    # The byte order mark makes spreadsheet programs (Excel) read the umlauts as UTF-8.
    return Response(
        "\ufeff" + decision_overview.overview_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="abfrage-{request_id}-uebersicht.csv"'
        },
    )


def _response_view(
    session: Session, user: PageUser, request_id: int, response_id: int
) -> listing.ResponseView:
    view = listing.get_decision_response(session=session, actor=user.actor, response_id=response_id)
    if view.response.request_id != request_id:
        raise not_found("Antwort")
    return view


def _answer_context(
    request: Request, session: Session, user: PageUser, view: listing.ResponseView, now: datetime
) -> dict[str, Any]:
    workflows = workflows_of(request)
    response = view.response
    assert response.id is not None
    request_running = view.request.state not in ENDED_STATES
    offered: dict[str, str] = {}
    blocked: list[tuple[str, tuple[str, ...]]] = []
    own = user.actor.municipality_id == response.municipality_id
    if own or user.role == "district_coordinator":
        triggers = ANSWER_TRIGGERS if own else LATE_TRIGGERS
        found = page_actions(session, workflows, user.actor, "decision_response", response.id, now)
        for option in found.options:
            if option.blocked_by in ("state", "role") or option.trigger not in triggers:
                continue
            names = {g.name for g in option.unmet_guards}
            if names & (WHICH_VARIANT | {"request_running"}):
                continue  # a closed or withdrawn request says so above the answer
            # the mayor's option answers where the Hauptsatzung delegates it (§ 44 GemO)
            by_form = FORM_GUARDS | ({"answer_basis"} if user.role == "mayor" else set())
            other = tuple(g.message for g in option.unmet_guards if g.name not in by_form)
            if other:
                blocked.append((option.label, other))
            else:
                offered[option.trigger] = option.label
    proposals: list[Proposal] = []
    bodies: list[Body] = []
    if offered:
        proposals = linkable_proposals(
            session, response.municipality_id, proposal_read_clause(user.actor)
        )
        bodies = list(
            session.exec(
                select(Body)
                .where(Body.municipality_id == response.municipality_id)
                .order_by(col(Body.name))
            )
        )
    linked = session.get(Proposal, response.proposal_id) if response.proposal_id else None
    mayor = wording_for(response, session).mayor  # the town's title: "der Bürgermeisterin"
    return {
        "mayor_gen": mayor_phrase("gen", mayor),
        "mayor_dat": mayor_phrase("dat", mayor),
        "view": view,
        "item": view.request,
        "response": response,
        "state": _label(workflows, response),
        "offered": offered,
        "blocked": blocked,
        "options": [(o["key"], o.get("label", o["key"])) for o in view.request.options],
        "proposals": [(str(p.id), f"Vorlage {p.label}: {p.title}") for p in proposals],
        "bodies": [(str(b.id), b.name) for b in bodies],
        "linked": linked,
        "today": local_date(now),
        "running": response.state in ("open", "in_preparation") and request_running,
        "request_state": _label(workflows, view.request),
        "request_ended": not request_running,
    }


@router.get("/abfragen/{request_id}/antworten/{response_id}")
def answer_page(
    request: Request,
    request_id: PathId,
    response_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
) -> Response:
    view = _response_view(session, user, request_id, response_id)
    return render(
        request, "abfragen/answer.html", _answer_context(request, session, user, view, now)
    )


def _choice(values: Any, name: str, allowed: list[tuple[str, str]]) -> str | None:
    raw = values.get(name)
    text = raw.strip() if isinstance(raw, str) else ""
    return text if text in {v for v, _ in allowed} else None


@router.post("/abfragen/{request_id}/antworten/{response_id}")
def answer_action(
    request: Request,
    request_id: PathId,
    response_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    values: PostedForm,
) -> Response:
    view = _response_view(session, user, request_id, response_id)
    context = _answer_context(request, session, user, view, now)
    step = str(values.get("schritt") or "")
    errors: dict[str, str] = {}
    option = _choice(values, "option", context["options"])
    if step not in (*context["offered"], "vorlage_anlegen"):
        errors["schritt"] = "Dieser Schritt ist für diese Antwort zurzeit nicht möglich."
    elif step in ("link_proposal", "vorlage_anlegen") and option is None:
        errors["option"] = "Bitte wählen Sie die Option, die die Gemeinde beschließen soll."
    here = f"/abfragen/{request_id}/antworten/{response_id}"
    data: dict[str, Any] = {}
    if step == "link_proposal":
        proposal = _choice(values, "vorlage", context["proposals"])
        if proposal is None:
            errors["vorlage"] = "Bitte wählen Sie die Vorlage aus der Liste."
        else:
            data = {"proposal_id": int(proposal), "option": option}
    elif step == "vorlage_anlegen":
        body = _choice(values, "gremium", context["bodies"])
        if body is None:
            errors["gremium"] = "Bitte wählen Sie das Gremium, das beschließen soll."
        if "link_proposal" not in context["offered"]:
            errors["schritt"] = "Eine Vorlage kann zu dieser Antwort nicht mehr angelegt werden."
    elif step == "reject_late" and not str(values.get("comment") or "").strip():
        errors["comment"] = "Bitte begründen Sie, warum die verspätete Antwort abgelehnt wird."
    elif option is not None:
        data = {"option": option}
    if errors:
        page_context = {**context, "errors": errors, "given": dict(values)}
        return render(request, "abfragen/answer.html", page_context, status=422)
    spec = workflows_of(request).latest("decision_response").spec
    try:
        with session.begin_nested():
            if step == "vorlage_anlegen":
                proposal_row = decisions.create_proposal_from_request(
                    session=session,
                    workflows=workflows_of(request),
                    actor=user.actor,
                    now=now,
                    response_id=response_id,
                    option=option or "",
                    body_id=int(_choice(values, "gremium", context["bodies"]) or 0),
                )
            else:
                fired = fire(
                    session=session,
                    workflows=workflows_of(request),
                    kind="decision_response",
                    instance_id=response_id,
                    trigger=step,
                    actor=user.actor,
                    now=now,
                    data=data,
                    comment=str(values.get("comment") or "").strip() or None,
                    base_url=settings.link_base(str(request.base_url)),
                )
    except WorkflowError as exc:
        session.expire_all()
        view = _response_view(session, user, request_id, response_id)
        page_context = {
            **_answer_context(request, session, user, view, now),
            "refusal": error_text(exc, spec),
            "given": dict(values),
        }
        return render(request, "abfragen/answer.html", page_context, status=422)
    if step == "vorlage_anlegen":
        flash(
            request,
            f"Die Vorlage {proposal_row.label} wurde als Entwurf angelegt und mit der Antwort "
            "verknüpft. Sobald der Beschluss bestandskräftig ist, können Sie die Antwort "
            "übermitteln.",
        )
        return redirect(f"/vorlagen/{proposal_row.id}")
    whose = f"der {view.municipality_title}" if view.municipality_title else view.municipality
    flash(request, done_words(f"Antwort {whose}", fired))
    return redirect(here)
