"""Mitteilung möglicher Befangenheit: a member of the body, or a member's personal deputy
(§ 40 Abs. 1 S. 2 GemO), tells the chair before the session that he may be biased on an
item (§ 18 Abs. 4 S. 1 GemO; who may: ``bias_notices.notifier_seat``), from the invited
meeting's page, and may take it back until the session opens
(``workflow.services.bias_notices``, as ``POST/DELETE /api/v1/meetings/{id}/agenda-items/
{item}/bias-notice``). Refusals come back on the meeting page with what was typed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.ui.routes.agenda import ItemId
from api.ui.routes.meetings import MeetingId, meeting_page
from api.ui.sitting_forms import form_ids
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
)
from workflow.agenda_numbers import top_number
from workflow.errors import Conflict, InvalidInput, NotFound, RoleRefused, WorkflowError
from workflow.limits import MAX_REASON, too_long
from workflow.models import AgendaItem
from workflow.services import bias_notices

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)


@router.post("/sitzungen/{meeting_id}/befangenheit-mitteilen")
def notify_bias(
    request: Request,
    meeting_id: MeetingId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    values = {k: str(form.get(k) or "").strip() for k in ("item_id", "reason")}
    errors: dict[str, str] = {}
    chosen = form_ids([values["item_id"]])
    if not chosen:
        errors["item_id"] = "Bitte wählen Sie den Tagesordnungspunkt."
    if len(values["reason"]) > MAX_REASON:
        errors["reason"] = too_long("Der Grund")
    if not errors:
        try:
            with session.begin_nested():
                notice = bias_notices.notify_bias(
                    session=session,
                    actor=user.actor,
                    now=now,
                    meeting_id=meeting_id,
                    item_id=chosen[0],
                    reason=values["reason"],
                    base_url=settings.link_base(str(request.base_url)),
                )
        except NotFound as exc:
            if "Tagesordnungspunkt" not in exc.message:
                raise
            errors["item_id"] = error_text(exc)
        except (InvalidInput, Conflict, RoleRefused) as exc:
            field = getattr(exc, "field", None)
            errors["reason" if field == "reason" else "item_id"] = _words(exc)
        else:
            item = session.get(AgendaItem, notice.agenda_item_id)
            top = f"TOP {top_number(session, item)}" if item else "den Punkt"
            flash(
                request,
                f"Ihre Mitteilung möglicher Befangenheit zu {top} ist an den Vorsitz und den "
                "Sitzungsdienst gegangen. Verlassen Sie bei diesem Punkt den Sitzungstisch; "
                "die Befangenheit wird in der Sitzung festgehalten (§ 18 Abs. 4, 5 GemO).",
            )
            return redirect(f"/sitzungen/{meeting_id}#befangenheit")
    extra = {"bias_notice_errors": errors, "bias_notice_values": values}
    return meeting_page(request, session, user, meeting_id, now, extra=extra, status=422)


@router.post("/sitzungen/{meeting_id}/befangenheit-mitteilen/{item_id}/zuruecknehmen")
def withdraw_bias_notice(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """Refused (the session opened meanwhile), the page says why in ``#befangenheit``."""
    try:
        with session.begin_nested():
            bias_notices.withdraw_bias_notice(
                session=session,
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                item_id=item_id,
                base_url=settings.link_base(str(request.base_url)),
            )
    except (Conflict, RoleRefused) as exc:
        extra = {"bias_notice_errors": {"withdraw": _words(exc)}, "bias_notice_values": {}}
        return meeting_page(request, session, user, meeting_id, now, extra=extra, status=409)
    item = session.get(AgendaItem, item_id)
    top = f"TOP {top_number(session, item)}" if item else "den Punkt"
    flash(request, f"Ihre Mitteilung zu {top} ist zurückgenommen.")
    return redirect(f"/sitzungen/{meeting_id}#befangenheit")


def _words(exc: WorkflowError) -> str:
    """The engine's own sentence for a non-member (it names the body), else the page's."""
    return exc.message if isinstance(exc, bias_notices.NotBodyMember) else error_text(exc)
