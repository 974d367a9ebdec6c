"""Tagesordnung of a Sitzung: add a released Vorlage or a free item, move items up and down
within their part, take an item off (Absetzung) – the JSON API's agenda services, each
behind the meeting's version so two secretaries never overwrite each other."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.ui import formatting
from api.ui.meeting_views import meeting_title, moved
from api.ui.routes.meetings import MeetingId, meeting_page
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
    render,
)
from api.ui.web import workflows_of as _workflows
from workflow.agenda_numbers import top_number
from workflow.digits import as_id
from workflow.documents import mailing
from workflow.errors import Conflict, InvalidInput, NotFound, WorkflowError, not_found
from workflow.limits import MAX_REASON, too_long
from workflow.models import AgendaItem, Body
from workflow.services import agenda, listing
from workflow.services.notices import record_announcement
from workflow.settings import Settings

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Direction = Annotated[str, Path(pattern="^(hoch|runter)$")]
AGENDA_ANCHOR = "#tagesordnung"


def _version(form: FormData) -> int:
    raw = str(form.get("version") or "")
    version = as_id(raw)
    if version is None:
        raise InvalidInput("Die Seite ist veraltet. Bitte neu laden.", field="version")
    return version


def _late(form: FormData) -> dict[str, Any]:
    """Tischvorlage and the emergency's reason of an item added after the invitation."""
    reason = str(form.get("urgent_reason") or "").strip()  # the engine refuses a long one
    return {"late_paper": form.get("late_paper") == "ja", "urgent_reason": reason or None}


def _announce(
    request: Request, session: Session, item: AgendaItem, now: datetime, settings: Settings
) -> None:
    """A free item's Nachtrag goes to the members by e-mail, like the invitation (§ 34
    Abs. 1 GemO); a Vorlage's was written by its transition (``place_on_agenda``)."""
    if item.proposal_id is not None:
        return
    mailing.send_supplement(
        session=session,
        item=item,
        now=now,
        base_url=settings.link_base(str(request.base_url)),
        max_bytes=settings.mail_attachment_max_bytes,
    )


def add_proposal_item(
    request: Request,
    session: Session,
    user: PageUser,
    now: datetime,
    settings: Settings,
    *,
    meeting_id: int,
    meeting_version: int,
    proposal_id: int,
    proposal_version: int | None = None,
    late_paper: bool = False,
    urgent_reason: str | None = None,
) -> AgendaItem:
    """A Vorlage onto a meeting's agenda from a page (the meeting's, or the Vorlage's when
    it goes to an invited meeting): its ``schedule`` transition through the agenda service,
    and after the invitation the Nachtrag's e-mail to the members, all or nothing."""
    with session.begin_nested():
        item = agenda.add_item(
            session=session,
            workflows=_workflows(request),
            actor=user.actor,
            now=now,
            meeting_id=meeting_id,
            expected_version=meeting_version,
            proposal_id=proposal_id,
            proposal_version=proposal_version,
            late_paper=late_paper,
            urgent_reason=urgent_reason,
            base_url=settings.link_base(str(request.base_url)),
        )
        _announce(request, session, item, now, settings)
    return item


def _placed(request: Request, session: Session, item: AgendaItem) -> None:
    number = top_number(session, item)
    flash(request, f"„{item.title}“ steht als TOP {number} auf der Tagesordnung.")


def _back(meeting_id: int) -> Response:
    return redirect(f"/sitzungen/{meeting_id}{AGENDA_ANCHOR}")


def _refused(request: Request, meeting_id: int, exc: WorkflowError) -> Response:
    flash(request, error_text(exc), "danger")
    return _back(meeting_id)


@router.post("/sitzungen/{meeting_id}/tagesordnung/vorlage")
def add_proposal(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    form: PostedForm,
) -> Response:
    proposal_id = as_id(str(form.get("proposal_id") or ""))
    if proposal_id is None:
        flash(request, "Bitte wählen Sie eine Vorlage aus.", "danger")
        return _back(meeting_id)
    try:
        item = add_proposal_item(
            request,
            session,
            user,
            now,
            settings,
            meeting_id=meeting_id,
            meeting_version=_version(form),
            proposal_id=proposal_id,
            **_late(form),
        )
    except WorkflowError as exc:
        return _refused(request, meeting_id, exc)
    flash(
        request, f"„{item.title}“ steht als TOP {top_number(session, item)} auf der Tagesordnung."
    )
    return _back(meeting_id)


@router.post("/sitzungen/{meeting_id}/tagesordnung/punkt")
def add_free_item(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    form: PostedForm,
) -> Response:
    title = str(form.get("title") or "").strip()
    public = form.get("public") != "nein"
    reason = str(form.get("non_public_reason") or "").strip()
    errors = {}
    if not title or len(title) > 500:
        errors["title"] = "Bitte geben Sie den Betreff des Tagesordnungspunkts ein."
    if not public and not reason:
        errors["non_public_reason"] = (
            "Bitte begründen Sie die nichtöffentliche Behandlung (§ 35 Abs. 1 GemO)."
        )
    if errors:
        return _detail_with_errors(request, session, user, meeting_id, now, errors, form)
    try:
        with session.begin_nested():
            item = agenda.add_item(
                session=session,
                workflows=_workflows(request),
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                expected_version=_version(form),
                title=title,
                public=public,
                non_public_reason=reason or None,
                **_late(form),
            )
            _announce(request, session, item, now, settings)
    except WorkflowError as exc:
        return _refused(request, meeting_id, exc)
    flash(
        request, f"„{item.title}“ steht als TOP {top_number(session, item)} auf der Tagesordnung."
    )
    return _back(meeting_id)


def _detail_with_errors(
    request: Request,
    session: Session,
    user: PageUser,
    meeting_id: int,
    now: NowDep,
    errors: dict[str, str],
    form: FormData,
) -> Response:
    values = {k: str(form.get(k) or "") for k in ("title", "public", "non_public_reason")}
    extra = {"item_errors": errors, "item_values": values}
    return meeting_page(request, session, user, meeting_id, now, extra=extra, status=422)


def _item(session: Session, user: PageUser, meeting_id: int, item_id: int) -> AgendaItem:
    view = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
    for item in view.items:
        if item.id == item_id:
            return item
    raise not_found("Tagesordnungspunkt")


def _removal_page(
    request: Request,
    session: Session,
    user: PageUser,
    meeting_id: int,
    item: AgendaItem,
    *,
    errors: dict[str, str] | None = None,
    comment: str = "",
    version: int | None = None,
) -> Response:
    """The check before an Absetzung: after the invitation the members were told of the
    item (§ 34 Abs. 1 GemO), so its removal gives a reason they can read in the record."""
    view = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
    meeting = view.meeting
    if (
        meeting.municipality_id != user.actor.municipality_id
        or user.role not in agenda.MEETING_ROLES
    ):
        raise not_found("Tagesordnungspunkt")
    if item.removed or item.outcome is not None:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt oder abgesetzt.")
    context = {
        "meeting": meeting,
        "item": item,
        "number": top_number(session, item),
        "title": meeting_title(session.get(Body, meeting.body_id), meeting),
        "reason_needed": meeting.invited_at is not None,
        "errors": errors or {},
        "comment": comment,
        # shown again after a mistake: the version the user saw, so a change by someone
        # else meanwhile is still refused as stale
        "version": version if version is not None else meeting.version,
    }
    return render(request, "sitzungen/absetzen.html", context, status=422 if errors else 200)


@router.get("/sitzungen/{meeting_id}/tagesordnung/{item_id}/absetzen")
def removal_check(
    request: Request, meeting_id: MeetingId, item_id: ItemId, user: PageUserDep, session: SessionDep
) -> Response:
    return _removal_page(
        request, session, user, meeting_id, _item(session, user, meeting_id, item_id)
    )


@router.post("/sitzungen/{meeting_id}/tagesordnung/{item_id}/absetzen")
def remove_item(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    item = _item(session, user, meeting_id, item_id)
    comment = str(form.get("comment") or "").strip()
    errors: dict[str, str] = {}
    if len(comment) > MAX_REASON:
        errors["comment"] = too_long("Der Grund der Absetzung")
    elif (
        not comment
        and listing.get_meeting(
            session=session, actor=user.actor, meeting_id=meeting_id
        ).meeting.invited_at
        is not None
    ):
        errors["comment"] = "Bitte geben Sie an, warum der Punkt nach der Einladung abgesetzt wird."
    if errors:
        return _removal_page(
            request, session, user, meeting_id, item, errors=errors,
            comment=comment, version=_version(form),
        )  # fmt: skip
    try:
        with session.begin_nested():
            agenda.remove_item(
                session=session,
                workflows=_workflows(request),
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                item_id=item_id,
                expected_version=_version(form),
                comment=comment or None,
            )
    except WorkflowError as exc:
        return _refused(request, meeting_id, exc)
    flash(request, f"„{item.title}“ wurde von der Tagesordnung abgesetzt.")
    return _back(meeting_id)


@router.post("/sitzungen/{meeting_id}/tagesordnung/{item_id}/{direction}")
def move_item(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    direction: Direction,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    item = _item(session, user, meeting_id, item_id)
    view = listing.get_meeting(session=session, actor=user.actor, meeting_id=meeting_id)
    order = moved(view.items, item_id, -1 if direction == "hoch" else 1)
    if order is None:
        flash(
            request, f"TOP {top_number(session, item)} steht bereits am Rand seines Teils.", "info"
        )
        return _back(meeting_id)
    try:
        with session.begin_nested():
            agenda.reorder(
                session=session,
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                expected_version=_version(form),
                item_ids=order,
            )
    except WorkflowError as exc:
        return _refused(request, meeting_id, exc)
    flash(request, f"„{item.title}“ ist jetzt TOP {top_number(session, item)}.")
    return _back(meeting_id)


@router.post("/sitzungen/{meeting_id}/ortsuebliche-bekanntgabe")
def announce_publicly(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """The ortsübliche Bekanntgabe of time, place and agenda (§ 34 Abs. 1 Satz 7 GemO),
    recorded for the legality report; a mistake shows the page again, the field marked."""
    given = {k: str(form.get(k) or "")[:200] for k in ("bekanntgabe_am", "bekanntgabe_wo")}
    errors: dict[str, str] = {}
    try:
        day = date.fromisoformat(given["bekanntgabe_am"])
    except ValueError:
        errors["bekanntgabe_am"] = "Bitte geben Sie das Datum der Bekanntgabe an (TT.MM.JJJJ)."
    else:
        try:
            with session.begin_nested():
                record_announcement(
                    session=session,
                    actor=user.actor,
                    now=now,
                    meeting_id=meeting_id,
                    announced_on=day,
                    medium=given["bekanntgabe_wo"],
                )
        except NotFound:
            raise
        except WorkflowError as exc:
            wrong = getattr(exc, "field", None) == "medium"
            errors["bekanntgabe_wo" if wrong else "bekanntgabe_am"] = formatting.sentences(
                [error_text(exc)]
            )
    if errors:
        extra = {"notice_errors": errors, "notice_given": given}
        return meeting_page(request, session, user, meeting_id, now, extra=extra, status=422)
    flash(request, f"Ortsübliche Bekanntgabe vom {formatting.date_de(day)} erfasst.")
    return redirect(f"/sitzungen/{meeting_id}")
