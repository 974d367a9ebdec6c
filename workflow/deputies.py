"""Stellvertretung: who acts for an absent user, and who stands in for a body's member.

A user's office acts pass to the first of his deputies (in order) who is not away himself:
co-signing for a head of department, the release and the other acts of the mayor for the
Stellvertreter des Bürgermeisters (§ 48 GemO). The deputy acts in his own name "in
Vertretung" (the audit log records both), so four-eyes checks see the real person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from sqlmodel import Session, col, select

from workflow.config_cache import cached_rows, cached_value
from workflow.context import Actor
from workflow.db import memo
from workflow.models import Absence, BodyDeputy, Membership, User, UserDeputy
from workflow.roles import role_label, role_labels

# Whose office acts may pass to whom: per role of the absent holder, the roles a deputy may
# hold. The deputy acts in the holder's role (``acting_for``), so only someone the law lets
# act for that office qualifies, never the admin (he keeps users, not resolutions).
# - mayor: the Stellvertreter des Bürgermeisters, whom the council elects from its members
#   (§ 48 Abs. 1 GemO). Beigeordnete (§ 49 Abs. 1 GemO) have no role in Ratsflow, and an
#   Amtsleitung is no Stellvertreter of the mayor.
# - administration (clerk, head of department as ``cosigner``, Sitzungsdienst): the mayor
#   charges staff with his representation in their field (§ 53 Abs. 1 GemO), so a colleague
#   of the same or the next higher office: a clerk for a clerk or the head, a head only for a
#   head, the Sitzungsdienst for itself or a clerk.
# - Landratsamt: a coordinator of the same district office for another.
# - council members have no such deputy (their personal deputies in a body are
#   ``BodyDeputy``, § 40 Abs. 1 S. 2 GemO), nor has the admin or the system.
STAND_IN_ROLES: dict[str, frozenset[str]] = {
    "mayor": frozenset({"council_member"}),
    "cosigner": frozenset({"cosigner"}),
    "clerk": frozenset({"clerk", "cosigner"}),
    "secretary": frozenset({"secretary", "clerk"}),
    "district_coordinator": frozenset({"district_coordinator"}),
}


def has_stand_ins(role: str) -> bool:
    """Whether a user of ``role`` can have deputies at all (``STAND_IN_ROLES``)."""
    return role in STAND_IN_ROLES


def stands_in_for(role: str) -> list[str]:
    """The holders' roles a user of ``role`` may act for (``STAND_IN_ROLES`` read backwards)."""
    return sorted(holder for holder, allowed in STAND_IN_ROLES.items() if role in allowed)


def stand_in_refusal(holder: User, deputy: User) -> str | None:
    """Why ``deputy`` may not act for ``holder`` (a German sentence naming both), or None.

    One rule for naming a deputy (``services.deputies.set_user_deputies``) and for every
    hand-over at action time (``acting_deputy``, ``chairs.chair_order``), so a list stored
    before the rule, or a role changed since, never lets the wrong person act."""
    allowed = STAND_IN_ROLES.get(holder.role)
    if allowed is None:
        body = " (Stellvertretung in Gremien: § 40 GemO)" if holder.role == "council_member" else ""
        return (
            f"{deputy.full_name} kann {holder.full_name} nicht vertreten: "
            f"{role_label(holder.role)} hat keine Stellvertretung, die in Vertretung handelt{body}"
        )
    if deputy.id == holder.id:
        return "Niemand vertritt sich selbst"
    same_office = (
        deputy.municipality_id == holder.municipality_id
        if holder.municipality_id is not None
        else deputy.municipality_id is None and deputy.district_id == holder.district_id
    )
    if not same_office:
        office = (
            "derselben Gemeinde" if holder.municipality_id is not None else "desselben Landratsamts"
        )
        return f"{deputy.full_name} gehört nicht zu {office} wie {holder.full_name}"
    if deputy.disabled:
        return f"{deputy.full_name} ist deaktiviert"
    if deputy.role not in allowed:
        law = "§ 48 GemO" if holder.role == "mayor" else "§ 53 GemO"
        return (
            f"{deputy.full_name} ({role_label(deputy.role)}) kann {holder.full_name} "
            f"({role_label(holder.role)}) nicht vertreten: das können nur "
            f"{role_labels(sorted(allowed))} ({law})"
        )
    return None


def is_absent(session: Session, user: User, day: date) -> bool:
    if user.id is None or user.municipality_id is None:
        return False
    return user.id in absent_on(session, user.municipality_id, day)


def absent_on(session: Session, municipality_id: int, day: date) -> frozenset[int]:
    """The municipality's users away on ``day``: one read per firing however many
    recipients and deputies it checks, none while the municipality's configuration is
    unchanged (workflow.config_cache)."""

    def query() -> frozenset[int]:
        rows = session.exec(
            select(Absence.user_id)
            .join(User, col(User.id) == col(Absence.user_id))
            .where(
                User.municipality_id == municipality_id,
                Absence.starts_on <= day,
                Absence.ends_on >= day,
            )
        )
        return frozenset(rows)

    def load() -> frozenset[int]:
        return cached_value(session, (Absence, day), municipality_id, query)

    return memo(session, (Absence, municipality_id, day), load)


def deputies_of(session: Session, user_id: int) -> list[User]:
    """The user's deputies in their order (rank 1 first)."""
    rows = session.exec(
        select(User)
        .join(UserDeputy, col(UserDeputy.deputy_id) == col(User.id))
        .where(UserDeputy.user_id == user_id)
        .order_by(col(UserDeputy.rank), col(UserDeputy.id))
    )
    return list(rows)


def acting_deputy(session: Session, holder: User, day: date) -> User | None:
    """Who acts for ``holder`` on ``day``: nobody while he is present; else the first of his
    deputies who is neither away nor disabled (§ 48 GemO: "in der Reihenfolge") and whom
    the rule still lets act for him (``stand_in_refusal``: a stored list is checked again)."""
    if holder.id is None or not is_absent(session, holder, day):
        return None
    for deputy in deputies_of(session, holder.id):
        if stand_in_refusal(holder, deputy) is None and not is_absent(session, deputy, day):
            return deputy
    return None


def represented(
    session: Session, deputy_user_id: int, day: date, municipality_id: int | None = None
) -> list[User]:
    """The absent users for whom ``deputy_user_id`` acts on ``day``.

    With the deputy's ``municipality_id`` only holders of that municipality count (a
    deputy is always one of the holder's, ``services.deputies.set_user_deputies``), and
    they come from workflow.config_cache while its configuration is unchanged (every GET
    …/actions asks, issue 14; migration 0026 watches ``userdeputy``)."""

    def query() -> list[User]:
        holders = (
            select(User)
            .join(UserDeputy, col(UserDeputy.user_id) == col(User.id))
            .where(UserDeputy.deputy_id == deputy_user_id, ~col(User.disabled))
            .order_by(col(UserDeputy.rank), col(User.id))
        )
        if municipality_id is not None:
            holders = holders.where(User.municipality_id == municipality_id)
        return list(session.exec(holders))

    holders = (
        query()
        if municipality_id is None
        else cached_rows(session, User, ("represented", deputy_user_id), municipality_id, query)
    )
    result: list[User] = []
    for holder in holders:
        deputy = acting_deputy(session, holder, day)
        if deputy is not None and deputy.id == deputy_user_id:
            result.append(holder)
    return result


def acting_for(deputy: Actor, holder: User) -> Actor:
    """The deputy as the engine sees him while acting for ``holder``: the holder's office
    (role, account for requested acts), the deputy's own name on every record."""
    return replace(
        deputy,
        role=holder.role,
        municipality_id=holder.municipality_id,
        user_id=holder.id,
        person_id=holder.person_id,
        district_id=holder.district_id,
        on_behalf_of=holder.username,
        on_behalf_of_name=holder.full_name,
        acting_user_id=deputy.user_id,
    )


def substitutions(session: Session, actor: Actor, day: date) -> list[Actor]:
    """Every office ``actor`` may act in today besides his own."""
    if actor.user_id is None or actor.is_system or actor.on_behalf_of is not None:
        return []
    holders = represented(session, actor.user_id, day, actor.municipality_id)
    return [acting_for(actor, holder) for holder in holders]


def with_deputies(session: Session, users: Iterable[User], day: date) -> list[User]:
    """``users`` plus the acting deputy of each one who is away: a task reaches whoever
    can do it."""
    result: dict[int, User] = {u.id or 0: u for u in users}
    for user in list(result.values()):
        deputy = acting_deputy(session, user, day)
        if deputy is not None:
            result.setdefault(deputy.id or 0, deputy)
    return list(result.values())


def member_on(membership: Membership, day: date | None) -> bool:
    """A seat counts from its start to its end date, both included (§ 31 GemO: a member
    who has left no longer counts)."""
    if day is None:
        return True
    if membership.start_date is not None and membership.start_date > day:
        return False
    return membership.end_date is None or membership.end_date >= day


def body_deputies(session: Session, body_id: int) -> dict[int, list[int]]:
    """Per member (person id) the personal deputies' person ids in order (read once per
    firing, ``db.memo``)."""

    def load() -> dict[int, tuple[int, ...]]:
        result: dict[int, list[int]] = {}
        for row in session.exec(
            select(BodyDeputy)
            .where(BodyDeputy.body_id == body_id)
            .order_by(col(BodyDeputy.member_person_id), col(BodyDeputy.rank), col(BodyDeputy.id))
        ):
            result.setdefault(row.member_person_id, []).append(row.deputy_person_id)
        return {member: tuple(deputies) for member, deputies in result.items()}

    loaded = memo(session, (BodyDeputy, body_id), load)
    return {member: list(deputies) for member, deputies in loaded.items()}


def standing_in(
    members: set[int], present: set[int], deputies: dict[int, list[int]]
) -> dict[int, int]:
    """Which present deputy stands in for which absent member (deputy -> member).

    A deputy counts only in place of an absent member, the first present one in order;
    he stands in for one member at a time, and a member present in his own seat is no
    deputy of another. Where two absent members share a deputy, the one who has another
    deputy present takes that one (an augmenting path, Kuhn), so that every deputy present
    sits for a member if any assignment lets him: the Hauptsatzung gives each member his
    deputies, not the order of the members' ids (§ 40 Abs. 1 S. 2 GemO).
    """
    absent = sorted(members - present)
    candidates = {
        m: [d for d in deputies.get(m, []) if d in present and d not in members] for m in absent
    }
    taken: dict[int, int] = {}

    def seat(member: int, tried: set[int]) -> bool:
        for deputy in candidates[member]:
            if deputy in tried:
                continue
            tried.add(deputy)
            if deputy not in taken or seat(taken[deputy], tried):
                taken[deputy] = member
                return True
        return False

    for member in absent:
        seat(member, set())
    return taken
