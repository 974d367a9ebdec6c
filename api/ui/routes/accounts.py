"""Accounts after their creation: the admin corrects an account's name, address and office;
passwords after the first: the holder changes his own on "Einstellungen", the admin sets a
new one for a forgotten password on the account's page. The same rule as the first
(``api.schemas.admin.NewPassword``), the same small pool for Argon2 as sign-ins; a wrong
current password counts like a failed sign-in (``workflow.services.throttle``), so a page
left open cannot be used to guess it."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import anyio.from_thread
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from api import directory, passwords
from api.deps import NowDep, SessionDep, SettingsDep
from api.routes.common import PathId
from api.schemas.admin import NewPassword, UserUpdate
from api.security import hash_password_bounded
from api.ui.routes.admin import USER_MESSAGES
from api.ui.routes.deputies import user_page_view
from api.ui.routes.settings import settings_view
from api.ui.verwaltung import require_admin
from api.ui.web import PageRoute, PageUserDep, PostedForm, flash, redirect, ui_session
from workflow.models import User

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _new_password(form: PostedForm, field: str) -> tuple[str | None, dict[str, str]]:
    """The new password typed twice (``field``, ``field``_repeat), or the errors to show."""
    typed = str(form.get(field) or "")
    errors: dict[str, str] = {}
    try:
        NewPassword.model_validate({"password": typed})
    except ValidationError:
        errors[field] = USER_MESSAGES["password"]
    if typed != str(form.get(f"{field}_repeat") or ""):
        errors.setdefault(f"{field}_repeat", USER_MESSAGES["password_repeat"])
    return (None if errors else typed), errors


@router.post("/einstellungen/passwort")
def change_own_password(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    account = session.get(User, user.actor.user_id) if user.actor.user_id is not None else None
    if account is None:
        return redirect("/einstellungen")
    current = str(form.get("current_password") or "")
    new, errors = _new_password(form, "new_password")
    if new is None:  # the new password's own rule first, the current one checked after
        if not current:
            errors = {"current_password": passwords.NO_CURRENT.message, **errors}
        return settings_view(request, session, user, errors=errors)
    refused = passwords.change_own(
        session,
        actor=user.actor,
        account=account,
        current=current,
        new=new,
        address=request.client.host if request.client else None,
        now=now,
        limiter=request.app.state.hash_limiter,
    )
    if refused is not None:
        page = settings_view(
            request,
            session,
            user,
            errors={refused.field: refused.message},
            status=422 if refused.retry_after is None else 429,
        )
        if refused.retry_after is not None:
            page.headers["Retry-After"] = str(refused.retry_after)
        return page
    # this session goes on with the new password; every other one of the account ends
    request.state.ui_session = replace(
        ui_session(request), credentials=account.credentials_version, changed=True
    )
    flash(
        request,
        "Ihr Passwort ist geändert. Wo Sie sonst noch angemeldet waren, melden Sie sich neu an.",
    )
    return redirect("/einstellungen#passwort")


@router.post("/verwaltung/benutzer/{user_id}/passwort")
def set_password(
    request: Request, user_id: PathId, user: PageUserDep, session: SessionDep, form: PostedForm
) -> Response:
    """For a forgotten password: the admin gives a new one, passed on as the first was."""
    require_admin(user)
    new, errors = _new_password(form, "password")
    if new is None:
        return user_page_view(request, session, user, user_id, errors=errors, status=422)
    password_hash = anyio.from_thread.run(
        partial(hash_password_bounded, request.app.state.hash_limiter, new)
    )
    account = directory.set_password(
        session=session, actor=user.actor, user_id=user_id, password_hash=password_hash
    )
    flash(
        request,
        f"Das neue Passwort für „{account.username}“ ist gesetzt. Teilen Sie es "
        f"{account.full_name} auf sicherem Weg mit.",
    )
    return redirect(f"/verwaltung/benutzer/{user_id}")


# The account form's words (the creation form's, ``USER_MESSAGES``, for the same fields).
ACCOUNT_FIELDS = ("full_name", "email", "department")


@router.post("/verwaltung/benutzer/{user_id}/konto")
def update_account(
    request: Request,
    user_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    require_admin(user)
    given = {k: str(form.get(k) or "").strip() for k in ACCOUNT_FIELDS}
    try:
        checked = UserUpdate.model_validate(
            {
                "full_name": given["full_name"],
                "email": given["email"] or None,
                "department": given["department"] or None,
                "finance_office": form.get("finance_office") == "ja",
            }
        )
    except ValidationError as exc:
        fields = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        errors = {f: USER_MESSAGES[f] for f in ACCOUNT_FIELDS if f in fields}
        given["finance_office"] = "ja" if form.get("finance_office") == "ja" else ""
        return user_page_view(
            request, session, user, user_id, errors=errors, given=given, status=422
        )
    account = directory.update_user(
        session=session,
        actor=user.actor,
        now=now,
        base_url=settings.link_base(str(request.base_url)),
        user_id=user_id,
        **checked.model_dump(),
    )
    flash(request, f"Das Konto „{account.username}“ ist gespeichert.")
    return redirect(f"/verwaltung/benutzer/{user_id}")
