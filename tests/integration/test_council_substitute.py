"""§ 37 Abs. 4 GemO: the mayor decides when the council cannot (DOMAIN.md rule 12)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, in_session, item_of
from tests.integration.test_meetings import (
    AFTER,
    SECOND_DAY,
    attend,
    declare_bias,
    members_of,
    not_quorate,
    planned,
    schedule_on,
    second_session,
)
from workflow.errors import GuardsUnmet
from workflow.models import Proposal, Resolution

HEARD = {"councillors_heard": True}
REASON = "Anhörung der nicht befangenen Gemeinderäte am 23.04.2024"


def decide(world: World, pid: int, data: dict[str, object] | None = None) -> str:
    fired = world.fire(
        "proposal",
        pid,
        "decide_instead_of_council",
        "ilsfeld.mayor",
        berlin(MEETING_DAY, 21),
        comment=REASON,
        data=HEARD if data is None else data,
    )
    return fired.dest


def biased_but(world: World, pid: int, mid: int, keep: list[int]) -> None:
    for person in members_of(world, mid):
        if person not in keep:
            declare_bias(world, item_of(world, pid), person)


def test_fewer_than_three_entitled_skips_the_second_session(world: World) -> None:
    pid, mid = planned(world)
    in_session(world, mid)
    mayor = world["ilsfeld.mayor"].person_id
    councillor = world["ilsfeld.council"].person_id
    assert mayor is not None
    assert councillor is not None
    with pytest.raises(GuardsUnmet) as quorate:
        decide(world, pid)
    assert [g.name for g in quorate.value.unmet] == ["council_cannot_decide"]
    biased_but(world, pid, mid, [mayor, councillor])
    with pytest.raises(GuardsUnmet) as unheard:
        decide(world, pid, data={})
    assert [g.name for g in unheard.value.unmet] == ["councillors_heard"]
    assert decide(world, pid) == "final"
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert resolution.kind == "mayor"
    assert resolution.adopted
    assert (resolution.yes, resolution.no) == (0, 0)
    assert resolution.members - resolution.biased == 2


def test_three_entitled_need_a_second_session_first(world: World) -> None:
    pid, mid = planned(world)
    in_session(world, mid)
    members = members_of(world, mid)
    mayor = world["ilsfeld.mayor"].person_id
    keep = [mayor, *[p for p in members if p != mayor][:2]]
    biased_but(world, pid, mid, [p for p in keep if p is not None])
    with pytest.raises(GuardsUnmet) as refused:
        decide(world, pid)
    assert [g.name for g in refused.value.unmet] == ["council_cannot_decide"]
    assert "zweite Sitzung" in refused.value.unmet[0].message


def test_biased_mayor_cannot_decide_instead(world: World) -> None:
    pid, mid = planned(world)
    in_session(world, mid)
    councillors = [p for p in members_of(world, mid) if p != world["ilsfeld.mayor"].person_id]
    biased_but(world, pid, mid, councillors[:2])
    with pytest.raises(GuardsUnmet) as refused:
        decide(world, pid)
    assert [g.name for g in refused.value.unmet] == ["mayor_not_biased"]
    # Ilsfeld's mayor is a Bürgermeisterin (mayor_title, workflow.wording)
    assert refused.value.unmet[0].message.startswith(
        "Die Bürgermeisterin ist ebenfalls befangen: es entscheidet die Rechtsaufsicht"
    )
    assert world.get(Proposal, pid).state == "scheduled"


def test_second_session_not_quorate_either(world: World) -> None:
    pid, first = not_quorate(world)
    mid = second_session(world, first)
    schedule_on(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(AFTER, 11))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(AFTER, 12))
    with pytest.raises(GuardsUnmet) as unrecorded:
        decide(world, pid)
    assert [g.name for g in unrecorded.value.unmet] == ["council_cannot_decide"]
    attend(world, mid, members_of(world, mid)[:2], SECOND_DAY)
    assert decide(world, pid) == "final"
