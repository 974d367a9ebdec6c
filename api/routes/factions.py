"""Fraktionen of the caller's municipality (§ 32a GemO): read by all its users, kept by the
admin and the Sitzungsdienst; changes carry the version read (If-Match or
``expected_version``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlmodel import Session

from api.deps import CurrentUser, IfMatch, NowDep, SessionDep, etag, expected_version
from api.problems import responses
from api.routes.common import PathId
from api.schemas.factions import (
    FactionCreate,
    FactionDissolve,
    FactionMemberRead,
    FactionMembersWrite,
    FactionRead,
    FactionRename,
    FactionsRead,
)
from workflow.models import Faction
from workflow.services import factions as service

router = APIRouter(prefix="/api/v1", tags=["Verwaltung"])
WRITE = responses(401, 403, 404, 409, 412, 422, 428)


def read(session: Session, faction: Faction) -> FactionRead:
    members = [
        FactionMemberRead(person_id=p.id or 0, person_name=p.name, role=m.role)
        for m, p in service.members(session, faction.id or 0)
    ]
    return FactionRead.model_validate({**faction.model_dump(), "members": members})


def _answer(response: Response, session: Session, faction: Faction) -> FactionRead:
    response.headers["ETag"] = etag(faction.version)
    return read(session, faction)


@router.get(
    "/factions",
    operation_id="list_factions",
    response_model=FactionsRead,
    responses=responses(401, 404, 422),
)
def list_factions(
    session: SessionDep,
    actor: CurrentUser,
    include_dissolved: Annotated[bool, Query(description="auch aufgelöste Fraktionen")] = False,
) -> FactionsRead:
    """Die Fraktionen der eigenen Gemeinde, nach Namen."""
    rows = service.list_factions(session, actor, include_dissolved=include_dissolved)
    return FactionsRead(data=[read(session, f) for f in rows], count=len(rows))


@router.post(
    "/factions",
    operation_id="create_faction",
    status_code=201,
    response_model=FactionRead,
    responses=responses(401, 403, 404, 409, 422),
)
def create_faction(
    body: FactionCreate, response: Response, session: SessionDep, actor: CurrentUser, now: NowDep
) -> FactionRead:
    """Eine Fraktion bilden (zunächst ohne Mitglieder)."""
    faction = service.create_faction(
        session=session, actor=actor, now=now, name=body.name, short_name=body.short_name
    )
    response.headers["Location"] = f"/api/v1/factions/{faction.id}"
    return _answer(response, session, faction)


@router.get(
    "/factions/{faction_id}",
    operation_id="get_faction",
    response_model=FactionRead,
    responses=responses(401, 404),
)
def get_faction(
    faction_id: PathId, response: Response, session: SessionDep, actor: CurrentUser
) -> FactionRead:
    return _answer(response, session, service.get_faction(session, actor, faction_id))


@router.put(
    "/factions/{faction_id}",
    operation_id="rename_faction",
    response_model=FactionRead,
    responses=WRITE,
)
def rename_faction(
    faction_id: PathId,
    body: FactionRename,
    request: Request,
    response: Response,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> FactionRead:
    """Umbenennen; frühere Anträge behalten den Namen, unter dem sie gestellt wurden."""
    faction = service.rename_faction(
        session=session,
        actor=actor,
        now=now,
        faction_id=faction_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        name=body.name,
        short_name=body.short_name,
    )
    return _answer(response, session, faction)


@router.put(
    "/factions/{faction_id}/members",
    operation_id="set_faction_members",
    response_model=FactionRead,
    responses=WRITE,
)
def set_faction_members(
    faction_id: PathId,
    body: FactionMembersWrite,
    request: Request,
    response: Response,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> FactionRead:
    """Die Mitglieder festlegen: Gemeinderäte, jeder in höchstens einer Fraktion."""
    faction = service.set_members(
        session=session,
        actor=actor,
        now=now,
        faction_id=faction_id,
        expected_version=expected_version(request, body.expected_version, if_match),
        members_given=[service.MemberInput(m.person_id, m.role) for m in body.members],
    )
    return _answer(response, session, faction)


@router.post(
    "/factions/{faction_id}/dissolve",
    operation_id="dissolve_faction",
    response_model=FactionRead,
    responses=WRITE,
)
def dissolve_faction(
    faction_id: PathId,
    body: FactionDissolve,
    request: Request,
    response: Response,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    if_match: IfMatch = None,
) -> FactionRead:
    """Auflösen: die Fraktion bleibt für ihre Anträge lesbar, ist aber nicht mehr wählbar."""
    faction = service.dissolve_faction(
        session=session,
        actor=actor,
        now=now,
        faction_id=faction_id,
        expected_version=expected_version(request, body.expected_version, if_match),
    )
    return _answer(response, session, faction)
