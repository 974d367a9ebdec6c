"""Which document a caller may have: the same access rules as the data they are made of.

A non-public item (§ 35 Abs. 1 GemO) reaches only those who may read it; copies of the
minutes of a non-public session, and extracts of them, are not handed out beyond the
administration (§ 38 Abs. 2 S. 4 GemO).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from sqlmodel import Session

from workflow.access import STAFF_ROLES, non_public_readable
from workflow.context import Actor
from workflow.documents.auszug import build_auszug
from workflow.documents.docx_writer import render_docx
from workflow.documents.html import render_html
from workflow.documents.model import Document
from workflow.documents.pdf import render_pdf
from workflow.documents.sitzung import (
    SIGNED_STATES,
    build_bekanntmachung,
    build_einladung,
    build_niederschrift,
    papers_note,
    resolution_of,
)
from workflow.documents.vorlage import build_vorlage
from workflow.errors import InvalidInput, NotFound, not_found
from workflow.models import AgendaItem, Meeting, Proposal
from workflow.queries import agenda, current_agenda_item
from workflow.services.attachments import count_attachments, list_attachments
from workflow.services.listing import MeetingView, get_meeting, get_proposal

Format = Literal["html", "pdf", "docx"]
PROPOSAL_KINDS = ("vorlage", "beschlussauszug")
MEETING_KINDS = ("einladung", "bekanntmachung", "niederschrift")
ITEM_KINDS = ("beschlussauszug", "vorlage")
RENDERERS: dict[str, Callable[[Document], bytes]] = {
    "pdf": render_pdf,
    "docx": render_docx,
    "html": lambda d: render_html(d).encode("utf-8"),
}


def render(document: Document, fmt: str) -> bytes:
    if fmt not in RENDERERS:
        raise InvalidInput(f"Unbekanntes Format „{fmt}“ (html, pdf oder docx)", field="format")
    return RENDERERS[fmt](document)


def _administration(actor: Actor | None, meeting: Meeting) -> bool:
    return actor is not None and (
        actor.is_system
        or (actor.municipality_id == meeting.municipality_id and actor.role in STAFF_ROLES)
    )


def _own(actor: Actor | None, meeting: Meeting) -> bool:
    return actor is not None and (
        actor.is_system or actor.municipality_id == meeting.municipality_id
    )


def _agenda(view: MeetingView) -> list[AgendaItem]:
    return [i for i in view.items if not i.removed]


def vorlage_document(
    session: Session, actor: Actor | None, proposal: Proposal, attachments: Sequence[str]
) -> Document:
    """The Vorlage as the reader may read it, alone or in the Sitzungsmappe: in full for the
    entitled, else the published rendition (§ 41b Abs. 2 S. 2 GemO): redactions left out,
    and said so. ``attachments``: the names of the Anlagen the reader may see."""
    if non_public_readable(session, actor, proposal):
        return build_vorlage(session, proposal, attachments=attachments)
    left = count_attachments(session, "proposal", proposal.id or 0) - len(attachments)
    return build_vorlage(session, proposal, attachments=attachments, published=True, left_out=left)


def proposal_document(
    *, session: Session, actor: Actor | None, proposal_id: int, kind: str
) -> Document:
    proposal = get_proposal(session=session, actor=actor, proposal_id=proposal_id)
    if kind == "vorlage":
        files = list_attachments(
            session=session, actor=actor, kind="proposal", instance_id=proposal_id
        )
        return vorlage_document(session, actor, proposal, [f.name for f in files])
    if kind == "beschlussauszug":
        item = current_agenda_item(session, proposal)
        if item is None or item.id is None:
            raise NotFound(f"Zur Vorlage {proposal.label} liegt kein Beschluss vor.")
        return item_document(session=session, actor=actor, item_id=item.id, kind=kind)
    raise NotFound(f"Für Vorlagen gibt es das Dokument „{kind}“ nicht.")


def meeting_document(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    kind: str,
    public: bool = True,
    base_url: str | None = None,
) -> Document:
    """``base_url``: where the application is reached, for the Einladung to name the
    Sitzungsmappe's address (printed for a member without e-mail)."""
    view = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    meeting = view.meeting
    items = _agenda(view)
    if kind == "einladung":
        return build_einladung(session, meeting, items, papers_note(meeting, base_url))
    if kind == "bekanntmachung":
        # One notice for everybody: it says that a non-public part follows (nothing of what
        # it is about), whether the reader may see that part or not.
        return build_bekanntmachung(session, meeting, agenda(session, meeting_id))
    if kind == "niederschrift":
        if meeting.state not in SIGNED_STATES and not _own(actor, meeting):
            raise NotFound("Die Niederschrift dieser Sitzung ist nicht veröffentlicht.")
        if not public and not _administration(actor, meeting):
            raise NotFound(
                "Die nichtöffentliche Niederschrift dieser Sitzung wurde nicht gefunden."
            )
        return build_niederschrift(session, meeting, items, public=public)
    raise NotFound(f"Für Sitzungen gibt es das Dokument „{kind}“ nicht.")


def item_document(
    *,
    session: Session,
    actor: Actor | None,
    item_id: int,
    kind: str,
    meeting_id: int | None = None,
) -> Document:
    """``meeting_id``: where the caller found the item (the API path); it must match."""
    item = session.get(AgendaItem, item_id)
    if item is None or meeting_id not in (None, item.meeting_id):
        raise not_found("Tagesordnungspunkt")
    view = get_meeting(session=session, actor=actor, meeting_id=item.meeting_id)
    if item.id not in {i.id for i in view.items}:
        raise not_found("Tagesordnungspunkt")
    if kind == "vorlage":
        if item.proposal_id is None:
            raise NotFound("Zu diesem Tagesordnungspunkt gibt es keine Vorlage.")
        return proposal_document(
            session=session, actor=actor, proposal_id=item.proposal_id, kind=kind
        )
    if kind != "beschlussauszug":
        raise NotFound(f"Für Tagesordnungspunkte gibt es das Dokument „{kind}“ nicht.")
    refusal = _extract_refusal(session, actor, item, view)
    if refusal is not None:
        raise NotFound(refusal)
    resolution = resolution_of(session, item)
    assert resolution is not None  # checked by _extract_refusal
    return build_auszug(session, view.meeting, item, resolution, _agenda(view))


def _extract_refusal(
    session: Session, actor: Actor | None, item: AgendaItem, view: MeetingView
) -> str | None:
    """Why the reader gets no Beschlussauszug of the item, or None."""
    if not item.public and not _administration(actor, view.meeting):
        return "Zu diesem Tagesordnungspunkt wurde kein Beschlussauszug gefunden."
    resolution = resolution_of(session, item)
    if resolution is None:
        return "Zu diesem Tagesordnungspunkt liegt kein Beschluss vor."
    if resolution.published_at is None and not _own(actor, view.meeting):
        # Outside the municipality the wording is public once published (§ 41b Abs. 5 GemO),
        # as on the Beschlüsse page, in OParl and in the feed.
        return "Der Beschluss zu diesem Tagesordnungspunkt ist nicht veröffentlicht."
    return None


def extract_readable(*, session: Session, actor: Actor, proposal: Proposal) -> bool:
    """Whether the Vorlage's Beschlussauszug (``proposal_document``) reaches this reader: a
    page offers only links that lead somewhere. There is none without an agenda item, e.g.
    after an Eilentscheidung (§ 43 Abs. 4 GemO), which is decided outside a session."""
    item = current_agenda_item(session, proposal)
    if item is None:
        return False
    try:
        view = get_meeting(session=session, actor=actor, meeting_id=item.meeting_id)
    except NotFound:
        return False
    if item.id not in {i.id for i in view.items}:
        return False
    return _extract_refusal(session, actor, item, view) is None
