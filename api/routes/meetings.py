"""Sitzungen: create, read, list, transitions, and the agenda (Tagesordnung)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import (
    CurrentUser,
    IfMatch,
    NowDep,
    OptionalUser,
    RuntimeDep,
    SessionDep,
    SettingsDep,
    etag,
    expected_version,
)
from api.problems import responses
from api.routes.common import READ, WRITE, Cursor, FilterId, Limit, PathId, StateFilter, YearFilter
from api.routes.lifecycle import add_lifecycle_routes
from api.schemas.common import MAX_ID, Comment
from api.schemas.convert import agenda_item_read, agenda_reads, meeting_read, meeting_summary
from api.schemas.meetings import (
    AgendaItemCreate,
    AgendaItemRead,
    AgendaReorder,
    MeetingCreate,
    MeetingRead,
    MeetingReschedule,
    MeetingsRead,
)
from workflow.documents import mailing
from workflow.services import agenda, deadline_service, listing
from workflow.services import meetings as service

router = APIRouter(prefix="/api/v1", tags=["Sitzungen"])


@router.get(
    "/meetings",
    operation_id="list_meetings",
    response_model=MeetingsRead,
    responses=responses(401, 422),
)
def list_meetings(
    session: SessionDep,
    runtime: RuntimeDep,
    actor: OptionalUser,
    body_id: FilterId = None,
    state: StateFilter = None,
    municipality_id: FilterId = None,
    year: YearFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> MeetingsRead:
    """Meetings the caller may read; anonymous callers see them once invited."""
    listing.check_state(runtime.workflows, "meeting", state)
    filters = listing.MeetingFilter(
        body_id=body_id, state=state, municipality_id=municipality_id, year=year
    )
    page = listing.list_meetings(
        session=session, actor=actor, filters=filters, limit=limit, cursor=cursor
    )
    return MeetingsRead(
        data=[meeting_summary(runtime.workflows, m) for m in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.post(
    "/meetings",
    operation_id="create_meeting",
    status_code=201,
    response_model=MeetingRead,
    responses=responses(401, 403, 404, 422),
)
def create_meeting(
    body: MeetingCreate,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    response: Response,
) -> MeetingRead:
    """A second session (§ 37 Abs. 3 GemO) names the session that was not quorate."""
    meeting = service.create_meeting(
        session=session, workflows=runtime.workflows, actor=actor, now=now, **body.model_dump()
    )
    view = listing.get_meeting(session=session, actor=actor, meeting_id=meeting.id or 0)
    response.headers["Location"] = f"/api/v1/meetings/{meeting.id}"
    response.headers["ETag"] = etag(meeting.version)
    return meeting_read(runtime.workflows, meeting, [], view.notice)


@router.get(
    "/meetings/{meeting_id}", operation_id="get_meeting", response_model=MeetingRead, responses=READ
)
def get_meeting(
    meeting_id: PathId,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: OptionalUser,
    response: Response,
) -> MeetingRead:
    """The meeting with the agenda items the caller may read (non-public TOPs filtered)."""
    view = listing.get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    response.headers["ETag"] = etag(view.meeting.version)
    return meeting_read(
        runtime.workflows, view.meeting, view.items, view.notice, complete=view.complete
    )


@router.post(
    "/meetings/{meeting_id}/reschedule",
    operation_id="reschedule_meeting",
    response_model=MeetingRead,
    responses=responses(401, 403, 404, 409, 412, 422, 428),
)
def reschedule_meeting(
    meeting_id: PathId,
    body: MeetingReschedule,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    response: Response,
    if_match: IfMatch = None,
) -> MeetingRead:
    """Move a meeting that is not yet invited (mayor, secretary), with the reason on record;
    the invitation deadline (§ 34 Abs. 1 GemO) and its reminders move with it."""
    deadline_service.reschedule_meeting(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        meeting_date=body.meeting_date,
        reason=body.reason,
        expected_version=expected_version(request, body.expected_version, if_match),
    )
    view = listing.get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    response.headers["ETag"] = etag(view.meeting.version)
    return meeting_read(
        runtime.workflows, view.meeting, view.items, view.notice, complete=view.complete
    )


@router.post(
    "/meetings/{meeting_id}/agenda-items",
    operation_id="add_agenda_item",
    status_code=201,
    response_model=AgendaItemRead,
    responses=WRITE,
)
def add_agenda_item(
    meeting_id: PathId,
    body: AgendaItemCreate,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> AgendaItemRead:
    """A proposal (its ``schedule`` transition, with its guards) or a free item; after the
    invitation a Nachtrag, which goes to the members by e-mail (§ 34 Abs. 1 GemO)."""
    item = agenda.add_item(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        proposal_id=body.proposal_id,
        title=body.title,
        public=body.public,
        non_public_reason=body.non_public_reason,
        late_paper=body.late_paper,
        urgent_reason=body.urgent_reason,
        base_url=settings.link_base(str(request.base_url)),
    )
    if item.proposal_id is None:  # a Vorlage's Nachtrag mail its transition wrote
        mailing.send_supplement(
            session=session,
            item=item,
            now=now,
            base_url=settings.link_base(str(request.base_url)),
            max_bytes=settings.mail_attachment_max_bytes,
        )
    return agenda_item_read(session, item)


@router.put(
    "/meetings/{meeting_id}/agenda-order",
    operation_id="reorder_agenda",
    response_model=list[AgendaItemRead],
    responses=WRITE,
)
def reorder_agenda(
    meeting_id: PathId,
    body: AgendaReorder,
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> list[AgendaItemRead]:
    items = agenda.reorder(
        session=session,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        item_ids=body.item_ids,
    )
    return agenda_reads(items)


@router.delete(
    "/meetings/{meeting_id}/agenda-items/{item_id}",
    operation_id="remove_agenda_item",
    response_model=AgendaItemRead,
    responses=WRITE,
)
def remove_agenda_item(
    meeting_id: PathId,
    item_id: PathId,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
    version: Annotated[
        int | None,
        Query(
            alias="expected_version", ge=1, le=MAX_ID, description="die zuletzt gelesene Version"
        ),
    ] = None,
    comment: Annotated[Comment | None, Query()] = None,
) -> AgendaItemRead:
    """Absetzung; the item stays on record as removed."""
    item = agenda.remove_item(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        meeting_id=meeting_id,
        item_id=item_id,
        expected_version=expected_version(request, version, if_match),
        comment=comment,
    )
    return agenda_item_read(session, item)


add_lifecycle_routes(router, kind="meeting", collection="meetings", param="meeting_id")
