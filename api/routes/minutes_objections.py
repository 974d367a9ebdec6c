"""Einwendungen gegen die Niederschrift (§ 38 Abs. 2 Satz 3 GemO)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser, NowDep, SessionDep
from api.problems import responses
from api.routes.common import PathId
from api.schemas.deputies import (
    MinutesObjectionCreate,
    MinutesObjectionDecision,
    MinutesObjectionRead,
    MinutesObjectionsRead,
)
from workflow.services import minutes_objections as service

router = APIRouter(prefix="/api/v1", tags=["Sitzungen"])


@router.get(
    "/meetings/{meeting_id}/minutes/objections",
    operation_id="list_minutes_objections",
    response_model=MinutesObjectionsRead,
    responses=responses(401, 404),
)
def list_objections(
    meeting_id: PathId, session: SessionDep, actor: CurrentUser
) -> MinutesObjectionsRead:
    rows = service.list_objections(session, actor, meeting_id)
    return MinutesObjectionsRead(
        data=[MinutesObjectionRead.model_validate(r) for r in rows], count=len(rows)
    )


@router.post(
    "/meetings/{meeting_id}/minutes/objections",
    operation_id="raise_minutes_objection",
    status_code=201,
    response_model=MinutesObjectionRead,
    responses=responses(401, 403, 404, 409, 422),
)
def raise_objection(
    meeting_id: PathId,
    body: MinutesObjectionCreate,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> MinutesObjectionRead:
    """Ein Mitglied erhebt Einwendungen gegen die Niederschrift einer beendeten Sitzung."""
    objection = service.raise_objection(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        text=body.text,
        person_id=body.person_id,
    )
    return MinutesObjectionRead.model_validate(objection)


@router.post(
    "/minutes-objections/{objection_id}/decision",
    operation_id="decide_minutes_objection",
    response_model=MinutesObjectionRead,
    responses=responses(401, 403, 404, 409, 422),
)
def decide_objection(
    objection_id: PathId,
    body: MinutesObjectionDecision,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> MinutesObjectionRead:
    """Die Entscheidung des Gemeinderats (bei einem Ausschuss: des Ausschusses) über die
    Einwendung, mit der Sitzung, in der sie fiel."""
    objection = service.decide_objection(
        session=session,
        actor=actor,
        now=now,
        objection_id=objection_id,
        upheld=body.upheld,
        decided_in_meeting_id=body.decided_in_meeting_id,
        note=body.note,
    )
    return MinutesObjectionRead.model_validate(objection)
