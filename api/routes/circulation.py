"""Members' answers in an Umlaufverfahren; starting it is the generic ``circulate`` transition."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import CurrentUser, IfMatch, NowDep, RuntimeDep, SessionDep, expected_version
from api.routes.common import WRITE, PathId
from api.schemas.circulation import CirculationReplyCreate, CirculationReplyRead
from workflow.services import circulation

router = APIRouter(prefix="/api/v1", tags=["Umlaufverfahren"])


@router.post(
    "/proposals/{proposal_id}/circulation/replies",
    operation_id="record_circulation_reply",
    status_code=201,
    response_model=CirculationReplyRead,
    responses=WRITE,
)
def record_circulation_reply(
    proposal_id: PathId,
    body: CirculationReplyCreate,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> CirculationReplyRead:
    """§ 37 Abs. 1 Satz 2 GemO: the first objection returns the proposal to scheduling; the
    consent of every member not biased adopts it. 422 names who may not answer and why."""
    recorded = circulation.record_reply(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        proposal_id=proposal_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        person_id=body.person_id,
        choice=body.choice,
        reason=body.reason,
    )
    reply = recorded.reply
    return CirculationReplyRead(
        id=reply.id or 0,
        proposal_id=proposal_id,
        person_id=reply.person_id,
        choice=reply.choice,
        reason=reply.reason,
        recorded_at=reply.recorded_at,
        pending=sorted(recorded.status.pending),
        proposal_state=recorded.proposal_state,
        proposal_version=recorded.proposal_version,
        fired=recorded.fired.trigger if recorded.fired else None,
    )
