"""Das öffentliche Ratsinformationsportal ``/oeffentlich``: anonymous, German, only what § 41b
GemO has published (``workflow.services.public_info``). Anything else does not exist here:
404, never 403, so that not even the existence of a non-public item shows (§ 35 Abs. 1 GemO).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.routes.common import PathId
from api.ui.navigation import NavItem
from api.ui.web import PageRoute, render
from workflow.collation import german_key
from workflow.context import local_date
from workflow.deputies import member_on
from workflow.digits import as_number
from workflow.errors import NotFound
from workflow.models import Body, Municipality
from workflow.publication import REDACTABLE_FIELDS, omission_note
from workflow.services import factions, public_info
from workflow.services.announcements import HELD
from workflow.services.attachments import count_attachments
from workflow.supervision import municipality_title

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _town(session: Session, municipality_id: int) -> Municipality:
    town = session.get(Municipality, municipality_id)
    if town is None:
        raise NotFound("Diese Gemeinde gibt es hier nicht.")
    return town


def _nav(town: Municipality) -> list[NavItem]:
    base = f"/oeffentlich/{town.id}"
    return [
        NavItem("Übersicht", base),
        NavItem("Sitzungen", f"{base}/sitzungen"),
        NavItem("Vorlagen", f"{base}/vorlagen"),
        NavItem("Beschlüsse", f"{base}/beschluesse"),
        NavItem("Suche", f"{base}/suche"),
    ]


# The longest Suchbegriff the portal searches for: the field's maxlength.
MAX_QUERY = 200


def _year(text: str | None) -> int | None:
    """The year a link or a typed address asks for; anything else (``jahr=abc``) is
    ignored, as the internal lists do."""
    return as_number(text or "", low=1990, high=2999)


def _page(
    request: Request,
    template: str,
    town: Municipality | None,
    *,
    status: int = 200,
    **context: Any,
) -> Response:
    # The portal's own navigation; its "Übersicht" is active only on the overview itself.
    nav = _nav(town) if town is not None else []
    if nav:
        overview = nav[0]
        nav[0] = _Exact(overview.label, overview.path)
    brand = {
        "brand_href": f"/oeffentlich/{town.id}" if town is not None else "/oeffentlich",
        "brand_place": municipality_title(town) if town is not None else None,
    }
    return render(
        request,
        f"oeffentlich/{template}",
        {"nav": nav, "town": town, **brand, **context},
        status=status,
    )


class _Exact(NavItem):
    def active(self, current_path: str) -> bool:
        return current_path == self.path


@router.get("/oeffentlich")
def portal_index(request: Request, session: SessionDep) -> Response:
    towns = sorted(
        (t for t in public_info.municipalities(session) if public_info.bodies(session, t.id or 0)),
        key=lambda t: german_key(t.name),
    )
    return _page(request, "index.html", None, towns=towns)


@router.get("/oeffentlich/{municipality_id}")
def portal_town(
    request: Request, municipality_id: PathId, session: SessionDep, now: NowDep
) -> Response:
    town = _town(session, municipality_id)
    # From today in Berlin, without the sessions already held today.
    coming = public_info.meetings(session, municipality_id, start=local_date(now))
    upcoming = [m for m in coming if m.state not in HELD][:8]
    return _page(
        request,
        "gemeinde.html",
        town,
        bodies=public_info.bodies(session, municipality_id),
        upcoming=upcoming,
        names=_body_names(session, municipality_id),
        resolutions=public_info.published_resolutions(session, municipality_id, limit=10),
        has_factions=factions.has_factions(session, municipality_id),
    )


def _body_names(session: Any, municipality_id: int) -> dict[int, str]:
    return {b.id or 0: b.name for b in public_info.bodies(session, municipality_id)}


@router.get("/oeffentlich/{municipality_id}/gremien/{body_id}")
def portal_body(
    request: Request, municipality_id: PathId, body_id: PathId, session: SessionDep, now: NowDep
) -> Response:
    town = _town(session, municipality_id)
    body = session.get(Body, body_id)
    if body is None or body.municipality_id != municipality_id:
        raise NotFound("Dieses Gremium gibt es hier nicht.")
    # Who sits in the body today (§ 31 GemO: one who left no longer counts; OParl keeps
    # the past seats with their dates), the chair first, the others by name.
    today = local_date(now)
    members = sorted(
        (
            (seat, person)
            for seat, person in public_info.members(session, body_id)
            if member_on(seat, today)
        ),
        key=lambda row: (row[0].role != "chair", german_key(row[1].name)),
    )
    return _page(
        request,
        "gremium.html",
        town,
        body=body,
        kind=public_info.BODY_KINDS.get(body.kind, "Gremium"),
        members=members,
        meetings=public_info.meetings(session, municipality_id, body_id=body_id),
        has_factions=body.kind == "council" and factions.has_factions(session, municipality_id),
    )


@router.get("/oeffentlich/{municipality_id}/fraktionen")
def portal_factions(request: Request, municipality_id: PathId, session: SessionDep) -> Response:
    """The council's current Fraktionen with their members (§ 32a GemO), as OParl lists
    them: public, since a Fraktion acts in public (its Anträge, § 34 Abs. 1 S. 4 GemO)."""
    town = _town(session, municipality_id)
    current = [
        (f, factions.members(session, f.id or 0))
        for f in factions.of_municipality(session, municipality_id)
        if f.dissolved_on is None
    ]
    council = next(
        (b for b in public_info.bodies(session, municipality_id) if b.kind == "council"), None
    )
    return _page(
        request,
        "fraktionen.html",
        town,
        factions=sorted(current, key=lambda row: german_key(row[0].name)),
        council=council,
    )


@router.get("/oeffentlich/{municipality_id}/sitzungen")
def portal_calendar(
    request: Request,
    municipality_id: PathId,
    session: SessionDep,
    now: NowDep,
    jahr: Annotated[str | None, Query()] = None,
) -> Response:
    """Der Sitzungskalender: die öffentlichen Sitzungen eines Jahres, nach Monaten."""
    town = _town(session, municipality_id)
    year = _year(jahr) or now.year
    span = public_info.meeting_years(session, municipality_id)
    rows = public_info.meetings(
        session, municipality_id, start=date(year, 1, 1), end=date(year, 12, 31)
    )
    months: dict[int, list[Any]] = {}
    for meeting in rows:
        months.setdefault(meeting.meeting_date.month, []).append(meeting)
    return _page(
        request,
        "sitzungen.html",
        town,
        year=year,
        months=sorted(months.items()),
        names=_body_names(session, municipality_id),
        count=len(rows),
        # Year links reach the years with meetings and the coming year, not 1989.
        first_year=min(span[0] if span else now.year, now.year),
        last_year=max(span[1] if span else now.year, now.year + 1),
    )


@router.get("/oeffentlich/{municipality_id}/sitzungen/{meeting_id}")
def portal_meeting(
    request: Request, municipality_id: PathId, meeting_id: PathId, session: SessionDep
) -> Response:
    town = _town(session, municipality_id)
    view = public_info.public_meeting(session, meeting_id)
    if view is None or view.meeting.municipality_id != municipality_id:
        raise NotFound("Diese Sitzung ist nicht öffentlich bekannt gemacht.")
    items = []
    for number, item in enumerate(view.items, start=1):
        result, text = public_info.result_text(session, item)
        step = public_info.step_of_item(session, item)
        paper = public_info.paper(session, step.proposal_id) if step is not None else None
        items.append(
            {"number": number, "item": item, "result": result, "text": text, "paper": paper}
        )
    return _page(
        request,
        "sitzung.html",
        town,
        view=view,
        items=items,
        files=public_info.public_attachments(session, "meeting", meeting_id),
        minutes=view.meeting.state in ("minutes_signed", "minutes_presented"),
    )


@router.get("/oeffentlich/{municipality_id}/vorlagen")
def portal_papers(request: Request, municipality_id: PathId, session: SessionDep) -> Response:
    town = _town(session, municipality_id)
    papers = list(reversed(public_info.papers(session, municipality_id)))
    return _page(request, "vorlagen.html", town, papers=papers)


@router.get("/oeffentlich/{municipality_id}/vorlagen/{proposal_id}")
def portal_paper(
    request: Request, municipality_id: PathId, proposal_id: PathId, session: SessionDep
) -> Response:
    town = _town(session, municipality_id)
    paper = public_info.paper(session, proposal_id)
    if paper is None or paper.municipality_id != municipality_id:
        raise NotFound("Diese Vorlage ist nicht veröffentlicht.")
    files = public_info.public_attachments(session, "proposal", proposal_id)
    names = _body_names(session, municipality_id)
    steps = []
    for step in public_info.consultations(session, proposal_id):
        found = (
            public_info.public_item(session, step.agenda_item_id)
            if step.agenda_item_id is not None
            else None
        )
        result = public_info.result_text(session, found[1]) if found else (None, None)
        steps.append(
            {
                "body": names.get(step.body_id, "Gremium"),
                "role": "Entscheidung"
                if step.decides
                else ("Vorberatung" if step.advises else "Anhörung"),
                "meeting": found[0].meeting if found else None,
                "result": result[0],
                "text": result[1],
            }
        )
    all_files = count_attachments(session, "proposal", proposal_id)
    return _page(
        request,
        "vorlage.html",
        town,
        paper=paper,
        steps=steps,
        files=files,
        note=omission_note(paper, all_files - len(files)),
        redacted=[REDACTABLE_FIELDS.get(f, f) for f in paper.redactions],
        facts=None if "facts" in paper.redactions else paper.facts,
        proposal_text=None if "resolution_text" in paper.redactions else paper.resolution_text,
    )


@router.get("/oeffentlich/{municipality_id}/beschluesse")
def portal_resolutions(request: Request, municipality_id: PathId, session: SessionDep) -> Response:
    town = _town(session, municipality_id)
    rows = public_info.published_resolutions(session, municipality_id, limit=200)
    return _page(request, "beschluesse.html", town, rows=rows)


@router.get("/oeffentlich/{municipality_id}/suche")
def portal_search(
    request: Request,
    municipality_id: PathId,
    session: SessionDep,
    q: Annotated[str, Query()] = "",
) -> Response:
    town = _town(session, municipality_id)
    if len(q) > MAX_QUERY:
        # Refused in words that name the field, the input kept (not a bare 422).
        return _page(
            request,
            "suche.html",
            town,
            status=422,
            q=q,
            papers=[],
            meetings=[],
            names={},
            max_query=MAX_QUERY,
            errors={"q": f"Der Suchbegriff darf höchstens {MAX_QUERY} Zeichen lang sein."},
        )
    text = q.strip()
    papers = public_info.papers(session, municipality_id, text) if text else []
    meetings = public_info.search_meetings(session, municipality_id, text) if text else []
    return _page(
        request,
        "suche.html",
        town,
        q=text,
        papers=papers,
        meetings=meetings,
        names=_body_names(session, municipality_id),
        max_query=MAX_QUERY,
        errors={},
    )
