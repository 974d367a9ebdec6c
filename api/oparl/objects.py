"""OParl 1.1 objects from published data (spec chapter 3; notes in docs/oparl.md).

Every object carries ``id`` (its URL), ``type``, ``created``, ``modified`` and ``web`` (the
portal page). Embedded objects leave out the back-reference to their parent; fetched at
their own id they add it. Optional fields without data are left out, never ``null``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.oparl.files import PublicFile, attachment_file, meeting_file, vorlage_file
from api.oparl.urls import Urls, oparl_type
from workflow.digits import is_digits
from workflow.documents import german
from workflow.files import FileStore
from workflow.meeting_titles import meeting_title
from workflow.models import (
    AgendaItem,
    Body,
    ConsultationStep,
    Faction,
    FactionMember,
    Meeting,
    Membership,
    Municipality,
    Person,
    Proposal,
)
from workflow.services import factions, public_info
from workflow.supervision import municipality_title

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
# Kommunalwahlen in Baden-Württemberg: each term runs until the next election.
ELECTIONS = (date(2014, 5, 25), date(2019, 5, 26), date(2024, 6, 9))
Obj = dict[str, Any]


@dataclass
class Context:
    session: Session
    urls: Urls
    store: FileStore
    tz: ZoneInfo
    omit_internal: bool = False
    files: dict[str, PublicFile] = field(default_factory=dict)

    def stamp(self, *moments: datetime | None) -> str:
        """The latest of the moments, as ``yyyy-mm-ddThh:mm:ss±hh:mm`` (OParl 2.4)."""
        return latest(*moments).astimezone(self.tz).replace(microsecond=0).isoformat()


def latest(*moments: datetime | None) -> datetime:
    known = [m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments if m is not None]
    return max(known) if known else EPOCH


def _base(ctx: Context, kind: str, key: int | str, type_name: str) -> Obj:
    return {"id": ctx.urls.obj(kind, key), "type": oparl_type(type_name)}


def deleted(
    ctx: Context, kind: str, key: int | str, type_name: str, created: str, modified: str
) -> Obj:
    """OParl 2.8: a deleted object keeps id, type and created, with ``deleted: true``."""
    return {
        **_base(ctx, kind, key, type_name),
        "created": created,
        "modified": modified,
        "deleted": True,
    }


# --- System, Body, LegislativeTerm -------------------------------------------------------


def system(ctx: Context) -> Obj:
    return {
        "id": ctx.urls.system(),
        "type": oparl_type("System"),
        "oparlVersion": "https://schema.oparl.org/1.1/",
        "body": ctx.urls.bodies(),
        "name": "Ratsflow – öffentliche Ratsinformationen",
        "website": f"{ctx.urls.base}/oeffentlich",
        "created": ctx.stamp(EPOCH),
        "modified": ctx.stamp(EPOCH),
        "web": f"{ctx.urls.base}/oeffentlich",
    }


def terms(municipality: Municipality) -> list[tuple[int, date, date | None]]:
    return [
        (d.year, d, ELECTIONS[i + 1] if i + 1 < len(ELECTIONS) else None)
        for i, d in enumerate(ELECTIONS)
    ]


def legislative_term(
    ctx: Context, municipality: Municipality, year: int, *, embedded: bool
) -> Obj | None:
    found = next((t for t in terms(municipality) if t[0] == year), None)
    if found is None:
        return None
    _, start, end = found
    mid = municipality.id or 0
    obj = _base(ctx, "legislativeterm", f"{mid}-{year}", "LegislativeTerm")
    if not embedded:
        obj["body"] = ctx.urls.body(mid)
    obj["name"] = f"Wahlperiode ab {german.day(start)}"
    obj["startDate"] = start.isoformat()
    if end is not None:
        obj["endDate"] = end.isoformat()
    obj["created"] = ctx.stamp(municipality.created_at)
    obj["modified"] = ctx.stamp(municipality.created_at, municipality.updated_at)
    obj["web"] = ctx.urls.web_municipality(mid)
    return obj


BODY_LISTS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaItem": "agendaItem",
    "consultation": "consultation",
    "file": "file",
    "membership": "membership",
    "locationList": "location",
    "legislativeTermList": "legislativeTerm",
}


def body(ctx: Context, municipality: Municipality) -> Obj:
    mid = municipality.id or 0
    obj: Obj = {
        "id": ctx.urls.body(mid),
        "type": oparl_type("Body"),
        "system": ctx.urls.system(),
        "name": municipality_title(municipality),
        "shortName": municipality.name,
    }
    if municipality.ags and is_digits(municipality.ags) and len(municipality.ags) <= 8:
        obj["ags"] = municipality.ags
    for key, kind in BODY_LISTS.items():
        obj[key] = ctx.urls.body_list(mid, kind)
    if not ctx.omit_internal:
        obj["legislativeTerm"] = [
            t
            for year, _, _ in terms(municipality)
            if (t := legislative_term(ctx, municipality, year, embedded=True)) is not None
        ]
    else:
        obj["legislativeTerm"] = []
    obj["classification"] = "Gemeinde"
    obj["created"] = ctx.stamp(municipality.created_at)
    obj["modified"] = ctx.stamp(municipality.created_at, municipality.updated_at)
    obj["web"] = ctx.urls.web_municipality(mid)
    return obj


# --- Organization, Person, Membership ------------------------------------------------------

CLASSIFICATION = {
    "council": "Parlament",
    "deciding_committee": "Ausschuss",
    "advisory_committee": "Ausschuss",
    "local_council": "Ortschaftsrat",
}


def organization(ctx: Context, row: Body) -> Obj:
    obj = _base(ctx, "organization", row.id or 0, "Organization")
    obj["body"] = ctx.urls.body(row.municipality_id)
    obj["name"] = row.name
    obj["organizationType"] = "Gremium"
    obj["classification"] = CLASSIFICATION.get(row.kind, "Sonstiges")
    seats = public_info.members(ctx.session, row.id or 0)
    obj["membership"] = [ctx.urls.obj("membership", m.id or 0) for m, _ in seats]
    obj["created"] = ctx.stamp(row.created_at)
    obj["modified"] = ctx.stamp(row.created_at, row.updated_at)
    obj["web"] = ctx.urls.web_body(row.municipality_id, row.id or 0)
    return obj


def _on_behalf_of(
    ctx: Context, row: Membership, body: Body | None
) -> tuple[FactionMember, Faction] | None:
    """A council seat is held for the councillor's current Fraktion, if he sits in one
    (§ 32a GemO): OParl's ``onBehalfOf``, the Fraktion's Organization."""
    if body is None or body.kind != "council":
        return None
    return factions.current_seat(ctx.session, row.person_id)


def membership_modified(ctx: Context, row: Membership) -> datetime:
    """Changed with the seat, and for a council seat with the Fraktion it is held for: any
    of the councillor's Fraktion seats, ended ones too, since leaving one (or its
    dissolution) drops ``onBehalfOf`` and a client syncing with modified_since must see it."""
    body = ctx.session.get(Body, row.body_id)
    held = (
        factions.seats_of(ctx.session, row.person_id)
        if body is not None and body.kind == "council"
        else []
    )
    return latest(
        row.created_at,
        row.updated_at,
        *(stamp for seat, _ in held for stamp in (seat.created_at, seat.updated_at)),
    )


def membership(ctx: Context, row: Membership, *, embedded: bool) -> Obj:
    obj = _base(ctx, "membership", row.id or 0, "Membership")
    seat = ctx.session.get(Body, row.body_id)
    if not embedded:
        obj["person"] = ctx.urls.obj("person", row.person_id)
    obj["organization"] = ctx.urls.obj("organization", row.body_id)
    obj["role"] = "Vorsitz" if row.role == "chair" else "Mitglied"
    obj["votingRight"] = row.voting
    if row.start_date:
        obj["startDate"] = row.start_date.isoformat()
    if row.end_date:
        obj["endDate"] = row.end_date.isoformat()
    faction = _on_behalf_of(ctx, row, seat)
    if faction is not None:
        obj["onBehalfOf"] = ctx.urls.faction(faction[1].id or 0)
    obj["created"] = ctx.stamp(row.created_at)
    obj["modified"] = ctx.stamp(membership_modified(ctx, row))
    if seat is not None:
        obj["web"] = ctx.urls.web_body(seat.municipality_id, seat.id or 0)
    return obj


def person_modified(ctx: Context, row: Person) -> datetime:
    seats = public_info.memberships_of(ctx.session, row.id or 0)
    return latest(row.created_at, row.updated_at, *(m.updated_at for m in seats))


def person(ctx: Context, row: Person) -> Obj:
    """Name and seats only: no e-mail or address without consent (OParl 1.6)."""
    obj = _base(ctx, "person", row.id or 0, "Person")
    obj["body"] = ctx.urls.body(row.municipality_id)
    obj["name"] = row.name
    seats = public_info.memberships_of(ctx.session, row.id or 0)
    if not ctx.omit_internal:
        obj["membership"] = [membership(ctx, m, embedded=True) for m in seats]
    obj["created"] = ctx.stamp(row.created_at)
    obj["modified"] = ctx.stamp(person_modified(ctx, row))
    if seats:
        obj["web"] = ctx.urls.web_body(row.municipality_id, seats[0].body_id)
    else:
        obj["web"] = ctx.urls.web_municipality(row.municipality_id)
    return obj


# --- Meeting, AgendaItem, Location --------------------------------------------------------

# OParl 1.1 Meeting.meetingState is free text; its examples: terminiert, eingeladen,
# durchgeführt. Unannounced meetings (planned, agenda) are not public at all.
MEETING_STATES = {
    "invited": "eingeladen",
    "in_session": "läuft",
    "closed": "durchgeführt",
    "minutes_signed": "durchgeführt",
    "minutes_presented": "durchgeführt",
}


def meeting_start(ctx: Context, row: Meeting) -> datetime:
    try:
        hour, minute = (int(x) for x in row.start_time.split(":"))
        at = time(hour, minute)
    except ValueError:
        at = time(0, 0)
    return datetime.combine(row.meeting_date, at, tzinfo=ctx.tz)


def item_modified(ctx: Context, item: AgendaItem) -> datetime:
    resolution = public_info.item_resolution(ctx.session, item)
    extra = (resolution.created_at, resolution.published_at) if resolution else ()
    return latest(item.created_at, item.updated_at, *extra)


def meeting_modified(ctx: Context, view: public_info.PublicMeeting) -> datetime:
    files = public_info.public_attachments(ctx.session, "meeting", view.meeting.id or 0)
    return latest(
        view.meeting.created_at,
        view.meeting.updated_at,
        *(item_modified(ctx, i) for i in [*view.items, *view.removed]),
        *(f.uploaded_at for f in files),
    )


def location(ctx: Context, row: Meeting, *, embedded: bool) -> Obj:
    obj = _base(ctx, "location", row.id or 0, "Location")
    obj["description"] = row.location
    if not embedded:
        obj["meetings"] = [ctx.urls.obj("meeting", row.id or 0)]
    obj["created"] = ctx.stamp(row.created_at)
    obj["modified"] = ctx.stamp(row.created_at, row.updated_at)
    obj["web"] = ctx.urls.web_meeting(row.municipality_id, row.id or 0)
    return obj


def agenda_item(
    ctx: Context, view: public_info.PublicMeeting, item: AgendaItem, *, embedded: bool
) -> Obj:
    meeting = view.meeting
    obj = _base(ctx, "agendaitem", item.id or 0, "AgendaItem")
    if not embedded:
        obj["meeting"] = ctx.urls.obj("meeting", meeting.id or 0)
    order = next((i for i, x in enumerate(view.items) if x.id == item.id), 0)
    obj["number"] = str(order + 1)
    obj["order"] = order
    obj["name"] = item.title
    obj["public"] = True
    step = public_info.step_of_item(ctx.session, item)
    if step is not None and public_info.paper(ctx.session, step.proposal_id) is not None:
        obj["consultation"] = ctx.urls.obj("consultation", step.id or 0)
    result, text = public_info.result_text(ctx.session, item)
    if result:
        obj["result"] = result
    if text:
        obj["resolutionText"] = text
    obj["created"] = ctx.stamp(item.created_at or meeting.created_at)
    obj["modified"] = ctx.stamp(item_modified(ctx, item))
    obj["web"] = f"{ctx.urls.web_meeting(meeting.municipality_id, meeting.id or 0)}#top-{item.id}"
    return obj


def meeting(ctx: Context, view: public_info.PublicMeeting) -> Obj:
    row = view.meeting
    mid = row.id or 0
    obj = _base(ctx, "meeting", mid, "Meeting")
    obj["name"] = meeting_title(view.body.name, row.meeting_date)
    obj["meetingState"] = MEETING_STATES.get(row.state, "eingeladen")
    if row.state == "cancelled":
        obj["cancelled"] = True
    obj["start"] = meeting_start(ctx, row).replace(microsecond=0).isoformat()
    obj["location"] = location(ctx, row, embedded=True)
    obj["organization"] = [ctx.urls.obj("organization", row.body_id)]
    invitation = _file(ctx, f"einladung-{mid}", lambda: meeting_file(ctx.session, row, "einladung"))
    if invitation is not None:
        obj["invitation"] = file(ctx, invitation, embedded=True)
    minutes = _file(
        ctx, f"niederschrift-{mid}", lambda: meeting_file(ctx.session, row, "niederschrift")
    )
    if minutes is not None:
        obj["resultsProtocol"] = file(ctx, minutes, embedded=True)
    if not ctx.omit_internal:
        aux = [
            file(ctx, attachment_file(ctx.store, a), embedded=True)
            for a in public_info.public_attachments(ctx.session, "meeting", mid)
        ]
        if aux:
            obj["auxiliaryFile"] = aux
        obj["agendaItem"] = [agenda_item(ctx, view, i, embedded=True) for i in view.items]
    obj["created"] = ctx.stamp(row.invited_at or row.created_at)
    obj["modified"] = ctx.stamp(meeting_modified(ctx, view))
    obj["web"] = ctx.urls.web_meeting(row.municipality_id, mid)
    return obj


# --- Paper, Consultation, File --------------------------------------------------------------


def consultation_role(step: ConsultationStep) -> str:
    if step.decides:
        return "Entscheidung"
    if step.advises:
        return "Vorberatung"
    return "Anhörung"


def consultation(
    ctx: Context, proposal: Proposal, step: ConsultationStep, *, embedded: bool
) -> Obj:
    obj = _base(ctx, "consultation", step.id or 0, "Consultation")
    if not embedded:
        obj["paper"] = ctx.urls.obj("paper", proposal.id or 0)
    if step.agenda_item_id is not None:
        found = public_info.public_item(ctx.session, step.agenda_item_id)
        if found is not None and not found[1].removed:
            obj["meeting"] = ctx.urls.obj("meeting", found[0].meeting.id or 0)
            obj["agendaItem"] = ctx.urls.obj("agendaitem", step.agenda_item_id)
    obj["organization"] = [ctx.urls.obj("organization", step.body_id)]
    obj["authoritative"] = step.decides
    obj["role"] = consultation_role(step)
    obj["created"] = ctx.stamp(proposal.created_at)
    obj["modified"] = ctx.stamp(proposal.created_at, proposal.updated_at)
    obj["web"] = ctx.urls.web_paper(proposal.municipality_id, proposal.id or 0)
    return obj


def paper_modified(ctx: Context, proposal: Proposal) -> datetime:
    files = public_info.public_attachments(ctx.session, "proposal", proposal.id or 0)
    return latest(proposal.created_at, proposal.updated_at, *(f.uploaded_at for f in files))


def paper(ctx: Context, proposal: Proposal) -> Obj:
    pid = proposal.id or 0
    obj = _base(ctx, "paper", pid, "Paper")
    obj["body"] = ctx.urls.body(proposal.municipality_id)
    obj["name"] = proposal.title
    obj["reference"] = proposal.label[:50]
    obj["date"] = proposal.proposal_date.isoformat()
    obj["paperType"] = proposal.kind_label  # Beschluss-, Informations-, Ergänzungsvorlage
    main = _file(ctx, f"vorlage-{pid}", lambda: vorlage_file(ctx.session, proposal))
    if main is not None:
        obj["mainFile"] = file(ctx, main, embedded=True)
    if not ctx.omit_internal:
        aux = [
            file(ctx, attachment_file(ctx.store, a), embedded=True)
            for a in public_info.public_attachments(ctx.session, "proposal", pid)
        ]
        if aux:
            obj["auxiliaryFile"] = aux
    obj["consultation"] = [
        consultation(ctx, proposal, s, embedded=True)
        for s in public_info.consultations(ctx.session, pid)
    ]
    # A Vorlage made of a Fraktionsantrag: the Fraktion is its originator (docs/oparl.md).
    originators = public_info.originating_factions(ctx.session, pid)
    if originators:
        obj["originatorOrganization"] = [ctx.urls.faction(f) for f in originators]
    obj["created"] = ctx.stamp(proposal.created_at)
    obj["modified"] = ctx.stamp(paper_modified(ctx, proposal))
    obj["web"] = ctx.urls.web_paper(proposal.municipality_id, pid)
    return obj


def _file(ctx: Context, key: str, make: Any) -> PublicFile | None:
    if key not in ctx.files:
        made = make()
        if made is None:
            return None
        ctx.files[key] = made
    return ctx.files[key]


def file(ctx: Context, f: PublicFile, *, embedded: bool) -> Obj:
    obj = _base(ctx, "file", f.key, "File")
    obj["name"] = f.name
    obj["fileName"] = f.file_name
    obj["mimeType"] = f.mime_type
    if f.date is not None:
        obj["date"] = f.date.isoformat()
    obj["size"] = len(f.data)
    obj["sha1Checksum"] = f.sha1
    obj["sha512Checksum"] = f.sha512
    obj["accessUrl"] = ctx.urls.file_access(f.key)
    obj["downloadUrl"] = ctx.urls.file_download(f.key)
    if not embedded:
        if f.papers:
            obj["paper"] = [ctx.urls.obj("paper", p) for p in f.papers]
        if f.meetings:
            obj["meeting"] = [ctx.urls.obj("meeting", m) for m in f.meetings]
    obj["created"] = ctx.stamp(f.created)
    obj["modified"] = ctx.stamp(f.created, f.modified)
    if f.papers:
        obj["web"] = ctx.urls.web_paper(f.municipality_id, f.papers[0])
    elif f.meetings:
        obj["web"] = ctx.urls.web_meeting(f.municipality_id, f.meetings[0])
    return obj
