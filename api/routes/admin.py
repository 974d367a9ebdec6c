"""Administration of users, bodies and memberships (role ``admin``, own municipality)."""

from __future__ import annotations

import anyio.from_thread
from fastapi import APIRouter, Request

from api import directory
from api.deps import CurrentUser, LinkBase, NowDep, SessionDep
from api.problems import responses
from api.routes.common import Cursor, Limit, PathId
from api.schemas.admin import (
    BodiesRead,
    BodyCreate,
    BodyRead,
    BodyRemit,
    BodyRules,
    BodyRulesRead,
    MembershipCreate,
    MembershipRead,
    MembershipsRead,
    PersonRead,
    PersonSaved,
    PersonsRead,
    PersonUpdate,
    UserCreate,
    UserRead,
    UsersRead,
    UserUpdate,
)
from api.security import hash_password_bounded
from workflow.documents.mailing import invitation_address
from workflow.models import Membership, Person, User
from workflow.motions import motion_order, quarter_referral

router = APIRouter(prefix="/api/v1", tags=["Verwaltung"])


def _membership(membership: Membership, person: Person) -> MembershipRead:
    return MembershipRead.model_validate({**membership.model_dump(), "person_name": person.name})


@router.get(
    "/users",
    operation_id="list_users",
    response_model=UsersRead,
    responses=responses(401, 403, 404),
)
def list_users(
    session: SessionDep, actor: CurrentUser, limit: Limit = 50, cursor: Cursor = None
) -> UsersRead:
    page = directory.list_users(session=session, actor=actor, limit=limit, cursor=cursor)
    return UsersRead(
        data=[UserRead.model_validate(u) for u in page.items],
        count=page.count,
        next_cursor=page.next_cursor,
    )


@router.post(
    "/users",
    operation_id="create_user",
    status_code=201,
    response_model=UserRead,
    responses=responses(401, 403, 404, 409),
)
def create_user(
    body: UserCreate, request: Request, session: SessionDep, actor: CurrentUser, now: NowDep
) -> UserRead:
    user = directory.create_user(
        session=session,
        actor=actor,
        now=now,
        password_hash=anyio.from_thread.run(
            hash_password_bounded, request.app.state.hash_limiter, body.password
        ),
        **body.model_dump(exclude={"password"}),
    )
    return UserRead.model_validate(user)


@router.post(
    "/users/{user_id}/disable",
    operation_id="disable_user",
    response_model=UserRead,
    responses=responses(401, 403, 404, 409),
)
def disable_user(user_id: PathId, session: SessionDep, actor: CurrentUser) -> UserRead:
    """The account can no longer sign in; existing tokens stop working at once."""
    return UserRead.model_validate(
        directory.disable_user(session=session, actor=actor, user_id=user_id)
    )


@router.put(
    "/users/{user_id}",
    operation_id="update_user",
    response_model=UserRead,
    responses=responses(401, 403, 404),
)
def update_user(
    user_id: PathId,
    body: UserUpdate,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    link_base: LinkBase,
) -> UserRead:
    """Correct an account's name, e-mail address, office and Kämmerei flag (the username and
    the role stay)."""
    return UserRead.model_validate(
        directory.update_user(
            session=session,
            actor=actor,
            now=now,
            base_url=link_base,
            user_id=user_id,
            **body.model_dump(),
        )
    )


@router.post(
    "/users/{user_id}/enable",
    operation_id="enable_user",
    response_model=UserRead,
    responses=responses(401, 403, 404),
)
def enable_user(user_id: PathId, session: SessionDep, actor: CurrentUser) -> UserRead:
    """A disabled account can sign in again, with the password it had."""
    return UserRead.model_validate(
        directory.enable_user(session=session, actor=actor, user_id=user_id)
    )


@router.get(
    "/bodies", operation_id="list_bodies", response_model=BodiesRead, responses=responses(401, 404)
)
def list_bodies(session: SessionDep, actor: CurrentUser) -> BodiesRead:
    """Bodies of the caller's municipality (e.g. to build a consultation plan)."""
    bodies = directory.list_bodies(session=session, actor=actor)
    return BodiesRead(data=[BodyRead.model_validate(b) for b in bodies], count=len(bodies))


@router.post(
    "/bodies",
    operation_id="create_body",
    status_code=201,
    response_model=BodyRead,
    responses=responses(401, 403, 404, 409),
)
def create_body(body: BodyCreate, session: SessionDep, actor: CurrentUser) -> BodyRead:
    created = directory.create_body(
        session=session, actor=actor, name=body.name, kind=body.kind, remit=body.remit
    )
    return BodyRead.model_validate(created)


@router.put(
    "/bodies/{body_id}/remit",
    operation_id="set_body_remit",
    response_model=BodyRead,
    responses=responses(401, 403, 404, 422),
)
def set_body_remit(
    body_id: PathId, body: BodyRemit, session: SessionDep, actor: CurrentUser
) -> BodyRead:
    """Replace a beschließender Ausschuss's Aufgabengebiet (§ 39 Abs. 1 Satz 1, Abs. 4 GemO)."""
    updated = directory.set_remit(session=session, actor=actor, body_id=body_id, remit=body.remit)
    return BodyRead.model_validate(updated)


@router.put(
    "/bodies/{body_id}/rules",
    operation_id="set_body_rules",
    response_model=BodyRulesRead,
    responses=responses(401, 403, 404, 422),
)
def set_body_rules(
    body_id: PathId, body: BodyRules, session: SessionDep, actor: CurrentUser
) -> BodyRulesRead:
    """Hauptsatzung/Geschäftsordnung: the order of votes on motions; the one-quarter
    minority of a beschließender Ausschuss for referral to the council (§ 39 Abs. 3 S. 3 GemO)."""
    updated = directory.set_rules(
        session=session,
        actor=actor,
        body_id=body_id,
        motion_order=None if body.motion_order is None else list(body.motion_order),
        quarter_referral=body.quarter_referral,
    )
    return BodyRulesRead(
        id=updated.id or 0,
        name=updated.name,
        kind=updated.kind,
        motion_order=list(motion_order(session, updated)),
        quarter_referral=quarter_referral(session, updated),
    )


@router.get(
    "/bodies/{body_id}/memberships",
    operation_id="list_memberships",
    response_model=MembershipsRead,
    responses=responses(401, 404),
)
def list_memberships(body_id: PathId, session: SessionDep, actor: CurrentUser) -> MembershipsRead:
    rows = directory.list_memberships(session=session, actor=actor, body_id=body_id)
    return MembershipsRead(data=[_membership(m, p) for m, p in rows], count=len(rows))


@router.post(
    "/bodies/{body_id}/memberships",
    operation_id="add_membership",
    status_code=201,
    response_model=MembershipRead,
    responses=responses(401, 403, 404, 409),
)
def add_membership(
    body_id: PathId, body: MembershipCreate, session: SessionDep, actor: CurrentUser
) -> MembershipRead:
    membership, person = directory.add_membership(
        session=session, actor=actor, body_id=body_id, **body.model_dump()
    )
    return _membership(membership, person)


def _person(person: Person, user: User | None) -> PersonRead:
    return PersonRead(
        id=person.id or 0,
        name=person.name,
        email=person.email,
        user_id=user.id if user is not None else None,
        invitation_address=invitation_address(person, user),
    )


@router.get(
    "/persons",
    operation_id="list_persons",
    response_model=PersonsRead,
    responses=responses(401, 403, 404),
)
def list_persons(session: SessionDep, actor: CurrentUser) -> PersonsRead:
    """The municipality's persons (members of its bodies) and where their invitations go."""
    rows = directory.list_persons(session=session, actor=actor)
    return PersonsRead(data=[_person(p, u) for p, u in rows], count=len(rows))


@router.put(
    "/persons/{person_id}",
    operation_id="update_person",
    response_model=PersonSaved,
    responses=responses(401, 403, 404),
)
def update_person(
    person_id: PathId,
    body: PersonUpdate,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
    link_base: LinkBase,
) -> PersonSaved:
    """Correct a person's name and set the address his invitations go to (§ 34 Abs. 1 GemO:
    "schriftlich oder elektronisch"); without one he is invited in writing. A changed address
    ends the personal links sent to the old one and sends his invitations to the sessions
    ahead again (``reinvited``)."""
    updated = directory.update_person(
        session=session,
        actor=actor,
        now=now,
        base_url=link_base,
        person_id=person_id,
        **body.model_dump(),
    )
    return PersonSaved(
        **_person(updated.person, updated.account).model_dump(), reinvited=updated.reinvited
    )
