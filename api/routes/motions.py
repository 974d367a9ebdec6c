"""Within an agenda item: motions and their votes, the vote as counts, members leaving and
arriving, the Tischvorlage flag (issue 10: how councils really work)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import CurrentUser, IfMatch, NowDep, RuntimeDep, SessionDep, expected_version
from api.routes.common import READ, WRITE, PathId
from api.schemas.convert import agenda_item_read
from api.schemas.meetings import AgendaItemRead
from api.schemas.motions import (
    ItemAttendanceCreate,
    ItemAttendanceRead,
    ItemChairRead,
    ItemChairWrite,
    LatePaper,
    MotionCreate,
    MotionRead,
    MotionsRead,
    MotionVote,
    MotionWritten,
    VoteCountsRead,
    VoteCountsWrite,
)
from workflow.law.voting import Tally
from workflow.services import item_chair, item_votes, motions

router = APIRouter(prefix="/api/v1", tags=["Sitzungsverlauf"])
ITEM = "/meetings/{meeting_id}/agenda-items/{item_id}"


@router.get(
    f"{ITEM}/motions", operation_id="list_motions", response_model=MotionsRead, responses=READ
)
def list_motions(
    meeting_id: PathId, item_id: PathId, session: SessionDep, actor: CurrentUser
) -> MotionsRead:
    """The item's motions in voting order (Geschäftsordnung: the furthest-reaching first)."""
    listed = motions.list_motions(
        session=session, actor=actor, meeting_id=meeting_id, item_id=item_id
    )
    return MotionsRead(
        data=[MotionRead.model_validate(m) for m in listed.motions],
        next_motion_id=listed.next_motion_id,
        adopted_wording=listed.adopted_wording,
    )


@router.post(
    f"{ITEM}/motions",
    operation_id="propose_motion",
    status_code=201,
    response_model=MotionWritten,
    responses=WRITE,
)
def propose_motion(
    meeting_id: PathId,
    item_id: PathId,
    body: MotionCreate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> MotionWritten:
    """Änderungs-, Gegen- or Geschäftsordnungsantrag with mover and text."""
    recorded = motions.propose_motion(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        kind=body.kind,
        procedure=body.procedure,
        mover=body.mover or "",
        mover_person_id=body.mover_person_id,
        mover_faction_id=body.mover_faction_id,
        text=body.text,
        reach=body.reach,
        target_body_id=body.target_body_id,
    )
    return MotionWritten.model_validate(
        {**recorded.record.model_dump(), "meeting_version": recorded.meeting_version}
    )


@router.post(
    f"{ITEM}/motions/{{motion_id}}/vote",
    operation_id="vote_motion",
    response_model=MotionWritten,
    responses=WRITE,
)
def vote_motion(
    meeting_id: PathId,
    item_id: PathId,
    motion_id: PathId,
    body: MotionVote,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> MotionWritten:
    """The body's vote on the motion next in order; an adopted Vertagung, Absetzung or
    Verweisung moves the Vorlage (§ 39 Abs. 3 GemO), an adopted Gegenantrag is the vote."""
    recorded = motions.vote_motion(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        motion_id=motion_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        counted=Tally(body.yes, body.no, body.abstain),
    )
    return MotionWritten.model_validate(
        {**recorded.record.model_dump(), "meeting_version": recorded.meeting_version}
    )


@router.put(
    f"{ITEM}/vote-counts",
    operation_id="record_vote_counts",
    response_model=VoteCountsRead,
    responses=WRITE,
)
def record_vote_counts(
    meeting_id: PathId,
    item_id: PathId,
    body: VoteCountsWrite,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> VoteCountsRead:
    """The vote as counts (a secret ballot only so, § 37 Abs. 6 GemO); replaces the votes
    recorded before, by name or as counts."""
    recorded = item_votes.record_vote_counts(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        counted=Tally(body.yes, body.no, body.abstain),
        secret=body.secret,
    )
    vote = recorded.record
    return VoteCountsRead(
        agenda_item_id=item_id,
        yes=vote.tally.yes,
        no=vote.tally.no,
        abstain=vote.tally.abstain,
        secret=vote.secret,
        biased=vote.biased,
        absent=vote.absent,
        entitled=vote.entitled,
        meeting_version=recorded.meeting_version,
    )


@router.post(
    f"{ITEM}/attendance",
    operation_id="record_item_attendance",
    status_code=201,
    response_model=ItemAttendanceRead,
    responses=WRITE,
)
def record_item_attendance(
    meeting_id: PathId,
    item_id: PathId,
    body: ItemAttendanceCreate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> ItemAttendanceRead:
    """A member leaves or arrives at this item; quorum and vote are checked against it."""
    recorded = item_votes.record_item_attendance(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        person_id=body.person_id,
        present=body.present,
        only_item=body.only_item,
        reason=body.reason,
    )
    return ItemAttendanceRead.model_validate(
        {**recorded.record.model_dump(), "meeting_version": recorded.meeting_version}
    )


@router.put(
    f"{ITEM}/chair",
    operation_id="record_item_chair",
    response_model=ItemChairRead,
    responses=WRITE,
)
def record_item_chair(
    meeting_id: PathId,
    item_id: PathId,
    body: ItemChairWrite,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> ItemChairRead:
    """Wer den Vorsitz bei diesem Punkt führt, wenn Bürgermeister und Stellvertreter
    verhindert sind: im Gemeinderat das an Lebensjahren älteste anwesende Mitglied, das nicht
    befangen ist (§ 48 Abs. 1 Satz 8 GemO), im Ausschuss das beauftragte Mitglied (§ 40
    Abs. 4, § 41 Abs. 2 GemO); ohne Vorsitz wird über den Punkt nicht abgestimmt."""
    recorded = item_chair.record_item_chair(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        person_id=body.person_id,
    )
    chair = recorded.record
    return ItemChairRead.model_validate(
        {
            "agenda_item_id": item_id,
            "person_id": chair.person_id,
            "prevented": chair.prevented,
            "reason": chair.reason,
            "recorded": chair.recorded,
            "meeting_version": recorded.meeting_version,
        }
    )


@router.post(
    f"{ITEM}/late-paper",
    operation_id="mark_late_paper",
    response_model=AgendaItemRead,
    responses=WRITE,
)
def mark_late_paper(
    meeting_id: PathId,
    item_id: PathId,
    body: LatePaper,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> AgendaItemRead:
    """Tischvorlage: the papers come at the session, not with the invitation."""
    item = item_votes.mark_late_paper(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, body.expected_version, if_match),
    )
    return agenda_item_read(session, item)
