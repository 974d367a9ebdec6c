"""Redaction and withholding of a Vorlage's publication (§ 41b Abs. 2 S. 2, 3 GemO).

The Sitzungsdienst marks fields and attachments holding personal data or business secrets,
which every published rendition then leaves out (and says so), or withholds the whole
publication of the document with a recorded reason. Each change is an audit event in the
proposal's chain.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from workflow import audit
from workflow.context import Actor
from workflow.digits import is_digits
from workflow.errors import InvalidInput, NotFound
from workflow.limits import require_reason
from workflow.models import Attachment, Municipality, Proposal
from workflow.publication import REDACTABLE_FIELDS, REDACTION_KINDS
from workflow.services.common import require_role
from workflow.services.transition import load_instance

PUBLICATION_ROLES = ("clerk", "secretary", "mayor")


def _check_kind(kind: str, field: str) -> None:
    if kind not in REDACTION_KINDS:
        # The codes for API clients, the words for the people who chose from a list.
        allowed = ", ".join(f"{code} ({words})" for code, words in REDACTION_KINDS.items())
        raise InvalidInput(f"Unbekannte Schwärzung „{kind}“ (erlaubt: {allowed}).", field=field)


def set_publication(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    proposal_id: int,
    redactions: dict[str, str],
    attachment_redactions: dict[int, str | None],
    withheld_reason: str | None,
) -> Proposal:
    """Replace the redaction marks and the withholding of one proposal."""
    proposal: Proposal = load_instance(session, "proposal", proposal_id, actor)
    require_role(actor, "set_publication", PUBLICATION_ROLES)
    for field, kind in redactions.items():
        if field not in REDACTABLE_FIELDS:
            allowed = ", ".join(f"{code} ({words})" for code, words in REDACTABLE_FIELDS.items())
            raise InvalidInput(
                f"Das Feld „{field}“ kann nicht geschwärzt werden (möglich: {allowed}).",
                field="redactions",
            )
        _check_kind(kind, "redactions")
    files = {
        a.id: a
        for a in session.exec(
            select(Attachment).where(
                Attachment.instance_type == "proposal", Attachment.instance_id == proposal_id
            )
        )
    }
    for attachment_id, mark in attachment_redactions.items():
        if attachment_id not in files:
            raise InvalidInput(
                "Eine gewählte Anlage gehört nicht zu dieser Vorlage.",
                field="attachment_redactions",
            )
        if mark is not None:
            _check_kind(mark, "attachment_redactions")
    require_reason(withheld_reason, what="Der Grund der Zurückhaltung", field="withheld_reason")
    reason = (withheld_reason or "").strip() or None
    proposal.redactions = dict(redactions)
    if reason != proposal.publication_withheld_reason:
        proposal.publication_withheld_reason = reason
        proposal.publication_withheld_at = now if reason else None
    proposal.updated_at = now
    session.add(proposal)
    for attachment_id, mark in attachment_redactions.items():
        row = files[attachment_id]
        row.redaction = mark
        session.add(row)
    audit.note(
        session,
        "proposal",
        proposal,
        actor,
        now,
        "set_publication",
        data={
            "redactions": dict(redactions),
            "attachment_redactions": {str(k): v for k, v in attachment_redactions.items()},
            "withheld_reason": reason,
        },
    )
    session.flush()
    return proposal


def set_municipality_publication(
    *, session: Session, actor: Actor, publishes_online: bool, ags: str | None
) -> Municipality:
    """The admin's settings of the own municipality: § 41b Abs. 7 GemO (no electronic
    system for the councillors: Abs. 1, 2, 5 off) and the Amtlicher Gemeindeschlüssel."""
    require_role(actor, "set_municipality_publication", ("admin",))
    town = session.get(Municipality, actor.municipality_id) if actor.municipality_id else None
    if town is None:
        raise NotFound("Die Gemeinde wurde nicht gefunden.")
    if ags is not None and not (is_digits(ags) and len(ags) == 8):
        raise InvalidInput("Der Gemeindeschlüssel hat genau 8 Ziffern.", field="ags")
    town.publishes_online = publishes_online
    town.ags = ags
    session.add(town)
    session.flush()
    return town
