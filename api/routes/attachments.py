"""Anlagen of proposals and meetings: upload, list, download, delete."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile

from api.deps import CurrentUser, NowDep, OptionalUser, SessionDep, SettingsDep
from api.downloads import attachment_response
from api.problems import ApiError, responses
from api.routes.common import READ, PathId
from api.schemas.attachments import AttachmentRead
from workflow.files import FileStore, too_large
from workflow.services import attachments as service
from workflow.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["Anlagen"])
Kind = Literal["proposal", "meeting"]
UPLOAD = responses(401, 403, 404, 409, 413, 422)
Upload = Annotated[UploadFile, File(description="PDF, DOCX, XLSX, PNG, JPEG oder GIF")]
Public = Annotated[bool, Form(description="false: nichtöffentliche Anlage (§ 35 Abs. 1 GemO)")]


def _store(settings: Settings) -> FileStore:
    return FileStore(settings.files_dir)


def _read_limited(file: UploadFile, limit: int) -> bytes:
    """At most one byte more than allowed, so an oversized file is known without reading all
    of it into memory."""
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, too_large(limit), slug="too-large")
    return data


def _upload(
    kind: Kind,
    instance_id: int,
    file: UploadFile,
    public: bool,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
) -> AttachmentRead:
    row = service.upload(
        session=session,
        store=_store(settings),
        actor=actor,
        now=now,
        kind=kind,
        instance_id=instance_id,
        filename=file.filename,
        declared_type=file.content_type,
        data=_read_limited(file, settings.max_upload_bytes),
        public=public,
        max_bytes=settings.max_upload_bytes,
    )
    return AttachmentRead.model_validate(row)


@router.post(
    "/proposals/{proposal_id}/attachments",
    operation_id="add_proposal_attachment",
    status_code=201,
    response_model=AttachmentRead,
    responses=UPLOAD,
)
def add_proposal_attachment(
    proposal_id: PathId,
    file: Upload,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
    public: Public = True,
) -> AttachmentRead:
    """Eine Anlage zur Vorlage hochladen (nur im Entwurf)."""
    return _upload("proposal", proposal_id, file, public, session, settings, actor, now)


@router.post(
    "/meetings/{meeting_id}/attachments",
    operation_id="add_meeting_attachment",
    status_code=201,
    response_model=AttachmentRead,
    responses=UPLOAD,
)
def add_meeting_attachment(
    meeting_id: PathId,
    file: Upload,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
    public: Public = True,
) -> AttachmentRead:
    """Eine Anlage zur Sitzung hochladen (bis zur Einladung)."""
    return _upload("meeting", meeting_id, file, public, session, settings, actor, now)


@router.get(
    "/proposals/{proposal_id}/attachments",
    operation_id="list_proposal_attachments",
    response_model=list[AttachmentRead],
    responses=READ,
)
def list_proposal_attachments(
    proposal_id: PathId, session: SessionDep, actor: OptionalUser
) -> list[AttachmentRead]:
    rows = service.list_attachments(
        session=session, actor=actor, kind="proposal", instance_id=proposal_id
    )
    return [AttachmentRead.model_validate(r) for r in rows]


@router.get(
    "/meetings/{meeting_id}/attachments",
    operation_id="list_meeting_attachments",
    response_model=list[AttachmentRead],
    responses=READ,
)
def list_meeting_attachments(
    meeting_id: PathId, session: SessionDep, actor: OptionalUser
) -> list[AttachmentRead]:
    rows = service.list_attachments(
        session=session, actor=actor, kind="meeting", instance_id=meeting_id
    )
    return [AttachmentRead.model_validate(r) for r in rows]


@router.get(
    "/attachments/{attachment_id}",
    operation_id="get_attachment",
    response_model=AttachmentRead,
    responses=READ,
)
def get_attachment(
    attachment_id: PathId, session: SessionDep, actor: OptionalUser
) -> AttachmentRead:
    row = service.get_attachment(session=session, actor=actor, attachment_id=attachment_id)
    return AttachmentRead.model_validate(row)


@router.get(
    "/attachments/{attachment_id}/content",
    operation_id="download_attachment",
    response_class=Response,
    responses={
        200: {
            "description": "Die Datei",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        **READ,
    },
)
def download_attachment(
    attachment_id: PathId, session: SessionDep, settings: SettingsDep, actor: OptionalUser
) -> Response:
    row, data = service.read_attachment(
        session=session, store=_store(settings), actor=actor, attachment_id=attachment_id
    )
    return attachment_response(row, data)


@router.delete(
    "/attachments/{attachment_id}",
    operation_id="delete_attachment",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 409),
)
def delete_attachment(
    attachment_id: PathId,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
) -> Response:
    """Eine Anlage löschen, solange die Vorlage ein Entwurf ist (die Sitzung nicht eingeladen)."""
    service.delete(
        session=session, store=_store(settings), actor=actor, now=now, attachment_id=attachment_id
    )
    return Response(status_code=204)
