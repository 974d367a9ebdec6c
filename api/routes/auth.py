"""Sign-in: OAuth2 password form → bearer token (HS256 JWT)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form

from api.deps import CHALLENGE, CurrentUser, SessionDep, SettingsDep
from api.problems import ApiError, responses
from api.schemas.admin import TokenRead, UserRead
from api.security import authenticate, issue_token
from workflow.models import User

router = APIRouter(prefix="/api/v1/auth", tags=["Anmeldung"])
FormText = Annotated[str, Form(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


@router.post(
    "/token", operation_id="issue_token", response_model=TokenRead, responses=responses(401)
)
def token(
    username: FormText,
    password: FormText,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str, Form(pattern=r"^password$")] = "password",
) -> TokenRead:
    """OAuth2 password flow; disabled users and wrong passwords get the same 401."""
    user = authenticate(session, username, password)
    if user is None:
        raise ApiError(
            401,
            "Benutzername oder Passwort ist falsch, oder das Konto ist deaktiviert.",
            slug="invalid-credentials",
            headers=CHALLENGE,
        )
    issued = issue_token(settings, user.username)
    return TokenRead(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get("/me", operation_id="get_me", response_model=UserRead, responses=responses(401))
def me(session: SessionDep, actor: CurrentUser) -> UserRead:
    """The signed-in user (role, municipality), e.g. for the UI to offer the right actions."""
    user = session.get(User, actor.user_id)
    return UserRead.model_validate(user)
