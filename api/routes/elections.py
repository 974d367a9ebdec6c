"""Wahlen in a meeting (§ 37 Abs. 7 GemO): set up, candidates, rounds, result."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import CurrentUser, IfMatch, NowDep, SessionDep, expected_version
from api.routes.common import READ, WRITE, PathId
from api.schemas.elections import (
    CandidateCreate,
    CandidateCreated,
    CandidateRead,
    CountRead,
    ElectionCreate,
    ElectionRead,
    RoundCreate,
    RoundCreated,
    RoundRead,
)
from workflow.errors import InvalidInput
from workflow.services import elections
from workflow.services.elections import ElectionView, RoundView

router = APIRouter(prefix="/api/v1", tags=["Wahlen"])


def _round(view: RoundView) -> RoundRead:
    return RoundRead.model_validate(
        {
            **view.round.model_dump(),
            "counts": [CountRead(candidate_id=c, votes=v) for c, v in sorted(view.counts.items())],
            "voters": view.voters,
        }
    )


def _election(view: ElectionView, meeting_version: int | None = None) -> ElectionRead:
    return ElectionRead.model_validate(
        {
            **view.election.model_dump(),
            "candidates": [CandidateRead.model_validate(c) for c in view.candidates],
            "rounds": [_round(r) for r in view.rounds],
            "pending": view.pending,
            "second_ballot_from": view.second_ballot_from,
            "meeting_version": meeting_version,
        }
    )


@router.post(
    "/meetings/{meeting_id}/elections",
    operation_id="create_election",
    status_code=201,
    response_model=ElectionRead,
    responses=WRITE,
)
def create_election(
    meeting_id: PathId,
    body: ElectionCreate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> ElectionRead:
    """A Wahl on a TOP of the meeting in session; secret unless open voting was proposed
    and no member objected (§ 37 Abs. 7 Satz 1 GemO)."""
    recorded = elections.create_election(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        agenda_item_id=body.agenda_item_id,
        title=body.title,
        open_proposed=body.open_proposed,
        objected_by=body.objected_by,
    )
    view = elections.get_election(
        session=session, actor=actor, meeting_id=meeting_id, election_id=recorded.record.id or 0
    )
    return _election(view, recorded.meeting_version)


@router.post(
    "/meetings/{meeting_id}/elections/{election_id}/candidates",
    operation_id="add_election_candidate",
    status_code=201,
    response_model=CandidateCreated,
    responses=WRITE,
)
def add_candidate(
    meeting_id: PathId,
    election_id: PathId,
    body: CandidateCreate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> CandidateCreated:
    """Bewerber, before the first Wahlgang."""
    recorded = elections.add_candidate(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        election_id=election_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        name=body.name,
        person_id=body.person_id,
    )
    return CandidateCreated.model_validate(
        {**recorded.record.model_dump(), "meeting_version": recorded.meeting_version}
    )


@router.post(
    "/meetings/{meeting_id}/elections/{election_id}/rounds",
    operation_id="record_election_round",
    status_code=201,
    response_model=RoundCreated,
    responses=WRITE,
)
def record_round(
    meeting_id: PathId,
    election_id: PathId,
    body: RoundCreate,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> RoundCreated:
    """One Wahlgang: elected is who has more than half of the votes of the present entitled
    members; else a run-off of the top two (tie: the lot drawn in the room); a single
    candidate gets a second ballot, a week later as a rule (§ 37 Abs. 7 GemO). Biased,
    absent and digitally connected members cannot vote (§ 18, § 37a Abs. 1 Satz 2 GemO)."""
    counts = {c.candidate_id: c.votes for c in body.counts}
    if len(counts) != len(body.counts):
        raise InvalidInput("Jeder Bewerber wird nur einmal gezählt", field="counts")
    recorded = elections.record_round(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        election_id=election_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        counts=counts,
        voters=body.voters,
        invalid=body.invalid,
        lot=body.lot,
        agenda_item_id=body.agenda_item_id,
        early_reason=body.early_reason,
    )
    return RoundCreated.model_validate(
        {**_round(recorded.record).model_dump(), "meeting_version": recorded.meeting_version}
    )


@router.get(
    "/meetings/{meeting_id}/elections/{election_id}",
    operation_id="get_election",
    response_model=ElectionRead,
    responses=READ,
)
def get_election(
    meeting_id: PathId, election_id: PathId, session: SessionDep, actor: CurrentUser
) -> ElectionRead:
    """Candidates, every round with its counts and who cast a ballot, and the result."""
    return _election(
        elections.get_election(
            session=session, actor=actor, meeting_id=meeting_id, election_id=election_id
        )
    )
