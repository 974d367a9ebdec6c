"""The e-mail outbox for administrators: dead letters, and queueing one again."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import CurrentUser, NowDep, SessionDep
from api.problems import responses
from api.routes.common import Cursor, Limit, PathId
from api.schemas.outbox import (
    OutboxAttachmentRead,
    OutboxMessageFull,
    OutboxMessageRead,
    OutboxMessagesRead,
)
from workflow.models import OutboxMessage
from workflow.services import outbox
from workflow.services.listing import page_of

router = APIRouter(prefix="/api/v1", tags=["Verwaltung"])
Status = Literal["pending", "sent", "dead"]


def _read(message: OutboxMessage) -> OutboxMessageRead:
    """A message's delivery facts, its subject as administrators may see it."""
    return OutboxMessageRead.model_validate(message).model_copy(
        update={"subject": outbox.subject_for_admin(message)}
    )


@router.get(
    "/outbox",
    operation_id="list_outbox",
    response_model=OutboxMessagesRead,
    responses=responses(401, 403, 404),
)
def list_outbox(
    session: SessionDep,
    actor: CurrentUser,
    status: Annotated[Status | None, Query(description="nur E-Mails in diesem Status")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> OutboxMessagesRead:
    """E-mails to users of the admin's municipality, newest first (``status=dead``: those
    given up after the last retry)."""
    page = page_of(session, outbox.messages_query(actor=actor, status=status), limit, cursor)
    return OutboxMessagesRead(
        data=[_read(m) for m in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.get(
    "/outbox/{message_id}",
    operation_id="get_outbox_message",
    response_model=OutboxMessageFull,
    responses=responses(401, 403, 404),
)
def get_outbox_message(
    message_id: PathId, session: SessionDep, actor: CurrentUser
) -> OutboxMessageFull:
    """One e-mail's delivery facts and files, without its text (administrators of the
    municipality: dead letters are their business, council matters are not)."""
    message = outbox.get_message(session=session, actor=actor, message_id=message_id)
    files = outbox.attachments_of(session=session, message=message)
    return OutboxMessageFull(
        **_read(message).model_dump(),
        key=message.key,
        body_withheld=outbox.BODY_WITHHELD,
        attachments=[OutboxAttachmentRead.model_validate(f) for f in files],
    )


@router.post(
    "/outbox/{message_id}/requeue",
    operation_id="requeue_outbox_message",
    response_model=OutboxMessageRead,
    responses=responses(401, 403, 404, 409),
)
def requeue_outbox_message(
    message_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> OutboxMessageRead:
    """Queue a dead e-mail again with fresh attempts; the next sweep sends it."""
    message = outbox.requeue(session=session, actor=actor, now=now, message_id=message_id)
    return _read(message)
