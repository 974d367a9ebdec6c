"""Downloads for people in the browser: the documents of Vorlagen, Sitzungen and agenda
items, the Sitzungsmappe and attachments, with the session cookie instead of a bearer token.

The same services and access rules as the API (workflow.documents.service); what an
anonymous visitor may not read sends them to sign in first, so a link in an e-mail works."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from api.deps import SessionDep, SettingsDep
from api.downloads import attachment_response, document_response, pdf_response
from api.ui.web import LoginRequired, OptionalPageUserDep, PageRoute, PageUser
from workflow.context import Actor
from workflow.documents import service
from workflow.documents.mappe import sitzungsmappe
from workflow.errors import NotFound
from workflow.files import FileStore
from workflow.services import attachments

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Format = Literal["html", "pdf", "docx"]
T = TypeVar("T")


def _as(user: PageUser | None, read: Callable[[Actor | None], T]) -> T:
    """What the visitor may read; "not found" for an anonymous one means: sign in and retry
    (the item may be non-public), for a signed-in one it is the answer."""
    try:
        return read(user.actor if user else None)
    except NotFound:
        if user is None:
            raise LoginRequired() from None
        raise


@router.get("/vorlagen/{proposal_id}/dokumente/{kind}.{fmt}")
def proposal_document(
    proposal_id: Id,
    kind: Literal["vorlage", "beschlussauszug"],
    fmt: Format,
    session: SessionDep,
    user: OptionalPageUserDep,
) -> Response:
    document = _as(
        user,
        lambda actor: service.proposal_document(
            session=session, actor=actor, proposal_id=proposal_id, kind=kind
        ),
    )
    return document_response(document, fmt)


@router.get("/sitzungen/{meeting_id}/dokumente/{kind}.{fmt}")
def meeting_document(
    meeting_id: Id,
    kind: Literal["einladung", "bekanntmachung", "niederschrift"],
    fmt: Format,
    session: SessionDep,
    user: OptionalPageUserDep,
    teil: Annotated[Literal["oeffentlich", "nichtoeffentlich"], Query()] = "oeffentlich",
) -> Response:
    document = _as(
        user,
        lambda actor: service.meeting_document(
            session=session,
            actor=actor,
            meeting_id=meeting_id,
            kind=kind,
            public=teil == "oeffentlich",
        ),
    )
    return document_response(document, fmt)


@router.get("/sitzungen/{meeting_id}/top/{item_id}/dokumente/{kind}.{fmt}")
def item_document(
    meeting_id: Id,
    item_id: Id,
    kind: Literal["beschlussauszug", "vorlage"],
    fmt: Format,
    session: SessionDep,
    user: OptionalPageUserDep,
) -> Response:
    document = _as(
        user,
        lambda actor: service.item_document(
            session=session, actor=actor, item_id=item_id, kind=kind, meeting_id=meeting_id
        ),
    )
    return document_response(document, fmt)


@router.get("/sitzungen/{meeting_id}/sitzungsmappe.pdf")
def meeting_folder(
    meeting_id: Id, session: SessionDep, settings: SettingsDep, user: OptionalPageUserDep
) -> Response:
    store = FileStore(settings.files_dir)
    name, pdf = _as(
        user,
        lambda actor: sitzungsmappe(
            session=session, actor=actor, meeting_id=meeting_id, store=store
        ),
    )
    return pdf_response(name, pdf)


@router.get("/anlagen/{attachment_id}")
def attachment(
    attachment_id: Id, session: SessionDep, settings: SettingsDep, user: OptionalPageUserDep
) -> Response:
    store = FileStore(settings.files_dir)
    row, data = _as(
        user,
        lambda actor: attachments.read_attachment(
            session=session, store=store, actor=actor, attachment_id=attachment_id
        ),
    )
    return attachment_response(row, data)
