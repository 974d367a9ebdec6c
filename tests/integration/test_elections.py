"""Wahlen in a meeting (§ 37 Abs. 7 GemO, DOMAIN.md rule 13)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin, known
from tests.integration.council import leaves
from tests.integration.flow import DAY, MEETING_DAY, in_session, new_meeting
from workflow.errors import Conflict, InvalidInput
from workflow.models import AuditEvent, ElectionBallot, Meeting
from workflow.queries import voting_members
from workflow.services import elections
from workflow.services import meetings as meeting_service
from workflow.services.agenda import add_item
from workflow.services.elections import ElectionView

SECRETARY = "ilsfeld.secretary"


def _version(world: World, mid: int) -> int:
    return int(world.get(Meeting, mid).version)


def free_item(world: World, mid: int, title: str = "Wahl der Mitglieder des Ausschusses") -> int:
    item = world.run(
        lambda s: add_item(
            session=s,
            workflows=world.workflows,
            actor=world[SECRETARY],
            now=berlin(DAY, 12),
            meeting_id=mid,
            expected_version=_version(world, mid),
            title=title,
        )
    )
    return known(item.id)


def new_election(
    world: World,
    mid: int,
    item: int,
    title: str = "Wahl der Schriftführerin",
    day: date = MEETING_DAY,
    **kwargs: Any,
) -> int:
    return known(
        world.run(
            lambda s: elections.create_election(
                session=s,
                actor=world[SECRETARY],
                now=berlin(day, 19, 30),
                meeting_id=mid,
                expected_version=_version(world, mid),
                agenda_item_id=item,
                title=title,
                **kwargs,
            )
        ).record.id
    )


def candidate(world: World, mid: int, eid: int, name: str, day: date = MEETING_DAY) -> int:
    return known(
        world.run(
            lambda s: elections.add_candidate(
                session=s,
                actor=world[SECRETARY],
                now=berlin(day, 19, 31),
                meeting_id=mid,
                election_id=eid,
                expected_version=_version(world, mid),
                name=name,
            )
        ).record.id
    )


def election_in_session(
    world: World, names: tuple[str, ...], day: date = MEETING_DAY, **kwargs: Any
) -> tuple[int, int, int, list[int], list[int]]:
    """A council meeting in session with an election on a free TOP; returns meeting, item,
    election, candidate ids and the present members."""
    mid = new_meeting(world, day=day)
    item = free_item(world, mid)
    present = in_session(world, mid, day=day)
    eid = new_election(world, mid, item, day=day, **kwargs)
    candidates = [candidate(world, mid, eid, name, day) for name in names]
    return mid, item, eid, candidates, present


def ballot(
    world: World, mid: int, eid: int, counts: dict[int, int], voters: list[int], **kw: Any
) -> Any:
    return world.run(
        lambda s: elections.record_round(
            session=s,
            actor=world[SECRETARY],
            now=berlin(world.get(Meeting, mid).meeting_date, 20),
            meeting_id=mid,
            election_id=eid,
            expected_version=_version(world, mid),
            counts=counts,
            voters=voters,
            **kw,
        )
    ).record.round


def view(world: World, mid: int, eid: int) -> ElectionView:
    result: ElectionView = world.run(
        lambda s: elections.get_election(
            session=s, actor=world[SECRETARY], meeting_id=mid, election_id=eid
        )
    )
    return result


def test_majority_of_the_present_entitled_elects_in_the_first_round(world: World) -> None:
    mid, _, eid, (anna, bert), present = election_in_session(world, ("Anna Maier", "Bert Huber"))
    need = len(present) // 2 + 1
    round_ = ballot(world, mid, eid, {anna: need, bert: len(present) - need}, voters=present)
    assert (round_.kind, round_.next, round_.required) == ("first", "elected", need)
    assert round_.entitled == len(present)
    result = view(world, mid, eid)
    assert result.election.outcome == "elected"
    assert result.election.elected_candidate_id == anna
    assert result.election.mode == "secret"
    assert result.rounds[0].counts == {anna: need, bert: len(present) - need}
    assert result.rounds[0].voters == sorted(present)
    with pytest.raises(Conflict):  # over
        ballot(world, mid, eid, {anna: 1}, voters=present[:1])
    events = world.run(
        lambda s: s.exec(
            select(AuditEvent.trigger).where(
                AuditEvent.instance_type == "meeting", AuditEvent.instance_id == mid
            )
        ).all()
    )
    assert {"create_election", "add_candidate", "record_election_round"} <= set(events)


def test_no_majority_of_the_members_goes_to_a_runoff_decided_by_lot(world: World) -> None:
    mid, _, eid, (anna, bert, carl), present = election_in_session(
        world, ("Anna Maier", "Bert Huber", "Carl Roth")
    )
    # half of the present members for Anna, the rest blank: a majority of the valid
    # ballots, not of the present entitled members (§ 37 Abs. 7 S. 2 GemO)
    half = len(present) // 2
    first = ballot(
        world,
        mid,
        eid,
        {anna: half - 1, bert: 1, carl: 0},
        voters=present,
        invalid=len(present) - half,
    )
    assert first.next == "runoff"
    assert first.runoff == [anna, bert]
    assert view(world, mid, eid).pending == "runoff"
    with pytest.raises(InvalidInput) as outsider:
        ballot(world, mid, eid, {carl: 1}, voters=present[:1])
    assert outsider.value.field == "counts"
    with pytest.raises(InvalidInput) as needless:  # no tie, no lot
        ballot(world, mid, eid, {anna: 3, bert: 1}, voters=present[:4], lot=[bert])
    assert needless.value.field == "lot"
    with pytest.raises(InvalidInput) as no_lot:
        ballot(world, mid, eid, {anna: 2, bert: 2}, voters=present[:4])
    assert no_lot.value.field == "lot"
    runoff = ballot(world, mid, eid, {anna: 2, bert: 2}, voters=present[:4], lot=[bert])
    assert (runoff.kind, runoff.next, runoff.elected_candidate_id, runoff.lot) == (
        "runoff",
        "elected",
        bert,
        [bert],
    )
    assert view(world, mid, eid).election.elected_candidate_id == bert


def test_single_candidate_failing_needs_a_second_ballot_a_week_later(world: World) -> None:
    mid, _, eid, (anna,), present = election_in_session(world, ("Anna Maier",))
    first = ballot(world, mid, eid, {anna: len(present) // 2}, voters=present[: len(present) // 2])
    assert first.next == "second_ballot"
    pending = view(world, mid, eid)
    assert pending.pending == "second_ballot"
    assert pending.second_ballot_from == date(2024, 4, 30)
    # the same evening only with a reason ("soll", § 37 Abs. 7 GemO)
    with pytest.raises(InvalidInput) as early:
        ballot(world, mid, eid, {anna: len(present)}, voters=present)
    assert early.value.field == "early_reason"
    second = ballot(
        world,
        mid,
        eid,
        {anna: len(present)},
        voters=present,
        early_reason="Stelle muss zum 1. Mai besetzt sein",
    )
    assert (second.kind, second.next, second.early_reason) == (
        "second_ballot",
        "elected",
        "Stelle muss zum 1. Mai besetzt sein",
    )


def test_biased_absent_and_digital_members_cannot_vote(world: World) -> None:
    mid = new_meeting(world)
    item = free_item(world, mid, "Wahl des Ortsbaumeisters")
    present = in_session(world, mid, absent=1)
    members = world.run(lambda s: voting_members(s, world.get(Meeting, mid).body_id))
    absent = next(p for p in members if p not in present)
    biased, digital = present[-1], present[-2]
    world.run(
        lambda s: meeting_service.declare_bias(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 19, 10),
            agenda_item_id=item,
            person_id=biased,
            reason="Bewerber ist der Sohn (§ 18 Abs. 1 Nr. 2 GemO)",
        )
    )
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 19, 15),
            meeting_id=mid,
            present=present,
            digital=[digital],
        )
    )
    eid = new_election(world, mid, item, "Ortsbaumeister", open_proposed=True)
    assert view(world, mid, eid).election.mode == "open"
    anna = candidate(world, mid, eid, "Anna Maier")
    entitled = [p for p in present if p not in (biased, digital)]
    for barred in (absent, biased, digital):
        with pytest.raises(InvalidInput) as refused:
            ballot(world, mid, eid, {anna: len(entitled) + 1}, voters=[*entitled, barred])
        assert refused.value.field == "voters", barred
    with pytest.raises(InvalidInput) as too_many:  # more ballots than entitled members
        ballot(world, mid, eid, {anna: len(entitled) + 1}, voters=entitled)
    assert too_many.value.field == "counts"
    with pytest.raises(InvalidInput):  # nobody votes twice
        ballot(world, mid, eid, {anna: 2}, voters=[entitled[0], entitled[0]])
    done = ballot(world, mid, eid, {anna: len(entitled)}, voters=entitled)
    assert done.entitled == len(entitled)
    assert done.required == len(entitled) // 2 + 1

    def cast(session: Session) -> list[int]:
        return list(session.exec(select(ElectionBallot.person_id)))

    assert sorted(world.run(cast)) == sorted(entitled)


def test_who_left_before_the_election_item_cannot_vote_nor_object(world: World) -> None:
    """The entitled are those present at the election's TOP, not at the opening: who left
    at it (or before) neither votes nor objects to an open vote (§ 37 Abs. 7 S. 1 GemO)."""
    mid = new_meeting(world)
    item = free_item(world, mid, "Wahl des Ortsbaumeisters")
    present = in_session(world, mid)
    gone = present[-1]
    leaves(world, mid, item, gone)
    with pytest.raises(InvalidInput) as stranger:
        new_election(world, mid, item, "Ortsbaumeister", open_proposed=True, objected_by=[gone])
    assert stranger.value.field == "objected_by"
    eid = new_election(world, mid, item, "Ortsbaumeister")
    anna = candidate(world, mid, eid, "Anna Maier")
    stayed = present[:-1]
    with pytest.raises(InvalidInput) as barred:
        ballot(world, mid, eid, {anna: len(present)}, voters=present)
    assert barred.value.field == "voters"
    done = ballot(world, mid, eid, {anna: len(stayed)}, voters=stayed)
    assert done.entitled == len(stayed)


def test_objection_keeps_the_ballot_secret(world: World) -> None:
    mid = new_meeting(world)
    item = free_item(world, mid)
    present = in_session(world, mid)

    objected = view(
        world,
        mid,
        new_election(world, mid, item, "Wahl", open_proposed=True, objected_by=[present[0]]),
    ).election
    assert (objected.mode, objected.objected_by) == ("secret", [present[0]])
    with pytest.raises(InvalidInput):
        new_election(world, mid, item, "Wahl", objected_by=[present[0]])


def test_only_in_a_meeting_in_session(world: World) -> None:
    mid = new_meeting(world)
    item = free_item(world, mid)
    with pytest.raises(Conflict):
        new_election(world, mid, item, "Wahl")


def test_second_ballot_in_a_later_meeting_a_week_on(world: World) -> None:
    mid, _, eid, (anna,), present = election_in_session(world, ("Anna Maier",))
    few = present[: len(present) // 2]
    assert ballot(world, mid, eid, {anna: len(few)}, voters=few).next == "second_ballot"
    later = new_meeting(world, day=date(2024, 4, 30))
    item = free_item(world, later, "Wahl der Schriftführerin, zweiter Wahlgang")
    again = in_session(world, later, day=date(2024, 4, 30))
    with pytest.raises(InvalidInput) as no_item:  # the TOP of the later meeting is needed
        ballot(world, later, eid, {anna: len(few)}, voters=few)
    assert no_item.value.field == "agenda_item_id"
    second = ballot(world, later, eid, {anna: len(few)}, voters=few, agenda_item_id=item)
    assert (second.kind, second.next, second.meeting_id) == ("second_ballot", "not_elected", later)
    assert second.entitled == len(again)
    result = view(world, mid, eid)
    assert [r.round.kind for r in result.rounds] == ["first", "second_ballot"]
    assert (result.election.outcome, result.pending) == ("not_elected", None)
