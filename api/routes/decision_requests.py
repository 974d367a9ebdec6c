"""Abfragen des Landratsamts: decision requests, each municipality's response, overview, CSV."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentUser, NowDep, RuntimeDep, SessionDep, etag
from api.problems import responses
from api.routes.common import READ, Cursor, Limit, PathId
from api.routes.lifecycle import add_lifecycle_routes
from api.schemas.convert import (
    decision_request_read,
    decision_response_read,
    overview_read,
    proposal_read,
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
from api.schemas.proposals import ProposalRead
from workflow.services import decision_overview, decisions, listing

router = APIRouter(prefix="/api/v1", tags=["Abfragen"])


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


add_lifecycle_routes(
    router,
    kind="decision_request",
    collection="decision-requests",
    param="request_id",
    transitions_doc="send öffnet je Gemeinde eine Antwort; cancel (mit Kommentar) zieht die "
    "laufenden Antworten zurück.",
)
add_lifecycle_routes(
    router,
    kind="decision_response",
    collection="decision-responses",
    param="response_id",
    transitions_doc="answer stützt sich auf den Beschluss der verknüpften Vorlage oder, mit "
    "data.option, auf die übertragene Zuständigkeit der Bürgermeisterin/des Bürgermeisters; "
    "nach Fristablauf wartet answer_late auf die Annahme durch das Landratsamt.",
)
