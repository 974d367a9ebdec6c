"""Which documents a Vorlage or Sitzung page offers, by its state and the reader's rights
(the download routes check again: a link here is a convenience, not a permission)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from workflow.access import STAFF_ROLES
from workflow.context import Actor
from workflow.documents.service import extract_readable
from workflow.models import Meeting, Proposal
from workflow.rules.meeting_rules import unsigned, unsigned_note
from workflow.services import attachments

HELD = ("closed", "minutes_signed", "minutes_presented")


def proposal_documents(session: Session, actor: Actor, proposal: Proposal) -> dict[str, Any]:
    base = f"/vorlagen/{proposal.id}/dokumente"
    documents = [{"label": "Beschlussvorlage", "path": f"{base}/vorlage"}]
    if extract_readable(session=session, actor=actor, proposal=proposal):
        documents.append({"label": "Beschlussauszug", "path": f"{base}/beschlussauszug"})
    files = attachments.list_attachments(
        session=session, actor=actor, kind="proposal", instance_id=proposal.id or 0
    )
    return {"documents": documents, "files": files, "upload": _upload(actor, "proposal", proposal)}


def minutes_status(session: Session, meeting: Meeting) -> str:
    """The draft minutes as the Niederschrift itself states it: who has yet to sign
    (§ 38 Abs. 2 GemO), or that all have signed and the minutes wait to be completed."""
    return unsigned_note(unsigned(session, meeting))


def meeting_documents(
    session: Session, actor: Actor, meeting: Meeting, has_closed_items: bool
) -> dict[str, Any]:
    base = f"/sitzungen/{meeting.id}/dokumente"
    # Before the invitation the documents are drafts (so the papers say, "ENTWURF"): a
    # member must not take them for the invitation (§ 34 Abs. 1 GemO).
    draft = " (Entwurf, noch nicht versandt)" if meeting.invited_at is None else ""
    mappe_draft = "Entwurf: " if draft else ""
    documents: list[dict[str, Any]] = [
        {"label": f"Einladung mit Tagesordnung{draft}", "path": f"{base}/einladung"},
        {"label": "Ortsübliche Bekanntmachung", "path": f"{base}/bekanntmachung"},
        {
            "label": f"Sitzungsmappe ({mappe_draft}Einladung, Vorlagen und Anlagen)",
            "path": f"/sitzungen/{meeting.id}/sitzungsmappe",
            "formats": ["pdf"],
        },
    ]
    own = actor.municipality_id == meeting.municipality_id
    if meeting.state in HELD and (own or meeting.state != "closed"):
        draft = f" ({minutes_status(session, meeting)})" if meeting.state == "closed" else ""
        documents.append(
            {"label": f"Niederschrift, öffentlicher Teil{draft}", "path": f"{base}/niederschrift"}
        )
        if has_closed_items and own and actor.role in STAFF_ROLES:
            documents.append(
                {
                    "label": f"Niederschrift, nichtöffentlicher Teil{draft}",
                    "path": f"{base}/niederschrift",
                    "query": "?teil=nichtoeffentlich",
                }
            )
    files = attachments.list_attachments(
        session=session, actor=actor, kind="meeting", instance_id=meeting.id or 0
    )
    return {"documents": documents, "files": files, "upload": _upload(actor, "meeting", meeting)}


def _upload(actor: Actor, kind: str, instance: Proposal | Meeting) -> str | None:
    """Where the page's upload form posts while the reader may add and remove Anlagen: a
    Vorlage in draft, a Sitzung before its invitation (the service checks again)."""
    if actor.municipality_id != instance.municipality_id:
        return None
    if actor.role not in attachments.EDIT_ROLES[kind]:
        return None
    if instance.state not in attachments.EDITABLE_STATES[kind]:
        return None
    return f"/{'vorlagen' if kind == 'proposal' else 'sitzungen'}/{instance.id}/anlagen"
