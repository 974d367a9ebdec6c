"""Rechtmäßigkeit in the web UI: the summary on the Vorlage and Sitzung pages, the full
Prüfbericht of one resolution, its PDF/DOCX, and the dashboard of resolutions at risk for
the mayor and the Landratsamt. The same services and access rules as the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from sqlmodel import Session
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.web import HANDLING_ONLY, PageRoute, PageUser, PageUserDep, render
from workflow.context import local_date
from workflow.documents.model import MEDIA_TYPES
from workflow.documents.service import render as render_document
from workflow.errors import WorkflowError
from workflow.legality import service
from workflow.legality.document import build_pruefbericht
from workflow.legality.model import Report

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
ResolutionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DASHBOARD_ROLES = frozenset({"mayor", "district_coordinator"})


def proposal_summaries(
    session: Session, user: PageUser, proposal_id: int, now: datetime
) -> list[Report]:
    """For the Vorlage page: the reports of its resolutions, none where access ends."""
    try:
        return service.proposal_reports(
            session=session, actor=user.actor, proposal_id=proposal_id, today=local_date(now)
        )
    except WorkflowError:
        return []


def meeting_summaries(
    session: Session, user: PageUser, meeting_id: int, now: datetime
) -> list[Report]:
    """For the Sitzung page: the reports of the resolutions taken in it."""
    try:
        return service.meeting_reports(
            session=session, actor=user.actor, meeting_id=meeting_id, today=local_date(now)
        )
    except WorkflowError:
        return []


@router.get("/rechtmaessigkeit")
def dashboard(request: Request, user: PageUserDep, session: SessionDep, now: NowDep) -> Response:
    reports = service.dashboard(session=session, actor=user.actor, today=local_date(now))
    return render(
        request,
        "rechtmaessigkeit/list.html",
        {"reports": reports, "today": local_date(now)},
    )


@router.get("/rechtmaessigkeit/beschluss/{resolution_id}")
def report_page(
    request: Request,
    resolution_id: ResolutionId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
) -> Response:
    report = service.resolution_report(
        session=session, actor=user.actor, resolution_id=resolution_id, today=local_date(now)
    )
    return render(request, "rechtmaessigkeit/detail.html", {"report": report})


@router.get("/rechtmaessigkeit/beschluss/{resolution_id}/pruefbericht.{fmt}")
def report_document(
    resolution_id: ResolutionId,
    fmt: Literal["pdf", "docx"],
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
) -> Response:
    report = service.resolution_report(
        session=session, actor=user.actor, resolution_id=resolution_id, today=local_date(now)
    )
    document = build_pruefbericht(report, checked_on=local_date(now))
    return Response(
        content=render_document(document, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{document.filename}.{fmt}"'},
    )
