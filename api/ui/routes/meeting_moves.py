"""Sitzung verlegen: before the invitation a meeting moves to a new day with its reason; the
deadlines counted from the meeting day move along (``deadline_service.reschedule_meeting``,
as ``POST /api/v1/meetings/{id}/reschedule``). After the invitation it is cancelled and
convened anew (§ 34 Abs. 1 GemO). Refusals come back on the meeting page in ``#fehler``,
with what was typed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.formatting import date_de, parse_date_de
from api.ui.routes.meetings import MeetingId, meeting_page, move_example
from api.ui.sitting_forms import form_version
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
    workflows_of,
)
from workflow.context import local_date
from workflow.errors import Conflict, InvalidInput
from workflow.models import Meeting
from workflow.services.deadline_service import reschedule_meeting

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
FIELDS = ("meeting_date", "reason")


@router.post("/sitzungen/{meeting_id}/verlegen")
def move_meeting(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    values = {k: str(form.get(k) or "").strip() for k in FIELDS}
    errors: dict[str, str] = {}
    day = parse_date_de(values["meeting_date"]) if values["meeting_date"] else None
    if day is None:
        # the hint's example (a meeting not to be found is the error page's business)
        today = local_date(now)
        meeting = session.get(Meeting, meeting_id)
        example = move_example(meeting.meeting_date if meeting else today, today)
        errors["meeting_date"] = f"Bitte geben Sie den neuen Sitzungstag als Datum ein, {example}."
    if not values["reason"]:
        errors["reason"] = "Bitte geben Sie den Grund der Verlegung an."
    if not errors:
        assert day is not None
        try:
            with session.begin_nested():
                reschedule_meeting(
                    session=session,
                    workflows=workflows_of(request),
                    actor=user.actor,
                    now=now,
                    meeting_id=meeting_id,
                    meeting_date=day,
                    reason=values["reason"],
                    expected_version=form_version(form),
                )
        except (InvalidInput, Conflict) as exc:  # not found, not his: the error pages
            field = getattr(exc, "field", None)
            errors["reason" if field == "reason" else "meeting_date"] = error_text(exc)
        else:
            flash(request, f"Die Sitzung ist auf den {date_de(day)} verlegt.")
            return redirect(f"/sitzungen/{meeting_id}")
    extra = {"move_errors": errors, "move_values": values}
    return meeting_page(request, session, user, meeting_id, now, extra=extra, status=422)
