"""Sign-in and sign-out: the API's users and password check, a session cookie instead of a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from api.deps import NowDep, RuntimeDep, SettingsDep
from api.security import LoginThrottled, sign_in
from api.turns import app_turns
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
async def login(
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    now: NowDep,
    username: FormText = "",
    password: FormText = "",
    next: FormText = "/",
) -> Response:
    """The same throttled, bounded password check as the API's token (``sign_in``)."""
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Bitte geben Sie Ihren Benutzernamen ein."
    if not password:
        errors["password"] = "Bitte geben Sie Ihr Passwort ein."
    context = {"next": safe_next(next), "username": username, "errors": errors}
    if errors:
        return render(request, "login.html", context, status=422)
    try:
        credentials = await sign_in(
            engine=runtime.engine,
            turns=app_turns(request.app),
            limiter=request.app.state.hash_limiter,
            username=username.strip(),
            password=password,
            address=request.client.host if request.client else None,
            now=now,
        )
    except LoginThrottled as exc:
        errors["password"] = (
            "Zu viele fehlgeschlagene Anmeldungen. Bitte in "
            f"{exc.retry_after} Sekunden erneut versuchen."
        )
        page = render(request, "login.html", context, status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if credentials is None:
        errors["password"] = WRONG
        return render(request, "login.html", context, status=401)
    name = username.strip()
    since = previous_visit(request, settings, name)
    request.state.ui_session = signed_in(name, since, credentials)
    response = redirect(safe_next(next))
    remember_visit(response, request, settings, name, now)
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
