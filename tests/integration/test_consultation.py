"""The Beratungsfolge: in public or not (§ 35), who may decide (§§ 39, 41, 70) and who
decides after an objection to a committee resolution (§ 43 Abs. 3 GemO)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    NON_PUBLIC_REASON,
    adopted,
    in_session,
    item_of,
    new_meeting,
    new_proposal,
    released,
    scheduled,
    vote,
)
from workflow.context import SYSTEM
from workflow.errors import GuardsUnmet, InvalidInput
from workflow.law.consultation import DELEGATED_LOCAL_COUNCILS
from workflow.models import (
    AgendaItem,
    Body,
    ConsultationStep,
    Deadline,
    Municipality,
    Proposal,
    Resolution,
)
from workflow.services.proposals import StepInput, update_proposal

COMMITTEE_DAY = date(2024, 4, 16)


def plan_of(world: World, pid: int) -> list[tuple[str, bool, str | None]]:
    def read(s: Session) -> list[tuple[str, bool, str | None]]:
        rows = s.exec(
            select(ConsultationStep, Body)
            .join(Body, Body.id == ConsultationStep.body_id)  # type: ignore[arg-type]
            .where(ConsultationStep.proposal_id == pid)
            .order_by(ConsultationStep.position)  # type: ignore[arg-type]
        ).all()
        return [(b.name, st.decides, st.outcome) for st, b in rows]

    return list(world.run(read))


def add_body(world: World, name: str, kind: str) -> int:
    def create(s: Session) -> int:
        body = Body(municipality_id=world.data.ilsfeld.municipality.id or 0, name=name, kind=kind)
        s.add(body)
        s.flush()
        return body.id or 0

    return int(world.run(create))


def deciding(world: World, body_id: int) -> list[StepInput]:
    return [StepInput(body_id=body_id, planned_date=MEETING_DAY, decides=True)]


# § 35 Abs. 1 GemO -------------------------------------------------------------------------


def test_non_public_proposal_is_dealt_with_non_publicly_in_every_body(world: World) -> None:
    """The step says public (the default), the proposal says non-public: the proposal wins,
    the item carries its reason, and the resolution is not put online (§ 41b Abs. 5)."""
    pid = released(world, public=False)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    item = world.get(AgendaItem, item_of(world, pid))
    assert (item.public, item.non_public_reason) == (False, NON_PUBLIC_REASON)
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert resolution.public is False
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 24)))
    assert [g.name for g in refused.value.unmet] == ["resolution_public"]


def test_non_public_step_of_a_public_proposal_carries_the_reason(world: World) -> None:
    steps = [
        StepInput(
            body_id=world.body_id("Technischer Ausschuss"),
            planned_date=COMMITTEE_DAY,
            advises=True,
            public=False,
        ),
        StepInput(body_id=world.body_id("Gemeinderat"), planned_date=MEETING_DAY, decides=True),
    ]
    pid = released(world, steps=steps)
    scheduled(world, pid, new_meeting(world, "Technischer Ausschuss", COMMITTEE_DAY))
    item = world.get(AgendaItem, item_of(world, pid))
    assert (item.public, item.non_public_reason) == (False, NON_PUBLIC_REASON)


def test_non_public_treatment_without_reason_is_refused_before_cosigning(world: World) -> None:
    """DOMAIN.md rule 7: the draft may be incomplete (an imported Vorlage ticks "nicht
    öffentlich" but names no reason); submitting it names the step that lacks one."""
    committee = world.body_id("Technischer Ausschuss")
    steps = [
        StepInput(body_id=committee, advises=True, public=False),
        StepInput(body_id=world.body_id("Gemeinderat"), decides=True),
    ]
    pid = new_proposal(world, steps=steps, non_public_reason="")
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    assert [g.name for g in refused.value.unmet] == ["non_public_reason_given"]
    assert "Beratungsschritt 1 (Technischer Ausschuss) ist nichtöffentlich" in (
        refused.value.message
    )
    secret = new_proposal(world, public=False, non_public_reason="")
    with pytest.raises(GuardsUnmet) as also:
        world.fire("proposal", secret, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    assert [g.name for g in also.value.unmet] == ["non_public_reason_given"]
    world.run(
        lambda s: update_proposal(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 9),
            proposal_id=pid,
            expected_version=world.get(Proposal, pid).version,
            changes={"non_public_reason": "Angebotspreise der Bieter (§ 35 Abs. 1 GemO)"},
        )
    )
    assert world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9)).dest == (
        "cosigning"
    )


# §§ 39, 41, 70 GemO -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "law"),
    [
        ("Sozialausschuss", "advisory_committee", "§ 41 Abs. 1 GemO"),
        ("Ortschaftsrat Auenstein", "local_council", "§ 70 Abs. 1, 2 GemO"),
    ],
)
def test_only_a_competent_body_decides(world: World, name: str, kind: str, law: str) -> None:
    body_id = add_body(world, name, kind)
    with pytest.raises(InvalidInput) as refused:
        new_proposal(world, steps=deciding(world, body_id))
    assert refused.value.field == "steps.0.decides"
    assert refused.value.message.startswith("Beratungsschritt 1: ")
    assert f'"{name}"' in refused.value.message
    assert law in refused.value.message
    pid = new_proposal(world)  # an update is held to the same rule
    with pytest.raises(InvalidInput) as on_update:
        world.run(
            lambda s: update_proposal(
                session=s,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY, 9),
                proposal_id=pid,
                expected_version=world.get(Proposal, pid).version,
                changes={},
                steps=[
                    StepInput(body_id=world.body_id("Gemeinderat"), advises=True),
                    *deciding(world, body_id),
                ],
            )
        )
    assert on_update.value.field == "steps.1.decides"
    advising = [
        StepInput(body_id=body_id, advises=True),
        StepInput(body_id=world.body_id("Gemeinderat"), decides=True),
    ]
    assert new_proposal(world, steps=advising)  # advising is what these bodies do


def test_local_council_with_delegated_decisions_decides(world: World) -> None:
    """§ 70 Abs. 2 GemO: the Hauptsatzung may delegate; the municipality's settings say so."""
    body_id = add_body(world, "Ortschaftsrat Auenstein", "local_council")

    def delegate(s: Session) -> None:
        town = s.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.settings = {**town.settings, DELEGATED_LOCAL_COUNCILS: ["Ortschaftsrat Auenstein"]}
        s.add(town)

    world.run(delegate)
    pid = new_proposal(world, steps=deciding(world, body_id))
    assert plan_of(world, pid) == [("Ortschaftsrat Auenstein", True, None)]


def test_plan_made_before_the_rule_is_refused_at_submit(world: World) -> None:
    """A draft whose deciding body lost its competence (or was saved before the check)."""
    body_id = add_body(world, "Sozialausschuss", "advisory_committee")
    pid = new_proposal(world)

    def retarget(s: Session) -> None:
        step = s.exec(select(ConsultationStep).where(ConsultationStep.proposal_id == pid)).one()
        step.body_id = body_id
        s.add(step)

    world.run(retarget)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    assert [g.name for g in refused.value.unmet] == ["consultation_plan_valid"]
    assert "§ 41 Abs. 1 GemO" in refused.value.message


# § 43 Abs. 3 GemO -------------------------------------------------------------------------


def test_council_decides_on_objection_to_a_committee_resolution(world: World) -> None:
    committee = world.body_id("Technischer Ausschuss")
    pid = released(
        world, steps=[StepInput(body_id=committee, planned_date=COMMITTEE_DAY, decides=True)]
    )
    first = new_meeting(world, "Technischer Ausschuss", COMMITTEE_DAY)
    scheduled(world, pid, first)
    present = in_session(world, first, day=COMMITTEE_DAY)
    vote(world, pid, dict.fromkeys(present, "yes"), day=COMMITTEE_DAY)
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(COMMITTEE_DAY, 20))
    fired = world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 18)),
        comment="Nachteilig für die Gemeinde (§ 43 Abs. 2 GemO)",
        data={"ground": "detrimental"},
    )
    assert fired.dest == "objected"
    opened = {e.rule: e.due_date for e in fired.deadlines if e.change == "opened"}
    assert opened == {"re_decision": date(2024, 5, 7)}  # committee's day 16.04. + 3 weeks
    assert plan_of(world, pid) == [
        ("Technischer Ausschuss", True, "adopted"),  # on record, with its outcome
        ("Gemeinderat", True, None),
    ]
    world.fire("meeting", first, "close_session", "ilsfeld.mayor", berlin(COMMITTEE_DAY, 22))

    again = new_meeting(world, "Technischer Ausschuss", date(2024, 5, 2))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "proposal",
            pid,
            "schedule",
            "ilsfeld.secretary",
            berlin(date(2024, 4, 19)),
            data={"meeting_id": again},
        )
    assert [g.name for g in refused.value.unmet] == ["meeting_of_step_body"]
    assert "(Gemeinderat)" in refused.value.message

    council = new_meeting(world, "Gemeinderat", date(2024, 5, 7))
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(date(2024, 4, 19)),
        data={"meeting_id": council},
    )
    present = in_session(world, council, day=date(2024, 5, 7))
    vote(world, pid, dict.fromkeys(present, "yes"), day=date(2024, 5, 7))
    assert (
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(date(2024, 5, 7), 20)).dest
        == "decided"
    )
    resolutions = world.run(
        lambda s: s.exec(
            select(Resolution).where(Resolution.proposal_id == pid).order_by(Resolution.id)  # type: ignore[arg-type]
        ).all()
    )
    assert [(r.body_id, r.superseded, r.objected_at is not None) for r in resolutions] == [
        (committee, True, True),
        (world.body_id("Gemeinderat"), False, False),
    ]
    assert plan_of(world, pid)[-1] == ("Gemeinderat", True, "adopted")
    deadline = world.run(
        lambda s: s.exec(
            select(Deadline).where(Deadline.instance_id == pid, Deadline.rule == "re_decision")
        ).one()
    )
    assert deadline.status == "met"
    world.fire("proposal", pid, "finalize", SYSTEM, berlin(date(2024, 5, 15)))
    world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(date(2024, 5, 16)))
    assert world.get(Proposal, pid).state == "executed"


def test_second_objection_goes_to_supervision_without_a_new_step(world: World) -> None:
    """§ 43 Abs. 2 S. 5 GemO: the Rechtsaufsicht decides; no body is scheduled again."""
    pid, mid, present = adopted(world)
    world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 25)),
        comment="rechtswidrig",
        data={"ground": "unlawful"},
    )
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    second = new_meeting(world, day=date(2024, 5, 7))
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(date(2024, 4, 26)),
        data={"meeting_id": second},
    )
    present = in_session(world, second, day=date(2024, 5, 7))
    vote(world, pid, dict.fromkeys(present, "yes"), day=date(2024, 5, 7))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(date(2024, 5, 7), 20))
    world.fire(
        "proposal",
        pid,
        "refer_to_supervision",
        "ilsfeld.mayor",
        berlin(date(2024, 5, 8)),
        comment="weiterhin rechtswidrig",
    )
    assert plan_of(world, pid) == [("Gemeinderat", True, "adopted")] * 2
