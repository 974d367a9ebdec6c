"""Who chairs each agenda item (workflow.chairs): the mayor befangen on an item (§ 18 Abs. 1
GemO) or gone from it, his Stellvertreter in their order, or the eldest member the
secretary names when all of them are prevented (§ 48 Abs. 1 Satz 8 GemO); the minutes name
who chaired an item another than the session's chair did (§ 38 Abs. 1 GemO)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin
from tests.documents import text_of
from tests.integration.flow import (
    MEETING_DAY,
    in_session,
    invited,
    item_of,
    new_meeting,
    released,
    scheduled,
)
from workflow.attendance import present_at_item
from workflow.chairs import ABSENT, BIASED, RETURNED, ItemChair, item_chair
from workflow.context import SYSTEM
from workflow.documents import service
from workflow.errors import Conflict, GuardsUnmet, InvalidInput
from workflow.law.voting import Tally
from workflow.models import AgendaItem, Meeting, User
from workflow.queries import biased_persons, voting_members
from workflow.services import deputies as deputy_service
from workflow.services import item_chair as item_chair_service
from workflow.services import item_votes
from workflow.services import meetings as meeting_service


def two_items(world: World) -> tuple[int, int, int]:
    """A council meeting with two Vorlagen on its agenda: the meeting and the Vorlagen."""
    first, second = released(world), released(world)
    mid = new_meeting(world)
    scheduled(world, first, mid)
    scheduled(world, second, mid)
    return mid, first, second


def stellvertreter(world: World, count: int = 2) -> list[int]:
    """The mayor's Stellvertreter in their order (§ 48 Abs. 1 GemO): the first councillors,
    each with a login; their person ids."""
    councillors = world.data.ilsfeld.councillors[:count]

    def appoint(s: Session) -> list[int]:
        users = []
        for person in councillors:
            user = s.exec(select(User).where(User.person_id == person.id)).first()
            if user is None:
                created = User(
                    username=f"ilsfeld.deputy{person.id}",
                    full_name=person.name,
                    role="council_member",
                    municipality_id=person.municipality_id,
                    person_id=person.id,
                )
                s.add(created)
                s.flush()
                users.append(created.id or 0)
            else:
                users.append(user.id or 0)
        deputy_service.set_user_deputies(
            session=s,
            actor=world["admin"],
            now=berlin(MEETING_DAY, 9),
            user_id=world["ilsfeld.mayor"].user_id or 0,
            deputy_ids=users,
        )
        return [p.id or 0 for p in councillors]

    return world.run(appoint)


def chair_of(world: World, item_id: int) -> ItemChair:
    def read(s: Session) -> ItemChair:
        item = s.get(AgendaItem, item_id)
        assert item is not None
        meeting = s.get(Meeting, item.meeting_id)
        assert meeting is not None
        return item_chair(s, meeting, item)

    return world.run(read)


def declare(world: World, item: int, person: int) -> None:
    world.run(
        lambda s: meeting_service.declare_bias(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 19, 30),
            agenda_item_id=item,
            person_id=person,
            reason="Sein Bruder ist der Bauherr",
        )
    )


def leaves(world: World, mid: int, item: int, person: int, *, present: bool = False) -> None:
    """``person`` leaves before ``item`` (or, ``present``, arrives at it)."""
    world.run(
        lambda s: item_votes.record_item_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 19, 45),
            meeting_id=mid,
            item_id=item,
            expected_version=world.get_meeting(mid).version,
            person_id=person,
            present=present,
        )
    )


def vote_all_yes(world: World, item: int) -> None:
    """Every member present at the item and not befangen votes yes."""

    def cast(s: Session) -> None:
        row = s.get(AgendaItem, item)
        assert row is not None
        entitled = present_at_item(s, row) - biased_persons(s, item)
        meeting_service.record_votes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 20),
            agenda_item_id=item,
            votes=dict.fromkeys(entitled, "yes"),
        )

    world.run(cast)


def adopt(world: World, pid: int) -> None:
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))


def minutes_text(world: World, mid: int) -> str:
    document = world.run(
        lambda s: service.meeting_document(
            session=s, actor=SYSTEM, meeting_id=mid, kind="niederschrift"
        )
    )
    return text_of(service.render(document, "html"), "html")


def test_a_befangen_mayor_hands_the_item_to_his_first_stellvertreter(world: World) -> None:
    mid, first, second = two_items(world)
    deputy, _ = stellvertreter(world)
    in_session(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    one, two = item_of(world, first), item_of(world, second)
    declare(world, one, mayor)
    chair = chair_of(world, one)
    assert (chair.person_id, chair.prevented, chair.reason) == (deputy, mayor, BIASED)
    vote_all_yes(world, one)
    adopt(world, first)
    # The next item: the mayor chairs again, nothing was stored to say so.
    assert chair_of(world, two) == ItemChair(mayor)
    vote_all_yes(world, two)
    adopt(world, second)
    assert world.get(AgendaItem, one).chair_person_id is None
    printed = " ".join(minutes_text(world, mid).split())
    name = world.data.ilsfeld.councillors[0].name
    assert (
        f"Den Vorsitz bei diesem Tagesordnungspunkt führte {name} "
        "(Bürgermeisterin Beate Beispiel befangen, § 18 GemO)."
    ) in printed
    assert printed.count("Den Vorsitz bei diesem Tagesordnungspunkt") == 1
    # The session's chair signs the minutes (§ 38 Abs. 2 GemO), as before.
    assert world.get_meeting(mid).chair_person_id == mayor


def test_a_befangen_first_stellvertreter_passes_to_the_second(world: World) -> None:
    mid, first, _ = two_items(world)
    deputy, second_deputy = stellvertreter(world)
    in_session(world, mid)
    one = item_of(world, first)
    declare(world, one, world["ilsfeld.mayor"].person_id or 0)
    declare(world, one, deputy)
    assert chair_of(world, one).person_id == second_deputy


def test_the_stellvertreter_chairs_from_the_item_the_mayor_left(world: World) -> None:
    mid, first, second = two_items(world)
    deputy, _ = stellvertreter(world)
    in_session(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    one, two = item_of(world, first), item_of(world, second)
    vote_all_yes(world, one)
    adopt(world, first)
    leaves(world, mid, two, mayor)
    assert chair_of(world, one) == ItemChair(mayor)
    chair = chair_of(world, two)
    assert (chair.person_id, chair.reason) == (deputy, ABSENT)
    vote_all_yes(world, two)
    adopt(world, second)
    printed = " ".join(minutes_text(world, mid).split())
    assert (
        f"führte {world.data.ilsfeld.councillors[0].name} (Bürgermeisterin Beate Beispiel "
        "bei diesem Punkt nicht anwesend)."
    ) in printed


def test_the_mayor_arriving_late_takes_the_chair_from_his_stellvertreter(world: World) -> None:
    mid, first, second = two_items(world)
    deputy, _ = stellvertreter(world)
    mayor = world["ilsfeld.mayor"].person_id or 0
    invited(world, mid)
    members = world.run(lambda s: voting_members(s, world.get_meeting(mid).body_id))
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 19),
            meeting_id=mid,
            present=[p for p in members if p != mayor],
            chair_person_id=deputy,
        )
    )
    world.fire("meeting", mid, "open_session", "ilsfeld.secretary", berlin(MEETING_DAY, 19))
    one, two = item_of(world, first), item_of(world, second)
    leaves(world, mid, two, mayor, present=True)  # the mayor arrives
    assert chair_of(world, one) == ItemChair(deputy)
    chair = chair_of(world, two)
    assert (chair.person_id, chair.prevented, chair.reason) == (mayor, deputy, RETURNED)


def test_without_a_stellvertreter_the_vote_waits_for_the_eldest_member(
    world: World,
) -> None:
    """§ 48 Abs. 1 Satz 8 GemO: "das an Lebensjahren älteste, nicht verhinderte Mitglied des
    Gemeinderats" acts; Ratsflow keeps no birth dates, so the secretary names him."""
    mid, first, second = two_items(world)
    in_session(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    one, two = item_of(world, first), item_of(world, second)
    declare(world, one, mayor)
    assert chair_of(world, one).person_id is None
    with pytest.raises(Conflict) as refused:
        vote_all_yes(world, one)
    assert "Vorsitz bei diesem Punkt" in str(refused.value)
    assert (
        "das an Lebensjahren älteste anwesende Mitglied, das nicht befangen ist (§ 48 Abs. 1 "
        "Satz 8 GemO)"
    ) in str(refused.value)
    version = world.get_meeting(mid).version
    with pytest.raises(Conflict):
        world.run(
            lambda s: item_votes.record_vote_counts(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20),
                meeting_id=mid,
                item_id=one,
                expected_version=version,
                counted=Tally(10, 0, 0),
            )
        )

    def determine(person: int) -> ItemChair:
        return world.run(
            lambda s: (
                item_chair_service.record_item_chair(
                    session=s,
                    actor=world["ilsfeld.secretary"],
                    now=berlin(MEETING_DAY, 19, 50),
                    meeting_id=mid,
                    item_id=one,
                    expected_version=world.get_meeting(mid).version,
                    person_id=person,
                ).record
            )
        )

    with pytest.raises(InvalidInput, match="befangen"):
        determine(mayor)
    member = world.data.ilsfeld.councillors[3].id or 0
    chair = determine(member)
    assert (chair.person_id, chair.reason, chair.recorded) == (member, BIASED, True)
    vote_all_yes(world, one)
    adopt(world, first)
    assert chair_of(world, two) == ItemChair(mayor)
    printed = " ".join(minutes_text(world, mid).split())
    assert (
        f"führte {world.data.ilsfeld.councillors[3].name} (Bürgermeisterin Beate Beispiel "
        "befangen, § 18 GemO; an Lebensjahren ältestes anwesendes, nicht befangenes Mitglied, "
        "§ 48 Abs. 1 Satz 8 GemO)."
    ) in printed


def test_adopting_is_refused_while_nobody_chairs_the_item(world: World) -> None:
    """The outcome's guard says what to do: the mayor left after the vote, before the
    result was declared, and no Stellvertreter is there."""
    mid, first, _ = two_items(world)
    in_session(world, mid)
    one = item_of(world, first)
    vote_all_yes(world, one)
    leaves(world, mid, one, world["ilsfeld.mayor"].person_id or 0)
    with pytest.raises(GuardsUnmet) as refused:
        adopt(world, first)
    # Asked by meeting_in_session, which every in-session step on the item names (the
    # quorum's guard no longer repeats it).
    assert [g.name for g in refused.value.unmet] == ["meeting_in_session"]
    assert "Vorsitz bei diesem Punkt" in refused.value.unmet[0].message
