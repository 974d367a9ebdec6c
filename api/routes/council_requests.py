"""Anträge an den Gemeinderat: Fraktionsanträge, Verlangen nach § 34 Abs. 1 S. 3, 4 GemO,
Einwohneranträge (§ 20b) and requests of the youth representation (§ 41a)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from api.deps import CurrentUser, NowDep, RuntimeDep, SessionDep
from api.problems import responses
from api.routes.common import PathId
from api.schemas.council_requests import (
    CouncilRequestCreate,
    CouncilRequestRead,
    CouncilRequestRefusal,
    CouncilRequestSchedule,
    CouncilRequestSettle,
    CouncilRequestsRead,
    CouncilRequestTakeOver,
    QuorumRead,
    RequestDeadlineRead,
)
from workflow.models import CouncilRequest
from workflow.services import council_requests as service

router = APIRouter(prefix="/api/v1", tags=["Anträge"])
State = Annotated[str | None, Query(max_length=16, description="Stand, z. B. received")]


def read(session: Session, request: CouncilRequest, *, full: bool = True) -> CouncilRequestRead:
    weight = service.quorum(session, request) if full else None
    return CouncilRequestRead.model_validate(
        {
            **request.model_dump(),
            "kind_label": service.KINDS.get(request.kind, request.kind),
            "state_label": service.STATES.get(request.state, request.state),
            "quorum": QuorumRead.model_validate(weight.__dict__) if weight else None,
            "deadlines": [
                RequestDeadlineRead.model_validate(d)
                for d in service.request_deadlines(session, request.id or 0)
            ],
        }
    )


@router.get(
    "/council-requests",
    operation_id="list_council_requests",
    response_model=CouncilRequestsRead,
    responses=responses(401, 422),
)
def list_requests(
    session: SessionDep, actor: CurrentUser, state: State = None
) -> CouncilRequestsRead:
    """Die Anträge der eigenen Gemeinde, die jüngsten zuerst."""
    rows = service.list_requests(session, actor, state=state)
    return CouncilRequestsRead(data=[read(session, r, full=False) for r in rows], count=len(rows))


@router.post(
    "/council-requests",
    operation_id="create_council_request",
    status_code=201,
    response_model=CouncilRequestRead,
    responses=responses(401, 403, 422),
)
def create_request(
    body: CouncilRequestCreate, session: SessionDep, actor: CurrentUser, now: NowDep
) -> CouncilRequestRead:
    """Einen eingegangenen Antrag erfassen; erreicht er das Quorum, läuft seine Frist."""
    request = service.create_request(session=session, actor=actor, now=now, **body.model_dump())
    return read(session, request)


@router.get(
    "/council-requests/{request_id}",
    operation_id="get_council_request",
    response_model=CouncilRequestRead,
    responses=responses(401, 404),
)
def get_request(request_id: PathId, session: SessionDep, actor: CurrentUser) -> CouncilRequestRead:
    return read(session, service.get_request(session, actor, request_id))


@router.post(
    "/council-requests/{request_id}/take-over",
    operation_id="take_over_council_request",
    response_model=CouncilRequestRead,
    responses=responses(401, 403, 404, 409, 422),
)
def take_over(
    request_id: PathId,
    body: CouncilRequestTakeOver,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
) -> CouncilRequestRead:
    """Als Vorlage übernehmen: eine bestehende Vorlage oder ein neuer Entwurf."""
    request = service.take_over(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        request_id=request_id,
        proposal_id=body.proposal_id,
    )
    return read(session, request)


@router.post(
    "/council-requests/{request_id}/schedule",
    operation_id="schedule_council_request",
    response_model=CouncilRequestRead,
    responses=responses(401, 403, 404, 409, 422),
)
def schedule(
    request_id: PathId,
    body: CouncilRequestSchedule,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
) -> CouncilRequestRead:
    """Auf die Tagesordnung einer Sitzung des Gremiums setzen (§ 34 Abs. 1 Satz 4 GemO)."""
    request = service.schedule(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        request_id=request_id,
        meeting_id=body.meeting_id,
        agenda_item_id=body.agenda_item_id,
        expected_version=body.expected_version,
    )
    return read(session, request)


@router.post(
    "/council-requests/{request_id}/refuse",
    operation_id="refuse_council_request",
    response_model=CouncilRequestRead,
    responses=responses(401, 403, 404, 409, 422),
)
def refuse(
    request_id: PathId,
    body: CouncilRequestRefusal,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> CouncilRequestRead:
    """Als unzulässig ablehnen, mit Grund (z. B. § 34 Abs. 1 Satz 6 GemO)."""
    request = service.refuse(
        session=session,
        actor=actor,
        now=now,
        request_id=request_id,
        ground=body.ground,
        reason=body.reason,
        previous_agenda_item_id=body.previous_agenda_item_id,
    )
    return read(session, request)


@router.post(
    "/council-requests/{request_id}/settle",
    operation_id="settle_council_request",
    response_model=CouncilRequestRead,
    responses=responses(401, 403, 404, 409),
)
def settle(
    request_id: PathId,
    body: CouncilRequestSettle,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> CouncilRequestRead:
    """Als erledigt vermerken (entschieden, beantwortet oder zurückgenommen)."""
    request = service.settle(
        session=session,
        actor=actor,
        now=now,
        request_id=request_id,
        note=body.note,
        withdrawn=body.withdrawn,
    )
    return read(session, request)
