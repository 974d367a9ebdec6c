"""What is published online, and when (§ 41b GemO), as one set of rules for the portal,
OParl, feeds and anonymous reads.

* Abs. 1: time, place and agenda of a public session, with the invitation;
* Abs. 2: the Beratungsunterlagen of public sessions once the members received them (with
  the invitation, § 34 Abs. 1 GemO), not at the mayor's release; personal data and business
  secrets are left out (S. 2, ``redactions`` and ``Attachment.redaction``); publication may be
  withheld per document, with the reason recorded (S. 3);
* Abs. 5: resolutions of public sessions within one week (the ``publish`` trigger);
* Abs. 7: a municipality without an electronic system for its councillors is exempt from
  Abs. 1, 2 and 5 (``Municipality.publishes_online``); what it publishes by ``publish``
  all the same is public.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, literal_column, or_
from sqlmodel import Session, col, select

from workflow.models import Municipality, Proposal
from workflow.rules.common import count_of

REDACTION_KINDS = {
    "personal_data": "personenbezogene Daten",
    "business_secret": "Betriebs- oder Geschäftsgeheimnisse",
}
# Fields of a Vorlage that may hold personal data or business secrets, with their German names.
REDACTABLE_FIELDS = {
    "facts": "Sachvortrag",
    "bias_notes": "Befangenheit",
    "resolution_text": "Beschlussvorschlag",
    "file_reference": "Aktenzeichen",
    "author_name": "Verfasser",
    "author_phone": "Telefon",
    "budget_line": "Haushaltsstelle",
    "unplanned_coverage": "Deckung außer-/überplanmäßiger Ausgaben",
}
LEFT_OUT = "[nicht veröffentlicht: {kind}, § 41b Abs. 2 Satz 2 GemO]"


def left_out(kind: str) -> str:
    return LEFT_OUT.format(kind=REDACTION_KINDS.get(kind, kind))


def publishes_online(session: Session, municipality_id: int | None) -> bool:
    """False where § 41b Abs. 7 GemO exempts the municipality."""
    municipality = session.get(Municipality, municipality_id) if municipality_id else None
    return municipality is not None and municipality.publishes_online


def _online_municipalities() -> object:
    return select(Municipality.id).where(col(Municipality.publishes_online))


def published_proposals() -> ColumnElement[bool]:
    """Proposals the public reads, as a WHERE clause: public, not withheld, and sent to the
    members with an invitation (where § 41b Abs. 2 applies) or with a published resolution.

    ``on_invited_agenda`` and ``resolution_published`` are kept by database triggers
    (migration 0025): tests of the proposal row, which ``ix_proposal_published`` serves."""
    return and_(
        col(Proposal.public),
        col(Proposal.publication_withheld_reason).is_(None),
        # inline, as the predicate of ix_proposal_published has it: PostgreSQL proves the
        # partial index usable from literals only, not from a bound parameter
        col(Proposal.state) != literal_column("'withdrawn'"),
        or_(
            and_(
                col(Proposal.on_invited_agenda),
                col(Proposal.municipality_id).in_(_online_municipalities()),  # type: ignore[arg-type]
            ),
            col(Proposal.resolution_published),
        ),
    )


def depublished_proposals() -> ColumnElement[bool]:
    """Once published, now withheld (§ 41b Abs. 2 S. 3) or withdrawn: OParl shows them as
    deleted, so that clients drop their copy."""
    return and_(
        col(Proposal.public),
        or_(col(Proposal.on_invited_agenda), col(Proposal.resolution_published)),
        or_(
            col(Proposal.publication_withheld_reason).is_not(None),
            col(Proposal.state) == "withdrawn",
        ),
    )


def proposal_published(session: Session, proposal_id: int | None) -> bool:
    hit = session.exec(
        select(Proposal.id).where(Proposal.id == proposal_id, published_proposals())
    ).first()
    return hit is not None


def redacted_value(proposal: Proposal, field: str, value: str) -> str:
    """The value as published: the note instead of a redacted field's content."""
    kind = proposal.redactions.get(field)
    return left_out(kind) if kind and value else value


def omission_note(proposal: Proposal, left_out_files: int) -> str | None:
    """One sentence saying what a published rendition leaves out (§ 41b Abs. 2 S. 2 GemO)."""
    fields = [REDACTABLE_FIELDS.get(f, f) for f in proposal.redactions]
    parts = []
    if fields:
        parts.append("Angaben in " + ", ".join(fields))
    if left_out_files:
        parts.append(count_of(left_out_files, "Anlage", "Anlagen"))
    if not parts:
        return None
    return (
        "In dieser veröffentlichten Fassung wurden "
        + " sowie ".join(parts)
        + " ausgelassen (personenbezogene Daten oder Betriebs- und Geschäftsgeheimnisse, "
        "§ 41b Abs. 2 Satz 2 GemO)."
    )
