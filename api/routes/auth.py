"""Sign-in: OAuth2 password form → bearer token (HS256 JWT)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse

from api import passwords
from api.deps import CHALLENGE, CurrentUser, NowDep, RuntimeDep, SessionDep, SettingsDep
from api.problems import ApiError, problem_response, responses
from api.schemas.admin import PasswordChange, TokenRead, UserRead
from api.security import LoginThrottled, issue_token, sign_in
from api.turns import app_turns
from workflow.models import User

router = APIRouter(prefix="/api/v1/auth", tags=["Anmeldung"])
FormText = Annotated[str, Form(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
# RFC 6749 § 5.1: responses carrying tokens or credentials must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post(
    "/token",
    operation_id="issue_token",
    response_model=TokenRead,
    responses=responses(401, 429),
)
async def token(
    request: Request,
    response: Response,
    username: FormText,
    password: FormText,
    runtime: RuntimeDep,
    settings: SettingsDep,
    now: NowDep,
    grant_type: Annotated[str, Form(pattern=r"^password$")] = "password",
) -> TokenRead:
    """OAuth2 password flow; disabled users and wrong passwords get the same 401.

    After five failures of an account (or twenty of a client address) each further attempt
    waits twice as long (429 with ``Retry-After``), counted in the database for all processes.
    """
    try:
        credentials = await sign_in(
            engine=runtime.engine,
            turns=app_turns(request.app),
            limiter=request.app.state.hash_limiter,
            username=username,
            password=password,
            address=request.client.host if request.client else None,
            now=now,
        )
    except LoginThrottled as exc:
        raise ApiError(
            429,
            "Zu viele fehlgeschlagene Anmeldungen. Bitte in "
            f"{exc.retry_after} Sekunden erneut versuchen.",
            slug="too-many-attempts",
            headers={"Retry-After": str(exc.retry_after), **NO_STORE},
        ) from exc
    if credentials is None:
        raise ApiError(
            401,
            "Benutzername oder Passwort ist falsch, oder das Konto ist deaktiviert.",
            slug="invalid-credentials",
            headers={**CHALLENGE, **NO_STORE},
        )
    response.headers.update(NO_STORE)
    issued = issue_token(settings, username, credentials)
    return TokenRead(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get("/me", operation_id="get_me", response_model=UserRead, responses=responses(401))
def me(session: SessionDep, actor: CurrentUser) -> UserRead:
    """The signed-in user (role, municipality), e.g. for the UI to offer the right actions."""
    user = session.get(User, actor.user_id)
    return UserRead.model_validate(user)


@router.post(
    "/me/password",
    operation_id="change_own_password",
    response_model=TokenRead,
    responses=responses(401, 422, 429),
)
def change_own_password(
    body: PasswordChange,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentUser,
    now: NowDep,
) -> TokenRead | JSONResponse:
    """Change one's own password (the current one checked; a wrong one counts like a failed
    sign-in, 429 after too many). Every other token and web session of the account ends; the
    answer is a new token for the caller, whose old one ended too."""
    account = session.get(User, actor.user_id)
    assert account is not None  # CurrentUser found it
    refused = passwords.change_own(
        session,
        actor=actor,
        account=account,
        current=body.current_password,
        new=body.new_password,
        address=request.client.host if request.client else None,
        now=now,
        limiter=request.app.state.hash_limiter,
    )
    # Answered, not raised: an exception would roll back the failure the throttle counted.
    if refused is not None and refused.retry_after is not None:
        return problem_response(
            request,
            429,
            refused.message,
            slug="too-many-attempts",
            headers={"Retry-After": str(refused.retry_after), **NO_STORE},
        )
    if refused is not None:
        return problem_response(
            request,
            422,
            refused.message,
            slug="invalid-input",
            headers=NO_STORE,
            errors=[{"field": refused.field, "message": refused.message}],
        )
    response.headers.update(NO_STORE)
    issued = issue_token(settings, account.username, account.credentials_version)
    return TokenRead(access_token=issued.access_token, expires_in=issued.expires_in)
