"""The Sitzungsmappe: invitation, every Vorlage and its attachments as one PDF (§ 34 Abs. 1
S. 1 GemO: the documents needed for deliberation go out with the invitation)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from workflow.agenda_numbers import in_session_order, top_numbers
from workflow.context import Actor
from workflow.documents.common import body_name, letterhead
from workflow.documents.model import Document
from workflow.documents.pdf import Appendix, render_mappe_pdf
from workflow.documents.service import vorlage_document
from workflow.documents.sitzung import IN_FOLDER, build_einladung
from workflow.errors import NotFound
from workflow.files import FileStore
from workflow.meeting_titles import meeting_title
from workflow.models import Attachment, Proposal
from workflow.services.attachments import list_attachments
from workflow.services.listing import get_meeting, get_proposal


def _appendices(
    store: FileStore, rows: Sequence[Attachment], top: str | None = None
) -> list[Appendix]:
    """The attachments with their bytes (a lost file is left out); ``top``: the number of
    the item whose Vorlage they belong to."""
    result = []
    for row in rows:
        data = store.get(row.sha256)
        if data is not None:
            result.append(
                Appendix(name=row.name, content_type=row.content_type, data=data, top=top)
            )
    return result


def sitzungsmappe(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    store: FileStore,
) -> tuple[str, bytes]:
    """(file name, PDF) with what the caller may read: non-public items, their Vorlagen and
    attachments only for the entitled (§ 35 Abs. 1 GemO)."""
    view = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    meeting = view.meeting
    items = [i for i in view.items if not i.removed]
    documents: list[Document] = [build_einladung(session, meeting, items, IN_FOLDER)]
    # Each Vorlage and its attachments under the TOP number the agenda gives its item.
    numbers = top_numbers(items)
    tops: list[str | None] = [None]
    appendices = _appendices(
        store,
        list_attachments(session=session, actor=actor, kind="meeting", instance_id=meeting_id),
    )
    for item in in_session_order(items):
        if item.proposal_id is None:
            continue
        try:
            proposal: Proposal = get_proposal(
                session=session, actor=actor, proposal_id=item.proposal_id
            )
        except NotFound:
            continue
        files = list_attachments(
            session=session, actor=actor, kind="proposal", instance_id=item.proposal_id
        )
        # The rendition the reader may have on its own (§ 41b Abs. 2 S. 2 GemO: redacted).
        documents.append(vorlage_document(session, actor, proposal, [f.name for f in files]))
        tops.append(numbers.get(item.id or 0))
        appendices += _appendices(store, files, tops[-1])
    town, _ = letterhead(session, meeting.municipality_id)
    sitting = meeting_title(body_name(session, meeting.body_id), meeting.meeting_date)
    title = f"Sitzungsmappe zur {sitting}"
    pdf = render_mappe_pdf(
        title=title, municipality=town, documents=documents, appendices=appendices, tops=tops
    )
    return f"sitzungsmappe-{meeting.id}-{meeting.meeting_date.isoformat()}.pdf", pdf
