"""Council matters in a beschließender Ausschuss's remit are pre-deliberated there first
(§ 39 Abs. 4 S. 1 GemO), unless the Vorlage records why not (§ 39 Abs. 5 S. 3 GemO)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, MEETING_DAY
from tests.integration.test_competence import HEARING_DAY, council
from workflow.errors import GuardsUnmet, InvalidInput
from workflow.models import AuditEvent, Body, Proposal
from workflow.services.proposals import ProposalFields, StepInput, create_proposal

BIAS = "Der Technische Ausschuss ist wegen Befangenheit nicht beschlussfähig (§ 39 Abs. 5 Satz 3)"


def advice(world: World, name: str = "Technischer Ausschuss") -> StepInput:
    return StepInput(body_id=world.body_id(name), planned_date=HEARING_DAY, advises=True)


def proposal(
    world: World, steps: list[StepInput], *, subject: str | None, waived: str | None = None
) -> int:
    content = ProposalFields(
        title="Bebauungsplan Schozacher Straße",
        resolution_text="Der Gemeinderat beschließt den Bebauungsplan als Satzung.",
        proposal_date=DAY,
        subject=subject,
        pre_deliberation_waived_reason=waived,
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


def to_release(world: World, pid: int) -> None:
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))


def release(world: World, pid: int) -> str:
    return str(world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(DAY, 11)).dest)


def test_demo_remits_of_ilsfeld(world: World) -> None:
    remits = {
        name: world.get(Body, world.body_id(name)).remit
        for name in ("Gemeinderat", "Technischer Ausschuss", "Verwaltungsausschuss")
    }
    assert remits == {
        "Gemeinderat": [],
        "Technischer Ausschuss": ["bauwesen", "umwelt"],
        "Verwaltungsausschuss": ["finanzen", "personal", "soziales"],
    }


def test_release_without_the_committees_advice_is_refused(world: World) -> None:
    pid = proposal(world, [council(world)], subject="bauwesen")
    to_release(world, pid)
    with pytest.raises(GuardsUnmet) as refused:
        release(world, pid)
    assert [g.name for g in refused.value.unmet] == ["committee_pre_deliberates"]
    message = refused.value.message
    assert 'Der Ausschuss "Technischer Ausschuss" soll die Angelegenheit' in message
    assert "§ 39 Abs. 4 Satz 1 GemO" in message
    assert "§ 39 Abs. 5 Satz 3 GemO" in message
    assert "pre_deliberation_waived_reason" in message
    # The other committee's advice does not count: its remit lacks the subject.
    other = proposal(
        world, [advice(world, "Verwaltungsausschuss"), council(world)], subject="umwelt"
    )
    to_release(world, other)
    with pytest.raises(GuardsUnmet):
        release(world, other)


def test_release_with_the_committees_advice(world: World) -> None:
    pid = proposal(world, [advice(world), council(world)], subject="bauwesen")
    to_release(world, pid)
    assert release(world, pid) == "ready"


def test_recorded_waiver_lets_the_release_pass_and_is_audited(world: World) -> None:
    pid = proposal(world, [council(world)], subject="bauwesen", waived=BIAS)
    to_release(world, pid)
    assert release(world, pid) == "ready"
    assert world.get(Proposal, pid).pre_deliberation_waived_reason == BIAS

    def events(s: Session) -> dict[str, dict[str, object]]:
        rows = s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "proposal", AuditEvent.instance_id == pid
            )
        )
        return {e.trigger: e.data for e in rows}

    audited = world.run(events)
    assert audited["create"]["pre_deliberation_waived_reason"] == BIAS
    assert audited["release"]["pre_deliberation_waived"] == {
        "committees": ["Technischer Ausschuss"],
        "reason": BIAS,
    }


def test_subject_outside_every_remit_needs_no_pre_deliberation(world: World) -> None:
    pid = proposal(world, [council(world)], subject="kultur")
    to_release(world, pid)
    assert release(world, pid) == "ready"


def test_committee_deciding_itself_needs_no_pre_deliberation(world: World) -> None:
    committee = StepInput(
        body_id=world.body_id("Technischer Ausschuss"), planned_date=MEETING_DAY, decides=True
    )
    pid = proposal(world, [committee], subject="bauwesen")
    to_release(world, pid)
    assert release(world, pid) == "ready"


def test_unknown_subject_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        proposal(world, [council(world)], subject="Bauwesen")
    assert refused.value.field == "subject"
