"""Atom feed (RFC 4287) of what a municipality newly published: public sessions once invited
(§ 41b Abs. 1 GemO) and resolutions once published (Abs. 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from sqlmodel import Session

from workflow.documents import german
from workflow.meeting_titles import meeting_title
from workflow.models import Municipality
from workflow.services import public_info
from workflow.supervision import municipality_title

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50


@dataclass(frozen=True)
class FeedEntry:
    key: str
    title: str
    link: str
    updated: datetime
    summary: str


def _utc(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def entries(session: Session, municipality: Municipality, base: str) -> list[FeedEntry]:
    mid = municipality.id or 0
    names = {b.id: b.name for b in public_info.bodies(session, mid)}
    rows: list[FeedEntry] = []
    for meeting in public_info.meetings(session, mid):
        if meeting.invited_at is None:
            continue
        name = names.get(meeting.body_id)
        cancelled = " (abgesagt)" if meeting.state == "cancelled" else ""
        rows.append(
            FeedEntry(
                key=f"meeting-{meeting.id}",
                title=f"{meeting_title(name, meeting.meeting_date)}{cancelled}",
                link=f"{base}/oeffentlich/{mid}/sitzungen/{meeting.id}",
                updated=meeting.invited_at,
                summary=f"{german.day(meeting.meeting_date)}, {meeting.start_time} Uhr, "
                f"{meeting.location}",
            )
        )
    for resolution, proposal in public_info.published_resolutions(session, mid, MAX_ENTRIES):
        verdict = "Beschlossen" if resolution.adopted else "Abgelehnt"
        assert resolution.published_at is not None
        rows.append(
            FeedEntry(
                key=f"resolution-{resolution.id}",
                title=f"{verdict}: {proposal.title}",
                link=f"{base}/oeffentlich/{mid}/vorlagen/{proposal.id}",
                updated=resolution.published_at,
                summary=resolution.text,
            )
        )
    rows.sort(key=lambda e: (_utc(e.updated), e.key), reverse=True)
    return rows[:MAX_ENTRIES]


def atom(session: Session, municipality: Municipality, base: str, now: datetime) -> bytes:
    mid = municipality.id or 0
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    rows = entries(session, municipality, base)
    domain = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    add(feed, "id", f"tag:{domain},2024:ratsflow:{mid}")
    add(feed, "title", f"Neu veröffentlicht – {municipality_title(municipality)}")
    add(feed, "updated", _utc(rows[0].updated) if rows else _utc(now))
    add(feed, "link", rel="self", href=f"{base}/oeffentlich/{mid}/feed.atom")
    add(feed, "link", rel="alternate", type="text/html", href=f"{base}/oeffentlich/{mid}")
    author = add(feed, "author")
    add(author, "name", municipality_title(municipality))
    for row in rows:
        entry = add(feed, "entry")
        add(entry, "id", f"tag:{domain},2024:ratsflow:{mid}:{row.key}")
        add(entry, "title", row.title)
        add(entry, "updated", _utc(row.updated))
        add(entry, "link", rel="alternate", type="text/html", href=row.link)
        add(entry, "summary", row.summary)
    body: bytes = ET.tostring(feed, encoding="unicode").encode("utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
