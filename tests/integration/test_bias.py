"""Doubtful bias decided by the body, and resolutions unlawful for bias (§ 18 Abs. 4, 6 GemO)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin
from tests.integration.council import leaves
from tests.integration.flow import MEETING_DAY, in_session, invited, item_of
from tests.integration.test_meetings import planned, record_votes, unmet_names
from workflow.attendance import present_at_item
from workflow.bias_departures import BIAS_LEFT
from workflow.errors import Conflict, GuardsUnmet, InvalidInput
from workflow.law.voting import Tally
from workflow.models import AgendaItem, BiasDeclaration, ItemAttendance, Proposal, Resolution
from workflow.queries import biased_persons, voting_members
from workflow.services import bias as bias_service
from workflow.services import meetings as meeting_service
from workflow.services.item_votes import record_item_attendance

REASON = "Ehefrau ist Pächterin eines Nachbargrundstücks (§ 18 Abs. 1 GemO?)"


def declare(
    world: World, item: int, person: int, *, doubtful: bool = False, now: datetime | None = None
) -> int:
    declaration: BiasDeclaration = world.run(
        lambda s: meeting_service.declare_bias(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=now or berlin(MEETING_DAY, 19, 30),
            agenda_item_id=item,
            person_id=person,
            reason=REASON,
            doubtful=doubtful,
        )
    )
    return int(declaration.id or 0)


def decide(
    world: World,
    declaration_id: int,
    *,
    votes: Mapping[int, str] | None = None,
    tally: Tally | None = None,
    now: datetime | None = None,
) -> BiasDeclaration:
    result: BiasDeclaration = world.run(
        lambda s: bias_service.decide_bias(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=now or berlin(MEETING_DAY, 19, 40),
            declaration_id=declaration_id,
            votes=votes,
            tally=tally,
        )
    )
    return result


def resolution_of(world: World, pid: int) -> Resolution:
    result: Resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    return result


def adopt(world: World, pid: int) -> None:
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))


def test_doubtful_bias_blocks_the_vote_until_the_body_decides(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    concerned = present[4]
    declare(world, item, concerned, doubtful=True)
    assert world.run(lambda s: biased_persons(s, item)) == set()
    with pytest.raises(Conflict) as refused:
        record_votes(world, item, dict.fromkeys(present, "yes"))
    assert "§ 18 Abs. 4 Satz 2 GemO" in refused.value.message
    with pytest.raises(GuardsUnmet) as blocked:
        adopt(world, pid)
    assert "quorum_present" in unmet_names(blocked)
    assert "noch nicht entschieden" in blocked.value.message


def test_body_decides_without_the_person_concerned(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    concerned = present[4]
    declaration = declare(world, item, concerned, doubtful=True)
    with pytest.raises(InvalidInput) as refused:
        decide(world, declaration, votes=dict.fromkeys(present, "no"))
    assert refused.value.field == f"votes.{concerned}"
    assert "Abwesenheit des Betroffenen" in refused.value.message
    with pytest.raises(InvalidInput) as too_many:
        decide(world, declaration, tally=Tally(yes=10, no=9, abstain=0))
    assert too_many.value.field == "tally"  # 19 present, the person concerned not counted


def test_decided_not_biased_the_member_votes(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    concerned = present[4]
    declaration = declare(world, item, concerned, doubtful=True)
    others = [p for p in present if p != concerned]
    # a tie rejects the motion "befangen" (§ 37 Abs. 6 GemO)
    votes = {p: ("yes" if i % 2 else "no") for i, p in enumerate(others[:16])}
    decided = decide(world, declaration, votes=votes)
    assert (decided.decided_biased, decided.decision_yes, decided.decision_no) == (False, 8, 8)
    record_votes(world, item, dict.fromkeys(present, "yes"))
    adopt(world, pid)
    resolution = resolution_of(world, pid)
    assert (resolution.yes, resolution.biased, resolution.unlawful_reason) == (19, 0, None)
    with pytest.raises(Conflict):
        decide(world, declaration, tally=Tally(yes=1, no=0, abstain=0))


def test_decided_biased_the_member_is_excluded(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    concerned = present[4]
    declaration = declare(world, item, concerned, doubtful=True)
    decided = decide(world, declaration, tally=Tally(yes=12, no=5, abstain=1))
    assert decided.decided_biased is True
    assert world.run(lambda s: biased_persons(s, item)) == {concerned}
    with pytest.raises(InvalidInput) as refused:
        record_votes(world, item, dict.fromkeys(present, "yes"))
    assert refused.value.field == f"votes.{concerned}"
    record_votes(world, item, {p: "yes" for p in present if p != concerned})
    adopt(world, pid)
    assert resolution_of(world, pid).biased == 1


def test_who_left_at_the_item_neither_decides_the_doubt_nor_took_part(world: World) -> None:
    """Presence at the item counts, not at the opening: who left before it does not vote on
    a doubtful bias there (§ 18 Abs. 4 S. 2 GemO), and disclosing his own bias later does
    not make the resolution unlawful (§ 18 Abs. 6 S. 1: he took no part)."""
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    gone, concerned = present[3], present[4]
    leaves(world, mid, item, gone)
    declaration = declare(world, item, concerned, doubtful=True)
    with pytest.raises(InvalidInput) as refused:
        decide(world, declaration, votes={gone: "no"})
    assert refused.value.field == f"votes.{gone}"
    with pytest.raises(InvalidInput) as too_many:  # present at the opening, less the concerned
        decide(world, declaration, tally=Tally(yes=0, no=len(present) - 1, abstain=0))
    assert too_many.value.field == "tally"
    decided = decide(world, declaration, tally=Tally(yes=0, no=len(present) - 2, abstain=0))
    assert decided.decided_biased is False
    record_votes(world, item, {p: "yes" for p in present if p != gone})
    adopt(world, pid)
    world.fire("meeting", mid, "close_session", "ilsfeld.secretary", berlin(MEETING_DAY, 22))
    declare(world, item, gone, now=berlin(date(2024, 4, 24), 9))
    assert resolution_of(world, pid).unlawful_reason is None


def test_plain_declaration_cannot_be_decided(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    declaration = declare(world, item_of(world, pid), present[4])
    with pytest.raises(Conflict):
        decide(world, declaration, tally=Tally(yes=1, no=0, abstain=0))


def test_bias_disclosed_after_the_resolution_flags_it_unlawful(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    record_votes(world, item, dict.fromkeys(present, "yes"))
    adopt(world, pid)
    world.fire("meeting", mid, "close_session", "ilsfeld.secretary", berlin(MEETING_DAY, 22))
    # the year runs from the resolution (23.04.), not from the later disclosure
    declare(world, item, present[2], now=berlin(date(2024, 4, 24), 0, 30))
    resolution = resolution_of(world, pid)
    assert resolution.unlawful_reason is not None
    assert "§ 18 Abs. 6" in resolution.unlawful_reason
    assert "mitgestimmt" in resolution.unlawful_reason
    assert bias_service.cure_date(resolution, world.get(Proposal, pid)) == date(2025, 4, 23)
    assert str(world.get_meeting(mid).state) == "closed"


def test_doubtful_bias_decided_after_the_resolution(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    record_votes(world, item, dict.fromkeys(present, "yes"))
    adopt(world, pid)
    concerned = present[2]
    declaration = declare(world, item, concerned, doubtful=True)
    assert resolution_of(world, pid).unlawful_reason is None  # not decided yet
    decide(world, declaration, tally=Tally(yes=3, no=10, abstain=0))
    assert resolution_of(world, pid).unlawful_reason is None  # found not biased
    pid2, mid2 = planned(world, day=date(2024, 4, 30))
    present2 = in_session(world, mid2, day=date(2024, 4, 30))
    item2 = item_of(world, pid2)
    record_votes(world, item2, dict.fromkeys(present2, "yes"))
    world.fire("proposal", pid2, "adopt", "ilsfeld.secretary", berlin(date(2024, 4, 30), 20))
    late = declare(world, item2, concerned, doubtful=True, now=berlin(date(2024, 4, 30), 21))
    decide(world, late, tally=Tally(yes=10, no=3, abstain=0), now=berlin(date(2024, 4, 30), 21))
    resolution = resolution_of(world, pid2)
    assert resolution.unlawful_reason is not None
    assert bias_service.cure_date(resolution, world.get(Proposal, pid2)) == date(2025, 4, 30)


def test_cure_date_counts_from_the_required_announcement_and_clamps_to_month_end() -> None:
    """§ 18 Abs. 6 S. 2 GemO: a year after the resolution, or after its öffentliche
    Bekanntmachung where one is required (a Satzung, § 4 Abs. 3 GemO); the online
    publication (§ 41b Abs. 5 GemO) starts no year."""
    resolution = Resolution(
        proposal_id=1, decided_on=date(2024, 2, 29), text="", adopted=True, unlawful_reason="x"
    )
    plain, satzung = (
        Proposal(
            state="final", definition_name="proposal", definition_version=6, municipality_id=1,
            year=2024, number=1, proposal_date=date(2024, 2, 1), title="Satzung",
            resolution_text="Beschlossen.", requires_announcement=announced,
        )
        for announced in (False, True)
    )  # fmt: skip
    assert bias_service.cure_date(resolution, plain) == date(2025, 2, 28)  # § 188 Abs. 3 BGB
    resolution.published_at = datetime.fromisoformat("2024-03-05T09:00:00+00:00")
    assert bias_service.cure_date(resolution, plain) == date(2025, 2, 28)
    assert bias_service.cure_date(resolution, satzung) is None, "not announced yet"
    # announced 31.03.2024 at 23:30 UTC = 01.04.2024 in Berlin
    resolution.announced_at = datetime.fromisoformat("2024-03-31T23:30:00+00:00")
    assert bias_service.cure_date(resolution, satzung) == date(2025, 4, 1)
    resolution.unlawful_reason = None
    assert bias_service.cure_date(resolution, satzung) is None


def _attendance(world: World, mid: int, present: list[int]) -> None:
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 18, 50),
            meeting_id=mid,
            present=present,
        )
    )


def _at_item(world: World, item: int) -> set[int]:
    def read(s: Session) -> set[int]:
        agenda_item = s.get(AgendaItem, item)
        assert agenda_item is not None
        return present_at_item(s, agenda_item)

    return set(world.run(read))


def _departures(world: World, item: int) -> list[tuple[int, bool, bool]]:
    rows = world.run(
        lambda s: s.exec(
            select(ItemAttendance).where(
                ItemAttendance.agenda_item_id == item, ItemAttendance.reason == BIAS_LEFT
            )
        ).all()
    )
    return [(r.person_id, r.present, r.only_item) for r in rows]


def test_who_disclosed_a_bias_before_the_session_leaves_the_table_for_his_item(
    world: World,
) -> None:
    """§ 18 Abs. 5 GemO: the declaration is the record; nobody enters the departure twice.
    Before the session it follows the attendance as last recorded."""
    pid, mid = planned(world)
    invited(world, mid)
    members = world.run(lambda s: voting_members(s, world.get_meeting(mid).body_id))
    item = item_of(world, pid)
    concerned = members[3]
    declare(world, item, concerned, now=berlin(MEETING_DAY, 18, 40))
    assert _departures(world, item) == [], "no attendance yet: nobody to leave"
    _attendance(world, mid, members)
    assert _departures(world, item) == [(concerned, False, True)]
    _attendance(world, mid, [m for m in members if m != concerned])
    assert _departures(world, item) == [], "absent after all: he has nothing to leave"
    _attendance(world, mid, members)
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    assert _departures(world, item) == [(concerned, False, True)]
    assert concerned not in _at_item(world, item)
    assert set(members) - {concerned} == _at_item(world, item)
    with pytest.raises(Conflict, match="bereits erklärt"):
        declare(world, item, concerned)
    # he took no part, and nobody must record his leaving: the vote is lawful
    record_votes(world, item, {p: "yes" for p in members if p != concerned})
    adopt(world, pid)
    assert resolution_of(world, pid).unlawful_reason is None


def test_found_biased_in_the_session_the_member_leaves_the_table(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    concerned = present[4]
    declaration = declare(world, item, concerned, doubtful=True)
    assert concerned in _at_item(world, item), "a doubt excludes no one until decided"
    decide(world, declaration, tally=Tally(yes=len(present) - 2, no=0, abstain=0))
    assert _departures(world, item) == [(concerned, False, True)]
    assert concerned not in _at_item(world, item)


def test_a_biased_member_who_arrives_late_leaves_his_item(world: World) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    members = world.run(lambda s: voting_members(s, world.get_meeting(mid).body_id))
    late = members[-1]
    item = item_of(world, pid)
    declare(world, item, late, now=berlin(MEETING_DAY, 18, 40))
    _attendance(world, mid, members[:-1])
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    assert _departures(world, item) == [], "absent: he has nothing to leave"
    world.run(
        lambda s: record_item_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 19, 20),
            meeting_id=mid,
            item_id=item,
            expected_version=world.get_meeting(mid).version,
            person_id=late,
            present=True,
        )
    )
    assert _departures(world, item) == [(late, False, True)]
    assert late not in _at_item(world, item)
