"""Rechtmäßigkeitsnachweis: the Prüfbericht of a resolution, a meeting, the resolutions at risk.

Documents (PDF, DOCX) of the report are served by ``api.routes.documents``' renderer here too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CurrentUser, NowDep, SessionDep
from api.problems import responses
from api.routes.common import READ, WRITE, PathId
from api.schemas.legality import (
    AnnouncementCreate,
    AnnouncementRead,
    LegalityList,
    LegalityRead,
    ResolutionAnnouncementCreate,
    ResolutionAnnouncementRead,
    legality_list,
    legality_read,
)
from workflow.context import local_date
from workflow.documents.model import MEDIA_TYPES
from workflow.documents.service import render
from workflow.legality import service
from workflow.legality.document import build_pruefbericht
from workflow.services.notices import record_announcement, record_resolution_announcement

router = APIRouter(prefix="/api/v1", tags=["Rechtmäßigkeit"])
Format = Annotated[str, Query(pattern="^(pdf|docx|html)$", description="pdf, docx oder html")]
Since = Annotated[date | None, Query(description="nur Beschlüsse ab diesem Tag")]
Town = Annotated[
    str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$", description="Gemeinde")
]


@router.get(
    "/resolutions/{resolution_id}/legality",
    operation_id="resolution_legality",
    response_model=LegalityRead,
    responses=READ,
)
def resolution_legality(
    resolution_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> LegalityRead:
    """Each GemO requirement of the resolution, checked from the records and the audit log."""
    report = service.resolution_report(
        session=session, actor=actor, resolution_id=resolution_id, today=local_date(now)
    )
    return legality_read(report)


@router.get(
    "/resolutions/{resolution_id}/legality/document",
    operation_id="resolution_legality_document",
    responses=READ,
    response_class=Response,
)
def resolution_legality_document(
    resolution_id: PathId,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    format: Format = "pdf",
) -> Response:
    """Prüfbericht zur Rechtmäßigkeit als PDF, DOCX oder HTML, mit den Köpfen der
    Protokollketten, auf denen er beruht."""
    report = service.resolution_report(
        session=session, actor=actor, resolution_id=resolution_id, today=local_date(now)
    )
    document = build_pruefbericht(report, checked_on=local_date(now))
    data = render(document, format)
    filename = f"{document.filename}.{format}"
    return Response(
        content=data,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/proposals/{proposal_id}/legality",
    operation_id="proposal_legality",
    response_model=LegalityList,
    responses=READ,
)
def proposal_legality(
    proposal_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> LegalityList:
    """The reports of all resolutions on the proposal, newest first."""
    reports = service.proposal_reports(
        session=session, actor=actor, proposal_id=proposal_id, today=local_date(now)
    )
    return legality_list(reports)


@router.get(
    "/meetings/{meeting_id}/legality",
    operation_id="meeting_legality",
    response_model=LegalityList,
    responses=READ,
)
def meeting_legality(
    meeting_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> LegalityList:
    """The reports of the resolutions taken in the meeting (items the caller may read)."""
    reports = service.meeting_reports(
        session=session, actor=actor, meeting_id=meeting_id, today=local_date(now)
    )
    return legality_list(reports)


@router.get(
    "/legality/at-risk",
    operation_id="legality_at_risk",
    response_model=LegalityList,
    responses=responses(401, 403, 404, 422),
)
def legality_at_risk(
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    municipality: Town = None,
    since: Since = None,
) -> LegalityList:
    """Resolutions with a failed or unknown check, earliest cure date first: for the mayor
    and the Landratsamt (Rechtsaufsicht, § 119 GemO)."""
    reports = service.dashboard(
        session=session,
        actor=actor,
        today=local_date(now),
        municipality=municipality,
        since=since,
    )
    return legality_list(reports)


@router.post(
    "/meetings/{meeting_id}/announcement",
    operation_id="record_announcement",
    status_code=201,
    response_model=AnnouncementRead,
    responses=WRITE,
)
def announcement(
    meeting_id: PathId,
    body: AnnouncementCreate,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> AnnouncementRead:
    """Record the ortsübliche Bekanntgabe of time, place and agenda of a public session
    (§ 34 Abs. 1 Satz 7 GemO), which the Rechtmäßigkeitsnachweis reads."""
    event = record_announcement(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        announced_on=body.announced_on,
        medium=body.medium,
    )
    return AnnouncementRead(
        meeting_id=meeting_id,
        announced_on=body.announced_on,
        medium=body.medium.strip(),
        seq=event.seq,
    )


@router.post(
    "/resolutions/{resolution_id}/announcement",
    operation_id="record_resolution_announcement",
    status_code=201,
    response_model=ResolutionAnnouncementRead,
    responses=WRITE,
)
def resolution_announcement(
    resolution_id: PathId,
    body: ResolutionAnnouncementCreate,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> ResolutionAnnouncementRead:
    """Record that a resolution of a non-public session was announced in a later public
    session (§ 35 Abs. 1 Satz 4 GemO)."""
    event = record_resolution_announcement(
        session=session,
        actor=actor,
        now=now,
        resolution_id=resolution_id,
        meeting_id=body.meeting_id,
    )
    return ResolutionAnnouncementRead(
        resolution_id=resolution_id, meeting_id=body.meeting_id, seq=event.seq
    )
