"""Fristen of the caller's municipality, waiving a soft one, and in-app notifications."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import CurrentUser, NowDep, RuntimeDep, SessionDep
from api.problems import responses
from api.routes.common import Cursor, FilterId, Limit, PathId
from api.schemas.deadlines import (
    DeadlineRead,
    DeadlinesRead,
    DeadlineWaive,
    NotificationRead,
    NotificationsRead,
)
from workflow.services import deadline_service, notifications
from workflow.services.listing import page_of

router = APIRouter(prefix="/api/v1", tags=["Fristen"])
Status = Literal["open", "met", "missed", "elapsed", "waived", "cancelled"]
Kind = Literal["proposal", "meeting", "decision_request", "decision_response", "council_request"]


@router.get(
    "/deadlines",
    operation_id="list_deadlines",
    response_model=DeadlinesRead,
    responses=responses(401),
)
def list_deadlines(
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    instance_type: Annotated[Kind | None, Query()] = None,
    instance_id: FilterId = None,
    status: Annotated[Status | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DeadlinesRead:
    """Oldest due first; the explanation says how each date was computed (§§ 187 ff. BGB)."""
    query = deadline_service.deadlines_query(
        actor=actor,
        workflows=runtime.workflows,
        instance_type=instance_type,
        instance_id=instance_id,
        statuses=None if status is None else (status,),
    )
    page = page_of(session, query, limit, cursor)
    return DeadlinesRead(
        data=[DeadlineRead.model_validate(d) for d in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.post(
    "/deadlines/{deadline_id}/waive",
    operation_id="waive_deadline",
    response_model=DeadlineRead,
    responses=responses(401, 403, 404, 409),
)
def waive_deadline(
    deadline_id: PathId,
    body: DeadlineWaive,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: CurrentUser,
    now: NowDep,
) -> DeadlineRead:
    """Waive a soft deadline with the reason on record (mayor, secretary); a statutory
    must (e.g. the objection week, § 43 Abs. 2 GemO) is refused with 409."""
    deadline = deadline_service.waive_deadline(
        session=session,
        workflows=runtime.workflows,
        actor=actor,
        now=now,
        deadline_id=deadline_id,
        reason=body.reason,
    )
    return DeadlineRead.model_validate(deadline)


@router.get(
    "/notifications",
    operation_id="list_notifications",
    response_model=NotificationsRead,
    responses=responses(401),
)
def list_notifications(
    session: SessionDep,
    actor: CurrentUser,
    unread_only: bool = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> NotificationsRead:
    """The caller's own notifications, newest first."""
    query = notifications.notifications_query(actor=actor, unread_only=unread_only)
    page = page_of(session, query, limit, cursor)
    return NotificationsRead(
        data=[NotificationRead.model_validate(n) for n in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.post(
    "/notifications/{notification_id}/read",
    operation_id="mark_notification_read",
    response_model=NotificationRead,
    responses=responses(401, 404),
)
def mark_notification_read(
    notification_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> NotificationRead:
    notification = notifications.mark_read(
        session=session, actor=actor, now=now, notification_id=notification_id
    )
    return NotificationRead.model_validate(notification)
