"""What is recorded in a meeting: attendance, bias, votes, outcomes, minutes; resolutions."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import CurrentUser, IfMatch, NowDep, SessionDep, SettingsDep, expected_version
from api.routes.common import READ, WRITE, PathId
from api.schemas.convert import agenda_item_read
from api.schemas.meetings import (
    AgendaItemRead,
    AttendanceRead,
    AttendanceWrite,
    BiasCreate,
    BiasDecision,
    BiasNoticeCreate,
    BiasNoticeRead,
    BiasRead,
    DeliberationNotesWrite,
    ItemOutcome,
    ResolutionRead,
    ResolutionsRead,
    SignatureCreate,
    SignatureRead,
    VotesRead,
    VotesWrite,
)
from workflow.law.voting import Tally
from workflow.models import Proposal
from workflow.services import agenda, bias, bias_notices, deliberation

router = APIRouter(prefix="/api/v1", tags=["Sitzungsverlauf"])


@router.post(
    "/meetings/{meeting_id}/agenda-items/{item_id}/outcome",
    operation_id="record_item_outcome",
    response_model=AgendaItemRead,
    responses=WRITE,
)
def record_item_outcome(
    meeting_id: PathId,
    item_id: PathId,
    body: ItemOutcome,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> AgendaItemRead:
    """Close a free item (Bekanntgaben); proposals are decided by their transitions."""
    item = agenda.record_item_outcome(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        outcome=body.outcome,
    )
    return agenda_item_read(session, item)


@router.put(
    "/meetings/{meeting_id}/agenda-items/{item_id}/deliberation-notes",
    operation_id="record_deliberation_notes",
    response_model=AgendaItemRead,
    responses=WRITE,
)
def record_deliberation_notes(
    meeting_id: PathId,
    item_id: PathId,
    body: DeliberationNotesWrite,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> AgendaItemRead:
    """The essential content of the deliberation on the item, for the Niederschrift
    (§ 38 Abs. 1 GemO); until the first signature on the minutes."""
    recorded = deliberation.record_notes(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        notes=body.deliberation_notes,
    )
    return agenda_item_read(session, recorded.record)


@router.put(
    "/meetings/{meeting_id}/attendance",
    operation_id="record_attendance",
    response_model=AttendanceRead,
    responses=WRITE,
)
def record_attendance(
    meeting_id: PathId,
    body: AttendanceWrite,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> AttendanceRead:
    """Everyone of the body not listed as present is recorded absent; with it, who chairs
    (the mayor when present, else the deputy named in ``chair_person_id``, § 38 GemO)."""
    recorded = agenda.record_attendance(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        present=body.present,
        digital=body.digital,
        chair_person_id=body.chair_person_id,
        absence_reasons={int(k): v for k, v in body.absence_reasons.items()},
    )
    rows = recorded.record.rows
    return AttendanceRead(
        meeting_id=meeting_id,
        meeting_version=recorded.meeting_version,
        present=[a.person_id for a in rows if a.present],
        absent=[a.person_id for a in rows if not a.present],
        digital=[a.person_id for a in rows if a.digital],
        chair_person_id=recorded.record.chair_person_id,
    )


@router.post(
    "/meetings/{meeting_id}/agenda-items/{item_id}/bias-declarations",
    operation_id="declare_bias",
    status_code=201,
    response_model=BiasRead,
    responses=WRITE,
)
def declare_bias(
    meeting_id: PathId,
    item_id: PathId,
    body: BiasCreate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> BiasRead:
    """§ 18 GemO: the member is excluded from deliberation and vote on this item."""
    recorded = agenda.declare_bias(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        person_id=body.person_id,
        reason=body.reason,
        doubtful=body.doubtful,
    )
    return BiasRead.model_validate(
        {**recorded.record.model_dump(), "meeting_version": recorded.meeting_version}
    )


@router.post(
    "/meetings/{meeting_id}/agenda-items/{item_id}/bias-notice",
    operation_id="notify_bias",
    status_code=201,
    response_model=BiasNoticeRead,
    responses=WRITE,
)
def notify_bias(
    meeting_id: PathId,
    item_id: PathId,
    body: BiasNoticeCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
) -> BiasNoticeRead:
    """§ 18 Abs. 4 Satz 1 GemO: ein Mitglied des Gremiums oder die persönliche
    Stellvertretung eines Mitglieds (§ 40 Abs. 1 Satz 2 GemO) teilt vor der Sitzung für sich
    selbst mit, dass es sich bei diesem Punkt für befangen hält. Keine Feststellung der
    Befangenheit: diese erfasst der Sitzungsdienst in der Sitzung."""
    notice = bias_notices.notify_bias(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        reason=body.reason,
        base_url=settings.link_base(str(request.base_url)),
    )
    return BiasNoticeRead.model_validate(notice.model_dump())


@router.delete(
    "/meetings/{meeting_id}/agenda-items/{item_id}/bias-notice",
    operation_id="withdraw_bias_notice",
    status_code=204,
    response_class=Response,
    responses=WRITE,
)
def withdraw_bias_notice(
    meeting_id: PathId,
    item_id: PathId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
) -> Response:
    """Die eigene Mitteilung zurücknehmen, bis die Sitzung eröffnet ist."""
    bias_notices.withdraw_bias_notice(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        base_url=settings.link_base(str(request.base_url)),
    )
    return Response(status_code=204)


@router.post(
    "/meetings/{meeting_id}/agenda-items/{item_id}/bias-declarations/{declaration_id}/decision",
    operation_id="decide_bias",
    response_model=BiasRead,
    responses=WRITE,
)
def decide_bias(
    meeting_id: PathId,
    item_id: PathId,
    declaration_id: PathId,
    body: BiasDecision,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> BiasRead:
    """§ 18 Abs. 4 Satz 2 GemO: in a doubtful case the body decides, without the member
    concerned, by simple majority whether he is biased; a tie means he is not."""
    recorded = agenda.decide_bias(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        declaration_id=declaration_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        votes=None if body.votes is None else {v.person_id: v.choice for v in body.votes},
        counted=None if body.tally is None else Tally(**body.tally.model_dump()),
    )
    return BiasRead.model_validate(
        {**recorded.record.model_dump(), "meeting_version": recorded.meeting_version}
    )


@router.get(
    "/proposals/{proposal_id}/resolutions",
    operation_id="list_resolutions",
    response_model=ResolutionsRead,
    responses=READ,
)
def list_resolutions(
    proposal_id: PathId, session: SessionDep, actor: CurrentUser
) -> ResolutionsRead:
    """The proposal's resolutions, with the § 18 Abs. 6 GemO flag and its cure date."""
    rows = bias.resolutions_of(session=session, actor=actor, proposal_id=proposal_id)
    proposal = session.get(Proposal, proposal_id)  # loaded and checked just now
    assert proposal is not None
    data = [
        ResolutionRead.model_validate(
            {
                **r.model_dump(),
                "unlawful": r.unlawful_reason is not None,
                "cure_date": bias.cure_date(r, proposal),
            }
        )
        for r in rows
    ]
    return ResolutionsRead(data=data, count=len(data))


@router.put(
    "/meetings/{meeting_id}/agenda-items/{item_id}/votes",
    operation_id="record_votes",
    response_model=VotesRead,
    responses=WRITE,
)
def record_votes(
    meeting_id: PathId,
    item_id: PathId,
    body: VotesWrite,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> VotesRead:
    """Open vote per member (§ 37 Abs. 6 GemO); replaces the votes recorded before."""
    recorded = agenda.record_votes(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        votes={v.person_id: v.choice for v in body.votes},
    )
    counted = recorded.record
    return VotesRead(
        agenda_item_id=item_id,
        yes=counted.yes,
        no=counted.no,
        abstain=counted.abstain,
        meeting_version=recorded.meeting_version,
    )


@router.post(
    "/meetings/{meeting_id}/minutes-signatures",
    operation_id="sign_minutes",
    status_code=201,
    response_model=SignatureRead,
    responses=WRITE,
)
def sign_minutes(
    meeting_id: PathId,
    body: SignatureCreate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> SignatureRead:
    """§ 38 Abs. 2 GemO: chair, two participating councillors and the Schriftführer sign."""
    recorded = agenda.sign_minutes(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        person_id=body.person_id,
        capacity=body.capacity,
    )
    return SignatureRead.model_validate(
        {**recorded.record.model_dump(), "meeting_version": recorded.meeting_version}
    )
