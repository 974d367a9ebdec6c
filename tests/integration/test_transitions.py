"""Firing rules: version checks, refusals, available actions, tenants, the role matrix."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_proposal
from workflow.context import SYSTEM, Actor
from workflow.definitions.spec import ROLES
from workflow.errors import GuardsUnmet, NotFound, RoleRefused, StaleVersion, TriggerNotAllowed
from workflow.models import Meeting, Proposal
from workflow.services.transition import available_actions, fire

HUMAN_ROLES = sorted(ROLES - {"system"})


def test_stale_expected_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    pid = new_proposal(world)
    with pytest.raises(StaleVersion) as stale:
        world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY), expected_version=7)
    assert "Version 7" in stale.value.message
    assert world.get(Proposal, pid).state == "draft"


def test_trigger_not_allowed_in_state(world: World) -> None:
    pid = new_proposal(world)
    with pytest.raises(TriggerNotAllowed) as refused:
        world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(DAY))
    assert "Entwurf" in refused.value.message


def test_automatic_transition_cannot_be_fired_by_a_user(world: World) -> None:
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY))
    with pytest.raises(TriggerNotAllowed):
        world.fire("proposal", pid, "complete_cosigning", "ilsfeld.mayor", berlin(DAY))


def test_other_municipality_gets_not_found(world: World) -> None:
    pid = new_proposal(world)
    with pytest.raises(NotFound):
        world.fire("proposal", pid, "submit", "flein.clerk", berlin(DAY))
    with pytest.raises(NotFound):
        world.run(
            lambda s: available_actions(
                session=s,
                workflows=world.workflows,
                kind="proposal",
                instance_id=pid,
                actor=world["flein.clerk"],
                now=berlin(DAY),
            )
        )


def test_available_actions_explain_role_guard_and_state(world: World) -> None:
    pid = new_proposal(world)
    options = world.run(
        lambda s: available_actions(
            session=s,
            workflows=world.workflows,
            kind="proposal",
            instance_id=pid,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY),
        )
    )
    by_trigger = {o.trigger: o for o in options}
    assert by_trigger["submit"].allowed
    # The missing comment is the form's business: allowed, with the comment required.
    assert by_trigger["withdraw"].allowed
    comment = next(f for f in by_trigger["withdraw"].fields if f.path == "comment")
    assert (comment.label, comment.required) == ("Begründung", True)
    assert by_trigger["release"].blocked_by == "state"
    assert "complete_cosigning" not in by_trigger  # automatic: never offered to users
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY))
    options = world.run(
        lambda s: available_actions(
            session=s,
            workflows=world.workflows,
            kind="proposal",
            instance_id=pid,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY),
        )
    )
    cosign = next(o for o in options if o.trigger == "cosign")
    assert cosign.blocked_by == "role"
    assert "Mitzeichnung" in cosign.reasons[0]


def _instance_in_state(session: Session, world: World, kind: str, state: str) -> int:
    municipality_id = world.data.ilsfeld.municipality.id or 0
    wf = world.workflows.latest(kind)
    common: dict[str, Any] = {
        "state": state,
        "definition_name": wf.spec.name,
        "definition_version": wf.spec.version,
        "municipality_id": municipality_id,
    }
    if kind == "proposal":
        row: Any = Proposal(
            year=2030,
            number=abs(hash(state)) % 100000,
            proposal_date=DAY,
            title="Matrix",
            resolution_text="Text",
            **common,
        )
    else:
        row = Meeting(body_id=world.body_id("Gemeinderat"), meeting_date=date(2030, 1, 1), **common)
    session.add(row)
    session.flush()
    return int(row.id)


@pytest.mark.parametrize("kind", ["proposal", "meeting"])
def test_role_transition_matrix(world: World, kind: str) -> None:
    """Every (transition, source, role): refused by role exactly when the definition says so."""
    spec = world.workflows.latest(kind).spec
    actors = {a.role: a for name, a in world.actors.items() if name.startswith("ilsfeld.")}
    actors["admin"] = world["admin"]
    actors["district_coordinator"] = world["lra.coordinator"]
    actors["system"] = SYSTEM
    checked = 0
    for transition in spec.transitions:
        for source in transition.source:
            for role in [*HUMAN_ROLES, "system"]:
                actor: Actor = actors[role]
                with Session(world.engine) as session, session.begin():
                    instance_id = _instance_in_state(session, world, kind, source)
                    outcome = "ok"
                    try:
                        fire(
                            session=session,
                            workflows=world.workflows,
                            kind=kind,
                            instance_id=instance_id,
                            trigger=transition.trigger,
                            actor=actor,
                            now=berlin(DAY),
                        )
                    except RoleRefused:
                        outcome = "role"
                    except TriggerNotAllowed:
                        outcome = "automatic"
                    except GuardsUnmet:
                        outcome = "guard"
                    except NotFound:
                        outcome = "tenant"
                    session.rollback()
                checked += 1
                if transition.automatic and role != "system":
                    assert outcome == "automatic", (transition.trigger, role)
                elif role in transition.roles:
                    assert outcome in ("ok", "guard"), (transition.trigger, source, role, outcome)
                else:
                    assert outcome == "role", (transition.trigger, source, role, outcome)
    assert checked >= len(spec.transitions) * len(HUMAN_ROLES)


def test_gemo_roles_are_as_the_law_says(world: World) -> None:
    """The matrix as the GemO wants it, independent of how the YAML happens to be written."""
    spec = world.workflows.latest("proposal").spec
    roles = {t.trigger: set(t.roles) for t in spec.transitions}
    assert roles["release"] == {"mayor"}
    assert roles["object"] == {"mayor"}  # § 43 Abs. 2
    assert roles["urgent_decision"] == {"mayor"}  # § 43 Abs. 4
    assert roles["decide_instead_of_council"] == {"mayor"}  # § 37 Abs. 4
    assert roles["circulation_objected"] == roles["circulation_adopted"] == {"system"}
    assert roles["cosign"] == {"cosigner"}
    assert roles["finalize"] == {"system"}
    assert roles["supervision_annuls"] == {"district_coordinator"}  # § 119/121
    for trigger, allowed in roles.items():
        assert "council_member" not in allowed, trigger
    meeting = {t.trigger: set(t.roles) for t in world.workflows.latest("meeting").spec.transitions}
    assert meeting["invite"] == {"mayor", "secretary"}  # § 34 Abs. 1: the mayor convenes
    assert meeting["cancel"] == {"mayor"}
