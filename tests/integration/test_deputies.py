"""Stellvertretung: absences, deputies acting "in Vertretung", quorum and membership dates."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin, known
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    new_meeting,
    new_proposal,
    released,
    scheduled,
)
from workflow.deputies import acting_deputy, represented, standing_in
from workflow.documents.mailing import invitation_text, invitees
from workflow.documents.proceedings import attendance_lines
from workflow.errors import Conflict, GuardsUnmet, InvalidInput, RoleRefused
from workflow.law.voting import Tally
from workflow.models import (
    AgendaItem,
    AuditEvent,
    Meeting,
    Membership,
    Notification,
    Person,
    Proposal,
    User,
    UserDeputy,
)
from workflow.queries import (
    agenda,
    arriving_deputies,
    item_quorum,
    meeting_quorum,
    stand_ins_at,
    voting_members,
)
from workflow.services import deputies as service
from workflow.services import item_votes
from workflow.services import meetings as meeting_service
from workflow.services.motions import entitled_at, member_movers, propose_motion
from workflow.services.proposals import StepInput
from workflow.services.setup import actor_for
from workflow.services.transition import available_actions


def uid(world: World, username: str) -> int:
    return int(world.data.users[username].id or 0)


def absent(world: World, username: str, start: date, end: date) -> None:
    world.run(
        lambda s: service.add_absence(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            user_id=uid(world, username),
            starts_on=start,
            ends_on=end,
            note="Urlaub",
        )
    )


def deputies(world: World, username: str, *names: str) -> None:
    world.run(
        lambda s: service.set_user_deputies(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            user_id=uid(world, username),
            deputy_ids=[uid(world, n) for n in names],
        )
    )


def second_councillor(world: World) -> str:
    """A login for the second councillor, a second Stellvertreter of the mayor (§ 48 Abs. 1
    GemO: elected from the council)."""
    person = world.data.ilsfeld.councillors[1]

    def create(s: Session) -> User:
        user = User(
            username="ilsfeld.council2",
            full_name=person.name,
            role="council_member",
            municipality_id=person.municipality_id,
            person_id=person.id,
        )
        s.add(user)
        s.flush()
        s.refresh(user)
        s.expunge(user)
        return user

    user = world.run(create)
    world.data.users[user.username] = user
    world.actors[user.username] = actor_for(user)
    return user.username


def submitted(world: World, author: str = "ilsfeld.clerk") -> int:
    pid = new_proposal(world, author=author)
    world.fire(
        "proposal",
        pid,
        "submit",
        author,
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    return pid


def audit_of(world: World, pid: int, trigger: str) -> AuditEvent:
    return world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "proposal",
                AuditEvent.instance_id == pid,
                AuditEvent.trigger == trigger,
            )
        ).one()
    )


def test_deputy_cosigns_for_an_absent_head_in_vertretung(world: World) -> None:
    deputies(world, "ilsfeld.head", "ilsfeld.finance")
    absent(world, "ilsfeld.head", DAY, date(2024, 4, 12))
    pid = submitted(world)
    fired = world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 10))
    assert fired.actor == "ilsfeld.finance"
    assert world.get(Proposal, pid).state == "awaiting_release"
    event = audit_of(world, pid, "cosign")
    assert event.actor == "ilsfeld.finance"
    assert event.data["in_vertretung"] == {
        "username": "ilsfeld.head",
        "name": "Heike Amtsleiter",
    }


def test_no_substitution_while_the_holder_is_present(world: World) -> None:
    deputies(world, "ilsfeld.head", "ilsfeld.finance")
    absent(world, "ilsfeld.head", date(2024, 5, 1), date(2024, 5, 3))
    pid = submitted(world)
    with pytest.raises(GuardsUnmet):
        world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 10))


def test_the_task_reaches_the_acting_deputy(world: World) -> None:
    deputies(world, "ilsfeld.head", "ilsfeld.finance")
    absent(world, "ilsfeld.head", DAY, date(2024, 4, 12))
    submitted(world)
    notified = world.run(
        lambda s: {
            n.user_id for n in s.exec(select(Notification).where(Notification.kind == "cosign"))
        }
    )
    assert notified == {uid(world, "ilsfeld.head"), uid(world, "ilsfeld.finance")}


def test_mayors_deputy_releases_in_order(world: World) -> None:
    """§ 48 GemO: the first Stellvertreter who is not prevented himself acts."""
    second = second_councillor(world)
    deputies(world, "ilsfeld.mayor", "ilsfeld.council", second)
    absent(world, "ilsfeld.mayor", DAY, date(2024, 4, 20))
    pid = submitted(world)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    # The second deputy is not called while the first is available.
    with pytest.raises(RoleRefused):
        world.fire("proposal", pid, "release", second, berlin(DAY, 11))
    options = world.run(
        lambda s: available_actions(
            session=s,
            workflows=world.workflows,
            kind="proposal",
            instance_id=pid,
            actor=world["ilsfeld.council"],
            now=berlin(DAY, 11),
        )
    )
    release = next(o for o in options if o.trigger == "release")
    assert release.allowed
    assert "in Vertretung für" in release.label
    fired = world.fire("proposal", pid, "release", "ilsfeld.council", berlin(DAY, 11))
    assert fired.dest == "ready"
    event = audit_of(world, pid, "release")
    assert (event.actor, event.actor_role) == ("ilsfeld.council", "mayor")
    vertretung = cast(dict[str, object], event.data["in_vertretung"])
    assert vertretung["username"] == "ilsfeld.mayor"


def test_second_deputy_acts_when_the_first_is_away_too(world: World) -> None:
    second = second_councillor(world)
    deputies(world, "ilsfeld.mayor", "ilsfeld.council", second)
    absent(world, "ilsfeld.mayor", DAY, date(2024, 4, 20))
    absent(world, "ilsfeld.council", DAY, date(2024, 4, 9))
    pid = submitted(world)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    with pytest.raises(RoleRefused):
        world.fire("proposal", pid, "release", "ilsfeld.council", berlin(DAY, 11))
    assert world.fire("proposal", pid, "release", second, berlin(DAY, 11)).dest == "ready"


def test_deputy_who_wrote_the_vorlage_cannot_cosign_it(world: World) -> None:
    """Four eyes hold for the deputy as a person."""
    deputies(world, "ilsfeld.head", "ilsfeld.finance")
    absent(world, "ilsfeld.head", DAY, date(2024, 4, 12))
    pid = submitted(world, author="ilsfeld.finance")
    with pytest.raises((GuardsUnmet, RoleRefused)):
        world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 10))


def test_invalid_absences_and_deputies_are_refused(world: World) -> None:
    with pytest.raises(InvalidInput):
        absent(world, "ilsfeld.head", date(2024, 4, 12), DAY)
    with pytest.raises(InvalidInput):
        deputies(world, "ilsfeld.head", "ilsfeld.head")
    with pytest.raises(InvalidInput):
        deputies(world, "ilsfeld.head", "ilsfeld.finance", "ilsfeld.finance")
    with pytest.raises(RoleRefused):
        world.run(
            lambda s: service.set_user_deputies(
                session=s,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY),
                user_id=uid(world, "ilsfeld.head"),
                deputy_ids=[],
            )
        )


def committee_setup(world: World) -> tuple[int, list[int], int]:
    """The Technischer Ausschuss, its voting members, and an outside councillor as deputy of
    its first ordinary member."""
    body = world.body_id("Technischer Ausschuss")
    members = world.run(lambda s: voting_members(s, body))
    outsider = next(p.id or 0 for p in world.data.ilsfeld.councillors if (p.id or 0) not in members)
    ordinary = [p for p in members if p != world.data.ilsfeld.mayor.id]
    world.run(
        lambda s: service.set_member_deputies(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            body_id=body,
            member_person_id=ordinary[0],
            deputy_person_ids=[outsider],
        )
    )
    return body, members, outsider


def test_deputy_counts_for_quorum_only_in_place_of_an_absent_member(world: World) -> None:
    body, members, outsider = committee_setup(world)
    mid = new_meeting(world, "Technischer Ausschuss")
    ordinary = [p for p in members if p != world.data.ilsfeld.mayor.id]
    needed = -(-len(members) // 2)
    # One short of the quorum, the deputy's member absent: the deputy makes it.
    present = [p for p in members if p != ordinary[0]][: needed - 1]
    assert ordinary[0] not in present
    world.run(lambda s: _attendance_only(s, world, mid, [*present, outsider]))
    quorum = world.run(lambda s: meeting_quorum(s, known(s.get(Meeting, mid))))
    assert quorum.present_entitled == needed
    assert quorum.reached
    assert quorum.members == len(members)
    # With his member present, the deputy does not count.
    present_with_member = [ordinary[0], *present[: needed - 2]]
    world.run(lambda s: _attendance_only(s, world, mid, [*present_with_member, outsider]))
    quorum = world.run(lambda s: meeting_quorum(s, known(s.get(Meeting, mid))))
    assert quorum.present_entitled == needed - 1
    assert not quorum.reached
    assert body


def _attendance_only(session: Session, world: World, mid: int, present: list[int]) -> None:
    from workflow.models import Attendance

    for row in session.exec(select(Attendance).where(Attendance.meeting_id == mid)):
        session.delete(row)
    session.flush()
    for person_id in present:
        session.add(Attendance(meeting_id=mid, person_id=person_id, present=True))


def test_standing_in_one_deputy_per_absent_member() -> None:
    deputies_of = {1: [10, 11], 2: [10, 12]}
    assert standing_in({1, 2, 3}, {3, 10, 12}, deputies_of) == {10: 1, 12: 2}
    assert standing_in({1, 2, 3}, {1, 2, 3, 10}, deputies_of) == {}
    # A member present in his own seat is nobody's deputy.
    assert standing_in({1, 2}, {2}, {1: [2]}) == {}
    # A shared deputy goes to the member who has no other one present: both are represented.
    assert standing_in({1, 2}, {10, 11}, {1: [10, 11], 2: [10]}) == {11: 1, 10: 2}
    assert standing_in({1, 2}, {10}, {1: [10, 11], 2: [10]}) == {10: 1}


def seat_of(world: World, body: int, person: int) -> int:
    """The id of ``person``'s membership in ``body``."""
    return known(
        world.run(
            lambda s: s.exec(
                select(Membership.id).where(
                    Membership.body_id == body, Membership.person_id == person
                )
            ).one()
        )
    )


def end_seat(world: World, body: int, membership_id: int, end: date) -> None:
    """The admin ends the seat on ``end`` (§ 31 GemO: Ausscheiden)."""
    world.run(
        lambda s: service.set_membership_dates(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            body_id=body,
            membership_id=membership_id,
            start_date=None,
            end_date=end,
        )
    )


def test_departed_member_no_longer_counts(world: World) -> None:
    body = world.body_id("Gemeinderat")
    before = world.run(lambda s: voting_members(s, body, MEETING_DAY))
    leaver = before[-1]
    membership_id = seat_of(world, body, leaver)
    end_seat(world, body, membership_id, date(2024, 4, 15))
    after = world.run(lambda s: voting_members(s, body, MEETING_DAY))
    assert leaver not in after
    # the chair's seat has no end: the mayor chairs (§ 42 Abs. 1 GemO), Ilsfeld's by her title
    mayor = known(world["ilsfeld.mayor"].person_id)
    with pytest.raises(Conflict) as refused:
        end_seat(world, body, seat_of(world, body, mayor), date(2024, 4, 15))
    assert refused.value.message == (
        "Der Vorsitz der Bürgermeisterin endet nicht durch ein Austrittsdatum"
    )
    assert len(after) == len(before) - 1
    assert leaver in world.run(lambda s: voting_members(s, body, date(2024, 4, 15)))
    mid = new_meeting(world)
    people = world.run(
        lambda s: {i.person.id for i in invitees(s, known(s.get(Meeting, mid)), agenda(s, mid))}
    )
    assert leaver not in people
    scheduled(world, released(world), mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    with pytest.raises(InvalidInput):
        world.run(
            lambda s: meeting_service.record_attendance(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 18),
                meeting_id=mid,
                present=[leaver],
            )
        )


def test_deputies_get_a_copy_of_the_invitation(world: World) -> None:
    _, members, outsider = committee_setup(world)

    def give_address(session: Session) -> None:
        person = session.get(Person, outsider)
        assert person is not None
        person.email = "stellvertretung@example.org"
        session.add(person)

    world.run(give_address)
    mid = new_meeting(world, "Technischer Ausschuss")
    found = world.run(
        lambda s: {i.person.id: i for i in invitees(s, known(s.get(Meeting, mid)), agenda(s, mid))}
    )
    assert found[outsider].deputy is True
    assert all(not found[m].deputy for m in members if m in found)
    text = world.run(
        lambda s: invitation_text(
            s,
            known(s.get(Meeting, mid)),
            found[outsider],
            "https://rat.example",
            now=berlin(DAY, 14),
        )
    )
    assert "als Stellvertreterin oder Stellvertreter" in text.body


def test_deputy_standing_in_may_vote(world: World) -> None:
    """Only in place of an absent member: then his vote is taken like the member's."""
    body, members, outsider = committee_setup(world)
    ordinary = [p for p in members if p != world.data.ilsfeld.mayor.id]
    pid = released(world, steps=[StepInput(body_id=body, planned_date=MEETING_DAY, decides=True)])
    mid = new_meeting(world, "Technischer Ausschuss")
    scheduled(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    present = [p for p in members if p != ordinary[0]] + [outsider]
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 18),
            meeting_id=mid,
            present=present,
        )
    )
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    item = known(world.run(lambda s: agenda(s, mid)[0].id))
    world.run(
        lambda s: meeting_service.record_votes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 20),
            agenda_item_id=item,
            votes={outsider: "yes"},
        )
    )


def test_departed_member_takes_no_part_in_circulation(world: World) -> None:
    """§ 37 Abs. 1 S. 2 GemO: every member must consent – a member who has left is none."""
    from workflow.rules.circulation import circulation_status, open_circulation

    body = world.body_id("Gemeinderat")
    leaver = world.run(lambda s: voting_members(s, body))[-1]
    membership_id = seat_of(world, body, leaver)
    end_seat(world, body, membership_id, date(2024, 4, 1))
    pid = released(world)
    world.fire(
        "proposal",
        pid,
        "circulate",
        "ilsfeld.mayor",
        berlin(DAY, 12),
        data={"simple_matter": True},
    )

    def members(session: Session) -> frozenset[int]:
        circulation = open_circulation(session, pid)
        assert circulation is not None
        return circulation_status(session, circulation).members

    assert leaver not in world.run(members)


def _comes(world: World, mid: int, item: int, person: int, *, present: bool) -> None:
    world.run(
        lambda s: item_votes.record_item_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 19, 30),
            meeting_id=mid,
            item_id=item,
            expected_version=world.get_meeting(mid).version,
            person_id=person,
            present=present,
        )
    )


def _two_items_in_session(
    world: World, *, deputy: bool
) -> tuple[int, list[int], int, int, int, int]:
    """The Technischer Ausschuss in session on two Vorlagen, its first ordinary member absent
    from the start (his deputy, an outside councillor, present with ``deputy``): the
    meeting, the members, that member, the deputy and the two items."""
    body, members, outsider = committee_setup(world)
    member = next(p for p in members if p != world.data.ilsfeld.mayor.id)
    step = [StepInput(body_id=body, planned_date=MEETING_DAY, decides=True)]
    pids = [released(world, steps=step), released(world, steps=step)]
    mid = new_meeting(world, "Technischer Ausschuss")
    for pid in pids:
        scheduled(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    present = [p for p in members if p != member]
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 18),
            meeting_id=mid,
            present=[*present, outsider] if deputy else present,
        )
    )
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    first, second = (known(i.id) for i in world.run(lambda s: agenda(s, mid)))
    return mid, members, member, outsider, first, second


def test_a_deputys_stand_in_ends_when_his_member_comes_and_resumes_when_he_goes(
    world: World,
) -> None:
    """§ 40 Abs. 1 S. 2 GemO: a deputy sits only while his member is away. The member who
    arrives at an item takes his seat back from it on (one seat, counted once for the
    quorum, § 37 Abs. 2); when he leaves again, his deputy, still present, stands in again."""
    mid, members, member, outsider, first, second = _two_items_in_session(world, deputy=True)

    def at(item_id: int) -> tuple[int, set[int], list[int], dict[int, int]]:
        def read(s: Session) -> tuple[int, set[int], list[int], dict[int, int]]:
            item = known(s.get(AgendaItem, item_id))
            meeting = known(s.get(Meeting, mid))
            return (
                item_quorum(s, item).present_entitled,
                entitled_at(s, meeting, item),
                member_movers(s, meeting, item),
                stand_ins_at(s, meeting, item),
            )

        return world.run(read)

    counted, entitled, movers, standing = at(first)
    assert (counted, standing) == (len(members), {outsider: member})
    assert outsider in entitled
    assert outsider in movers

    # The member arrives at the first item, his deputy stays: the seat counts once, the
    # deputy neither votes nor moves, here and at the items after.
    _comes(world, mid, first, member, present=True)
    for item in (first, second):
        counted, entitled, movers, standing = at(item)
        assert counted == len(members)
        assert standing == {}
        assert member in entitled
        assert outsider not in entitled
        assert outsider not in movers
    with pytest.raises(InvalidInput):
        world.run(
            lambda s: meeting_service.record_votes(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20),
                agenda_item_id=first,
                votes={outsider: "yes"},
            )
        )
    with pytest.raises(InvalidInput):
        world.run(
            lambda s: propose_motion(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20),
                meeting_id=mid,
                item_id=first,
                expected_version=world.get_meeting(mid).version,
                kind="amendment",
                mover="",
                mover_person_id=outsider,
                text="Der Bauhof wird am Standort Süd errichtet.",
            )
        )

    # He leaves again at the second item: his deputy, still there, stands in again.
    _comes(world, mid, second, member, present=False)
    counted, entitled, movers, standing = at(second)
    assert (counted, standing) == (len(members), {outsider: member})
    assert outsider in entitled
    assert member not in entitled
    # counted votes take him among the entitled, as check_counts does
    counts = world.run(
        lambda s: (
            item_votes.record_vote_counts(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20),
                meeting_id=mid,
                item_id=second,
                expected_version=world.get_meeting(mid).version,
                counted=Tally(yes=len(members), no=0, abstain=0),
            ).record
        )
    )
    assert counts.entitled == len(members)
    assert member in counts.absent
    # … and when the deputy goes too, the minutes name him as the deputy he was.
    _comes(world, mid, second, outsider, present=False)
    assert at(second)[0] == len(members) - 1

    who = world.run(lambda s: {p.id: p.name for p in s.exec(select(Person))})
    m, d = who[member], who[outsider]
    lines = world.run(
        lambda s: {i: attendance_lines(s, known(s.get(AgendaItem, i))) for i in (first, second)}
    )
    assert lines[first] == [
        f"{m} ist hinzugekommen; {m} übernimmt wieder selbst; Stellvertretung durch {d} endet"
    ]
    assert lines[second] == [
        f"{m} hat die Sitzung verlassen; {d} vertritt {m}",
        f"{d} (Stellvertreter/in von {m}) hat die Sitzung verlassen",
    ]


@pytest.mark.parametrize(
    ("holder", "deputy", "words"),
    [
        ("ilsfeld.mayor", "admin", "Ada Admin (Administration) kann"),  # § 48 GemO
        ("ilsfeld.mayor", "ilsfeld.head", "§ 48 GemO"),  # an Amtsleitung is no Stellvertreter
        ("ilsfeld.mayor", "ilsfeld.secretary", "Gemeinderat"),
        ("ilsfeld.head", "ilsfeld.clerk", "§ 53 GemO"),  # a clerk does not co-sign as head
        ("ilsfeld.head", "admin", "Administration"),
        ("ilsfeld.clerk", "ilsfeld.mayor", "Bürgermeister"),
        ("ilsfeld.council", "ilsfeld.clerk", "keine Stellvertretung"),  # § 40: BodyDeputy
        ("admin", "ilsfeld.clerk", "keine Stellvertretung"),
    ],
)
def test_a_deputy_must_hold_a_role_that_may_act_for_the_holder(
    world: World, holder: str, deputy: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        deputies(world, holder, deputy)
    assert words in str(refused.value)
    assert world.data.users[deputy].full_name in str(refused.value)
    # clearing a list is always allowed
    deputies(world, holder)


@pytest.mark.parametrize(
    ("holder", "chosen"),
    [
        ("ilsfeld.mayor", ["ilsfeld.council"]),
        ("ilsfeld.head", ["ilsfeld.finance"]),
        ("ilsfeld.clerk", ["ilsfeld.head", "ilsfeld.finance"]),
        ("ilsfeld.secretary", ["ilsfeld.clerk"]),
    ],
)
def test_allowed_deputies_are_kept(world: World, holder: str, chosen: list[str]) -> None:
    deputies(world, holder, *chosen)
    kept = world.run(
        lambda s: [u.username for u in service.user_deputies(s, world["admin"], uid(world, holder))]
    )
    assert kept == chosen


def test_a_stored_deputy_the_rule_forbids_never_acts(world: World) -> None:
    """A list stored before the rule (the admin first, a Stellvertreter second): the admin
    gets no release "in Vertretung", the Stellvertreter is the first one called."""
    world.run(
        lambda s: s.add_all(
            [
                UserDeputy(
                    user_id=uid(world, "ilsfeld.mayor"), deputy_id=uid(world, "admin"), rank=1
                ),
                UserDeputy(
                    user_id=uid(world, "ilsfeld.mayor"),
                    deputy_id=uid(world, "ilsfeld.council"),
                    rank=2,
                ),
            ]
        )
    )
    absent(world, "ilsfeld.mayor", DAY, date(2024, 4, 20))
    pid = submitted(world)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    admin_options = world.run(
        lambda s: available_actions(
            session=s,
            workflows=world.workflows,
            kind="proposal",
            instance_id=pid,
            actor=world["admin"],
            now=berlin(DAY, 11),
        )
    )
    assert not [o for o in admin_options if o.trigger == "release" and o.allowed]
    with pytest.raises(RoleRefused):
        world.fire("proposal", pid, "release", "admin", berlin(DAY, 11))
    mayor = world.data.users["ilsfeld.mayor"]
    assert world.run(lambda s: represented(s, uid(world, "admin"), DAY)) == []
    acting = world.run(lambda s: acting_deputy(s, s.get_one(User, mayor.id), DAY))
    assert acting is not None
    assert acting.username == "ilsfeld.council"
    fired = world.fire("proposal", pid, "release", "ilsfeld.council", berlin(DAY, 11))
    assert fired.dest == "ready"


def test_a_deputy_late_for_a_member_absent_from_the_start_arrives_and_stands_in(
    world: World,
) -> None:
    """§ 40 Abs. 1 S. 2 GemO: a deputy who comes after the opening for a member absent from
    the start is recorded as arriving at the item and stands in from there on; before, he
    is refused as no member, and nobody else may arrive in his guise."""
    mid, members, member, outsider, first, second = _two_items_in_session(world, deputy=False)

    def standing(item_id: int) -> tuple[int, dict[int, int], dict[int, int]]:
        def read(s: Session) -> tuple[int, dict[int, int], dict[int, int]]:
            item = known(s.get(AgendaItem, item_id))
            meeting = known(s.get(Meeting, mid))
            return (
                item_quorum(s, item).present_entitled,
                stand_ins_at(s, meeting, item),
                arriving_deputies(s, meeting, item),
            )

        return world.run(read)

    counted, stand_ins, arriving = standing(first)
    assert (counted, stand_ins, arriving) == (len(members) - 1, {}, {outsider: member})
    stranger = next(
        p.id or 0
        for p in world.data.ilsfeld.councillors
        if (p.id or 0) not in members and p.id != outsider
    )
    with pytest.raises(InvalidInput):  # no deputy of an absent member
        _comes(world, mid, first, stranger, present=True)
    _comes(world, mid, first, outsider, present=True)
    for item in (first, second):
        counted, stand_ins, arriving = standing(item)
        assert counted == len(members)
        assert stand_ins == {outsider: member}
        assert arriving == {}
