"""OParl 1.1, read only, at ``/oparl/v1/system``: only what § 41b GemO has published.

Anonymous, no cookies; every response carries ``Access-Control-Allow-Origin: *``; errors
are OParl Error objects with a German ``message``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session

from api.deps import LinkBase, SessionDep, SettingsDep
from api.downloads import content_disposition
from api.oparl import factions as oparl_factions
from api.oparl import objects as o
from api.oparl.files import PublicFile, attachment_file, find, meeting_file, vorlage_file
from api.oparl.lists import BadFilter, Entry, Query, page, parse
from api.oparl.urls import Urls, oparl_type
from workflow.digits import as_id, is_digits
from workflow.documents.sitzung import SIGNED_STATES
from workflow.files import FileStore
from workflow.models import (
    AgendaItem,
    Body,
    ConsultationStep,
    Meeting,
    Membership,
    Municipality,
    Person,
)
from workflow.services import public_info
from workflow.settings import Settings

router = APIRouter(prefix="/oparl/v1", tags=["OParl"], include_in_schema=False)
CORS = {"Access-Control-Allow-Origin": "*"}
JSON = "application/json; charset=utf-8"


def _json(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=CORS, media_type=JSON)


def _error(status: int, message: str, debug: str) -> JSONResponse:
    return _json({"type": oparl_type("Error"), "message": message, "debug": debug}, status)


def _missing(request: Request) -> JSONResponse:
    return _error(
        404, "Dieses Objekt gibt es nicht oder es ist nicht öffentlich.", str(request.url)
    )


def _context(session: Session, settings: Settings, base: str, omit: bool = False) -> o.Context:
    return o.Context(
        session=session,
        urls=Urls(base),
        store=FileStore(settings.files_dir),
        tz=ZoneInfo(settings.timezone),
        omit_internal=omit,
    )


def _id(text: str) -> int | None:
    return as_id(text)


# A client or a person who types the short address finds the entry point: OParl's is the
# System object, where every other object is linked from.
entry = APIRouter(tags=["OParl"], include_in_schema=False)


@entry.get("/oparl")
@entry.get("/oparl/")
@entry.get("/oparl/v1")
@entry.get("/oparl/v1/")
def entry_point() -> Response:
    return RedirectResponse("/oparl/v1/system", status_code=302, headers=CORS)


@router.get("/system")
def system(session: SessionDep, settings: SettingsDep, base: LinkBase) -> Response:
    return _json(o.system(_context(session, settings, base)))


def _query(request: Request, settings: Settings) -> Query | JSONResponse:
    try:
        return parse(request.query_params, ZoneInfo(settings.timezone))
    except BadFilter as exc:
        return _error(400, str(exc), str(request.url))


@router.get("/body")
def bodies(
    request: Request, session: SessionDep, settings: SettingsDep, base: LinkBase
) -> Response:
    q = _query(request, settings)
    if isinstance(q, JSONResponse):
        return q
    ctx = _context(session, settings, base, q.omit_internal)
    entries = [
        Entry(
            m.id or 0,
            o.latest(m.created_at),
            o.latest(m.created_at, m.updated_at),
            False,
            partial(o.body, ctx, m),
        )
        for m in public_info.municipalities(session)
    ]
    return _json(page(ctx.urls.bodies(), entries, q, f"{base}/oeffentlich"))


@router.get("/body/{municipality_id}")
def body(
    municipality_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    base: LinkBase,
) -> Response:
    mid = _id(municipality_id)
    municipality = session.get(Municipality, mid) if mid else None
    if municipality is None:
        return _missing(request)
    return _json(o.body(_context(session, settings, base), municipality))


def _entries(ctx: o.Context, municipality: Municipality, kind: str) -> list[Entry] | None:
    builders: dict[str, Callable[[o.Context, Municipality], list[Entry]]] = {
        "organization": _organizations,
        "person": _persons,
        "membership": _memberships,
        "meeting": _meetings,
        "agendaItem": _agenda_items,
        "paper": _papers,
        "consultation": _consultations,
        "file": _files,
        "location": _locations,
        "legislativeTerm": _terms,
    }
    make = builders.get(kind)
    return make(ctx, municipality) if make is not None else None


@router.get("/body/{municipality_id}/{kind}")
def body_list(
    municipality_id: str,
    kind: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    base: LinkBase,
) -> Response:
    mid = _id(municipality_id)
    municipality = session.get(Municipality, mid) if mid else None
    if municipality is None:
        return _missing(request)
    q = _query(request, settings)
    if isinstance(q, JSONResponse):
        return q
    ctx = _context(session, settings, base, q.omit_internal)
    entries = _entries(ctx, municipality, kind)
    if entries is None:
        return _missing(request)
    url = ctx.urls.body_list(municipality.id or 0, kind)
    return _json(page(url, entries, q, ctx.urls.web_municipality(municipality.id or 0)))


# --- the lists of one municipality --------------------------------------------------------


def _organizations(ctx: o.Context, m: Municipality) -> list[Entry]:
    return [
        Entry(
            b.id or 0,
            o.latest(b.created_at),
            o.latest(b.created_at, b.updated_at),
            False,
            partial(o.organization, ctx, b),
        )
        for b in public_info.bodies(ctx.session, m.id or 0)
    ] + oparl_factions.organization_entries(ctx, m)


def _persons(ctx: o.Context, m: Municipality) -> list[Entry]:
    return [
        Entry(
            p.id or 0,
            o.latest(p.created_at),
            oparl_factions.person_modified(ctx, p),
            False,
            partial(oparl_factions.person, ctx, p),
        )
        for p in public_info.persons(ctx.session, m.id or 0)
    ]


def _memberships(ctx: o.Context, m: Municipality) -> list[Entry]:
    entries = []
    for b in public_info.bodies(ctx.session, m.id or 0):
        for seat, _ in public_info.members(ctx.session, b.id or 0):
            entries.append(
                Entry(
                    seat.id or 0,
                    o.latest(seat.created_at),
                    o.membership_modified(ctx, seat),
                    False,
                    partial(o.membership, ctx, seat, embedded=False),
                )
            )
    return entries + oparl_factions.membership_entries(ctx, m)


def _views(ctx: o.Context, m: Municipality) -> list[public_info.PublicMeeting]:
    views = [
        public_info.public_meeting(ctx.session, row.id or 0)
        for row in public_info.meetings(ctx.session, m.id or 0)
    ]
    return [v for v in views if v is not None]


def _meetings(ctx: o.Context, m: Municipality) -> list[Entry]:
    return [
        Entry(
            v.meeting.id or 0,
            o.latest(v.meeting.invited_at or v.meeting.created_at),
            o.meeting_modified(ctx, v),
            False,
            partial(o.meeting, ctx, v),
        )
        for v in _views(ctx, m)
    ]


def _locations(ctx: o.Context, m: Municipality) -> list[Entry]:
    return [
        Entry(
            v.meeting.id or 0,
            o.latest(v.meeting.created_at),
            o.latest(v.meeting.created_at, v.meeting.updated_at),
            False,
            partial(o.location, ctx, v.meeting, embedded=False),
        )
        for v in _views(ctx, m)
    ]


def _agenda_items(ctx: o.Context, m: Municipality) -> list[Entry]:
    entries = []
    for v in _views(ctx, m):
        for item in v.items:
            entries.append(
                Entry(
                    item.id or 0,
                    o.latest(item.created_at or v.meeting.created_at),
                    o.item_modified(ctx, item),
                    False,
                    partial(o.agenda_item, ctx, v, item, embedded=False),
                )
            )
        for item in v.removed:
            entries.append(_deleted_item(ctx, item, v))
    return entries


def _deleted_item(ctx: o.Context, item: AgendaItem, v: public_info.PublicMeeting) -> Entry:
    created = o.latest(item.created_at or v.meeting.created_at)
    modified = o.item_modified(ctx, item)
    return Entry(
        item.id or 0,
        created,
        modified,
        True,
        lambda: o.deleted(
            ctx, "agendaitem", item.id or 0, "AgendaItem", ctx.stamp(created), ctx.stamp(modified)
        ),
    )


def _papers(ctx: o.Context, m: Municipality) -> list[Entry]:
    entries = [
        Entry(
            p.id or 0,
            o.latest(p.created_at),
            o.paper_modified(ctx, p),
            False,
            partial(o.paper, ctx, p),
        )
        for p in public_info.papers(ctx.session, m.id or 0)
    ]
    for p in public_info.depublished(ctx.session, m.id or 0):
        created, modified = o.latest(p.created_at), o.latest(p.created_at, p.updated_at)
        entries.append(
            Entry(
                p.id or 0,
                created,
                modified,
                True,
                partial(
                    o.deleted,
                    ctx,
                    "paper",
                    p.id or 0,
                    "Paper",
                    ctx.stamp(created),
                    ctx.stamp(modified),
                ),
            )
        )
    return entries


def _consultations(ctx: o.Context, m: Municipality) -> list[Entry]:
    entries = []
    for p in public_info.papers(ctx.session, m.id or 0):
        for step in public_info.consultations(ctx.session, p.id or 0):
            entries.append(
                Entry(
                    step.id or 0,
                    o.latest(p.created_at),
                    o.latest(p.created_at, p.updated_at),
                    False,
                    partial(o.consultation, ctx, p, step, embedded=False),
                )
            )
    for p in public_info.depublished(ctx.session, m.id or 0):
        created, modified = o.latest(p.created_at), o.latest(p.created_at, p.updated_at)
        for step in public_info.consultations(ctx.session, p.id or 0):
            entries.append(
                Entry(
                    step.id or 0,
                    created,
                    modified,
                    True,
                    partial(
                        o.deleted,
                        ctx,
                        "consultation",
                        step.id or 0,
                        "Consultation",
                        ctx.stamp(created),
                        ctx.stamp(modified),
                    ),
                )
            )
    return entries


def _file_entry(
    ctx: o.Context,
    key: str,
    created: datetime | None,
    modified: datetime | None,
    make: Callable[[], PublicFile | None],
) -> Entry:
    def build() -> dict[str, Any]:
        made = make()
        assert made is not None
        return o.file(ctx, made, embedded=False)

    return Entry(key, o.latest(created), o.latest(created, modified), False, build)


def _files(ctx: o.Context, m: Municipality) -> list[Entry]:
    entries = []
    for p in public_info.papers(ctx.session, m.id or 0):
        entries.append(
            _file_entry(
                ctx,
                f"vorlage-{p.id}",
                p.created_at,
                p.updated_at,
                partial(vorlage_file, ctx.session, p),
            )
        )
        for a in public_info.public_attachments(ctx.session, "proposal", p.id or 0):
            entries.append(
                _file_entry(
                    ctx,
                    f"anlage-{a.id}",
                    a.uploaded_at,
                    a.uploaded_at,
                    partial(attachment_file, ctx.store, a),
                )
            )
    for v in _views(ctx, m):
        row = v.meeting
        created = row.invited_at or row.created_at
        entries.append(
            _file_entry(
                ctx,
                f"einladung-{row.id}",
                created,
                row.updated_at,
                partial(meeting_file, ctx.session, row, "einladung"),
            )
        )
        if meeting_file_exists(row):
            entries.append(
                _file_entry(
                    ctx,
                    f"niederschrift-{row.id}",
                    created,
                    row.updated_at,
                    partial(meeting_file, ctx.session, row, "niederschrift"),
                )
            )
        for a in public_info.public_attachments(ctx.session, "meeting", row.id or 0):
            entries.append(
                _file_entry(
                    ctx,
                    f"anlage-{a.id}",
                    a.uploaded_at,
                    a.uploaded_at,
                    partial(attachment_file, ctx.store, a),
                )
            )
    return entries


def meeting_file_exists(row: Meeting) -> bool:
    """The public minutes exist once they are signed (§ 38 Abs. 2 GemO)."""
    return row.state in SIGNED_STATES


def _terms(ctx: o.Context, m: Municipality) -> list[Entry]:
    entries = []
    for year, _, _ in o.terms(m):
        term = o.legislative_term(ctx, m, year, embedded=False)
        if term is not None:
            entries.append(
                Entry(
                    f"{m.id}-{year}",
                    o.latest(m.created_at),
                    o.latest(m.created_at, m.updated_at),
                    False,
                    partial(dict, term),
                )
            )
    return entries


# --- single objects -----------------------------------------------------------------------


def _single(ctx: o.Context, kind: str, key: str) -> dict[str, Any] | None:
    session = ctx.session
    if kind == "legislativeterm":
        mid, _, year = key.partition("-")
        municipality = session.get(Municipality, _id(mid)) if _id(mid) else None
        return (
            o.legislative_term(ctx, municipality, int(year), embedded=False)
            if municipality and is_digits(year)
            else None
        )
    if kind == "file":
        found = find(session, ctx.store, key)
        return o.file(ctx, found, embedded=False) if found is not None else None
    if kind in ("organization", "membership") and key.startswith(oparl_factions.PREFIX):
        return oparl_factions.single(ctx, kind, key)
    number = _id(key)
    if number is None:
        return None
    if kind == "organization":
        b = session.get(Body, number)
        return o.organization(ctx, b) if b is not None else None
    if kind == "person":
        p = session.get(Person, number)
        return (
            oparl_factions.person(ctx, p)
            if p is not None and public_info.memberships_of(session, number)
            else None
        )
    if kind == "membership":
        seat = session.get(Membership, number)
        return o.membership(ctx, seat, embedded=False) if seat is not None else None
    if kind in ("meeting", "location"):
        view = public_info.public_meeting(session, number)
        if view is None:
            return None
        return (
            o.meeting(ctx, view)
            if kind == "meeting"
            else o.location(ctx, view.meeting, embedded=False)
        )
    if kind == "agendaitem":
        found_item = public_info.public_item(session, number)
        if found_item is None:
            return None
        v, item = found_item
        return (
            _deleted_item(ctx, item, v).build()
            if item.removed
            else o.agenda_item(ctx, v, item, embedded=False)
        )
    if kind == "paper":
        p2 = public_info.paper(session, number)
        if p2 is not None:
            return o.paper(ctx, p2)
        gone = public_info.depublished_paper(session, number)
        if gone is None:
            return None
        return o.deleted(
            ctx,
            "paper",
            number,
            "Paper",
            ctx.stamp(gone.created_at),
            ctx.stamp(gone.created_at, gone.updated_at),
        )
    if kind == "consultation":
        step = session.get(ConsultationStep, number)
        if step is None:
            return None
        p3 = public_info.paper(session, step.proposal_id)
        if p3 is not None:
            return o.consultation(ctx, p3, step, embedded=False)
        gone = public_info.depublished_paper(session, step.proposal_id)
        if gone is None:
            return None
        return o.deleted(
            ctx,
            "consultation",
            number,
            "Consultation",
            ctx.stamp(gone.created_at),
            ctx.stamp(gone.created_at, gone.updated_at),
        )
    return None


OBJECT_KINDS = (
    "organization",
    "person",
    "membership",
    "meeting",
    "agendaitem",
    "paper",
    "consultation",
    "file",
    "location",
    "legislativeterm",
)


@router.get("/{kind}/{key}")
def single(
    kind: str,
    key: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    base: LinkBase,
) -> Response:
    if kind not in OBJECT_KINDS or len(key) > 40:
        return _missing(request)
    found = _single(_context(session, settings, base), kind, key)
    return _json(found) if found is not None else _missing(request)


def _file_response(
    key: str, request: Request, session: Session, settings: Settings, disposition: str
) -> Response:
    found = find(session, FileStore(settings.files_dir), key) if len(key) <= 40 else None
    if found is None:
        return _missing(request)
    media = found.mime_type + ("; charset=utf-8" if found.mime_type == "text/html" else "")
    headers = {**CORS, "Cache-Control": "public, max-age=300"}
    if disposition == "attachment":
        headers["Content-Disposition"] = content_disposition("attachment", found.file_name)
    return Response(found.data, media_type=media, headers=headers)


@router.get("/file/{key}/content")
def file_content(
    key: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """``accessUrl``: the file itself, never as an attachment (OParl 2.9)."""
    return _file_response(key, request, session, settings, "inline")


@router.get("/file/{key}/download")
def file_download(
    key: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """``downloadUrl``: the same bytes with ``Content-Disposition: attachment``."""
    return _file_response(key, request, session, settings, "attachment")
