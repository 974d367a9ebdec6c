"""Who chairs the session, recorded with the attendance: the rule of the item's handover
(workflow.chairs.substitute_refusal) for the whole session. In the Gemeinderat and the
Ortschaftsrat the mayor chairs while present (§ 42 Abs. 1 GemO), "die Stellvertretung
beschränkt sich auf die Fälle der Verhinderung" (§ 48 Abs. 1 Satz 4 GemO), in their order
(Satz 6), a member only where all are prevented (Satz 8); in a committee the mayor may
commission a Stellvertreter (§ 40 Abs. 4 GemO), in a beratender Ausschuss any member
(§ 41 Abs. 2 GemO)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY
from tests.integration.test_item_chair import stellvertreter
from tests.integration.test_meetings import (
    attend,
    attend_with_chair,
    invited,
    members_of,
    planned,
)
from workflow.errors import GuardsUnmet, InvalidInput
from workflow.models import Body, Meeting, Person

SATZ_4 = "§ 48 Abs. 1 Satz 4, 6 GemO"


def refusal(world: World, mid: int, present: list[int], chair: int) -> str:
    before = world.get(Meeting, mid).chair_person_id
    with pytest.raises(InvalidInput) as refused:
        attend_with_chair(world, mid, present, chair)
    assert refused.value.field == "chair_person_id"
    assert world.get(Meeting, mid).chair_person_id == before  # nothing recorded
    return refused.value.message


def body_kind(world: World, name: str, kind: str) -> None:
    def change(s: Session) -> None:
        body = s.get(Body, world.body_id(name))
        assert body is not None
        body.kind = kind
        s.add(body)

    world.run(change)


def test_in_the_council_nobody_else_chairs_the_session_while_the_mayor_is_present(
    world: World,
) -> None:
    deputy, second_deputy = stellvertreter(world)
    _, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    member = world.data.ilsfeld.councillors[3].id or 0
    for person in (deputy, member):
        message = refusal(world, mid, members, person)
        # Ilsfeld's mayor by her title, no pronoun standing for her (workflow.wording)
        assert message.startswith(
            "Bürgermeisterin Beate Beispiel kann den Vorsitz in dieser Sitzung führen und "
            "kann ihn nicht übergeben: Den Vorsitz und die Leitung der Verhandlungen hat die "
            "Bürgermeisterin (§ 42 Abs. 1, § 36 Abs. 1 GemO); vertreten wird nur im Fall der "
            "Verhinderung, von den Stellvertretern in ihrer Reihenfolge (§ 48 Abs. 1 Satz 4, "
            "6 GemO). Erst wenn alle verhindert sind, führt das an Lebensjahren älteste "
            "anwesende Mitglied den Vorsitz (§ 48 Abs. 1 Satz 8 GemO)"
        )
    attend_with_chair(world, mid, members, mayor)
    assert world.get(Meeting, mid).chair_person_id == mayor
    # She is prevented: her Stellvertreter in their order, a member only where all are.
    without_her = [p for p in members if p != mayor]
    message = refusal(world, mid, without_her, second_deputy)
    assert message.startswith(f"{world.data.ilsfeld.councillors[0].name} kann den Vorsitz")
    assert refusal(world, mid, without_her, member) == message
    attend_with_chair(world, mid, without_her, deputy)
    assert world.get(Meeting, mid).chair_person_id == deputy
    attend_with_chair(world, mid, [p for p in without_her if p != deputy], second_deputy)
    nobody = [p for p in without_her if p not in (deputy, second_deputy)]
    attend_with_chair(world, mid, nobody, member)  # § 48 Abs. 1 Satz 8 GemO
    assert world.get(Meeting, mid).chair_person_id == member


def test_a_stellvertreter_recorded_before_yields_to_the_mayor_who_came(world: World) -> None:
    """Re-recorded without a name, the chair recorded before stays only where he still may
    chair: once the mayor is present, she does (§ 42 Abs. 1, § 48 Abs. 1 Satz 4 GemO)."""
    deputy, _ = stellvertreter(world)
    _, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    mayor = world["ilsfeld.mayor"].person_id or 0
    attend_with_chair(world, mid, [p for p in members if p != mayor], deputy)
    attend(world, mid, [p for p in members if p != mayor])  # still away: the deputy stays
    assert world.get(Meeting, mid).chair_person_id == deputy
    attend(world, mid, members)
    assert world.get(Meeting, mid).chair_person_id == mayor


def test_in_the_ortschaftsrat_as_in_the_council(world: World) -> None:
    """§ 72 GemO: the Gemeinderat's rules apply to the Ortschaftsrat."""
    deputy, _ = stellvertreter(world)
    _, mid = planned(world, "Technischer Ausschuss")
    body_kind(world, "Technischer Ausschuss", "local_council")
    invited(world, mid)
    members = members_of(world, mid)
    assert deputy in members
    assert SATZ_4 in refusal(world, mid, members, deputy)


def test_in_a_deciding_committee_the_mayor_may_commission_a_stellvertreter(
    world: World,
) -> None:
    """§ 40 Abs. 4 GemO: one of her Stellvertreter at will, another member who is
    Gemeinderat only when all Stellvertreter are prevented."""
    deputy, second_deputy = stellvertreter(world)
    _, mid = planned(world, "Technischer Ausschuss")
    invited(world, mid)
    members = members_of(world, mid)
    member = world.data.ilsfeld.councillors[3].id or 0
    assert {deputy, second_deputy, member} <= set(members)
    assert refusal(world, mid, members, member).startswith(
        "Den Vorsitz kann die Bürgermeisterin einem Stellvertreter übertragen; "
        f"{world.get(Person, member).name} erst, wenn alle Stellvertreter verhindert sind "
        "(§ 40 Abs. 4 GemO)"
    )
    attend_with_chair(world, mid, members, second_deputy)  # the order binds the council only
    assert world.get(Meeting, mid).chair_person_id == second_deputy
    attend(world, mid, members)  # re-recorded without a name: the commission stays
    assert world.get(Meeting, mid).chair_person_id == second_deputy
    no_deputy = [p for p in members if p not in (deputy, second_deputy)]
    attend_with_chair(world, mid, no_deputy, member)
    assert world.get(Meeting, mid).chair_person_id == member


def test_in_an_advisory_committee_the_mayor_may_commission_any_member(world: World) -> None:
    """§ 41 Abs. 2 GemO: "einen seiner Stellvertreter, einen Beigeordneten oder ein
    Mitglied des Ausschusses, das Gemeinderat ist"."""
    stellvertreter(world)
    _, mid = planned(world, "Technischer Ausschuss")
    body_kind(world, "Technischer Ausschuss", "advisory_committee")
    invited(world, mid)
    members = members_of(world, mid)
    member = world.data.ilsfeld.councillors[3].id or 0
    attend_with_chair(world, mid, members, member)
    assert world.get(Meeting, mid).chair_person_id == member


def test_a_session_whose_chair_is_not_recorded_does_not_open(world: World) -> None:
    """The chair opens the session (§ 36 Abs. 1 GemO): a meeting whose recorded chair went
    missing (data from before the chair was recorded with the attendance) is refused, the
    mayor named by Ilsfeld's title and who stands in without a pronoun for her."""
    _, mid = planned(world)
    invited(world, mid)
    attend(world, mid, members_of(world, mid))

    def without_chair(s: Session) -> None:
        meeting = s.get(Meeting, mid)
        assert meeting is not None
        meeting.chair_person_id = None
        s.add(meeting)

    world.run(without_chair)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "open_session", "ilsfeld.secretary", berlin(MEETING_DAY, 19))
    assert [g.message for g in refused.value.unmet] == [
        "Der Vorsitz ist nicht erfasst: Ist die Bürgermeisterin nicht anwesend, ist mit der "
        "Anwesenheit unter „Vorsitz“ anzugeben, wer den Vorsitz führt (§ 48 Abs. 1 Satz 4, 8, "
        "§ 40 Abs. 4, § 41 Abs. 2 GemO)"
    ]
    assert [g.name for g in refused.value.unmet] == ["attendance_recorded"]
