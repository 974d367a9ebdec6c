"""Documents of proposals, meetings and agenda items as HTML, PDF or DOCX, and the
Sitzungsmappe; the same access rules as the data (workflow.documents.service)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import LinkBase, OptionalUser, SessionDep, SettingsDep
from api.downloads import document_response, pdf_response
from api.problems import responses
from api.routes.common import PathId
from workflow.documents import service
from workflow.documents.mappe import sitzungsmappe
from workflow.documents.model import MEDIA_TYPES
from workflow.files import FileStore

router = APIRouter(prefix="/api/v1", tags=["Dokumente"])

Format = Literal["html", "pdf", "docx"]
Part = Annotated[
    Literal["oeffentlich", "nichtoeffentlich"],
    Query(description="Niederschrift: öffentlicher oder nichtöffentlicher Teil (§ 38 GemO)"),
]
DOCUMENT_RESPONSES = {
    200: {
        "description": "Das Dokument",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in (
                "application/pdf",
                MEDIA_TYPES["docx"],
                "text/html",
            )
        },
    },
    **responses(401, 404, 422),
}


@router.get(
    "/proposals/{proposal_id}/documents/{kind}.{fmt}",
    operation_id="get_proposal_document",
    response_class=Response,
    responses=DOCUMENT_RESPONSES,
)
def get_proposal_document(
    proposal_id: PathId,
    kind: Literal["vorlage", "beschlussauszug"],
    fmt: Format,
    session: SessionDep,
    actor: OptionalUser,
) -> Response:
    """Die Beschlussvorlage, oder der Auszug ihres Beschlusses."""
    document = service.proposal_document(
        session=session, actor=actor, proposal_id=proposal_id, kind=kind
    )
    return document_response(document, fmt)


@router.get(
    "/meetings/{meeting_id}/documents/{kind}.{fmt}",
    operation_id="get_meeting_document",
    response_class=Response,
    responses=DOCUMENT_RESPONSES,
)
def get_meeting_document(
    meeting_id: PathId,
    kind: Literal["einladung", "bekanntmachung", "niederschrift"],
    fmt: Format,
    session: SessionDep,
    actor: OptionalUser,
    link_base: LinkBase,
    part: Part = "oeffentlich",
) -> Response:
    """Einladung mit Tagesordnung, ortsübliche Bekanntmachung oder Niederschrift."""
    document = service.meeting_document(
        session=session,
        actor=actor,
        meeting_id=meeting_id,
        kind=kind,
        public=part == "oeffentlich",
        base_url=link_base,
    )
    return document_response(document, fmt)


@router.get(
    "/meetings/{meeting_id}/agenda-items/{item_id}/documents/{kind}.{fmt}",
    operation_id="get_agenda_item_document",
    response_class=Response,
    responses=DOCUMENT_RESPONSES,
)
def get_agenda_item_document(
    meeting_id: PathId,
    item_id: PathId,
    kind: Literal["beschlussauszug", "vorlage"],
    fmt: Format,
    session: SessionDep,
    actor: OptionalUser,
) -> Response:
    """Beschlussauszug eines Tagesordnungspunkts (für das ausführende Amt) oder seine Vorlage."""
    document = service.item_document(
        session=session, actor=actor, item_id=item_id, kind=kind, meeting_id=meeting_id
    )
    return document_response(document, fmt)


@router.get(
    "/meetings/{meeting_id}/sitzungsmappe.pdf",
    operation_id="get_sitzungsmappe",
    response_class=Response,
    responses={
        200: {
            "description": "Die Sitzungsmappe",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        **responses(401, 404, 422),
    },
)
def get_sitzungsmappe(
    meeting_id: PathId, session: SessionDep, settings: SettingsDep, actor: OptionalUser
) -> Response:
    """Einladung, alle Vorlagen und Anlagen als ein PDF mit Inhaltsverzeichnis."""
    name, pdf = sitzungsmappe(
        session=session,
        actor=actor,
        meeting_id=meeting_id,
        store=FileStore(settings.files_dir),
    )
    return pdf_response(name, pdf)
