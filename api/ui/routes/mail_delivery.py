"""Verwaltung › E-Mail-Versand: the admin sends a dead letter again, to the recipient's
address as it is now (a mistyped member's address corrected at the body's page). The list
itself is a section of the Verwaltung's overview; what a message says stays withheld
(``workflow.services.outbox.BODY_WITHHELD``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.routes.common import PathId
from api.ui.verwaltung import require_admin
from api.ui.web import PageRoute, PageUserDep, error_text, flash, redirect
from workflow.errors import Conflict
from workflow.services import outbox

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.post("/verwaltung/e-mails/{message_id}/erneut")
def send_again(
    request: Request, message_id: PathId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    require_admin(user)
    try:
        with session.begin_nested():
            message = outbox.requeue(
                session=session, actor=user.actor, now=now, message_id=message_id
            )
    except Conflict as exc:  # sent meanwhile, or no address left: said, nothing changed
        flash(request, error_text(exc), "danger")
        return redirect("/verwaltung#e-mail-versand")
    flash(request, f"Die E-Mail an {message.to_address} wird erneut versandt.")
    return redirect("/verwaltung#e-mail-versand")
