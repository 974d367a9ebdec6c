"""Read the Fassungen of a Vorlage (kept at each submission) and compare two of them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from workflow.context import Actor
from workflow.errors import NotFound, not_found
from workflow.models import Proposal, User
from workflow.models.proposal import ProposalRevision
from workflow.revisions import FieldDiff, compare, revisions_of
from workflow.services import listing


def list_revisions(
    *, session: Session, actor: Actor, proposal_id: int
) -> tuple[Proposal, list[ProposalRevision]]:
    """Whoever of the Rathaus may read the Vorlage reads its Fassungen (the public sees the
    released Vorlage only, not how it came about)."""
    proposal = listing.get_proposal(session=session, actor=actor, proposal_id=proposal_id)
    if actor.municipality_id != proposal.municipality_id:
        raise not_found("Beschlussvorlage")
    return proposal, revisions_of(session, proposal_id)


def get_revision(
    *, session: Session, actor: Actor, proposal_id: int, number: int
) -> tuple[Proposal, ProposalRevision]:
    proposal, revisions = list_revisions(session=session, actor=actor, proposal_id=proposal_id)
    for revision in revisions:
        if revision.number == number:
            return proposal, revision
    raise NotFound(f"Die Vorlage {proposal.label} hat keine Fassung {number}.")


@dataclass(frozen=True)
class Comparison:
    proposal: Proposal
    older: ProposalRevision
    newer: ProposalRevision
    fields: list[FieldDiff]

    @property
    def changed(self) -> list[FieldDiff]:
        return [f for f in self.fields if f.changed]


def compare_revisions(
    *, session: Session, actor: Actor, proposal_id: int, a: int, b: int
) -> Comparison:
    """Fassung ``a`` against Fassung ``b`` (either order: the older is shown as deleted)."""
    proposal, first = get_revision(session=session, actor=actor, proposal_id=proposal_id, number=a)
    _, second = get_revision(session=session, actor=actor, proposal_id=proposal_id, number=b)
    older, newer = (first, second) if first.number <= second.number else (second, first)
    return Comparison(proposal, older, newer, compare(older.content, newer.content))


def author_names(session: Session, found: list[ProposalRevision]) -> dict[str, str]:
    """Who submitted each Fassung, by name (``created_by`` keeps the username, as the audit
    trail does)."""
    usernames = {r.created_by for r in found}
    users = session.exec(select(User).where(col(User.username).in_(usernames)))
    return {u.username: u.full_name for u in users}
