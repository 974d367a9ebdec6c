"""Abfragen des Landratsamts: decision requests, each municipality's response, overview, CSV."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import (
    CurrentUser,
    IfMatch,
    NowDep,
    RuntimeDep,
    SessionDep,
    SettingsDep,
    etag,
    expected_version,
)
from api.problems import responses
from api.routes.common import Cursor, Limit, PathId
from api.schemas.convert import (
    actions_read,
    decision_request_read,
    decision_response_read,
    overview_read,
    proposal_read,
    transition_result,
)
from api.schemas.decisions import (
    DecisionRequestCreate,
    DecisionRequestRead,
    DecisionRequestsRead,
    DecisionResponseRead,
    DecisionResponsesRead,
    OverviewRead,
    ProposalFromRequest,
)
from api.schemas.proposals import (
    ActionsRead,
    HistoryEventRead,
    ProposalRead,
    TransitionRequest,
    TransitionResult,
)
from workflow.services import decision_overview, decisions, listing
from workflow.services.transition import fire

router = APIRouter(prefix="/api/v1", tags=["Abfragen"])
READ = responses(401, 404)
WRITE = responses(401, 403, 404, 409, 412, 428)


class CSVResponse(Response):
    """Starlette adds ``; charset=utf-8`` to text types."""

    media_type = "text/csv"


@router.get(
    "/decision-requests",
    operation_id="list_decision_requests",
    response_model=DecisionRequestsRead,
    responses=responses(401),
)
def list_decision_requests(
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DecisionRequestsRead:
    """Ordered by id: the coordinator's district's requests; a municipality's once sent to it."""
    page = listing.list_decision_requests(session=session, actor=actor, limit=limit, cursor=cursor)
    return DecisionRequestsRead(
        data=[decision_request_read(runtime.workflows, r) for r in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.post(
    "/decision-requests",
    operation_id="create_decision_request",
    status_code=201,
    response_model=DecisionRequestRead,
    responses=responses(401, 403),
)
def create_decision_request(
    body: DecisionRequestCreate,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    response: Response,
) -> DecisionRequestRead:
    """A draft of the coordinator's district; ``send`` puts it before the municipalities."""
    request = decisions.create_request(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        title=body.title,
        explanation=body.explanation,
        options=[o.model_dump() for o in body.options],
        default_option=body.default_option,
        reply_deadline=body.reply_deadline,
        effective_date=body.effective_date,
        amounts=body.amounts,
        targets=body.targets,
        attachments=body.attachments,
    )
    response.headers["Location"] = f"/api/v1/decision-requests/{request.id}"
    response.headers["ETag"] = etag(request.version)
    return decision_request_read(runtime.workflows, request)


@router.get(
    "/decision-requests/{request_id}",
    operation_id="get_decision_request",
    response_model=DecisionRequestRead,
    responses=READ,
)
def get_decision_request(
    request_id: PathId,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    response: Response,
) -> DecisionRequestRead:
    request = listing.get_decision_request(session=session, actor=actor, request_id=request_id)
    response.headers["ETag"] = etag(request.version)
    return decision_request_read(runtime.workflows, request)


@router.get(
    "/decision-requests/{request_id}/actions",
    operation_id="list_decision_request_actions",
    response_model=ActionsRead,
    responses=READ,
)
def list_decision_request_actions(
    request_id: PathId, session: SessionDep, runtime: RuntimeDep, actor: CurrentUser, now: NowDep
) -> ActionsRead:
    result = listing.actions(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        kind="decision_request",
        instance_id=request_id,
        now=now,
    )
    return actions_read(runtime.workflows, result.instance, result.options)


@router.post(
    "/decision-requests/{request_id}/transitions",
    operation_id="fire_decision_request_transition",
    response_model=TransitionResult,
    responses=WRITE,
)
def fire_decision_request_transition(
    request_id: PathId,
    body: TransitionRequest,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> TransitionResult:
    """``send`` opens one response per municipality; ``cancel`` (with comment) withdraws them."""
    fired = decisions.fire_request(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        request_id=request_id,
        trigger=body.trigger,
        expected_version=expected_version(request, body.expected_version, if_match),
        comment=body.comment,
        data=body.data.model_dump(exclude_none=True),
        base_url=settings.base_url,
    )
    return transition_result(fired)


@router.get(
    "/decision-requests/{request_id}/history",
    operation_id="get_decision_request_history",
    response_model=list[HistoryEventRead],
    responses=READ,
)
def get_decision_request_history(
    request_id: PathId, session: SessionDep, actor: CurrentUser
) -> list[HistoryEventRead]:
    events = listing.history(
        session=session, actor=actor, kind="decision_request", instance_id=request_id
    )
    return [HistoryEventRead.model_validate(e) for e in events]


@router.get(
    "/decision-requests/{request_id}/responses",
    operation_id="list_decision_responses",
    response_model=DecisionResponsesRead,
    responses=READ,
)
def list_decision_responses(
    request_id: PathId,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DecisionResponsesRead:
    """The coordinator sees every municipality's response, a municipality its own only."""
    page = listing.list_decision_responses(
        session=session, actor=actor, request_id=request_id, limit=limit, cursor=cursor
    )
    return DecisionResponsesRead(
        data=[decision_response_read(runtime.workflows, v) for v in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.get(
    "/decision-requests/{request_id}/overview",
    operation_id="get_decision_request_overview",
    response_model=OverviewRead,
    responses=responses(401, 403, 404),
)
def get_decision_request_overview(
    request_id: PathId, session: SessionDep, runtime: RuntimeDep, actor: CurrentUser, now: NowDep
) -> OverviewRead:
    """The coordinator's table: per municipality state, option, body, date, proposal."""
    result = decision_overview.overview(
        session=session, workflows=runtime.workflows, actor=actor, now=now, request_id=request_id
    )
    return overview_read(result)


@router.get(
    "/decision-requests/{request_id}/overview.csv",
    operation_id="get_decision_request_overview_csv",
    response_class=CSVResponse,
    responses={
        200: {
            "description": "Übersicht als CSV (Semikolon, UTF-8 mit BOM) für Tabellenkalkulationen",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **responses(401, 403, 404),
    },
)
def get_decision_request_overview_csv(
    request_id: PathId, session: SessionDep, runtime: RuntimeDep, actor: CurrentUser, now: NowDep
) -> CSVResponse:
    result = decision_overview.overview(
        session=session, workflows=runtime.workflows, actor=actor, now=now, request_id=request_id
    )
    filename = f"abfrage-{request_id}-uebersicht.csv"
    # The byte order mark makes spreadsheet programs (Excel) read the umlauts as UTF-8.
    return CSVResponse(
        "\ufeff" + decision_overview.overview_csv(result),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/decision-responses/{response_id}",
    operation_id="get_decision_response",
    response_model=DecisionResponseRead,
    responses=READ,
)
def get_decision_response(
    response_id: PathId,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    response: Response,
) -> DecisionResponseRead:
    view = listing.get_decision_response(session=session, actor=actor, response_id=response_id)
    response.headers["ETag"] = etag(view.response.version)
    return decision_response_read(runtime.workflows, view)


@router.get(
    "/decision-responses/{response_id}/actions",
    operation_id="list_decision_response_actions",
    response_model=ActionsRead,
    responses=READ,
)
def list_decision_response_actions(
    response_id: PathId, session: SessionDep, runtime: RuntimeDep, actor: CurrentUser, now: NowDep
) -> ActionsRead:
    result = listing.actions(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        kind="decision_response",
        instance_id=response_id,
        now=now,
    )
    return actions_read(runtime.workflows, result.instance, result.options)


@router.post(
    "/decision-responses/{response_id}/transitions",
    operation_id="fire_decision_response_transition",
    response_model=TransitionResult,
    responses=WRITE,
)
def fire_decision_response_transition(
    response_id: PathId,
    body: TransitionRequest,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> TransitionResult:
    """``answer`` rests on the linked proposal's resolution or, with ``data.option``, on the
    mayor's delegated competence; after the deadline ``answer_late`` awaits the district."""
    fired = fire(
        session=session,
        workflows=runtime.workflows,
        kind="decision_response",
        instance_id=response_id,
        trigger=body.trigger,
        actor=actor,
        now=now,
        expected_version=expected_version(request, body.expected_version, if_match),
        comment=body.comment,
        data=body.data.model_dump(exclude_none=True),
    )
    return transition_result(fired)


@router.get(
    "/decision-responses/{response_id}/history",
    operation_id="get_decision_response_history",
    response_model=list[HistoryEventRead],
    responses=READ,
)
def get_decision_response_history(
    response_id: PathId, session: SessionDep, actor: CurrentUser
) -> list[HistoryEventRead]:
    events = listing.history(
        session=session, actor=actor, kind="decision_response", instance_id=response_id
    )
    return [HistoryEventRead.model_validate(e) for e in events]


@router.post(
    "/decision-responses/{response_id}/proposal",
    operation_id="create_proposal_from_decision_request",
    status_code=201,
    response_model=ProposalRead,
    responses=responses(401, 403, 404, 409),
)
def create_proposal_from_decision_request(
    response_id: PathId,
    body: ProposalFromRequest,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    response: Response,
) -> ProposalRead:
    """A draft Vorlage pre-filled from the request, linked to the response (``link_proposal``)."""
    proposal = decisions.create_proposal_from_request(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        response_id=response_id,
        option=body.option,
        body_id=body.body_id,
    )
    response.headers["Location"] = f"/api/v1/proposals/{proposal.id}"
    response.headers["ETag"] = etag(proposal.version)
    return proposal_read(runtime.workflows, proposal)
