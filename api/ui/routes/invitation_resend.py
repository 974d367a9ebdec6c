"""Invitations beyond the first e-mail, on the session's page. Einladung erneut senden: the
Sitzungsdienst sends one member's invitation again, to his address as it is now and with a
new personal link (``workflow.services.readdress``), e.g. when it did not arrive or its
e-mail was given up. Schriftliche Einladung: the day the members no e-mail reached were
invited in writing (``workflow.services.written_invitations``). Refusals come back on the
meeting page at the form, with what was chosen."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.ui.formatting import date_de, parse_date_de
from api.ui.routes.meetings import MeetingId, meeting_page
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
)
from workflow.digits import as_id
from workflow.errors import Conflict, InvalidInput
from workflow.services import written_invitations
from workflow.services.listing import get_meeting
from workflow.services.readdress import resend_invitation

MAX_TICKED = 200  # more members than any body has
router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)


@router.post("/sitzungen/{meeting_id}/einladung-erneut")
def resend(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    meeting = get_meeting(session=session, actor=user.actor, meeting_id=meeting_id).meeting
    chosen = str(form.get("person_id") or "")
    person_id = as_id(chosen)
    errors: dict[str, str] = {}
    if person_id is None:
        errors["person_id"] = "Bitte wählen Sie das Mitglied, das die Einladung erneut erhält."
    else:
        try:
            with session.begin_nested():
                address = resend_invitation(
                    session,
                    actor=user.actor,
                    meeting=meeting,
                    person_id=person_id,
                    now=now,
                    base_url=settings.link_base(str(request.base_url)),
                )
        except (InvalidInput, Conflict) as exc:
            errors["person_id"] = error_text(exc)
        else:
            flash(request, f"Die Einladung geht erneut an {address}.")
            return redirect(f"/sitzungen/{meeting_id}#einladung-erneut")
    extra = {"resend_errors": errors, "resend_chosen": chosen[:20]}
    return meeting_page(request, session, user, meeting_id, now, extra=extra, status=422)


@router.post("/sitzungen/{meeting_id}/schriftlich-eingeladen")
def written(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    ticked = (as_id(str(v)) for v in form.getlist("person_id")[:MAX_TICKED])
    chosen = [i for i in ticked if i is not None]
    typed = str(form.get("on") or "").strip()[:20]
    day = parse_date_de(typed) if typed else None
    errors: dict[str, str] = {}
    if day is None:
        errors["on"] = (
            "Bitte geben Sie den Tag an, an dem die Einladung schriftlich versandt wurde."
        )
    if not chosen:
        errors["person_id"] = "Bitte wählen Sie die Mitglieder, die schriftlich eingeladen wurden."
    if not errors:
        assert day is not None
        try:
            with session.begin_nested():
                written_invitations.record(
                    session=session,
                    actor=user.actor,
                    now=now,
                    meeting_id=meeting_id,
                    person_ids=chosen,
                    on=day,
                )
        except (InvalidInput, Conflict) as exc:
            errors["on" if getattr(exc, "field", None) == "on" else "person_id"] = error_text(exc)
        else:
            flash(request, f"Die schriftliche Einladung vom {date_de(day)} ist erfasst.")
            return redirect(f"/sitzungen/{meeting_id}#schriftlich")
    extra = {"written_errors": errors, "written_values": {"on": typed, "chosen": chosen}}
    return meeting_page(request, session, user, meeting_id, now, extra=extra, status=422)
