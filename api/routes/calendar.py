"""iCalendar feeds (RFC 5545): a body's meetings (public) and a user's own (secret token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from api.deps import CurrentUser, LinkBase, NowDep, RuntimeDep, SessionDep
from api.problems import ApiError, responses
from api.routes.common import PathId
from api.schemas.calendar import CalendarTokenRead
from workflow.deadlines.ical import (
    body_feed,
    ensure_calendar_token,
    municipality_feed,
    user_by_token,
    user_feed,
)
from workflow.errors import not_found
from workflow.models import User

router = APIRouter(tags=["Kalender"])

ICS = "text/calendar; charset=utf-8"
FEED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Kalender im iCalendar-Format (RFC 5545)",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    },
    **responses(404),
}
# What ``ensure_calendar_token`` issues (``secrets.token_urlsafe``), with room to spare;
# anything else cannot be a token and is refused before the database is asked.
CalendarToken = Annotated[
    str,
    Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Kalender-Token"),
]


@router.get(
    "/calendar/bodies/{body_id}.ics",
    operation_id="get_body_calendar",
    response_class=Response,
    responses=FEED,
)
def body_calendar(
    body_id: PathId, session: SessionDep, link_base: LinkBase, now: NowDep
) -> Response:
    """A body's meetings once invited, public agenda items only; anonymous callers welcome."""
    feed = body_feed(session, body_id, now, link_base)
    if feed is None:
        raise ApiError(404, not_found("Gremium").message, slug="not-found")
    return Response(feed, media_type=ICS)


@router.get(
    "/calendar/municipalities/{municipality_id}.ics",
    operation_id="get_municipality_calendar",
    response_class=Response,
    responses=FEED,
)
def municipality_calendar(
    municipality_id: PathId, session: SessionDep, link_base: LinkBase, now: NowDep
) -> Response:
    """All public sessions of a municipality once invited; no token needed."""
    feed = municipality_feed(session, municipality_id, now, link_base)
    if feed is None:
        raise ApiError(404, not_found("Gemeinde").message, slug="not-found")
    return Response(feed, media_type=ICS)


@router.get(
    "/calendar/users/{token}.ics",
    operation_id="get_user_calendar",
    response_class=Response,
    responses=FEED,
)
def user_calendar(
    token: CalendarToken,
    session: SessionDep,
    runtime: RuntimeDep,
    link_base: LinkBase,
    now: NowDep,
) -> Response:
    """The caller's meetings and the deadlines that remind their role.

    Calendar clients send no bearer token; the token in the URL is the secret (rotate it to
    revoke every subscription).
    """
    user = user_by_token(session, token)
    if user is None:
        raise ApiError(404, "Dieser Kalender existiert nicht (mehr).", slug="not-found")
    feed = user_feed(session, runtime.workflows, user, now, link_base)
    # Non-public agenda titles may be in it: no shared cache may keep a copy.
    return Response(feed, media_type=ICS, headers={"Cache-Control": "private, no-store"})


@router.post(
    "/api/v1/auth/me/calendar-token",
    operation_id="issue_calendar_token",
    response_model=CalendarTokenRead,
    responses=responses(401),
)
def issue_calendar_token(
    request: Request,
    session: SessionDep,
    link_base: LinkBase,
    actor: CurrentUser,
    rotate: bool = False,
) -> CalendarTokenRead:
    """The personal feed URL, created on first call; ``rotate=true`` replaces the token,
    so the old URL answers 404 from then on."""
    user = session.get(User, actor.user_id)
    assert user is not None  # CurrentUser has just loaded it
    token = ensure_calendar_token(session, user, rotate=rotate)
    path = request.app.url_path_for("user_calendar", token=token)
    return CalendarTokenRead(token=token, url=f"{link_base}{path}")
