"""Stellvertretung administered: absences, a user's deputies, a body member's deputies,
membership dates. Each change is audited on the user or body it concerns.

Deputies are set by the municipality's admin as the Hauptsatzung and the council's
appointments say (§§ 40 Abs. 1 S. 2, 48 GemO); an absence is entered by the user himself,
or for him by the admin, the mayor or the Schriftführung.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from workflow import audit
from workflow.context import Actor
from workflow.deputies import stand_in_refusal
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.models import Absence, Body, BodyDeputy, Membership, Person, User, UserDeputy
from workflow.services.common import require_role
from workflow.wording import municipality_wording

ADMIN_ROLES = ("admin",)
# Who may enter an absence for someone else (besides the user himself).
ABSENCE_ROLES = ("admin", "mayor", "secretary")
MAX_DEPUTIES = 10


def _record(
    session: Session,
    actor: Actor,
    now: datetime,
    kind: str,
    instance_id: int,
    trigger: str,
    data: dict[str, Any],
) -> None:
    audit.append(
        session,
        instance_type=kind,
        instance_id=instance_id,
        actor=actor,
        trigger=trigger,
        source=None,
        dest=trigger,
        now=now,
        data=data,
    )


def _user(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    if (
        user is None
        or actor.municipality_id is None
        or user.municipality_id != actor.municipality_id
    ):
        raise not_found("Benutzer")
    return user


def _may_manage_absences(actor: Actor, user: User) -> None:
    if actor.user_id != user.id:
        require_role(actor, "manage_absences", ABSENCE_ROLES)


def list_absences(session: Session, actor: Actor, user_id: int) -> list[Absence]:
    user = _user(session, actor, user_id)
    _may_manage_absences(actor, user)
    return list(
        session.exec(
            select(Absence)
            .where(Absence.user_id == user_id)
            .order_by(col(Absence.starts_on), col(Absence.id))
        )
    )


def add_absence(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    user_id: int,
    starts_on: date,
    ends_on: date,
    note: str | None = None,
) -> Absence:
    user = _user(session, actor, user_id)
    _may_manage_absences(actor, user)
    if ends_on < starts_on:
        raise InvalidInput("Das Ende der Abwesenheit liegt vor ihrem Beginn", field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise InvalidInput("Eine Abwesenheit dauert höchstens ein Jahr", field="ends_on")
    absence = Absence(
        user_id=user_id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip() or None,
        created_at=now,
    )
    session.add(absence)
    session.flush()
    _record(
        session,
        actor,
        now,
        "user",
        user_id,
        "add_absence",
        {"absence_id": absence.id, "starts_on": starts_on, "ends_on": ends_on},
    )
    return absence


def delete_absence(*, session: Session, actor: Actor, now: datetime, absence_id: int) -> None:
    # The row lock decides concurrent deletions: the later ones find nothing (404).
    absence = session.exec(
        select(Absence).where(Absence.id == absence_id).with_for_update()
    ).first()
    if absence is None:
        raise not_found("Abwesenheit")
    user = _user(session, actor, absence.user_id)
    _may_manage_absences(actor, user)
    _record(
        session,
        actor,
        now,
        "user",
        user.id or 0,
        "delete_absence",
        {"absence_id": absence_id, "starts_on": absence.starts_on, "ends_on": absence.ends_on},
    )
    session.delete(absence)
    session.flush()


def user_deputies(session: Session, actor: Actor, user_id: int) -> list[User]:
    _user(session, actor, user_id)
    rows = session.exec(
        select(User)
        .join(UserDeputy, col(UserDeputy.deputy_id) == col(User.id))
        .where(UserDeputy.user_id == user_id)
        .order_by(col(UserDeputy.rank))
    )
    return list(rows)


def set_user_deputies(
    *, session: Session, actor: Actor, now: datetime, user_id: int, deputy_ids: list[int]
) -> list[User]:
    """Replace the user's deputies by ``deputy_ids`` in this order (§ 48 GemO for the
    mayor: the Stellvertreter in the order the council appointed them). Each must be one
    who may act in the user's role (``workflow.deputies.stand_in_refusal``); an empty list
    is always accepted, so a list the rule no longer allows can be cleared."""
    require_role(actor, "set_user_deputies", ADMIN_ROLES)
    _user(session, actor, user_id)
    # The user's row locked first: replacements of one list run one after the other, each
    # reading (and deleting) what the one before it left, never a mix of two lists.
    user = session.get(User, user_id, with_for_update=True, populate_existing=True)
    assert user is not None  # _user found it; users are disabled, never deleted
    if len(deputy_ids) > MAX_DEPUTIES:
        raise InvalidInput(f"Höchstens {MAX_DEPUTIES} Stellvertretungen", field="deputy_ids")
    if len(set(deputy_ids)) != len(deputy_ids):
        raise InvalidInput("Eine Stellvertretung ist doppelt genannt", field="deputy_ids")
    deputies = []
    for i, deputy_id in enumerate(deputy_ids):
        if deputy_id == user_id:
            raise InvalidInput("Niemand vertritt sich selbst", field=f"deputy_ids.{i}")
        deputy = session.get(User, deputy_id)
        if deputy is None or deputy.municipality_id != user.municipality_id:
            raise InvalidInput(f"Unbekannter Benutzer {deputy_id}", field=f"deputy_ids.{i}")
        refusal = stand_in_refusal(user, deputy)
        if refusal is not None:
            raise InvalidInput(refusal, field=f"deputy_ids.{i}")
        deputies.append(deputy)
    # Through the ORM, not a Core DELETE: the flush tells workflow.config_cache that this
    # session wrote configuration rows (its own triggers moved the version it noted).
    for old in session.exec(select(UserDeputy).where(UserDeputy.user_id == user_id)):
        session.delete(old)
    session.flush()
    for rank, deputy in enumerate(deputies, start=1):
        session.add(UserDeputy(user_id=user_id, deputy_id=deputy.id or 0, rank=rank))
    session.flush()
    _record(
        session,
        actor,
        now,
        "user",
        user_id,
        "set_user_deputies",
        {"deputies": [d.username for d in deputies]},
    )
    return deputies


def _body(session: Session, actor: Actor, body_id: int) -> Body:
    body = session.get(Body, body_id)
    if body is None or body.municipality_id != actor.municipality_id:
        raise not_found("Gremium")
    return body


def body_deputy_rows(session: Session, actor: Actor, body_id: int) -> list[BodyDeputy]:
    _body(session, actor, body_id)
    return list(
        session.exec(
            select(BodyDeputy)
            .where(BodyDeputy.body_id == body_id)
            .order_by(col(BodyDeputy.member_person_id), col(BodyDeputy.rank))
        )
    )


def set_member_deputies(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    body_id: int,
    member_person_id: int,
    deputy_person_ids: list[int],
) -> list[BodyDeputy]:
    """Replace the personal deputies of one member of the body, in order (Hauptsatzung;
    § 40 Abs. 1 S. 2 GemO: the council appoints members and Stellvertreter)."""
    require_role(actor, "set_member_deputies", ADMIN_ROLES)
    body = _body(session, actor, body_id)
    seat = session.exec(  # locked, as the user's row in ``set_user_deputies``
        select(Membership)
        .where(Membership.body_id == body_id, Membership.person_id == member_person_id)
        .with_for_update()
    ).first()
    if seat is None:
        raise InvalidInput("Die Person ist kein Mitglied des Gremiums", field="member_person_id")
    if len(deputy_person_ids) > MAX_DEPUTIES:
        raise InvalidInput(f"Höchstens {MAX_DEPUTIES} Stellvertretungen", field="deputy_person_ids")
    if len(set(deputy_person_ids)) != len(deputy_person_ids):
        raise InvalidInput("Eine Stellvertretung ist doppelt genannt", field="deputy_person_ids")
    for i, person_id in enumerate(deputy_person_ids):
        person = session.get(Person, person_id)
        if person is None or person.municipality_id != body.municipality_id:
            raise InvalidInput(f"Unbekannte Person {person_id}", field=f"deputy_person_ids.{i}")
        if person_id == member_person_id:
            raise InvalidInput("Niemand vertritt sich selbst", field=f"deputy_person_ids.{i}")
    session.exec(
        delete(BodyDeputy).where(
            col(BodyDeputy.body_id) == body_id,
            col(BodyDeputy.member_person_id) == member_person_id,
        )
    )
    rows = [
        BodyDeputy(
            body_id=body_id,
            member_person_id=member_person_id,
            deputy_person_id=person_id,
            rank=rank,
        )
        for rank, person_id in enumerate(deputy_person_ids, start=1)
    ]
    session.add_all(rows)
    session.flush()
    _record(
        session,
        actor,
        now,
        "body",
        body_id,
        "set_member_deputies",
        {"member": member_person_id, "deputies": deputy_person_ids},
    )
    return rows


def set_membership_dates(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    body_id: int,
    membership_id: int,
    start_date: date | None,
    end_date: date | None,
) -> Membership:
    """When a seat begins and ends (§ 31 GemO: Ausscheiden, Nachrücken); from the day after
    the end the person no longer counts (quorum, invitations, member lists)."""
    require_role(actor, "set_membership_dates", ADMIN_ROLES)
    body = _body(session, actor, body_id)
    membership = session.get(Membership, membership_id)
    if membership is None or membership.body_id != body_id:
        raise not_found("Mitgliedschaft")
    if start_date is not None and end_date is not None and end_date < start_date:
        raise InvalidInput("Das Ende der Mitgliedschaft liegt vor ihrem Beginn", field="end_date")
    if membership.role == "chair" and end_date is not None:
        # the mayor chairs the council and its committees (§ 42 Abs. 1, § 40 Abs. 3 GemO),
        # named by the municipality's title (workflow.wording)
        raise Conflict(
            municipality_wording(session, body.municipality_id).text(
                "Der Vorsitz des Bürgermeisters endet nicht durch ein Austrittsdatum"
            )
        )
    membership.start_date, membership.end_date = start_date, end_date
    session.add(membership)
    session.flush()
    _record(
        session,
        actor,
        now,
        "body",
        body_id,
        "set_membership_dates",
        {"membership_id": membership_id, "start_date": start_date, "end_date": end_date},
    )
    return membership
