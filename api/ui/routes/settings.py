"""Einstellungen: which kinds of e-mail a user receives (the in-app notice always comes),
and the address of the personal calendar (meetings and deadlines in Outlook or on a phone)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from api.deps import SessionDep
from api.schemas.admin import PASSWORD_MIN
from api.ui.web import (
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    flash,
    redirect,
    render,
    workflows_of,
)
from workflow.deadlines.ical import ensure_calendar_token
from workflow.deadlines.notify import MAIL_KINDS
from workflow.deputies import has_stand_ins, stand_in_refusal
from workflow.errors import NotFound
from workflow.models import User
from workflow.services import deputies, notifications
from workflow.settings import Settings

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _account(session: Session, user: PageUser) -> User | None:
    return session.get(User, user.actor.user_id) if user.actor.user_id is not None else None


@router.get("/einstellungen")
def settings_page(request: Request, user: PageUserDep, session: SessionDep) -> Response:
    return settings_view(request, session, user)


def settings_view(
    request: Request,
    session: Session,
    user: PageUser,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, str] | None = None,
    status: int = 422,
) -> Response:
    """The settings page; with ``errors`` the refused form again, its input kept (``status``,
    422 unless told; passwords are never shown again)."""
    account = _account(session, user)
    context = {
        "errors": errors or {},
        "given": given or {},
        "kinds": _offered(request, session, account),
        "off": set(account.mail_off or []) if account else set(),
        "email": account.email if account else None,
        "absences": deputies.list_absences(session, user.actor, account.id or 0)
        if account is not None and account.municipality_id is not None
        else [],
        # whom the rule lets act for him (a stored deputy it no longer allows never acts)
        "deputies": [
            d
            for d in deputies.user_deputies(session, user.actor, account.id or 0)
            if stand_in_refusal(account, d) is None
        ]
        if account is not None and account.municipality_id is not None
        else [],
        "has_stand_ins": account is not None and has_stand_ins(account.role),
        "calendar_url": _calendar_url(request, account),
        "password_min": PASSWORD_MIN,
    }
    return render(request, "einstellungen.html", context, status=status if errors else 200)


def _offered(request: Request, session: Session, account: User | None) -> dict[str, str]:
    """The kinds of e-mail that can reach the account's holder (none without an account)."""
    if account is None:
        return {}
    return notifications.mail_kinds_for(session, workflows_of(request), account)


def _calendar_url(request: Request, account: User | None) -> str | None:
    """The personal feed's address, once created (the token in it is the secret)."""
    if account is None or account.calendar_token is None:
        return None
    settings: Settings = request.app.state.settings
    path = request.app.url_path_for("user_calendar", token=account.calendar_token)
    return f"{settings.link_base(str(request.base_url))}{path}"


@router.post("/einstellungen/kalender")
def calendar_address(request: Request, user: PageUserDep, session: SessionDep) -> Response:
    """Create the personal calendar's address, or replace it: every old subscription ends."""
    account = _account(session, user)
    if account is None:
        raise NotFound("Für Ihr Konto ist kein Benutzer hinterlegt.")
    renewed = account.calendar_token is not None
    ensure_calendar_token(session, account, rotate=renewed)
    flash(
        request,
        "Die neue Adresse Ihres Kalenders gilt ab sofort; die bisherige nicht mehr."
        if renewed
        else "Die Adresse Ihres Kalenders ist erzeugt.",
    )
    return redirect("/einstellungen#kalender")


@router.post("/einstellungen")
def save_settings(
    request: Request, user: PageUserDep, session: SessionDep, form: PostedForm
) -> Response:
    wanted = {str(v) for v in form.getlist("mail")}
    account = _account(session, user)
    offered = _offered(request, session, account)
    # A kind the page does not offer keeps its stored choice (a role may change back).
    stored = (account.mail_off or []) if account is not None else []
    kept = [k for k in stored if k in MAIL_KINDS and k not in offered]
    notifications.set_mail_off(
        session=session,
        actor=user.actor,
        kinds=[*kept, *(k for k in offered if k not in wanted)],
    )
    off = [label for key, label in offered.items() if key not in wanted]
    text = "Ihre Einstellungen wurden gespeichert."
    if off:
        text += " Keine E-Mail mehr für: " + "; ".join(off) + "."
    flash(request, text)
    return redirect("/einstellungen")
