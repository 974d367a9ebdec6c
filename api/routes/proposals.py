"""Beschlussvorlagen: create, read, edit while draft, fire transitions, history, Vollzug."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.deps import (
    CurrentUser,
    IfMatch,
    NowDep,
    OptionalUser,
    RuntimeDep,
    SessionDep,
    etag,
    expected_version,
)
from api.problems import responses
from api.routes.common import (
    READ,
    WRITE,
    Cursor,
    FilterId,
    Limit,
    PathId,
    StateFilter,
    YearFilter,
)
from api.routes.lifecycle import add_lifecycle_routes
from api.schemas.common import MAX_ID
from api.schemas.convert import proposal_read
from api.schemas.proposals import (
    ExecutionTaskClose,
    ExecutionTaskCreate,
    ExecutionTaskRead,
    PlanUpdate,
    ProposalCreate,
    ProposalRead,
    ProposalsRead,
    ProposalUpdate,
    RevisionRead,
    RevisionSummary,
    StepIn,
    StepRead,
)
from workflow.services import listing, revisions
from workflow.services import proposals as service
from workflow.services.proposals import ProposalFields, StepInput

router = APIRouter(prefix="/api/v1", tags=["Beschlussvorlagen"])


def _steps(steps: list[StepIn]) -> list[StepInput]:
    return [StepInput(**s.model_dump()) for s in steps]


@router.get(
    "/proposals",
    operation_id="list_proposals",
    response_model=ProposalsRead,
    responses=responses(401, 422),
)
def list_proposals(
    session: SessionDep,
    runtime: RuntimeDep,
    actor: OptionalUser,
    now: NowDep,
    state: StateFilter = None,
    body_id: FilterId = None,
    meeting_id: FilterId = None,
    municipality_id: FilterId = None,
    year: YearFilter = None,
    kind: Annotated[
        Literal["beschluss", "information", "ergaenzung"] | None,
        Query(description="Art der Vorlage"),
    ] = None,
    supplements_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="die Ergänzungsvorlagen dieser Vorlage")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")] = None,
    overdue: Annotated[bool | None, Query(description="mit versäumter/überfälliger Frist")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ProposalsRead:
    """Proposals the caller may read, ordered by id; anonymous callers see released public ones."""
    listing.check_state(runtime.workflows, "proposal", state)
    filters = listing.ProposalFilter(
        state=state,
        body_id=body_id,
        meeting_id=meeting_id,
        municipality_id=municipality_id,
        year=year,
        q=q,
        overdue=overdue,
        kind=kind,
        supplements_id=supplements_id,
    )
    page = listing.list_proposals(
        session=session, actor=actor, now=now, filters=filters, limit=limit, cursor=cursor
    )
    return ProposalsRead(
        data=[proposal_read(runtime.workflows, p) for p in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.post(
    "/proposals",
    operation_id="create_proposal",
    status_code=201,
    response_model=ProposalRead,
    responses=responses(401, 403, 404, 409),
)
def create_proposal(
    body: ProposalCreate,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    response: Response,
) -> ProposalRead:
    content = ProposalFields(**body.model_dump(exclude={"municipality_id", "steps"}))
    proposal = service.create_proposal(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        municipality_id=body.municipality_id or actor.municipality_id or 0,
        content=content,
        steps=_steps(body.steps),
    )
    response.headers["Location"] = f"/api/v1/proposals/{proposal.id}"
    response.headers["ETag"] = etag(proposal.version)
    return proposal_read(runtime.workflows, proposal)


@router.get(
    "/proposals/{proposal_id}",
    operation_id="get_proposal",
    response_model=ProposalRead,
    responses=READ,
)
def get_proposal(
    proposal_id: PathId,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: OptionalUser,
    response: Response,
) -> ProposalRead:
    proposal = listing.get_proposal(session=session, actor=actor, proposal_id=proposal_id)
    response.headers["ETag"] = etag(proposal.version)
    return proposal_read(runtime.workflows, proposal)


@router.patch(
    "/proposals/{proposal_id}",
    operation_id="update_proposal",
    response_model=ProposalRead,
    responses=WRITE,
)
def update_proposal(
    proposal_id: PathId,
    body: ProposalUpdate,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProposalRead:
    """Edit a draft; only the fields sent change (``steps`` replaces the plan)."""
    proposal = service.update_proposal(
        session=session,
        actor=actor,
        now=now,
        proposal_id=proposal_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        changes=body.changes(),
        steps=_steps(body.steps) if body.steps is not None else None,
    )
    response.headers["ETag"] = etag(proposal.version)
    return proposal_read(runtime.workflows, proposal)


@router.get(
    "/proposals/{proposal_id}/consultation-plan",
    operation_id="get_consultation_plan",
    response_model=list[StepRead],
    responses=READ,
)
def get_consultation_plan(
    proposal_id: PathId, session: SessionDep, actor: OptionalUser
) -> list[StepRead]:
    plan = listing.consultation_plan(session=session, actor=actor, proposal_id=proposal_id)
    return [StepRead.model_validate(s) for s in plan]


@router.put(
    "/proposals/{proposal_id}/consultation-plan",
    operation_id="replace_consultation_plan",
    response_model=list[StepRead],
    responses=WRITE,
)
def replace_consultation_plan(
    proposal_id: PathId,
    body: PlanUpdate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> list[StepRead]:
    """Replace the Beratungsfolge while the proposal is a draft."""
    service.update_proposal(
        session=session,
        actor=actor,
        now=now,
        proposal_id=proposal_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        changes={},
        steps=_steps(body.steps),
    )
    plan = listing.consultation_plan(session=session, actor=actor, proposal_id=proposal_id)
    return [StepRead.model_validate(s) for s in plan]


@router.get(
    "/proposals/{proposal_id}/execution-tasks",
    operation_id="list_execution_tasks",
    response_model=list[ExecutionTaskRead],
    responses=READ,
)
def list_execution_tasks(
    proposal_id: PathId, session: SessionDep, actor: CurrentUser
) -> list[ExecutionTaskRead]:
    tasks = listing.execution_tasks(session=session, actor=actor, proposal_id=proposal_id)
    return [ExecutionTaskRead.model_validate(t) for t in tasks]


@router.post(
    "/proposals/{proposal_id}/execution-tasks",
    operation_id="add_execution_task",
    status_code=201,
    response_model=ExecutionTaskRead,
    responses=responses(401, 403, 404, 409),
)
def add_execution_task(
    proposal_id: PathId,
    body: ExecutionTaskCreate,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> ExecutionTaskRead:
    """Beschlusskontrolle: who executes the resolution, by when (only once it is final)."""
    task = service.add_execution_task(
        session=session,
        actor=actor,
        now=now,
        proposal_id=proposal_id,
        title=body.title,
        owner_id=body.owner_id,
        target_date=body.target_date,
    )
    return ExecutionTaskRead.model_validate(task)


@router.post(
    "/execution-tasks/{task_id}/close",
    operation_id="close_execution_task",
    response_model=ExecutionTaskRead,
    responses=responses(401, 403, 404, 409),
)
def close_execution_task(
    task_id: PathId,
    body: ExecutionTaskClose,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> ExecutionTaskRead:
    task = service.close_execution_task(
        session=session,
        actor=actor,
        now=now,
        task_id=task_id,
        status=body.status,
        note=body.note,
    )
    return ExecutionTaskRead.model_validate(task)


@router.get(
    "/proposals/{proposal_id}/revisions",
    operation_id="list_proposal_revisions",
    response_model=list[RevisionSummary],
    responses=responses(401, 404, 422),
)
def list_revisions(
    proposal_id: PathId, session: SessionDep, actor: CurrentUser
) -> list[RevisionSummary]:
    """The Fassungen of the Vorlage: its content at each submission, numbered 1, 2, …"""
    _, found = revisions.list_revisions(session=session, actor=actor, proposal_id=proposal_id)
    return [
        RevisionSummary(
            number=r.number,
            created_at=r.created_at,
            created_by=r.created_by,
            title=str(r.content.get("title", "")),
        )
        for r in found
    ]


@router.get(
    "/proposals/{proposal_id}/revisions/{number}",
    operation_id="get_proposal_revision",
    response_model=RevisionRead,
    responses=responses(401, 404, 422),
)
def get_revision(
    proposal_id: PathId, number: PathId, session: SessionDep, actor: CurrentUser
) -> RevisionRead:
    _, found = revisions.get_revision(
        session=session, actor=actor, proposal_id=proposal_id, number=number
    )
    return RevisionRead(
        number=found.number,
        created_at=found.created_at,
        created_by=found.created_by,
        title=str(found.content.get("title", "")),
        content=found.content,
    )


add_lifecycle_routes(router, kind="proposal", collection="proposals", param="proposal_id")
