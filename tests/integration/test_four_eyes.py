"""Four eyes at co-signing: neither the author nor the submitter co-signs the Vorlage."""

from __future__ import annotations

import pytest

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_proposal
from workflow import audit
from workflow.errors import GuardsUnmet, InvalidInput


def test_submitter_cannot_name_themselves_as_cosigner(world: World) -> None:
    pid = new_proposal(world)  # drafted by ilsfeld.clerk
    with pytest.raises(InvalidInput) as refused:
        world.fire(
            "proposal",
            pid,
            "submit",
            "ilsfeld.finance",
            berlin(DAY, 9),
            data={"cosigners": ["ilsfeld.finance"]},
        )
    assert refused.value.field == "data.cosigners"
    assert "ilsfeld.finance" in refused.value.message


def test_submitter_is_not_asked_and_cannot_cosign(world: World) -> None:
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.finance", berlin(DAY, 9))
    submitted = world.run(lambda s: audit.history(s, "proposal", pid))[-1]
    assert submitted.data["cosigners"] == ["ilsfeld.head"]
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 10))
    assert {g.name for g in refused.value.unmet} == {"is_requested_cosigner", "not_author"}
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))


def test_author_cannot_cosign_even_when_a_colleague_submits(world: World) -> None:
    pid = new_proposal(world, author="ilsfeld.head")
    with pytest.raises(InvalidInput):
        world.fire(
            "proposal",
            pid,
            "submit",
            "ilsfeld.clerk",
            berlin(DAY, 9),
            data={"cosigners": ["ilsfeld.head"]},
        )
