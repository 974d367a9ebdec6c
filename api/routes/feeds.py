"""Atom feed of a municipality's newly published sessions and resolutions (§ 41b GemO)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.deps import LinkBase, NowDep, SessionDep
from api.problems import ApiError, responses
from api.routes.common import PathId
from workflow.errors import not_found
from workflow.feeds import atom
from workflow.models import Municipality

router = APIRouter(tags=["Kalender"])
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Atom-Feed (RFC 4287)",
        "content": {"application/atom+xml": {"schema": {"type": "string"}}},
    },
    **responses(404),
}


@router.get(
    "/oeffentlich/{municipality_id}/feed.atom",
    operation_id="get_public_feed",
    response_class=Response,
    responses=FEED,
)
def public_feed(
    municipality_id: PathId, session: SessionDep, link_base: LinkBase, now: NowDep
) -> Response:
    """Neu bekannt gemachte öffentliche Sitzungen und veröffentlichte Beschlüsse."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise ApiError(404, not_found("Gemeinde").message, slug="not-found")
    return Response(atom(session, municipality, link_base, now), media_type=ATOM_TYPE)
