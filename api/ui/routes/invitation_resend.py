"""Einladung erneut senden: the Sitzungsdienst sends one member's invitation again, to his
address as it is now and with a new personal link (``workflow.services.readdress``), e.g.
when the member says it did not arrive or its e-mail was given up. Refusals come back on the
meeting page at the form, with the member chosen."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
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
from workflow.services.listing import get_meeting
from workflow.services.readdress import resend_invitation

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
