"""Downloads for people in the browser: the documents of Vorlagen, Sitzungen and agenda
items, the Sitzungsmappe and attachments, with the session cookie instead of a bearer token.

The same services and access rules as the API (workflow.documents.service); what an
anonymous visitor may not read sends them to sign in first, so a link in an e-mail works."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Form, Query, Request
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.downloads import attachment_response, document_response, pdf_response
from api.routes.common import PathId
from api.ui import formatting
from api.ui.web import (
    HANDLING_ONLY,
    LoginRequired,
    OptionalPageUserDep,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
)
from workflow import papers_access
from workflow.context import Actor
from workflow.documents import service
from workflow.documents.mappe import sitzungsmappe
from workflow.errors import NotFound, WorkflowError
from workflow.files import FileStore
from workflow.services import attachments
from workflow.settings import Settings

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)

Format = Literal["html", "pdf", "docx"]
T = TypeVar("T")
# The page a removal form was on (hidden ``seite``): where to go back to once it is gone.
ATTACHMENT_PAGE = re.compile(r"/(vorlagen|sitzungen)/[1-9][0-9]{0,9}")


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
    proposal_id: PathId,
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
    request: Request,
    meeting_id: PathId,
    kind: Literal["einladung", "bekanntmachung", "niederschrift"],
    fmt: Format,
    session: SessionDep,
    settings: SettingsDep,
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
            # the printed Einladung names where the Sitzungsmappe is online
            base_url=settings.link_base(str(request.base_url)),
        ),
    )
    return document_response(document, fmt)


@router.get("/sitzungen/{meeting_id}/top/{item_id}/dokumente/{kind}.{fmt}")
def item_document(
    meeting_id: PathId,
    item_id: PathId,
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


# A member without an account cannot sign in: a sign-in page would be no answer to him.
LINK_ENDED = (
    "Dieser persönliche Link zur Sitzungsmappe ist abgelaufen oder ungültig. Die Verwaltung "
    "sendet Ihnen die Unterlagen auf Anfrage erneut."
)


@router.get("/sitzungen/{meeting_id}/sitzungsmappe.pdf")
def meeting_folder(
    meeting_id: PathId,
    session: SessionDep,
    settings: SettingsDep,
    user: OptionalPageUserDep,
    now: NowDep,
    zugang: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Signed in, as the user may read it; else with the personal link of an invitation
    e-mail to a member without an account (``workflow.papers_access``), as he may."""
    store = FileStore(settings.files_dir)

    def folder(actor: Actor | None) -> tuple[str, bytes]:
        return sitzungsmappe(session=session, actor=actor, meeting_id=meeting_id, store=store)

    if user is None and zugang is not None:
        member = papers_access.reader(session, meeting_id, zugang, now)
        if member is None:
            raise NotFound(LINK_ENDED)
        name, pdf = folder(member)
    else:
        name, pdf = _as(user, folder)
    return pdf_response(name, pdf)


@router.get("/anlagen/{attachment_id}")
def attachment(
    attachment_id: PathId, session: SessionDep, settings: SettingsDep, user: OptionalPageUserDep
) -> Response:
    store = FileStore(settings.files_dir)
    row, data = _as(
        user,
        lambda actor: attachments.read_attachment(
            session=session, store=store, actor=actor, attachment_id=attachment_id
        ),
    )
    return attachment_response(row, data)


def _upload(
    request: Request,
    form: FormData,
    kind: str,
    instance_id: int,
    back: str,
    user: PageUser,
    session: Session,
    settings: Settings,
    now: datetime,
) -> Response:
    """One file from the page's form, through the same service as the API: type checked
    against the bytes, size against RATSFLOW_MAX_UPLOAD_BYTES."""
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        flash(request, "Bitte wählen Sie eine Datei aus.", "danger")
        return redirect(back)
    data = file.file.read(settings.max_upload_bytes + 1)
    try:
        with session.begin_nested():
            row = attachments.upload(
                session=session,
                store=FileStore(settings.files_dir),
                actor=user.actor,
                now=now,
                kind=kind,
                instance_id=instance_id,
                filename=file.filename,
                declared_type=file.content_type,
                data=data,
                public=form.get("nichtoeffentlich") != "ja",
                max_bytes=settings.max_upload_bytes,
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        flash(request, formatting.sentences([error_text(exc)]), "danger")
        return redirect(back)
    flash(request, f"Die Anlage „{row.name}“ ist hochgeladen.")
    return redirect(back)


@router.post("/vorlagen/{proposal_id}/anlagen")
def upload_proposal_attachment(
    request: Request,
    proposal_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    back = f"/vorlagen/{proposal_id}#dokumente"
    return _upload(request, form, "proposal", proposal_id, back, user, session, settings, now)


@router.post("/sitzungen/{meeting_id}/anlagen")
def upload_meeting_attachment(
    request: Request,
    meeting_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    back = f"/sitzungen/{meeting_id}#dokumente"
    return _upload(request, form, "meeting", meeting_id, back, user, session, settings, now)


@router.post("/anlagen/{attachment_id}/loeschen")
def delete_attachment(
    request: Request,
    attachment_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    seite: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Remove an Anlage. A second "Entfernen" of one already gone (a double click, a second
    tab) goes back to the page's Dokumente with a note instead of "nicht gefunden"."""
    try:
        row = attachments.get_attachment(
            session=session, actor=user.actor, attachment_id=attachment_id
        )
    except NotFound:
        if not ATTACHMENT_PAGE.fullmatch(seite):
            raise
        return _already_removed(request, f"{seite}#dokumente", "Die Anlage")
    page = "vorlagen" if row.instance_type == "proposal" else "sitzungen"
    back = f"/{page}/{row.instance_id}#dokumente"
    try:
        with session.begin_nested():
            attachments.delete(
                session=session,
                store=FileStore(settings.files_dir),
                actor=user.actor,
                now=now,
                attachment_id=attachment_id,
            )
    except NotFound:  # removed by someone else in the meantime
        return _already_removed(request, back, f"Die Anlage „{row.name}“")
    except WorkflowError as exc:
        flash(request, formatting.sentences([error_text(exc)]), "danger")
        return redirect(back)
    flash(request, f"Die Anlage „{row.name}“ ist entfernt.")
    return redirect(back)


def _already_removed(request: Request, back: str, what: str) -> Response:
    flash(request, f"{what} war bereits entfernt.", "info")
    return redirect(back)
