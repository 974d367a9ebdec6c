"""What a Vorlage's page shows of its kind: the Vorlage an Ergänzungsvorlage amends, the
Ergänzungsvorlagen that amend it (links both ways), its Fassungen, and the councillors'
requests it was made from (§ 34 Abs. 1 GemO, § 20b, § 41a)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from api.ui.web import PageUser
from workflow.errors import NotFound
from workflow.models import CouncilRequest, Proposal
from workflow.models.proposal import PROPOSAL_KINDS, ProposalRevision
from workflow.services import listing
from workflow.services.council_requests import KINDS as REQUEST_KINDS
from workflow.services.proposals import AUTHOR_ROLES, CLOSED_STATES

# The kinds as the list filter and the draft editor offer them.
KIND_OPTIONS = list(PROPOSAL_KINDS.items())


def kind_context(
    session: Session, user: PageUser, proposal: Proposal, now: datetime
) -> dict[str, object]:
    amended: Proposal | None = None
    if proposal.supplements_id is not None:
        try:
            amended = listing.get_proposal(
                session=session, actor=user.actor, proposal_id=proposal.supplements_id
            )
        except NotFound:  # not readable for this user (e.g. still a draft)
            amended = None
    supplements = listing.list_proposals(
        session=session,
        actor=user.actor,
        now=now,
        filters=listing.ProposalFilter(supplements_id=proposal.id),
        limit=50,
    ).items
    revision_count = 0
    origins: list[dict[str, object]] = []
    if user.actor.municipality_id == proposal.municipality_id:
        origins = [
            {"id": r.id, "kind": REQUEST_KINDS.get(r.kind, r.kind), "subject": r.subject}
            for r in session.exec(
                select(CouncilRequest)
                .where(CouncilRequest.proposal_id == proposal.id)
                .order_by(col(CouncilRequest.id))
            )
        ]
        revision_count = session.exec(
            select(func.count(col(ProposalRevision.id))).where(
                ProposalRevision.proposal_id == proposal.id
            )
        ).one()
    return {
        "amended": amended,
        "supplements": supplements,
        "revision_count": revision_count,
        "origins": origins,
        "can_supplement": user.role in AUTHOR_ROLES
        and user.actor.municipality_id == proposal.municipality_id
        and proposal.state not in CLOSED_STATES,
    }
