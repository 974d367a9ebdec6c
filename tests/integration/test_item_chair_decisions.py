"""Every decision on an agenda item waits for someone chairing it, as the vote does: a body
decides only in a session someone leads (§ 36 Abs. 1, § 37 Abs. 1 Satz 1 GemO). Motion
votes, the body's decision on a doubtful Befangenheit (§ 18 Abs. 4 Satz 2 GemO), taking
note, Vertagung and Absetzung in the session. And who may be recorded as an item's chair:
in the council only where the rule names nobody (§ 48 Abs. 1 Satz 8 GemO), in a committee also as
the mayor's handover (§ 40 Abs. 4 GemO)."""

from __future__ import annotations

import pytest

from tests.conftest import World, berlin
from tests.integration.council import propose, vote_on
from tests.integration.flow import MEETING_DAY, in_session, item_of, new_meeting, released
from tests.integration.flow import scheduled as on_agenda
from tests.integration.test_bias import decide
from tests.integration.test_bias import declare as declare_doubt
from tests.integration.test_item_chair import (
    chair_of,
    declare,
    leaves,
    stellvertreter,
    two_items,
    vote_all_yes,
)
from tests.integration.test_meetings import planned
from workflow.chairs import BIASED, DETERMINED, ItemChair
from workflow.errors import Conflict, GuardsUnmet, InvalidInput
from workflow.models import AgendaItem
from workflow.services import agenda as agenda_service
from workflow.services import item_chair as item_chair_service

NOBODY = "Bitte erfassen Sie unter „Vorsitz bei diesem Punkt“"


def determine(world: World, mid: int, item: int, person: int | None) -> ItemChair:
    return world.run(
        lambda s: (
            item_chair_service.record_item_chair(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 19, 50),
                meeting_id=mid,
                item_id=item,
                expected_version=world.get_meeting(mid).version,
                person_id=person,
            ).record
        )
    )


def vote_refusal(world: World, item: int) -> str:
    """The vote's refusal while nobody chairs the item: the message every decision repeats."""
    with pytest.raises(Conflict) as refused:
        vote_all_yes(world, item)
    return refused.value.message


def free_outcome(world: World, mid: int, item: int, outcome: str) -> None:
    world.run(
        lambda s: agenda_service.record_item_outcome(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 20),
            meeting_id=mid,
            item_id=item,
            expected_version=world.get_meeting(mid).version,
            outcome=outcome,
        )
    )


def test_a_motion_is_voted_on_only_with_a_chair(world: World) -> None:
    mid, first, _ = two_items(world)
    in_session(world, mid)
    one = item_of(world, first)
    declare(world, one, world["ilsfeld.mayor"].person_id or 0)  # no Stellvertreter
    message = vote_refusal(world, one)
    assert message.endswith("; dann kann abgestimmt werden")
    adjourn = propose(world, mid, one, "procedural", procedure="adjourn")  # made: no decision
    with pytest.raises(Conflict) as refused:
        vote_on(world, mid, one, adjourn, 12, 2)
    assert refused.value.message == message.replace(
        "dann kann abgestimmt", "dann kann über den Antrag abgestimmt"
    )
    assert NOBODY in message
    determine(world, mid, one, world.data.ilsfeld.councillors[3].id or 0)
    assert vote_on(world, mid, one, adjourn, 12, 2).adopted
    assert world.get(AgendaItem, one).outcome == "deferred"


def test_the_body_decides_a_doubtful_bias_only_with_a_chair(world: World) -> None:
    mid, first, _ = two_items(world)
    present = in_session(world, mid)
    one = item_of(world, first)
    mayor = world["ilsfeld.mayor"].person_id or 0
    concerned = world.data.ilsfeld.councillors[5].id or 0
    doubt = declare_doubt(world, one, concerned, doubtful=True)
    declare(world, one, mayor)
    with pytest.raises(Conflict) as refused:
        decide(world, doubt, votes={p: "no" for p in present if p not in (mayor, concerned)})
    assert NOBODY in refused.value.message
    assert "Bei diesem Tagesordnungspunkt führt niemand den Vorsitz" in refused.value.message
    # Ilsfeld's mayor is a Bürgermeisterin (mayor_title, workflow.wording)
    assert "kein Stellvertreter der Bürgermeisterin ist anwesend" in refused.value.message
    assert refused.value.message.endswith("; dann kann über die Befangenheit entschieden werden")
    determine(world, mid, one, world.data.ilsfeld.councillors[3].id or 0)
    decided = decide(world, doubt, votes={p: "no" for p in present if p not in (mayor, concerned)})
    assert decided.decided_biased is False


def test_the_mayor_does_not_lead_the_decision_on_her_own_doubtful_bias(world: World) -> None:
    """Decided "in Abwesenheit des Betroffenen" (§ 18 Abs. 4 Satz 2 GemO): for it she is
    prevented, so her Stellvertreter leads it, or, where none can, the eldest member (§ 48
    Abs. 1 Satz 8 GemO)."""
    mid, first, second = two_items(world)
    present = in_session(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    one, two = item_of(world, first), item_of(world, second)
    others = {p: "no" for p in present if p != mayor}
    doubt = declare_doubt(world, one, mayor, doubtful=True)
    with pytest.raises(Conflict) as refused:
        decide(world, doubt, votes=others)
    assert "in Abwesenheit der betroffenen Person (§ 18 Abs. 4 Satz 2 GemO)" in (
        refused.value.message
    )
    assert "kein Stellvertreter der Bürgermeisterin ist anwesend" in refused.value.message
    assert NOBODY in refused.value.message
    member = world.data.ilsfeld.councillors[3].id or 0
    chair = determine(world, mid, one, member)  # lawful: she is prevented for this decision
    assert (chair.person_id, chair.reason) == (member, DETERMINED)
    assert decide(world, doubt, votes=others).decided_biased is False
    # With a Stellvertreter present he leads it; nothing needs recording.
    stellvertreter(world)
    other_doubt = declare_doubt(world, two, mayor, doubtful=True)
    assert decide(world, other_doubt, votes=others).decided_biased is False


def test_taking_note_waits_for_a_chair(world: World) -> None:
    info = released(world, kind="information", title="Bericht über die Kinderbetreuung")
    mid = new_meeting(world)
    on_agenda(world, info, mid)
    in_session(world, mid)
    item = item_of(world, info)
    leaves(world, mid, item, world["ilsfeld.mayor"].person_id or 0)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", info, "take_note", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert [g.name for g in refused.value.unmet] == ["meeting_in_session"]
    assert NOBODY in refused.value.unmet[0].message
    assert refused.value.unmet[0].message.endswith(
        "; dann kann die Kenntnisnahme festgestellt werden"
    ), "the refusal names the action refused, not the vote"
    determine(world, mid, item, world.data.ilsfeld.councillors[3].id or 0)
    world.fire("proposal", info, "take_note", "ilsfeld.secretary", berlin(MEETING_DAY, 20))


def test_vertagung_and_absetzung_in_the_session_wait_for_a_chair(world: World) -> None:
    mid, first, second = two_items(world)
    free = world.run(
        lambda s: agenda_service.add_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 8),
            meeting_id=mid,
            expected_version=world.get_meeting(mid).version,
            title="Bekanntgaben",
        )
    )
    in_session(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    one = item_of(world, first)
    leaves(world, mid, one, mayor)  # from the first item on, no Stellvertreter
    message = vote_refusal(world, one)
    with pytest.raises(GuardsUnmet) as deferral:
        world.fire("proposal", first, "defer", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    deferred = message.replace("dann kann abgestimmt werden", "dann kann vertagt werden")
    assert deferred != message
    assert [(g.name, g.message) for g in deferral.value.unmet] == [("meeting_in_session", deferred)]
    with pytest.raises(GuardsUnmet) as removal:
        world.fire(
            "proposal", second, "remove_from_agenda", "ilsfeld.mayor", berlin(MEETING_DAY, 20)
        )
    assert [g.name for g in removal.value.unmet] == ["meeting_not_closed"]
    assert NOBODY in removal.value.unmet[0].message
    assert removal.value.unmet[0].message.endswith("; dann kann der Punkt abgesetzt werden")
    with pytest.raises(Conflict) as free_deferral:
        free_outcome(world, mid, free.id or 0, "deferred")
    assert NOBODY in free_deferral.value.message
    assert free_deferral.value.message.endswith("; dann kann vertagt werden")
    with pytest.raises(Conflict) as free_note:
        free_outcome(world, mid, free.id or 0, "noted")
    assert free_note.value.message.endswith("; dann kann die Kenntnisnahme festgestellt werden")
    leaves(world, mid, free.id or 0, mayor, present=True)  # she is back
    free_outcome(world, mid, free.id or 0, "deferred")
    assert world.get(AgendaItem, free.id or 0).outcome == "deferred"


def test_absetzung_before_the_session_needs_no_chair_of_the_item(world: World) -> None:
    """The mayor takes an item off the agenda she set (§ 34 Abs. 1 GemO, GO practice)."""
    _, first, _ = two_items(world)
    item = item_of(world, first)
    world.fire("proposal", first, "remove_from_agenda", "ilsfeld.mayor", berlin(MEETING_DAY, 8))
    assert world.get(AgendaItem, item).removed


def test_in_the_council_the_chair_is_not_handed_over_while_she_can_chair(world: World) -> None:
    """§ 48 Abs. 1 Satz 4 GemO: the Stellvertreter act only where the mayor is prevented,
    in their order (Satz 6); a member only where all are (Satz 7, 8)."""
    mid, first, second = two_items(world)
    deputy, second_deputy = stellvertreter(world)
    in_session(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    one, two = item_of(world, first), item_of(world, second)
    member = world.data.ilsfeld.councillors[3].id or 0
    for person in (member, deputy):
        with pytest.raises(InvalidInput) as refused:
            determine(world, mid, one, person)
        assert refused.value.field == "person_id"
        assert "Bürgermeisterin Beate Beispiel kann den Vorsitz bei diesem Punkt führen" in (
            refused.value.message
        )
        assert "§ 48 Abs. 1 Satz 4, 6 GemO" in refused.value.message
        assert refused.value.message.endswith(
            "Erst wenn alle verhindert sind, führt das an Lebensjahren älteste anwesende "
            "Mitglied, das nicht befangen ist, den Vorsitz (§ 48 Abs. 1 Satz 8 GemO)"
        )
    assert determine(world, mid, one, mayor) == ItemChair(mayor, recorded=True)
    assert determine(world, mid, one, None) == ItemChair(mayor)
    declare(world, two, mayor)
    with pytest.raises(InvalidInput, match="von den Stellvertretern in ihrer Reihenfolge"):
        determine(world, mid, two, second_deputy)  # the first one can
    chair = chair_of(world, two)
    assert (chair.person_id, chair.reason, chair.recorded) == (deputy, BIASED, False)


def test_in_a_committee_the_mayor_may_hand_the_chair_to_a_stellvertreter(world: World) -> None:
    """§ 40 Abs. 4 GemO: to one of her Stellvertreter at will, to another member of a
    beschließender Ausschuss only when all Stellvertreter are prevented."""
    deputy, _ = stellvertreter(world)
    pid, mid = planned(world, "Technischer Ausschuss")
    in_session(world, mid)
    item = item_of(world, pid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    member = world.data.ilsfeld.councillors[3].id or 0
    with pytest.raises(InvalidInput, match=r"§ 40 Abs\. 4 GemO"):
        determine(world, mid, item, member)
    chair = determine(world, mid, item, deputy)
    assert (chair.person_id, chair.prevented, chair.reason) == (deputy, mayor, DETERMINED)
    vote_all_yes(world, item)
    # Where no Stellvertreter sits in the committee, she may name a member.
    other_pid, other_mid = planned(world, "Verwaltungsausschuss")
    in_session(world, other_mid)
    other = item_of(world, other_pid)
    member = world.data.ilsfeld.councillors[6].id or 0
    assert determine(world, other_mid, other, member).person_id == member
