"""A member's personal deputy on the meeting screen (Hauptsatzung, § 40 Abs. 1 S. 2 GemO):
"vertreten durch" in the attendance form records him present as the API does, and he then
counts in the member's place – quorum, votes, movers, the minutes – until it is undone."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_meetings import _post_current
from tests.conftest import World, berlin
from tests.documents import text_of
from tests.integration.flow import DAY, MEETING_DAY, invited, item_of, new_meeting, released, vote
from tests.integration.flow import scheduled as put_on_agenda
from workflow.models import AgendaItem, Attendance, Membership, Person, Proposal
from workflow.queries import voting_members
from workflow.services import deputies as deputy_service
from workflow.services.proposals import StepInput


def _committee(world: World) -> tuple[int, int, list[int], int, int, int]:
    """The Technischer Ausschuss invited to decide a Vorlage; its first ordinary member has
    two personal deputies, councillors outside the committee. Returns the meeting, the
    item, the members, that member and his two deputies."""
    body = world.body_id("Technischer Ausschuss")
    members = world.run(lambda s: voting_members(s, body))
    outsiders = [p.id or 0 for p in world.data.ilsfeld.councillors if (p.id or 0) not in members][
        :2
    ]
    member = next(p for p in members if p != world.data.ilsfeld.mayor.id)
    world.run(
        lambda s: deputy_service.set_member_deputies(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            body_id=body,
            member_person_id=member,
            deputy_person_ids=outsiders,
        )
    )
    pid = released(world, steps=[StepInput(body_id=body, planned_date=MEETING_DAY, decides=True)])
    meeting = new_meeting(world, "Technischer Ausschuss")
    put_on_agenda(world, pid, meeting)
    world.run(lambda s: s.add(AgendaItem(meeting_id=meeting, position=2, title="Bekanntgaben")))
    invited(world, meeting)
    return meeting, item_of(world, pid), members, member, outsiders[0], outsiders[1]


def _attendance(
    client: TestClient, meeting: int, page: str, present: list[int], **chosen: str
) -> Any:
    return _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/anwesenheit",
        page,
        present=[str(p) for p in present],  # type: ignore[arg-type]
        **chosen,
    )


def _screen(client: TestClient, meeting: int, top: int | None = None) -> str:
    page: str = client.get(
        f"/sitzungen/{meeting}/durchfuehren" + (f"?top={top}" if top else "")
    ).text
    return page


def _minutes(client: TestClient, meeting: int) -> str:
    got = client.get(f"/sitzungen/{meeting}/dokumente/niederschrift.html")
    assert got.status_code == 200
    return " ".join(text_of(got.content, "html").split())


def test_a_deputy_marked_on_the_screen_counts_in_the_members_place(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    meeting, item, members, member, first, second = _committee(world)
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    needed = -(-len(members) // 2)
    # the mayor (chair) and just too few others: quorate only with the deputy
    present = [p for p in members if p != member][: needed - 1]
    assert world.data.ilsfeld.mayor.id in present
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    field = f"vertreten-{member}"
    choice = page.split(f'id="{field}"')[1].split("</select>")[0]
    assert f'<option value="{first}">{names[first]}</option>' in choice
    assert f'<option value="{second}">{names[second]}</option>' in choice
    assert f"{names[member]}: vertreten durch" in page

    # Refused, in German, nothing saved: a member ticked present is not represented; an id
    # that is none of his deputies is not taken.
    refused = _attendance(client, meeting, page, [*present, member], **{field: str(second)})
    assert refused.status_code == 422
    assert (
        f"{names[member]} ist als anwesend angekreuzt und wird daher nicht vertreten"
        in refused.text
    )
    assert f'<option value="{second}" selected>' in refused.text
    odd = _attendance(client, meeting, page, present, **{field: str(members[-1])})
    assert "Bitte wählen Sie die Stellvertretung aus der Liste." in odd.text
    assert world.run(lambda s: s.exec(select(Attendance)).first()) is None

    # Without the deputy: not quorate; with the second deputy chosen: quorate.
    saved = _attendance(client, meeting, page, present)
    page = client.get(saved.headers["location"]).text
    assert f"nicht beschlussfähig: {needed - 1} von {len(members)} anwesend" in page
    saved = _attendance(client, meeting, page, present, **{field: str(second)})
    page = client.get(saved.headers["location"]).text
    assert f"Anwesenheit gespeichert: {needed} von {len(members)} anwesend." in page
    assert f"beschlussfähig: {needed} von {len(members)} anwesend" in page
    assert f'<option value="{second}" selected>' in page

    # The session opened, the deputy votes and moves like the member he stands in for.
    opened = _post_current(client, f"/sitzungen/{meeting}/aktionen/open_session", page)
    assert opened.status_code == 303, opened.text
    page = _screen(client, meeting, item)
    assert f'name="vote-{second}"' in page
    assert f'name="vote-{member}"' not in page
    movers = page.split('id="motion-mover-choice"')[1].split("</select>")[0]
    assert f'value="mitglied:{second}"' in movers
    assert f'value="mitglied:{first}"' not in movers
    assert f"{names[second]} (als Stellvertreter/in von {names[member]})" in _minutes(
        client, meeting
    )

    # Undone (no item decided yet): he no longer counts, votes nor moves.
    saved = _attendance(client, meeting, page, present, **{field: ""})
    page = client.get(saved.headers["location"]).text
    assert f"nicht beschlussfähig: {needed - 1} von {len(members)} anwesend" in page
    assert f'name="vote-{second}"' not in page
    assert f'value="mitglied:{second}"' not in page
    minutes = _minutes(client, meeting)
    assert "als Stellvertreter/in von" not in minutes
    assert f"Anwesend {needed - 1} von {len(members)} Mitgliedern" in minutes

    # Marked again, the vote by name takes his vote and the minutes name him.
    saved = _attendance(client, meeting, page, present, **{field: str(second)})
    page = client.get(saved.headers["location"]).text
    entitled = [int(p) for p in re.findall(r'name="vote-(\d+)" value="yes"', page)]
    assert second in entitled
    voted = _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/{item}/abstimmung",
        page,
        **{f"vote-{p}": "yes" for p in entitled},
    )
    assert voted.status_code == 303, voted.text
    page = client.get(voted.headers["location"]).text
    assert f"Mehrheit erreicht: {needed} Ja" in page
    minutes = _minutes(client, meeting)
    assert f"Anwesend {needed} von {len(members)} Mitgliedern" in minutes
    # … and the service takes him as an Antrag's mover, by reference
    moved = _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/{item}/antraege",
        page,
        art="amendment",
        antragsteller=f"mitglied:{second}",
        text="Der Bauhof wird am Standort Süd errichtet.",
    )
    assert moved.status_code == 303, moved.text
    page = client.get(moved.headers["location"]).text
    assert f"(Antragsteller/in: {names[second]})" in page


def test_a_stale_attendance_form_is_refused_on_the_screen(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Two secretaries, or a double click: the form of an older screen changes nothing."""
    meeting, _, members, member, _, second = _committee(world)
    present = [p for p in members if p != member]
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    first = _attendance(client, meeting, page, present)
    assert first.status_code == 303
    stale = _attendance(client, meeting, page, present, **{f"vertreten-{member}": str(second)})
    assert stale.status_code == 409
    text = stale.text
    assert "Der Eintrag wurde inzwischen von jemand anderem geändert." in text
    assert f'<option value="{second}" selected>' in text  # the choice kept as sent
    rows = world.run(
        lambda s: list(s.exec(select(Attendance).where(Attendance.person_id == second)))
    )
    (row,) = rows
    assert not row.present


def test_once_an_item_is_decided_the_deputy_is_listed_and_leaves_at_an_item(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The opening attendance is fixed after a decision (§ 37 Abs. 2 GemO): the screen lists
    who stood in, and the deputy's going is recorded at the item, as a member's is."""
    meeting, item, members, member, _, second = _committee(world)
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    present = [p for p in members if p != member]
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    saved = _attendance(client, meeting, page, present, **{f"vertreten-{member}": str(second)})
    assert saved.status_code == 303
    world.fire("meeting", meeting, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    pid = world.get(AgendaItem, item).proposal_id or 0
    vote(world, pid, dict.fromkeys([*present, second], "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert world.get(Proposal, pid).state != "scheduled"
    page = _screen(client, meeting)
    assert f"{names[member]}: abwesend, vertreten durch {names[second]}</li>" in page
    assert f"beschlussfähig: {len(members)} von {len(members)} anwesend" in page
    later = re.search(r'href="/sitzungen/\d+/durchfuehren\?top=(\d+)"[^>]*>TOP 2', page)
    assert later is not None
    page = _screen(client, meeting, int(later.group(1)))
    assert (
        f'<option value="{second}">{names[second]} (Stellvertretung für {names[member]})'
        in (page.split('id="presence-person"')[1].split("</select>")[0])
    )
    gone = _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/{later.group(1)}/kommen-gehen",
        page,
        person_id=str(second),
        richtung="geht",
    )
    assert gone.status_code == 303, gone.text
    page = client.get(gone.headers["location"]).text
    # named as the deputy he was, on the screen as in the Niederschrift
    assert (
        f"<li>{names[second]} (Stellvertreter/in von {names[member]}) hat die Sitzung verlassen"
        in page
    )
    assert f"beschlussfähig: {len(members) - 1} von {len(members)} anwesend" in page


def test_a_deputy_sits_for_one_member_in_the_order_of_the_hauptsatzung(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Two absent members with the same deputy: he stands in for one of them, the first in
    the order the engine counts (``workflow.deputies.standing_in``); a choice it would count
    otherwise is refused in German instead of recorded differently from what was chosen."""
    meeting, _, members, member, first, second = _committee(world)
    body = world.body_id("Technischer Ausschuss")
    other = next(p for p in members if p not in (member, world.data.ilsfeld.mayor.id))
    world.run(
        lambda s: deputy_service.set_member_deputies(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            body_id=body,
            member_person_id=other,
            deputy_person_ids=[first],
        )
    )
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    present = [p for p in members if p not in (member, other)]
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    twice = _attendance(
        client,
        meeting,
        page,
        present,
        **{f"vertreten-{member}": str(first), f"vertreten-{other}": str(first)},
    )
    assert twice.status_code == 422
    assert f"{names[first]} kann nicht zugleich" in twice.text
    # the earlier member by the engine's order gets the shared deputy
    early, late = sorted((member, other))
    wrong = _attendance(client, meeting, page, present, **{f"vertreten-{late}": str(first)})
    assert wrong.status_code == 422
    assert (
        f"{names[first]} vertritt nach der Reihenfolge der Hauptsatzung {names[early]}, "
        f"nicht {names[late]}." in wrong.text
    )
    assert world.run(lambda s: s.exec(select(Attendance)).first()) is None
    # both represented, each by a deputy of his own: recorded as chosen
    own = {member: second, other: first}
    saved = _attendance(
        client, meeting, page, present, **{f"vertreten-{m}": str(d) for m, d in own.items()}
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert f"beschlussfähig: {len(members)} von {len(members)} anwesend" in page


def _presence(client: TestClient, meeting: int, item: int, page: str, person: int, way: str) -> str:
    """``person`` comes (``kommt``) or goes (``geht``) at ``item``; the screen after it."""
    done = _post_current(
        client,
        f"/sitzungen/{meeting}/durchfuehren/{item}/kommen-gehen",
        page,
        person_id=str(person),
        richtung=way,
    )
    assert done.status_code == 303, done.text
    return str(client.get(done.headers["location"]).text)


def test_a_member_who_arrives_ends_his_deputys_stand_in_on_the_screen(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 40 Abs. 1 S. 2 GemO: the deputy sits only while his member is away. The member
    arrives at the item and his deputy stays: the seat counts once (§ 37 Abs. 2 GemO), the
    deputy is no longer offered to vote or move; the member leaves again: the deputy stands
    in again. The screen and the Niederschrift say so."""
    meeting, item, members, member, _, second = _committee(world)
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    m, d = names[member], names[second]
    present = [p for p in members if p != member]
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    saved = _attendance(client, meeting, page, present, **{f"vertreten-{member}": str(second)})
    assert saved.status_code == 303
    world.fire("meeting", meeting, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    page = _screen(client, meeting, item)
    assert f"beschlussfähig: {len(members)} von {len(members)} anwesend" in page

    page = _presence(client, meeting, item, page, member, "kommt")
    assert (
        f"<li>{m} ist hinzugekommen; {m} übernimmt wieder selbst; "
        f"Stellvertretung durch {d} endet</li>" in page
    )
    assert f"beschlussfähig: {len(members)} von {len(members)} anwesend" in page
    assert f'name="vote-{member}"' in page
    assert f'name="vote-{second}"' not in page
    movers = page.split('id="motion-mover-choice"')[1].split("</select>")[0]
    assert f'value="mitglied:{member}"' in movers
    assert f'value="mitglied:{second}"' not in movers
    # he may still be recorded leaving, or staying on to stand in again
    assert f'<option value="{second}">' in page.split('id="presence-person"')[1]

    page = _presence(client, meeting, item, page, member, "geht")
    assert f"<li>{m} hat die Sitzung verlassen; {d} vertritt {m}</li>" in page
    assert f'name="vote-{second}"' in page
    assert f'name="vote-{member}"' not in page
    page = _presence(client, meeting, item, page, second, "geht")
    assert f"<li>{d} (Stellvertreter/in von {m}) hat die Sitzung verlassen</li>" in page
    assert f"beschlussfähig: {len(members) - 1} von {len(members)} anwesend" in page
    minutes = _minutes(client, meeting)
    assert f"{m} übernimmt wieder selbst; Stellvertretung durch {d} endet" in minutes
    assert f"{d} (Stellvertreter/in von {m}) hat die Sitzung verlassen" in minutes


def test_a_member_whose_seat_ended_before_the_day_is_not_listed(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 31 GemO: a seat that ended before the meeting's day is none; the screen lists the
    members of that day, as the engine takes them (it refuses the leaver as present)."""
    meeting, _, members, member, _, _ = _committee(world)
    body = world.body_id("Technischer Ausschuss")
    leaver = members[-1]
    seat = world.run(
        lambda s: s.exec(
            select(Membership).where(Membership.body_id == body, Membership.person_id == leaver)
        ).one()
    )
    world.run(
        lambda s: deputy_service.set_membership_dates(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            body_id=body,
            membership_id=seat.id or 0,
            start_date=None,
            end_date=MEETING_DAY - timedelta(days=1),
        )
    )
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, meeting)
    assert f'id="anwesend-{member}"' in page
    assert f'id="anwesend-{leaver}"' not in page
    others = [p for p in members if p != leaver]
    saved = _attendance(client, meeting, page, others)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"]).text
    assert f"Anwesenheit gespeichert: {len(others)} von {len(others)} anwesend." in page
    # nor do the minutes count him among the absent members (§ 38 Abs. 1 GemO)
    minutes = _minutes(client, meeting)
    assert world.get(Person, member).name in minutes
    assert world.get(Person, leaver).name not in minutes
    assert f"Anwesend {len(others)} von {len(others)} Mitgliedern" in minutes


def test_a_deputy_late_for_an_absent_member_is_offered_to_arrive_on_the_screen(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 40 Abs. 1 S. 2 GemO: the member is absent from the start and nobody stands in; his
    deputy comes during the session. "Kommen oder Gehen" offers him for the member, and once
    recorded he stands in (the meeting counts him)."""
    meeting, item, members, member, first, _ = _committee(world)
    names = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    present = [p for p in members if p != member]
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    saved = _attendance(client, meeting, _screen(client, meeting), present)
    assert saved.status_code == 303
    world.fire("meeting", meeting, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    page = _screen(client, meeting, item)
    offered = f'<option value="{first}">{names[first]} (Stellvertretung für {names[member]})'
    assert offered in page
    page = _presence(client, meeting, item, page, first, "kommt")
    assert f"{len(members)} anwesend" in page
    assert offered in page  # he may leave again
