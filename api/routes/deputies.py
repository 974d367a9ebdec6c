"""Stellvertretung: absences of users, deputies of users and of body members, membership
dates; and the municipality's settings of the review (§§ 34, 39, 119 GemO)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentUser, NowDep, SessionDep
from api.problems import responses
from api.routes.common import PathId
from api.schemas.deputies import (
    AbsenceCreate,
    AbsenceRead,
    AbsencesRead,
    BodyDeputiesRead,
    BodyDeputyRead,
    DeputyRead,
    MemberDeputiesWrite,
    MembershipDates,
    MembershipDatesRead,
    ReviewSettingsRead,
    ReviewSettingsWrite,
    UserDeputiesRead,
    UserDeputiesWrite,
)
from workflow.models import User
from workflow.services import deputies as service
from workflow.services import municipal_settings
from workflow.services.municipal_settings import ReviewSettings

router = APIRouter(prefix="/api/v1", tags=["Stellvertretung"])


@router.get(
    "/users/{user_id}/absences",
    operation_id="list_absences",
    response_model=AbsencesRead,
    responses=responses(401, 403, 404),
)
def list_absences(user_id: PathId, session: SessionDep, actor: CurrentUser) -> AbsencesRead:
    rows = service.list_absences(session, actor, user_id)
    return AbsencesRead(data=[AbsenceRead.model_validate(a) for a in rows], count=len(rows))


@router.post(
    "/users/{user_id}/absences",
    operation_id="add_absence",
    status_code=201,
    response_model=AbsenceRead,
    responses=responses(401, 403, 404, 422),
)
def add_absence(
    user_id: PathId, body: AbsenceCreate, session: SessionDep, actor: CurrentUser, now: NowDep
) -> AbsenceRead:
    """Während der Abwesenheit handelt die erste verfügbare Stellvertretung."""
    absence = service.add_absence(
        session=session, actor=actor, now=now, user_id=user_id, **body.model_dump()
    )
    return AbsenceRead.model_validate(absence)


@router.delete(
    "/absences/{absence_id}",
    operation_id="delete_absence",
    status_code=204,
    responses=responses(401, 403, 404),
)
def delete_absence(
    absence_id: PathId, session: SessionDep, actor: CurrentUser, now: NowDep
) -> Response:
    service.delete_absence(session=session, actor=actor, now=now, absence_id=absence_id)
    return Response(status_code=204)


def _user_deputies(user_id: int, deputies: list[User]) -> UserDeputiesRead:
    return UserDeputiesRead(
        user_id=user_id,
        data=[
            DeputyRead(rank=i, user_id=u.id or 0, username=u.username, full_name=u.full_name)
            for i, u in enumerate(deputies, start=1)
        ],
    )


@router.get(
    "/users/{user_id}/deputies",
    operation_id="list_user_deputies",
    response_model=UserDeputiesRead,
    responses=responses(401, 404),
)
def list_user_deputies(
    user_id: PathId, session: SessionDep, actor: CurrentUser
) -> UserDeputiesRead:
    return _user_deputies(user_id, list(service.user_deputies(session, actor, user_id)))


@router.put(
    "/users/{user_id}/deputies",
    operation_id="set_user_deputies",
    response_model=UserDeputiesRead,
    responses=responses(401, 403, 404, 422),
)
def set_user_deputies(
    user_id: PathId,
    body: UserDeputiesWrite,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> UserDeputiesRead:
    """Ersetzt die Stellvertretungen in Reihenfolge (Verwaltung)."""
    deputies = service.set_user_deputies(
        session=session, actor=actor, now=now, user_id=user_id, deputy_ids=body.deputy_ids
    )
    return _user_deputies(user_id, list(deputies))


@router.get(
    "/bodies/{body_id}/deputies",
    operation_id="list_body_deputies",
    response_model=BodyDeputiesRead,
    responses=responses(401, 404),
)
def list_body_deputies(
    body_id: PathId, session: SessionDep, actor: CurrentUser
) -> BodyDeputiesRead:
    rows = service.body_deputy_rows(session, actor, body_id)
    return BodyDeputiesRead(body_id=body_id, data=[BodyDeputyRead.model_validate(r) for r in rows])


@router.put(
    "/bodies/{body_id}/members/{person_id}/deputies",
    operation_id="set_member_deputies",
    response_model=BodyDeputiesRead,
    responses=responses(401, 403, 404, 422),
)
def set_member_deputies(
    body_id: PathId,
    person_id: PathId,
    body: MemberDeputiesWrite,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> BodyDeputiesRead:
    """Persönliche Stellvertretungen eines Mitglieds in Reihenfolge (Hauptsatzung)."""
    rows = service.set_member_deputies(
        session=session,
        actor=actor,
        now=now,
        body_id=body_id,
        member_person_id=person_id,
        deputy_person_ids=body.deputy_person_ids,
    )
    return BodyDeputiesRead(body_id=body_id, data=[BodyDeputyRead.model_validate(r) for r in rows])


@router.put(
    "/bodies/{body_id}/memberships/{membership_id}/dates",
    operation_id="set_membership_dates",
    response_model=MembershipDatesRead,
    responses=responses(401, 403, 404, 409, 422),
)
def set_membership_dates(
    body_id: PathId,
    membership_id: PathId,
    body: MembershipDates,
    session: SessionDep,
    actor: CurrentUser,
    now: NowDep,
) -> MembershipDatesRead:
    """Beginn und Ende eines Sitzes (§ 31 GemO: Ausscheiden, Nachrücken)."""
    membership = service.set_membership_dates(
        session=session,
        actor=actor,
        now=now,
        body_id=body_id,
        membership_id=membership_id,
        start_date=body.start_date,
        end_date=body.end_date,
    )
    return MembershipDatesRead.model_validate(membership)


def _settings(s: ReviewSettings) -> ReviewSettingsRead:
    return ReviewSettingsRead(
        municipality_id=s.municipality_id,
        municipal_status=s.municipal_status,
        supervisory_authority_name=s.supervisory_authority_name,
        supervisory_authority=s.supervisory_authority.name,
        supervisory_authority_kind=s.supervisory_authority.kind,
        mayor_title=s.mayor_title,
        pre_deliberation_on_request=s.pre_deliberation_on_request,
        monthly_session_reminder_day=s.monthly_session_reminder_day,
        invitation_days=s.invitation_days,
        announcement_days=s.announcement_days,
    )


@router.get(
    "/municipality/settings",
    operation_id="read_municipal_settings",
    response_model=ReviewSettingsRead,
    responses=responses(401, 404),
)
def read_settings(session: SessionDep, actor: CurrentUser) -> ReviewSettingsRead:
    """Status und Rechtsaufsichtsbehörde (§ 119 GemO), bindende Vorberatung (§ 39 Abs. 4
    Satz 2 GemO), Erinnerung an die monatliche Sitzung (§ 34 Abs. 1 Satz 2 GemO)."""
    return _settings(municipal_settings.read_settings(session, actor))


@router.patch(
    "/municipality/settings",
    operation_id="update_municipal_settings",
    response_model=ReviewSettingsRead,
    responses=responses(401, 403, 404, 422),
)
def update_settings(
    body: ReviewSettingsWrite, session: SessionDep, actor: CurrentUser, now: NowDep
) -> ReviewSettingsRead:
    return _settings(
        municipal_settings.update_settings(
            session=session, actor=actor, now=now, **body.model_dump(exclude_unset=True)
        )
    )
