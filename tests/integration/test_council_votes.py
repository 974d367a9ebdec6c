"""Votes as counts or by name, attendance per item, the agenda after the invitation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from tests.conftest import World, berlin, known
from tests.integration.council import SECRETARY, counts, leaves, version
from tests.integration.flow import DAY, MEETING_DAY, in_session, item_of, vote
from tests.integration.test_meetings import declare_bias, invited, planned
from workflow.documents.proceedings import absent_with_reasons
from workflow.errors import Conflict, GuardsUnmet, InvalidInput
from workflow.models import AgendaItem, Attendance, Meeting
from workflow.queries import item_quorum, voting_members
from workflow.services import agenda, item_votes
from workflow.services import meetings as meeting_service


def test_a_secret_ballot_is_recorded_as_counts_only_with_biased_and_absent_known(
    world: World,
) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid, absent=2)
    item = item_of(world, pid)
    declare_bias(world, item, present[1])
    recorded = counts(world, mid, item, 6, 3, 1, secret=True)
    assert recorded.secret
    assert recorded.biased == [present[1]]
    assert len(recorded.absent) == 2
    assert recorded.entitled == len(present) - 1
    with pytest.raises(Conflict, match="geheim"):
        vote(world, pid, {present[0]: "yes"})
    with pytest.raises(InvalidInput, match="stimmberechtigt"):
        counts(world, mid, item, len(present), 0)
    with pytest.raises(InvalidInput, match="alle Zahlen sind 0"):
        counts(world, mid, item, 0, 0)
    world.fire("proposal", pid, "adopt", SECRETARY, berlin(MEETING_DAY, 20, 30))
    assert world.get(AgendaItem, item).outcome == "adopted"


def test_counts_replace_a_vote_by_name_and_back(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    vote(world, pid, dict.fromkeys(present, "no"))
    counts(world, mid, item, 7, 2)
    world.fire("proposal", pid, "adopt", SECRETARY, berlin(MEETING_DAY, 20, 30))


def test_a_member_who_leaves_counts_for_quorum_and_vote_from_that_item_on(world: World) -> None:
    pid, mid = planned(world)
    # A councillor: the mayor (the first id) leaving would take the chair with him.
    present = in_session(world, mid)[::-1]
    item = item_of(world, pid)
    before = world.run(lambda s: item_quorum(s, known(s.get(AgendaItem, item)))).present_entitled
    leaves(world, mid, item, present[0], reason="Terminkonflikt")
    after = world.run(lambda s: item_quorum(s, known(s.get(AgendaItem, item)))).present_entitled
    assert after == before - 1
    with pytest.raises(InvalidInput, match="nicht anwesend"):
        vote(world, pid, {present[0]: "yes"})
    with pytest.raises(Conflict, match="nicht anwesend"):
        leaves(world, mid, item, present[0])
    leaves(world, mid, item, present[0], present=True, only_item=True)
    vote(world, pid, {present[0]: "yes"})


def test_the_quorum_is_checked_at_each_item(world: World) -> None:
    pid, mid = planned(world)
    # The mayor stays: without him and a Stellvertreter nobody chairs (workflow.chairs).
    present = in_session(world, mid)[::-1]
    item = item_of(world, pid)
    for person in present[: len(present) // 2 + 1]:
        leaves(world, mid, item, person)
    rest = present[len(present) // 2 + 1 :]
    vote(world, pid, dict.fromkeys(rest, "yes"))
    with pytest.raises(GuardsUnmet, match="beschlussfähig"):
        world.fire("proposal", pid, "adopt", SECRETARY, berlin(MEETING_DAY, 20, 30))


def test_absence_reasons_are_kept(world: World) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    members = world.run(lambda s: voting_members(s, world.get_meeting(mid).body_id))
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 18),
            meeting_id=mid,
            present=members[1:],
            chair_person_id=members[1],  # the mayor is on holiday: his deputy chairs
            absence_reasons={members[0]: "Urlaub", members[1]: "ignoriert, anwesend"},
        )
    )
    rows = world.run(
        lambda s: {
            a.person_id: a.absence_reason
            for a in s.exec(select(Attendance).where(Attendance.meeting_id == mid))
        }
    )
    assert rows[members[0]] == "Urlaub"
    assert rows[members[1]] is None
    body = set(members)
    line = world.run(lambda s: absent_with_reasons(s, world.get_meeting(mid), body))
    assert line.endswith("(Urlaub)")


def _free(world: World, mid: int, when: date, **kwargs: Any) -> AgendaItem:
    return world.run(
        lambda s: agenda.add_item(
            session=s,
            workflows=world.workflows,
            actor=world[SECRETARY],
            now=berlin(when, 9),
            meeting_id=mid,
            expected_version=version(world, mid),
            title="Bekanntgaben",
            **kwargs,
        )
    )


def test_a_supplement_in_time_a_late_one_only_as_an_emergency(world: World) -> None:
    _, mid = planned(world)
    invited(world, mid)
    supplement = _free(world, mid, DAY, late_paper=True)
    assert (supplement.supplement, supplement.late_paper, supplement.urgent_reason) == (
        True,
        True,
        None,
    )
    late = date(2024, 4, 20)
    with pytest.raises(Conflict, match="Nachtrag"):
        _free(world, mid, late)

    def invitation(s: object) -> str:
        from workflow.documents.sitzung import build_einladung

        meeting = s.get(Meeting, mid)  # type: ignore[attr-defined]
        items = list(s.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid)))  # type: ignore[attr-defined]
        return repr(build_einladung(s, meeting, items))  # type: ignore[arg-type]

    assert "Bekanntgaben (Nachtrag, Tischvorlage)" in world.run(invitation)
    urgent = _free(world, mid, late, urgent_reason="Unwetterschaden am Bauhof")
    assert urgent.supplement
    assert urgent.urgent_reason == "Unwetterschaden am Bauhof"


def test_nothing_is_added_to_an_invited_meeting_whose_day_has_passed(world: World) -> None:
    """Not even as an emergency: the meeting can no longer open (§ 37 Abs. 1 S. 1 GemO)."""
    _, mid = planned(world)
    invited(world, mid)
    after = date.fromordinal(MEETING_DAY.toordinal() + 1)
    with pytest.raises(Conflict, match="in der Vergangenheit und wurde nicht eröffnet"):
        _free(world, mid, after, urgent_reason="Unwetterschaden am Bauhof")
    assert _free(world, mid, MEETING_DAY, urgent_reason="Unwetterschaden am Bauhof").supplement


def test_in_session_only_an_emergency_is_added_and_a_proposal_can_be_a_supplement(
    world: World,
) -> None:
    pid, mid = planned(world)
    in_session(world, mid)
    with pytest.raises(Conflict, match="Notfall"):
        _free(world, mid, MEETING_DAY)
    item = _free(world, mid, MEETING_DAY, urgent_reason="Eilbedürftige Vergabe")
    assert item.supplement
    world.run(
        lambda s: item_votes.mark_late_paper(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 19),
            meeting_id=mid,
            item_id=item_of(world, pid),
            expected_version=version(world, mid),
        )
    )
    assert world.get(AgendaItem, item_of(world, pid)).late_paper


def test_an_item_is_removed_after_the_invitation_before_the_session(world: World) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    item = item_of(world, pid)
    world.run(
        lambda s: agenda.remove_item(
            session=s,
            workflows=world.workflows,
            actor=world[SECRETARY],
            now=berlin(DAY, 15),
            meeting_id=mid,
            item_id=item,
            expected_version=version(world, mid),
            comment="Unterlagen unvollständig",
        )
    )
    assert world.get(AgendaItem, item).removed


def test_a_released_proposal_is_scheduled_as_a_supplement(world: World) -> None:
    from tests.integration.flow import released

    _, mid = planned(world)
    invited(world, mid)
    late = released(world, title="Vergabe Winterdienst")
    world.run(
        lambda s: agenda.add_item(
            session=s,
            workflows=world.workflows,
            actor=world[SECRETARY],
            now=berlin(DAY, 16),
            meeting_id=mid,
            expected_version=version(world, mid),
            proposal_id=late,
            late_paper=True,
        )
    )
    item = world.get(AgendaItem, item_of(world, late))
    assert item.supplement
    assert item.late_paper


def test_a_change_holds_from_its_item_on_unless_only_for_it(world: World) -> None:
    from workflow.attendance import present_at_item

    pid, mid = planned(world)
    second = known(_free(world, mid, DAY).id)
    present = in_session(world, mid)
    first = item_of(world, pid)
    leaves(world, mid, first, present[1], only_item=True)
    leaves(world, mid, first, present[2])

    def at(item: int) -> set[int]:
        return world.run(lambda s: present_at_item(s, known(s.get(AgendaItem, item))))

    assert present[1] not in at(first)
    assert present[1] in at(second)
    assert present[2] not in at(second)


def test_attendance_follows_the_order_of_deliberation_public_part_first(world: World) -> None:
    """An item of the non-public part comes after the whole public part, whatever its
    position among the items: who arrived at the last public item is there for it."""
    from workflow.attendance import present_at_item

    pid, mid = planned(world)
    secret = known(
        _free(world, mid, DAY, public=False, non_public_reason="Grundstücksangelegenheit").id
    )
    last_public = known(_free(world, mid, DAY).id)
    present = in_session(world, mid, absent=1)
    late = next(p for p in world.run(lambda s: voting_members(s, world.get_meeting(mid).body_id))
                if p not in present)  # fmt: skip
    leaves(world, mid, last_public, late, present=True)

    def at(item: int) -> set[int]:
        return world.run(lambda s: present_at_item(s, known(s.get(AgendaItem, item))))

    assert late not in at(item_of(world, pid))
    assert late in at(last_public)
    assert late in at(secret)  # deliberated after the public part, though placed before
    # he took part: he may sign the minutes as a councillor (§ 38 Abs. 2 S. 1 GemO)
    from workflow.queries import councillor_signers

    assert late in world.run(lambda s: councillor_signers(s, world.get_meeting(mid)))


def test_an_arrival_of_someone_present_is_refused_by_name(world: World) -> None:
    from workflow.errors import Conflict
    from workflow.models import Person

    pid, mid = planned(world)
    present = in_session(world, mid)
    name = known(world.get(Person, present[0])).name
    with pytest.raises(Conflict, match=f"{name} ist bei diesem Punkt bereits anwesend"):
        leaves(world, mid, item_of(world, pid), present[0], present=True)
