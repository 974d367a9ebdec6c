"""Sign-in and sign-out: the API's users and password check, a session cookie instead of a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.security import authenticate
from api.ui.sessions import new_session, previous_visit, remember_visit, signed_in
from api.ui.web import (
    OptionalPageUserDep,
    PageRoute,
    flash,
    redirect,
    render,
    safe_next,
    ui_session,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
FormText = Annotated[str, Form(max_length=200)]
WRONG = "Benutzername oder Passwort ist falsch, oder das Konto ist deaktiviert."


@router.get("/anmelden")
def login_page(request: Request, user: OptionalPageUserDep, next: str = "/") -> Response:
    if user is not None:
        return redirect(safe_next(next))
    return render(request, "login.html", {"next": safe_next(next), "username": "", "errors": {}})


@router.post("/anmelden")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    username: FormText = "",
    password: FormText = "",
    next: FormText = "/",
) -> Response:
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Bitte geben Sie Ihren Benutzernamen ein."
    if not password:
        errors["password"] = "Bitte geben Sie Ihr Passwort ein."
    user = None if errors else authenticate(session, username.strip(), password)
    if user is None:
        status = 422 if errors else 401
        errors = errors or {"password": WRONG}
        context = {"next": safe_next(next), "username": username, "errors": errors}
        return render(request, "login.html", context, status=status)
    since = previous_visit(request, settings, user.username)
    request.state.ui_session = signed_in(user.username, since)
    response = redirect(safe_next(next))
    remember_visit(response, request, settings, user.username, now)
    return response


@router.get("/abmelden")
def logout_page(request: Request, user: OptionalPageUserDep) -> Response:
    return render(request, "logout.html")


@router.post("/abmelden")
def logout(request: Request) -> Response:
    if ui_session(request).username:
        request.state.ui_session = new_session()
        flash(request, "Sie wurden abgemeldet.", "info")
    return redirect("/anmelden")
