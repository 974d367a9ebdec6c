"""Who must decide and who must be heard first: matters reserved to the council (§ 39 Abs. 2,
§ 44 Abs. 2 S. 3 GemO) and the hearing of Ortschaftsräte (§ 70 Abs. 1, § 65 Abs. 2 GemO)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, MEETING_DAY, in_session, vote
from workflow.errors import GuardsUnmet, InvalidInput
from workflow.models import Body, ConsultationStep, Membership, Proposal
from workflow.services import meetings as meeting_service
from workflow.services.proposals import (
    ProposalFields,
    StepInput,
    create_proposal,
    update_proposal,
)

HEARING_DAY = date(2024, 4, 16)
LOCAL_COUNCIL = "Ortschaftsrat Auenstein"


def local_council(world: World, name: str = LOCAL_COUNCIL) -> int:
    """An Ortschaftsrat with the mayor in the chair and five councillors as members."""

    def create(s: Session) -> int:
        town = world.data.ilsfeld
        body = Body(municipality_id=town.municipality.id or 0, name=name, kind="local_council")
        s.add(body)
        s.flush()
        s.add(Membership(body_id=body.id or 0, person_id=town.mayor.id or 0, role="chair"))
        s.add_all(
            Membership(body_id=body.id or 0, person_id=p.id or 0) for p in town.councillors[:5]
        )
        return body.id or 0

    return int(world.run(create))


def council(world: World) -> StepInput:
    return StepInput(body_id=world.body_id("Gemeinderat"), planned_date=MEETING_DAY, decides=True)


def hearing(body_id: int) -> StepInput:
    return StepInput(body_id=body_id, planned_date=HEARING_DAY, advises=True)


def proposal(
    world: World,
    steps: list[StepInput],
    *,
    reserved_matter: str | None = None,
    hearing_bodies: list[int] | None = None,
) -> int:
    content = ProposalFields(
        title="Satzung über die Benutzung der Mehrzweckhalle",
        resolution_text="Der Gemeinderat beschließt die Satzung.",
        proposal_date=DAY,
        reserved_matter=reserved_matter,
        hearing_bodies=hearing_bodies or [],
    )
    made = world.run(
        lambda s: create_proposal(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 8),
            municipality_id=world.data.ilsfeld.municipality.id or 0,
            content=content,
            steps=steps,
        )
    )
    return known(made.id)


def update(
    world: World, pid: int, changes: dict[str, object], steps: list[StepInput] | None = None
) -> Proposal:
    return world.run(
        lambda s: update_proposal(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 9),
            proposal_id=pid,
            expected_version=world.get(Proposal, pid).version,
            changes=changes,
            steps=steps,
        )
    )


def release(world: World, pid: int) -> None:
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(DAY, 11))


def meeting(world: World, body_id: int, day: date) -> int:
    made = world.run(
        lambda s: meeting_service.create_meeting(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 8),
            body_id=body_id,
            meeting_date=day,
        )
    )
    return known(made.id)


def voted(world: World, pid: int, body_id: int, day: date) -> None:
    """On the agenda of a new meeting of ``body_id``, in session, everybody voting yes."""
    mid = meeting(world, body_id, day)
    world.fire(
        "proposal", pid, "schedule", "ilsfeld.secretary", berlin(DAY, 12), data={"meeting_id": mid}
    )
    present = in_session(world, mid, day=day)
    vote(world, pid, dict.fromkeys(present, "yes"), day=day)


# § 39 Abs. 2, § 44 Abs. 2 S. 3 GemO ---------------------------------------------------------


def test_reserved_matter_is_decided_by_the_council_only(world: World) -> None:
    committee = StepInput(body_id=world.body_id("Technischer Ausschuss"), decides=True)
    with pytest.raises(InvalidInput) as refused:
        proposal(world, [committee], reserved_matter="bylaws")
    assert refused.value.field == "steps.0.decides"
    assert refused.value.message.startswith('Beratungsschritt 1: "Technischer Ausschuss"')
    assert "§ 39 Abs. 2 Nr. 3 GemO" in refused.value.message

    pid = proposal(world, [council(world)], reserved_matter="bylaws")
    assert world.get(Proposal, pid).reserved_matter == "bylaws"
    with pytest.raises(InvalidInput) as on_update:  # a new plan is held to the same rule
        update(world, pid, {}, steps=[committee])
    assert on_update.value.field == "steps.0.decides"

    delegated = proposal(world, [committee])  # without the tag the committee may decide
    with pytest.raises(InvalidInput) as tagged:  # tagging it later is checked against the plan
        update(world, delegated, {"reserved_matter": "budget"})
    assert tagged.value.field == "reserved_matter"
    assert "§ 39 Abs. 2 Nr. 14 GemO" in tagged.value.message


def test_unknown_reserved_matter_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        proposal(world, [council(world)], reserved_matter="Satzung")
    assert refused.value.field == "reserved_matter"


def test_plan_made_before_the_tag_is_refused_at_submit(world: World) -> None:
    pid = proposal(world, [StepInput(body_id=world.body_id("Verwaltungsausschuss"), decides=True)])

    def tag(s: Session) -> None:
        row = s.get(Proposal, pid)
        assert row is not None
        row.reserved_matter = "asset_disposal"
        s.add(row)

    world.run(tag)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    assert "consultation_plan_valid" in [g.name for g in refused.value.unmet]
    assert '"Verwaltungsausschuss" kann nicht beschließen' in refused.value.message
    assert "§ 39 Abs. 2 Nr. 10 GemO" in refused.value.message


def test_urgent_decision_stays_possible_on_a_reserved_matter(world: World) -> None:
    """§ 43 Abs. 4 GemO: the mayor decides in the council's place, no delegation."""
    pid = proposal(world, [council(world)], reserved_matter="budget")
    release(world, pid)
    fired = world.fire(
        "proposal",
        pid,
        "urgent_decision",
        "ilsfeld.mayor",
        berlin(DAY, 12),
        comment="Förderantrag muss bis morgen gestellt sein",
    )
    assert fired.dest == "urgent_decided"


# § 70 Abs. 1, § 65 Abs. 2 GemO -------------------------------------------------------------


def test_bodies_to_be_heard_are_local_councils_of_the_municipality(world: World) -> None:
    cases = [
        (999_999, "gehört nicht zur Gemeinde"),
        (world.body_id("Gemeinderat", town="flein"), "gehört nicht zur Gemeinde"),
        (world.body_id("Technischer Ausschuss"), "ist kein Ortschaftsrat oder Bezirksbeirat"),
    ]
    own = local_council(world)
    for body_id, reason in cases:
        with pytest.raises(InvalidInput) as refused:
            proposal(world, [hearing(own), council(world)], hearing_bodies=[own, body_id])
        assert refused.value.field == "hearing_bodies.1"
        assert reason in refused.value.message


def test_plan_hears_the_local_council_before_the_decision(world: World) -> None:
    body_id = local_council(world)
    with pytest.raises(InvalidInput) as refused:
        proposal(world, [council(world)], hearing_bodies=[body_id])
    assert refused.value.field == "steps"
    assert f'"{LOCAL_COUNCIL}" ist vor der Entscheidung zu hören' in refused.value.message
    assert "§ 70 Abs. 1 GemO" in refused.value.message

    pid = proposal(world, [council(world)])
    with pytest.raises(InvalidInput) as tagged:
        update(world, pid, {"hearing_bodies": [body_id]})
    assert tagged.value.field == "hearing_bodies.0"
    both = update(
        world, pid, {"hearing_bodies": [body_id]}, steps=[hearing(body_id), council(world)]
    )
    assert both.hearing_bodies == [body_id]


def test_council_decides_only_after_the_hearing(world: World) -> None:
    body_id = local_council(world)
    pid = proposal(world, [hearing(body_id), council(world)], hearing_bodies=[body_id])
    release(world, pid)

    def skip_hearing(s: Session) -> None:  # e.g. a plan moved on by hand or by an import
        row = s.get(Proposal, pid)
        assert row is not None
        row.current_step = 2
        s.add(row)

    world.run(skip_hearing)
    gr = world.body_id("Gemeinderat")
    voted(world, pid, gr, MEETING_DAY)
    for trigger in ("adopt", "reject"):
        with pytest.raises(GuardsUnmet) as refused:
            world.fire("proposal", pid, trigger, "ilsfeld.secretary", berlin(MEETING_DAY, 20))
        assert "local_councils_heard" in [g.name for g in refused.value.unmet]
        assert (
            f'"{LOCAL_COUNCIL}" ist vor der Entscheidung zu hören, hat aber noch nicht beraten '
            "(Beratungsschritt 1, § 70 Abs. 1 GemO)"
        ) in refused.value.message


def test_heard_local_council_lets_the_council_decide(world: World) -> None:
    body_id = local_council(world)
    pid = proposal(world, [hearing(body_id), council(world)], hearing_bodies=[body_id])
    release(world, pid)
    voted(world, pid, body_id, HEARING_DAY)
    world.fire("proposal", pid, "recommend", "ilsfeld.secretary", berlin(HEARING_DAY, 20))
    voted(world, pid, world.body_id("Gemeinderat"), MEETING_DAY)
    fired = world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert fired.dest == "decided"
    outcomes = world.run(
        lambda s: [
            st.outcome
            for st in s.exec(
                select(ConsultationStep)
                .where(ConsultationStep.proposal_id == pid)
                .order_by(ConsultationStep.position)  # type: ignore[arg-type]
            )
        ]
    )
    assert outcomes == ["recommended", "adopted"]
