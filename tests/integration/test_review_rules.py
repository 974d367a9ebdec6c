"""The review's defects (issue 10 item 7): circulation of reserved matters, the binding
Vorberatung (§ 39 Abs. 4 S. 2), execution after § 121 Abs. 2, the co-signing deadline."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import World, berlin
from tests.integration.flow import DAY, MEETING_DAY, new_proposal, released
from tests.integration.test_competence import council
from tests.integration.test_pre_deliberation import proposal, release, to_release
from workflow.errors import GuardsUnmet, RoleRefused, TriggerNotAllowed
from workflow.models import Deadline, Municipality, Proposal, Resolution
from workflow.services.proposals import add_execution_task, close_execution_task


def set_proposal(world: World, pid: int, **values: object) -> None:
    def change(session: object) -> None:
        p = session.get(Proposal, pid)  # type: ignore[attr-defined]
        for key, value in values.items():
            setattr(p, key, value)
        session.add(p)  # type: ignore[attr-defined]

    world.run(change)


def test_reserved_matter_cannot_go_into_circulation(world: World) -> None:
    """§ 37 Abs. 1 S. 2 with § 39 Abs. 2 GemO: the "einfach" flag does not make it simple."""
    pid = released(world)
    set_proposal(world, pid, reserved_matter="bylaws")
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "proposal",
            pid,
            "circulate",
            "ilsfeld.mayor",
            berlin(DAY, 12),
            data={"simple_matter": True},
        )
    assert [g.name for g in refused.value.unmet] == ["not_reserved_matter"]
    assert "§ 39 Abs. 2 Nr. 3 GemO" in refused.value.message


def binding(world: World, on: bool) -> None:
    def change(session: object) -> None:
        m = session.get(Municipality, world.data.ilsfeld.municipality.id)  # type: ignore[attr-defined]
        m.settings = {**(m.settings or {}), "pre_deliberation_on_request": on}
        session.add(m)  # type: ignore[attr-defined]

    world.run(change)


def test_requested_pre_deliberation_is_binding_under_the_hauptsatzung(world: World) -> None:
    """§ 39 Abs. 4 S. 2 GemO: on request of a Fraktion the waiver reason no longer helps."""
    binding(world, True)
    pid = proposal(world, [council(world)], subject="bauwesen", waived="eilt")
    set_proposal(world, pid, pre_deliberation_requested_by="Fraktion FWV")
    to_release(world, pid)
    with pytest.raises(GuardsUnmet) as refused:
        release(world, pid)
    assert [g.name for g in refused.value.unmet] == ["committee_pre_deliberates"]
    assert "§ 39 Abs. 4 Satz 2 GemO" in refused.value.message
    assert "Fraktion FWV" in refused.value.message


def test_request_without_the_hauptsatzung_rule_stays_a_soll_rule(world: World) -> None:
    binding(world, False)
    pid = proposal(world, [council(world)], subject="bauwesen", waived="eilt")
    set_proposal(world, pid, pre_deliberation_requested_by="ein Sechstel der Gemeinderäte")
    to_release(world, pid)
    assert release(world, pid) == "ready"


def final_resolution(world: World, **flags: bool) -> int:
    """A proposal decided by the mayor's Eilentscheidung and reported: final."""
    pid = released(world)
    set_proposal(world, pid, **flags)
    world.fire("proposal", pid, "urgent_decision", "ilsfeld.mayor", berlin(DAY, 12), comment="eilt")
    world.fire("proposal", pid, "report_urgent_decision", "ilsfeld.mayor", berlin(DAY, 13))
    assert world.get(Proposal, pid).state == "final"
    return pid


def test_submission_blocks_execution_until_confirmed_or_a_month_passed(world: World) -> None:
    """§ 121 Abs. 2 GemO."""
    pid = final_resolution(world, requires_submission=True)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(DAY, 14))
    assert "noch nicht vorgelegt" in refused.value.message
    world.fire("proposal", pid, "submit_to_supervision", "ilsfeld.secretary", berlin(DAY, 14))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(date(2024, 5, 8)))
    assert "08.05.2024" in refused.value.message  # a month after 08.04.
    fired = world.fire(
        "proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(date(2024, 5, 9))
    )
    assert fired.dest == "executed"


def test_confirmation_frees_execution_at_once(world: World) -> None:
    pid = final_resolution(world, requires_submission=True)
    world.fire("proposal", pid, "submit_to_supervision", "ilsfeld.mayor", berlin(DAY, 14))
    world.fire("proposal", pid, "confirm_by_supervision", "lra.coordinator", berlin(DAY, 15))
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert resolution.submitted_at is not None
    assert resolution.confirmed_at is not None
    fired = world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(DAY, 16))
    assert fired.dest == "executed"


def test_a_beanstandung_of_the_rechtsaufsicht_stops_the_execution(world: World) -> None:
    """§ 121 Abs. 1 GemO: the Rechtsaufsichtsbehörde objects to a resolution submitted to
    it; a month passing afterwards does not free its execution (proposal v6)."""
    pid = final_resolution(world, requires_submission=True)
    grounds = "Verstoß gegen § 78 Abs. 2 GemO (Rangfolge der Einnahmen)"
    with pytest.raises(GuardsUnmet) as early:
        world.fire(
            "proposal", pid, "object_by_supervision", "lra.coordinator", berlin(DAY, 14),
            comment=grounds,
        )  # fmt: skip
    assert "noch nicht vorgelegt" in early.value.message
    world.fire("proposal", pid, "submit_to_supervision", "ilsfeld.secretary", berlin(DAY, 14))
    with pytest.raises(GuardsUnmet) as bare:
        world.fire("proposal", pid, "object_by_supervision", "lra.coordinator", berlin(DAY, 20))
    assert [g.name for g in bare.value.unmet] == ["comment_given"]
    with pytest.raises(RoleRefused):
        world.fire(
            "proposal", pid, "object_by_supervision", "ilsfeld.clerk", berlin(DAY, 20),
            comment=grounds,
        )  # fmt: skip
    fired = world.fire(
        "proposal", pid, "object_by_supervision", "lra.coordinator", berlin(DAY, 20),
        comment=grounds,
    )  # fmt: skip
    assert fired.dest == "annulled"
    with pytest.raises(TriggerNotAllowed):
        world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(date(2024, 6, 1)))


def test_after_the_confirmation_no_beanstandung_is_recorded(world: World) -> None:
    pid = final_resolution(world, requires_submission=True)
    world.fire("proposal", pid, "submit_to_supervision", "ilsfeld.mayor", berlin(DAY, 14))
    world.fire("proposal", pid, "confirm_by_supervision", "lra.coordinator", berlin(DAY, 15))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "proposal", pid, "object_by_supervision", "ilsfeld.mayor", berlin(DAY, 16),
            comment="Schreiben des Regierungspräsidiums",
        )  # fmt: skip
    assert "bereits bestätigt" in refused.value.message


def test_satzung_is_executed_only_after_its_announcement(world: World) -> None:
    """§ 4 Abs. 3 GemO: the Satzung takes effect with its public announcement."""
    pid = final_resolution(world, requires_announcement=True)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(DAY, 14))
    assert "bekannt gemacht" in refused.value.message
    world.fire("proposal", pid, "announce", "ilsfeld.secretary", berlin(DAY, 14))
    with pytest.raises(GuardsUnmet):
        world.fire("proposal", pid, "announce", "ilsfeld.secretary", berlin(DAY, 14))
    fired = world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(DAY, 15))
    assert fired.dest == "executed"


def test_no_submission_for_a_resolution_that_needs_none(world: World) -> None:
    pid = final_resolution(world)
    with pytest.raises(GuardsUnmet):
        world.fire("proposal", pid, "submit_to_supervision", "ilsfeld.secretary", berlin(DAY, 14))
    assert (
        world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(DAY, 14)).dest
        == "executed"
    )


def test_cosigning_deadline_lies_before_the_first_planned_meeting(world: World) -> None:
    """proposal v2+: ``cosigning_before_meeting`` is due ten days before the first planned
    meeting (moved earlier off a weekend), before the fourteen-day reply period ends."""
    pid = new_proposal(world)
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    due = world.run(
        lambda s: {
            d.rule: d.due_date
            for d in s.exec(select(Deadline).where(Deadline.instance_id == pid))
            if d.status == "open"
        }
    )
    assert due["cosigning_before_meeting"] < MEETING_DAY
    assert due["cosigning_before_meeting"] == date(2024, 4, 12)  # 13.04. is a Saturday
    assert due["cosigning_before_meeting"] < due["cosigning_reply"]


def test_open_execution_tasks_are_counted_in_singular_and_plural(world: World) -> None:
    pid = final_resolution(world)

    def add(title: str) -> int:
        task = world.run(
            lambda s: add_execution_task(
                session=s,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY, 14),
                proposal_id=pid,
                title=title,
                owner_id=None,
                target_date=None,
            )
        )
        return int(task.id or 0)

    first = add("Aufträge vergeben")
    add("Abnahme")
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(DAY, 14))
    assert "2 Vollzugsaufgaben sind noch offen" in refused.value.message
    world.run(
        lambda s: close_execution_task(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 15),
            task_id=first,
            status="done",
            note=None,
        )
    )
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(DAY, 15))
    assert "1 Vollzugsaufgabe ist noch offen" in refused.value.message
