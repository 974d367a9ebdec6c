"""OParl Files: the published renditions (Vorlage, Einladung, public Niederschrift) and the
public, unredacted attachments, addressed by a stable key.

Keys: ``vorlage-<proposal>``, ``einladung-<meeting>``, ``niederschrift-<meeting>``,
``anlage-<attachment>``. A rendition is made as an anonymous reader would get it, so it
leaves out what § 41b Abs. 2 S. 2 GemO keeps from the public, and says so.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from workflow.context import local_date
from workflow.documents import german
from workflow.documents import service as documents
from workflow.documents.model import Document
from workflow.documents.sitzung import SIGNED_STATES
from workflow.errors import NotFound
from workflow.files import FileStore
from workflow.models import Attachment, Meeting, Proposal
from workflow.services import public_info

KEY = re.compile(r"^(vorlage|einladung|niederschrift|anlage)-([1-9][0-9]{0,8})$")


@dataclass
class PublicFile:
    key: str
    name: str
    file_name: str
    mime_type: str
    data: bytes
    created: datetime
    modified: datetime
    date: date | None
    papers: list[int]
    meetings: list[int]
    municipality_id: int

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.data, usedforsecurity=False).hexdigest()

    @property
    def sha512(self) -> str:
        return hashlib.sha512(self.data).hexdigest()


def _html(document: Document) -> bytes:
    return documents.render(document, "html")


def vorlage_file(session: Session, proposal: Proposal) -> PublicFile:
    pid = proposal.id or 0
    document = documents.proposal_document(
        session=session, actor=None, proposal_id=pid, kind="vorlage"
    )
    return PublicFile(
        key=f"vorlage-{pid}",
        name=f"Vorlage {proposal.label}: {proposal.title}"[:300],
        file_name=f"{document.filename}.html",
        mime_type="text/html",
        data=_html(document),
        created=proposal.created_at,
        modified=proposal.updated_at,
        date=proposal.proposal_date,
        papers=[pid],
        meetings=[],
        municipality_id=proposal.municipality_id,
    )


def meeting_file(session: Session, meeting: Meeting, kind: str) -> PublicFile | None:
    if kind == "niederschrift" and meeting.state not in SIGNED_STATES:
        return None
    mid = meeting.id or 0
    document = documents.meeting_document(
        session=session, actor=None, meeting_id=mid, kind=kind, public=True
    )
    # The meeting's day, not the letter's: "vom" would date the invitation itself.
    label = "Einladung zur" if kind == "einladung" else "Niederschrift (öffentlicher Teil) der"
    return PublicFile(
        key=f"{kind}-{mid}",
        name=f"{label} Sitzung am {german.day(meeting.meeting_date)}",
        file_name=f"{document.filename}.html",
        mime_type="text/html",
        data=_html(document),
        created=meeting.invited_at or meeting.created_at,
        modified=meeting.updated_at,
        # OParl 1.1 File.date: the day deadlines count from; for the invitation the day it
        # went out (§ 34 Abs. 1 GemO), for the minutes the session's.
        date=local_date(meeting.invited_at)
        if kind == "einladung" and meeting.invited_at is not None
        else meeting.meeting_date,
        papers=[],
        meetings=[mid],
        municipality_id=meeting.municipality_id,
    )


def attachment_file(store: FileStore, row: Attachment) -> PublicFile:
    data = store.get(row.sha256) or b""
    stem = row.name.rsplit(".", 1)[0]
    return PublicFile(
        key=f"anlage-{row.id}",
        name=stem,
        file_name=row.name,
        mime_type=row.content_type,
        data=data,
        created=row.uploaded_at,
        modified=row.uploaded_at,
        date=row.uploaded_at.date(),
        papers=[row.instance_id] if row.instance_type == "proposal" else [],
        meetings=[row.instance_id] if row.instance_type == "meeting" else [],
        municipality_id=row.municipality_id,
    )


def find(session: Session, store: FileStore, key: str) -> PublicFile | None:
    """The published file of that key, or None (never published, or no longer)."""
    match = KEY.match(key)
    if match is None:
        return None
    kind, number = match.group(1), int(match.group(2))
    try:
        if kind == "vorlage":
            proposal = public_info.paper(session, number)
            return vorlage_file(session, proposal) if proposal is not None else None
        if kind in ("einladung", "niederschrift"):
            view = public_info.public_meeting(session, number)
            return meeting_file(session, view.meeting, kind) if view is not None else None
        row = session.get(Attachment, number)
        if row is None or not row.public or row.redaction is not None:
            return None
        if row.instance_type == "proposal" and public_info.paper(session, row.instance_id):
            return attachment_file(store, row)
        if row.instance_type == "meeting" and public_info.public_meeting(session, row.instance_id):
            return attachment_file(store, row)
    except NotFound:
        return None
    return None
