"""Fraktionen in OParl 1.1: an ``Organization`` with organizationType and classification
"Fraktion" (OParl 3.3), its members as ``Membership`` objects.

Their keys carry a ``fraktion-`` prefix (``/organization/fraktion-3``), so they never meet
the bodies' numeric ids in the same URL space. A dissolved Fraktion stays listed with its
``endDate``, as do its members' memberships: the record of who filed what. A member who
left keeps his Membership with its own ``endDate`` (the day he left)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from api.oparl import objects
from api.oparl.lists import Entry
from api.oparl.objects import Context, Obj, latest
from api.oparl.urls import oparl_type
from workflow.digits import as_id
from workflow.models import Faction, FactionMember, Municipality, Person
from workflow.services import factions

PREFIX = "fraktion-"  # as in Urls.faction
CLASSIFICATION = "Fraktion"


def key(row_id: int | None) -> str:
    return f"{PREFIX}{row_id or 0}"


def number(text: str) -> int | None:
    """The id in ``fraktion-3``; None for any other key."""
    rest = text.removeprefix(PREFIX)
    return None if rest == text else as_id(rest)


def _modified(ctx: Context, row: Faction) -> datetime:
    seats = factions.seats(ctx.session, row.id or 0)
    return latest(row.created_at, row.updated_at, *(m.updated_at for m in seats))


def _seat_modified(row: FactionMember, faction: Faction) -> datetime:
    """A seat changes with its role, and ends when its member leaves (its ``updated_at``)
    or with its Fraktion (seats ended by migration 0030 have only the Fraktion's stamp)."""
    return latest(
        row.created_at, row.updated_at, faction.updated_at if faction.dissolved_on else None
    )


def organization(ctx: Context, row: Faction) -> Obj:
    obj: Obj = {
        "id": ctx.urls.faction(row.id or 0),
        "type": oparl_type("Organization"),
        "body": ctx.urls.body(row.municipality_id),
        "name": row.name,
    }
    if row.short_name:
        obj["shortName"] = row.short_name
    obj["organizationType"] = CLASSIFICATION
    obj["classification"] = CLASSIFICATION
    seats = factions.seats(ctx.session, row.id or 0)  # former members' too, as ended
    if seats:
        obj["membership"] = [ctx.urls.obj("membership", key(m.id)) for m in seats]
    if row.dissolved_on:
        obj["endDate"] = row.dissolved_on.isoformat()
    obj["created"] = ctx.stamp(row.created_at)
    obj["modified"] = ctx.stamp(_modified(ctx, row))
    if row.dissolved_on is None:  # the portal lists the current ones
        obj["web"] = ctx.urls.web_faction(row.municipality_id, row.id or 0)
    else:
        obj["web"] = ctx.urls.web_municipality(row.municipality_id)
    return obj


def membership(ctx: Context, row: FactionMember, faction: Faction, *, embedded: bool) -> Obj:
    obj: Obj = {
        "id": ctx.urls.obj("membership", key(row.id)),
        "type": oparl_type("Membership"),
    }
    if not embedded:
        obj["person"] = ctx.urls.obj("person", row.person_id)
    obj["organization"] = ctx.urls.faction(faction.id or 0)
    obj["role"] = "Vorsitz" if row.role == "chair" else "Mitglied"
    ended = row.ended_on or faction.dissolved_on
    if ended:
        obj["endDate"] = ended.isoformat()
    obj["created"] = ctx.stamp(row.created_at)
    obj["modified"] = ctx.stamp(_seat_modified(row, faction))
    obj["web"] = ctx.urls.web_municipality(faction.municipality_id)
    return obj


def organization_entries(ctx: Context, m: Municipality) -> list[Entry]:
    return [
        Entry(
            key(f.id),
            latest(f.created_at),
            _modified(ctx, f),
            False,
            partial(organization, ctx, f),
        )
        for f in factions.of_municipality(ctx.session, m.id or 0)
    ]


def membership_entries(ctx: Context, m: Municipality) -> list[Entry]:
    entries = []
    for f in factions.of_municipality(ctx.session, m.id or 0):
        for seat in factions.seats(ctx.session, f.id or 0):
            entries.append(
                Entry(
                    key(seat.id),
                    latest(seat.created_at),
                    _seat_modified(seat, f),
                    False,
                    partial(membership, ctx, seat, f, embedded=False),
                )
            )
    return entries


def person_modified(ctx: Context, row: Person) -> datetime:
    seats = factions.seats_of(ctx.session, row.id or 0)
    return latest(objects.person_modified(ctx, row), *(_seat_modified(m, f) for m, f in seats))


def person(ctx: Context, row: Person) -> Obj:
    """``objects.person`` with the person's seats in Fraktionen among the memberships."""
    obj = objects.person(ctx, row)
    seats = factions.seats_of(ctx.session, row.id or 0)
    if seats and not ctx.omit_internal:
        obj["membership"] = [
            *obj.get("membership", []),
            *(membership(ctx, m, f, embedded=True) for m, f in seats),
        ]
    obj["modified"] = ctx.stamp(person_modified(ctx, row))
    return obj


def single(ctx: Context, kind: str, text: str) -> Obj | None:
    """``/organization/fraktion-3`` and ``/membership/fraktion-7``."""
    found = number(text)
    if found is None:
        return None
    if kind == "organization":
        row = ctx.session.get(Faction, found)
        return organization(ctx, row) if row is not None else None
    seat = ctx.session.get(FactionMember, found)
    faction = ctx.session.get(Faction, seat.faction_id) if seat is not None else None
    if seat is None or faction is None:
        return None
    return membership(ctx, seat, faction, embedded=False)
