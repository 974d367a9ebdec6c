"""Fraktionen of a municipality (§ 32a GemO): formed, renamed, given members and dissolved
by its administration (admin, Sitzungsdienst); read by all its users, since a
Fraktionsantrag names one (§ 34 Abs. 1 S. 4 GemO). Each change is one audit event on the
Fraktion; flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from workflow import audit
from workflow.context import Actor, local_date
from workflow.deputies import member_on
from workflow.documents import german
from workflow.errors import Conflict, InvalidInput, NotFound, StaleVersion, not_found
from workflow.models import AuditEvent, Body, Faction, FactionMember, Membership, Person
from workflow.services.common import require_role

# The Sitzungsdienst keeps the list as the Fraktionen report to the mayor; the admin may too.
FACTION_ROLES = ("admin", "secretary")
MEMBER_ROLES = {"chair": "Vorsitz", "member": "Mitglied"}


@dataclass(frozen=True)
class MemberInput:
    person_id: int
    role: str = "member"


def _municipality(actor: Actor) -> int:
    if actor.municipality_id is None:
        raise NotFound("Für Ihr Konto ist keine Gemeinde hinterlegt.")
    return actor.municipality_id


def list_factions(
    session: Session, actor: Actor, *, include_dissolved: bool = False
) -> list[Faction]:
    """The municipality's Fraktionen by name; dissolved ones only when asked for."""
    query = select(Faction).where(Faction.municipality_id == _municipality(actor))
    if not include_dissolved:
        query = query.where(col(Faction.dissolved_on).is_(None))
    return list(session.exec(query.order_by(col(Faction.name), col(Faction.id))))


def get_faction(session: Session, actor: Actor, faction_id: int) -> Faction:
    faction = session.get(Faction, faction_id)
    if faction is None or faction.municipality_id != _municipality(actor):
        raise not_found("Fraktion")
    return faction


def members(session: Session, faction_id: int) -> list[tuple[FactionMember, Person]]:
    """Who sits in the Fraktion: the current seats, or those it had at its dissolution;
    seats of members who left earlier stay for the record (``seats``), not here. Chair
    first, then by name."""
    faction = session.get(Faction, faction_id)
    query = (
        select(FactionMember, Person)
        .join(Person, col(Person.id) == col(FactionMember.person_id))
        .where(FactionMember.faction_id == faction_id)
    )
    if faction is not None and faction.dissolved_on is not None:
        query = query.where(FactionMember.ended_on == faction.dissolved_on)
    else:
        query = query.where(col(FactionMember.ended_on).is_(None))
    rows = list(session.exec(query))
    if faction is not None and faction.dissolved_on is not None:
        # ``ended_on`` is one day for both endings: a member who left on the day of the
        # dissolution shares it with those the dissolution ended. Who sat at the end is what
        # the dissolution recorded (older dissolutions recorded nobody: the day decides).
        at_end = _members_at_dissolution(session, faction)
        if at_end is not None:
            rows = [r for r in rows if r[0].person_id in at_end]
    return sorted(rows, key=lambda r: (r[0].role != "chair", r[1].name, r[1].id or 0))


def _members_at_dissolution(session: Session, faction: Faction) -> set[int] | None:
    """The persons whose seats the dissolution ended, as its audit event records them; None
    for a dissolution recorded without them."""
    data = session.exec(
        select(AuditEvent.data)
        .where(
            AuditEvent.instance_type == "faction",
            AuditEvent.instance_id == faction.id,
            AuditEvent.trigger == "dissolve",
        )
        .order_by(col(AuditEvent.seq).desc())
    ).first()
    persons = data.get("members") if isinstance(data, dict) else None
    return {int(p) for p in persons} if isinstance(persons, list) else None


def seats(session: Session, faction_id: int) -> list[FactionMember]:
    """Every seat the Fraktion had, ended ones too (``ended_on``): the public record of who
    belonged to it when (OParl); oldest first."""
    return list(
        session.exec(
            select(FactionMember)
            .where(FactionMember.faction_id == faction_id)
            .order_by(col(FactionMember.id))
        )
    )


def councillors(session: Session, municipality_id: int, now: datetime) -> list[Person]:
    """Who may belong to a Fraktion today: the Gemeinderäte, i.e. the voting members of the
    council without its chair (the mayor chairs without being a Gemeinderat, § 25 GemO)."""
    today = local_date(now)
    seats = session.exec(
        select(Membership, Person)
        .join(Body, col(Body.id) == col(Membership.body_id))
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(Body.municipality_id == municipality_id, Body.kind == "council")
    )
    people = {p.id: p for m, p in seats if m.voting and m.role != "chair" and member_on(m, today)}
    return sorted(people.values(), key=lambda p: (p.name, p.id or 0))


def _touch(faction: Faction, now: datetime) -> None:
    """Write the row even when nothing of its own changed (members, or a clock that did not
    move), so ``version`` moves on with every change."""
    faction.updated_at = now
    flag_modified(faction, "updated_at")


def _check_version(faction: Faction, expected_version: int) -> None:
    if faction.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=faction.version)


def _names(name: str, short_name: str) -> tuple[str, str]:
    name, short_name = name.strip(), short_name.strip()
    if not name:
        raise InvalidInput("Bitte den Namen der Fraktion angeben", field="name")
    if len(name) > 200:
        raise InvalidInput("Der Name ist zu lang (höchstens 200 Zeichen)", field="name")
    if len(short_name) > 50:
        raise InvalidInput(
            "Die Kurzbezeichnung ist zu lang (höchstens 50 Zeichen)", field="short_name"
        )
    return name, short_name


def _check_unique(session: Session, municipality_id: int, name: str, own: int | None) -> None:
    clash = session.exec(
        select(Faction.id).where(
            Faction.municipality_id == municipality_id,
            Faction.name == name,
            col(Faction.dissolved_on).is_(None),
        )
    ).first()
    if clash is not None and clash != own:
        raise Conflict(f"Die Fraktion „{name}“ gibt es bereits")


def _record(
    session: Session,
    faction: Faction,
    actor: Actor,
    now: datetime,
    trigger: str,
    data: dict[str, Any],
) -> None:
    audit.append(
        session,
        instance_type="faction",
        instance_id=faction.id or 0,
        actor=actor,
        trigger=trigger,
        source=None,
        dest=trigger,
        now=now,
        data=data,
    )


def create_faction(
    *, session: Session, actor: Actor, now: datetime, name: str, short_name: str = ""
) -> Faction:
    require_role(actor, "create_faction", FACTION_ROLES)
    municipality_id = _municipality(actor)
    name, short_name = _names(name, short_name)
    _check_unique(session, municipality_id, name, None)
    faction = Faction(
        municipality_id=municipality_id,
        name=name,
        short_name=short_name,
        created_at=now,
        updated_at=now,
    )
    session.add(faction)
    session.flush()
    _record(session, faction, actor, now, "create", {"name": name, "short_name": short_name})
    return faction


def _current(session: Session, actor: Actor, faction_id: int, expected_version: int) -> Faction:
    faction = get_faction(session, actor, faction_id)
    if faction.dissolved_on is not None:
        raise Conflict(
            f"Die Fraktion „{faction.name}“ ist seit {german.day(faction.dissolved_on)} aufgelöst"
        )
    _check_version(faction, expected_version)
    return faction


def rename_faction(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    faction_id: int,
    expected_version: int,
    name: str,
    short_name: str = "",
) -> Faction:
    """Anträge filed earlier keep the name they were filed with (``CouncilRequest.faction``)."""
    require_role(actor, "rename_faction", FACTION_ROLES)
    faction = _current(session, actor, faction_id, expected_version)
    name, short_name = _names(name, short_name)
    _check_unique(session, faction.municipality_id, name, faction.id)
    before = {"name": faction.name, "short_name": faction.short_name}
    faction.name, faction.short_name = name, short_name
    _touch(faction, now)
    session.add(faction)
    session.flush()
    renamed = {"before": before, "name": name, "short_name": short_name}
    _record(session, faction, actor, now, "rename", renamed)
    return faction


def dissolve_faction(
    *, session: Session, actor: Actor, now: datetime, faction_id: int, expected_version: int
) -> Faction:
    """The row stays for the Anträge it filed; its members are free to join another."""
    require_role(actor, "dissolve_faction", FACTION_ROLES)
    faction = _current(session, actor, faction_id, expected_version)
    seats = members(session, faction.id or 0)  # read first: one flush writes the version
    faction.dissolved_on = local_date(now)
    for seat, _ in seats:  # the seats end with it: their members are free to join another
        seat.ended_on, seat.updated_at = faction.dissolved_on, now
        session.add(seat)
    _touch(faction, now)
    session.add(faction)
    session.flush()
    # the seats it ended, by person: a member who left earlier the same day has the same
    # ``ended_on`` and is no member at the dissolution (``members``)
    ended = sorted(seat.person_id for seat, _ in seats)
    dissolved = {"dissolved_on": faction.dissolved_on, "members": ended}
    _record(session, faction, actor, now, "dissolve", dissolved)
    return faction


def set_members(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    faction_id: int,
    expected_version: int,
    members_given: list[MemberInput],
) -> Faction:
    """Replace the members: Gemeinderäte of the municipality, each in one current Fraktion
    only, at most one of them chairing."""
    require_role(actor, "set_faction_members", FACTION_ROLES)
    faction = _current(session, actor, faction_id, expected_version)
    eligible = {p.id: p for p in councillors(session, faction.municipality_id, now)}
    seen: set[int] = set()
    for i, member in enumerate(members_given):
        if member.role not in MEMBER_ROLES:
            raise InvalidInput("role muss chair oder member sein", field=f"members.{i}.role")
        if member.person_id not in eligible:
            raise InvalidInput(
                f"Person {member.person_id} ist kein Mitglied des Gemeinderats",
                field=f"members.{i}.person_id",
            )
        if member.person_id in seen:
            raise InvalidInput(
                f"{eligible[member.person_id].name} ist doppelt genannt",
                field=f"members.{i}.person_id",
            )
        seen.add(member.person_id)
    if sum(1 for m in members_given if m.role == "chair") > 1:
        raise InvalidInput("Eine Fraktion hat höchstens einen Vorsitz", field="members")
    _check_elsewhere(session, faction.id or 0, seen)
    try:
        # The savepoint opens before the first change, so nothing of it is flushed outside.
        with session.begin_nested():
            _replace_members(session, faction, members_given, now)
    except IntegrityError:
        # A change of another Fraktion, committed meanwhile, seated one of them there: the
        # partial unique index on the current seats refused the second (§ 32a GemO). Told
        # as the check above tells it; another constraint stays the edge's.
        _check_elsewhere(session, faction.id or 0, seen)
        raise
    given = [{"person_id": m.person_id, "role": m.role} for m in members_given]
    _record(session, faction, actor, now, "set_members", {"members": given})
    return faction


def _replace_members(
    session: Session, faction: Faction, members_given: list[MemberInput], now: datetime
) -> None:
    """Who is no longer listed leaves: the seat ends today and stays as the record (OParl
    tells a syncing client by the seat's ``modified``). A former member listed again gets
    his old seat back (one row per Fraktion and person): ``ended_on`` cleared."""
    wanted = {m.person_id: m.role for m in members_given}
    today = local_date(now)
    for row in seats(session, faction.id or 0):
        if row.ended_on is None and row.person_id not in wanted:
            row.ended_on, row.updated_at = today, now
            session.add(row)
        elif row.person_id in wanted and (
            row.ended_on is not None or row.role != wanted[row.person_id]
        ):
            row.ended_on, row.role, row.updated_at = None, wanted[row.person_id], now
            session.add(row)
        wanted.pop(row.person_id, None)
    for person_id, role in wanted.items():
        session.add(
            FactionMember(
                faction_id=faction.id or 0,
                person_id=person_id,
                role=role,
                created_at=now,
                updated_at=now,
            )
        )
    _touch(faction, now)  # a new version: the ETag covers the members too
    session.add(faction)
    session.flush()


def _check_elsewhere(session: Session, faction_id: int, person_ids: set[int]) -> None:
    """Refuse people who sit in another current Fraktion: one at a time (§ 32a GemO)."""
    elsewhere = session.exec(
        select(Person.name, Faction.name)
        .join(FactionMember, col(FactionMember.person_id) == col(Person.id))
        .join(Faction, col(Faction.id) == col(FactionMember.faction_id))
        .where(
            col(FactionMember.person_id).in_(person_ids),
            FactionMember.faction_id != faction_id,
            col(FactionMember.ended_on).is_(None),
        )
    ).all()
    if elsewhere:
        named = ", ".join(f"{person} ({other})" for person, other in sorted(elsewhere))
        raise Conflict(f"Bereits Mitglied einer anderen Fraktion: {named}")


def faction_for_request(session: Session, municipality_id: int, faction_id: int) -> Faction:
    """The Fraktion a new Fraktionsantrag names: one of the municipality's current ones."""
    faction = session.get(Faction, faction_id)
    if faction is None or faction.municipality_id != municipality_id:
        raise InvalidInput("Unbekannte Fraktion", field="faction_id")
    if faction.dissolved_on is not None:
        raise InvalidInput(f"Die Fraktion „{faction.name}“ ist aufgelöst", field="faction_id")
    return faction


def has_factions(session: Session, municipality_id: int) -> bool:
    found = session.exec(
        select(Faction.id).where(
            Faction.municipality_id == municipality_id, col(Faction.dissolved_on).is_(None)
        )
    ).first()
    return found is not None


def is_member(session: Session, faction_id: int, person_id: int | None) -> bool:
    """Whether the person sits in the Fraktion now (a former member does not)."""
    found = session.exec(
        select(FactionMember.id).where(
            FactionMember.faction_id == faction_id,
            FactionMember.person_id == person_id,
            col(FactionMember.ended_on).is_(None),
        )
    ).first()
    return person_id is not None and found is not None


def of_municipality(session: Session, municipality_id: int) -> list[Faction]:
    """All of them, dissolved ones too, for the public record (OParl); oldest first."""
    return list(
        session.exec(
            select(Faction)
            .where(Faction.municipality_id == municipality_id)
            .order_by(col(Faction.id))
        )
    )


def seats_of(session: Session, person_id: int) -> list[tuple[FactionMember, Faction]]:
    """A person's seats in Fraktionen, past (left, or dissolved) and present."""
    rows = session.exec(
        select(FactionMember, Faction)
        .join(Faction, col(Faction.id) == col(FactionMember.faction_id))
        .where(FactionMember.person_id == person_id)
        .order_by(col(FactionMember.id))
    )
    return [(m, f) for m, f in rows]


def current_seat(session: Session, person_id: int) -> tuple[FactionMember, Faction] | None:
    """The person's seat in a current Fraktion, if any (one at most, § 32a GemO)."""
    row = session.exec(
        select(FactionMember, Faction)
        .join(Faction, col(Faction.id) == col(FactionMember.faction_id))
        .where(FactionMember.person_id == person_id, col(FactionMember.ended_on).is_(None))
    ).first()
    return (row[0], row[1]) if row is not None else None
