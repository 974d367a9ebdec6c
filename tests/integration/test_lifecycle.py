"""The Beschlussvorlage lifecycle end to end, rule by rule (DOMAIN.md encodable rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.conftest import World, berlin, known
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    adopted,
    in_session,
    new_meeting,
    new_proposal,
    released,
    scheduled,
    vote,
)
from workflow.context import SYSTEM
from workflow.errors import GuardsUnmet, RoleRefused, TriggerNotAllowed
from workflow.models import CoSignature, Deadline, Proposal, Resolution
from workflow.services.proposals import ProposalFields, StepInput, create_proposal


def state(world: World, pid: int) -> str:
    return str(world.get(Proposal, pid).state)


def test_full_council_path_reaches_archive(world: World) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    fired = world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert fired.dest == "decided"
    assert {e.rule for e in fired.deadlines if e.change == "opened"} == {
        "objection_window",
        "publication",
    }
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 24)))
    world.fire(
        "proposal",
        pid,
        "finalize",
        SYSTEM,
        berlin(date(2024, 5, 1), 0, 5),
    )
    world.fire("proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(date(2024, 5, 2)))
    world.fire("proposal", pid, "archive", "ilsfeld.secretary", berlin(date(2024, 5, 3)))
    assert state(world, pid) == "archived"
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert resolution.adopted
    assert resolution.yes == len(present)
    assert resolution.published_at is not None


def test_non_public_resolution_opens_no_publication_deadline(world: World) -> None:
    """§ 41b Abs. 5 GemO: online within a week only what a public session resolved; a
    non-public resolution is announced at the next public session (§ 35 Abs. 1 S. 4)."""
    content = ProposalFields(
        title="Grundstücksankauf Flurstück 4711",
        resolution_text="Der Gemeinderat stimmt dem Ankauf zu.",
        proposal_date=DAY,
        public=False,
        non_public_reason="Grundstücksgeschäft: berechtigte Interessen Einzelner",
    )
    step = StepInput(
        body_id=world.body_id("Gemeinderat"), planned_date=MEETING_DAY, decides=True, public=False
    )
    created = world.run(
        lambda s: create_proposal(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 8),
            municipality_id=world.data.ilsfeld.municipality.id or 0,
            content=content,
            steps=[step],
        )
    )
    pid = known(created.id)
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
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    fired = world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert fired.dest == "decided"
    assert [e.rule for e in fired.deadlines if e.change == "opened"] == ["objection_window"]
    rules = world.run(
        lambda s: s.exec(
            select(Deadline.rule).where(
                Deadline.instance_type == "proposal", Deadline.instance_id == pid
            )
        ).all()
    )
    assert "publication" not in rules
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 24)))
    assert [g.name for g in refused.value.unmet] == ["resolution_public"]


def test_author_may_not_cosign_own_proposal(world: World) -> None:
    pid = new_proposal(world, author="ilsfeld.head")
    world.fire("proposal", pid, "submit", "ilsfeld.head", berlin(DAY, 9))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    assert {g.name for g in refused.value.unmet} >= {"is_requested_cosigner", "not_author"}


def test_finance_office_must_cosign_unplanned_spending(world: World) -> None:
    pid = new_proposal(world, unplanned=Decimal("3200.00"))
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"], "required": 1},
    )
    rows = world.run(
        lambda s: s.exec(select(CoSignature).where(CoSignature.proposal_id == pid)).all()
    )
    assert {r.mandatory for r in rows} == {True, False}
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    assert state(world, pid) == "cosigning"  # k=1 reached, but the Kämmerei is mandatory
    fired = world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 11))
    assert [f.dest for f in fired.followed_by] == ["awaiting_release"]


def test_k_of_n_cosigning_completes_at_k(world: World) -> None:
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9), data={"required": 1})
    fired = world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 10))
    assert fired.followed_by[0].dest == "awaiting_release"


def test_cosigner_returns_with_comment(world: World) -> None:
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "return_to_author", "ilsfeld.head", berlin(DAY, 10))
    assert [g.name for g in refused.value.unmet] == ["comment_given"]
    world.fire(
        "proposal",
        pid,
        "return_to_author",
        "ilsfeld.head",
        berlin(DAY, 10),
        comment="Bitte Kosten ergänzen",
    )
    assert state(world, pid) == "draft"
    assert (
        world.run(lambda s: s.exec(select(CoSignature).where(CoSignature.proposal_id == pid)).all())
        == []
    )


def test_only_the_mayor_returns_a_vorlage_awaiting_release(world: World) -> None:
    """Once co-signed it lies with the mayor, named as Ilsfeld's is: a Bürgermeisterin
    (mayor_title, workflow.wording), not the released "beim Bürgermeister"."""
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9), data={"required": 1})
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    assert state(world, pid) == "awaiting_release"
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "proposal", pid, "return_to_author", "ilsfeld.head", berlin(DAY, 11), comment="Nein"
        )
    assert [g.message for g in refused.value.unmet] == [
        "Zur Freigabe liegt die Vorlage bei der Bürgermeisterin"
    ]


def test_return_to_author_cancels_the_rounds_deadlines(world: World) -> None:
    """A returned co-signing round was not done: its deadlines lapse ("cancelled"), not
    "met"; the next submission opens a new round with its own open deadlines."""
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    fired = world.fire(
        "proposal",
        pid,
        "return_to_author",
        "ilsfeld.head",
        berlin(DAY, 10),
        comment="Bitte Kosten ergänzen",
    )
    assert sorted((e.rule, e.change) for e in fired.deadlines) == [
        ("cosigning_before_meeting", "cancelled"),
        ("cosigning_reply", "cancelled"),
    ]
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 11))
    rows = world.run(
        lambda s: s.exec(
            select(Deadline)
            .where(Deadline.instance_type == "proposal", Deadline.instance_id == pid)
            .where(Deadline.rule == "cosigning_reply")
            .order_by(Deadline.id)  # type: ignore[arg-type]
        ).all()
    )
    assert [(d.status, d.closed_at is not None) for d in rows] == [
        ("cancelled", True),
        ("open", False),
    ]
    # Completing the second round meets its deadline as before.
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 12))
    world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 12))
    statuses = world.run(
        lambda s: [
            d.status
            for d in s.exec(
                select(Deadline)
                .where(Deadline.instance_id == pid, Deadline.rule == "cosigning_reply")
                .order_by(Deadline.id)  # type: ignore[arg-type]
            ).all()
        ]
    )
    assert statuses == ["cancelled", "met"]


def test_only_mayor_releases(world: World) -> None:
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9), data={"required": 1})
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    with pytest.raises(RoleRefused) as refused:
        world.fire("proposal", pid, "release", "ilsfeld.clerk", berlin(DAY, 11))
    assert refused.value.allowed_roles == ("mayor",)
    assert "mayor" in refused.value.message or "Bürgermeister" in refused.value.message


def test_advising_committee_then_council(world: World) -> None:
    steps = [
        StepInput(
            body_id=world.body_id("Verwaltungsausschuss"),
            planned_date=date(2024, 4, 16),
            advises=True,
        ),
        StepInput(body_id=world.body_id("Gemeinderat"), planned_date=MEETING_DAY, decides=True),
    ]
    pid = released(world, steps=steps)
    council = new_meeting(world)
    with pytest.raises(GuardsUnmet) as refused:
        scheduled(world, pid, council)
    assert [g.name for g in refused.value.unmet] == ["meeting_of_step_body"]
    committee = new_meeting(world, "Verwaltungsausschuss", date(2024, 4, 16))
    scheduled(world, pid, committee)
    present = in_session(world, committee, day=date(2024, 4, 16))
    vote(world, pid, dict.fromkeys(present, "yes"), day=date(2024, 4, 16))
    with pytest.raises(GuardsUnmet) as wrong:
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(date(2024, 4, 16), 20))
    assert "current_step_decides" in {g.name for g in wrong.value.unmet}
    fired = world.fire(
        "proposal", pid, "recommend", "ilsfeld.secretary", berlin(date(2024, 4, 16), 20)
    )
    assert fired.dest == "ready"
    assert world.get(Proposal, pid).current_step == 2
    scheduled(world, pid, council)
    assert state(world, pid) == "scheduled"


def test_deferral_and_removal_send_back_to_scheduling(world: World) -> None:
    pid = released(world)
    first = new_meeting(world)
    scheduled(world, pid, first)
    world.fire("proposal", pid, "remove_from_agenda", "ilsfeld.mayor", berlin(DAY, 15))
    assert state(world, pid) == "ready"
    scheduled(world, pid, first)
    in_session(world, first)
    world.fire("proposal", pid, "defer", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert state(world, pid) == "ready"
    later = new_meeting(world, day=date(2024, 5, 14))
    scheduled(world, pid, later)
    assert state(world, pid) == "scheduled"


def test_tie_is_rejection(world: World) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    half = len(present) // 2
    choices = {p: ("yes" if i < half else "no") for i, p in enumerate(present[: 2 * half])}
    vote(world, pid, choices)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert [g.name for g in refused.value.unmet] == ["majority_reached"]
    world.fire("proposal", pid, "reject", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert state(world, pid) == "rejected"


def test_abstentions_do_not_count(world: World) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    choices = dict.fromkeys(present, "abstain")
    choices[present[0]] = "yes"
    vote(world, pid, choices)
    assert (
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20)).dest
        == "decided"
    )


def test_objection_requires_new_decision_within_three_weeks(world: World) -> None:
    pid, mid, present = adopted(world)
    fired = world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 25)),
        comment="Verstoß gegen § 39 Abs. 2 GemO",
        data={"ground": "unlawful"},
    )
    assert fired.dest == "objected"
    opened = {e.rule: e.due_date for e in fired.deadlines if e.change == "opened"}
    assert opened == {"re_decision": date(2024, 5, 14)}  # 23.04. + 3 weeks
    with pytest.raises(TriggerNotAllowed):
        world.fire(
            "proposal", pid, "complete_execution", "ilsfeld.clerk", berlin(date(2024, 4, 26))
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
    with pytest.raises(GuardsUnmet) as again:
        world.fire(
            "proposal",
            pid,
            "object",
            "ilsfeld.mayor",
            berlin(date(2024, 5, 8)),
            comment="x",
            data={"ground": "unlawful"},
        )
    assert [g.name for g in again.value.unmet] == ["not_objected_before"]
    world.fire(
        "proposal",
        pid,
        "refer_to_supervision",
        "ilsfeld.mayor",
        berlin(date(2024, 5, 8)),
        comment="weiterhin rechtswidrig",
    )
    world.fire(
        "proposal",
        pid,
        "supervision_annuls",
        "lra.coordinator",
        berlin(date(2024, 6, 1)),
        comment="Beanstandung nach § 121 GemO",
    )
    assert state(world, pid) == "annulled"
    deadlines = world.run(
        lambda s: s.exec(select(Deadline).where(Deadline.rule == "re_decision")).all()
    )
    assert [d.status for d in deadlines] == ["met"]


def test_objection_window_closes_after_one_week(world: World) -> None:
    pid, _, _ = adopted(world)
    system = SYSTEM
    with pytest.raises(GuardsUnmet):
        world.fire("proposal", pid, "finalize", system, berlin(date(2024, 4, 30), 23))
    with pytest.raises(GuardsUnmet) as late:
        world.fire(
            "proposal",
            pid,
            "object",
            "ilsfeld.mayor",
            berlin(date(2024, 5, 1)),
            comment="zu spät",
            data={"ground": "unlawful"},
        )
    assert "30.04.2024" in late.value.message
    assert world.fire("proposal", pid, "finalize", system, berlin(date(2024, 5, 1))).dest == "final"


def test_urgent_decision_must_be_reported(world: World) -> None:
    pid = released(world)
    fired = world.fire(
        "proposal",
        pid,
        "urgent_decision",
        "ilsfeld.mayor",
        berlin(DAY, 16),
        comment="Förderantrag muss morgen gestellt werden",
    )
    assert fired.dest == "urgent_decided"
    assert [(e.rule, e.due_date) for e in fired.deadlines] == [("urgent_report", date(2024, 4, 9))]
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert resolution.kind == "urgent"
    world.fire("proposal", pid, "report_urgent_decision", "ilsfeld.mayor", berlin(date(2024, 4, 9)))
    assert state(world, pid) == "final"


def test_urgent_decision_of_a_committees_matter_is_reported_to_the_committee(
    world: World,
) -> None:
    """§ 43 Abs. 4 Satz 3 GemO: the mayor's Eilentscheidung in a matter of a beschließender
    Ausschuss is to be told to that committee's members; the deadline says so."""
    committee = world.body_id("Technischer Ausschuss")
    pid = released(world, steps=[StepInput(body_id=committee, decides=True)])
    fired = world.fire(
        "proposal",
        pid,
        "urgent_decision",
        "ilsfeld.mayor",
        berlin(DAY, 16),
        comment="Auftrag muss morgen vergeben werden",
    )
    label = "Unterrichtung des Technischen Ausschusses über die Eilentscheidung"
    assert [(e.rule, e.label) for e in fired.deadlines] == [("urgent_report", label)]
    stored = world.run(
        lambda s: s.exec(
            select(Deadline).where(Deadline.instance_id == pid, Deadline.rule == "urgent_report")
        ).one()
    )
    assert (stored.label, stored.status) == (label, "open")
    # the council's matter keeps the council
    council = released(world, title="Neubau Feuerwehrhaus")
    fired = world.fire(
        "proposal", council, "urgent_decision", "ilsfeld.mayor", berlin(DAY, 16), comment="eilig"
    )
    assert [e.label for e in fired.deadlines] == [
        "Unterrichtung des Gemeinderats über die Eilentscheidung"
    ]


def test_withdrawal_ends_and_cancels_deadlines(world: World) -> None:
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9))
    fired = world.fire(
        "proposal", pid, "withdraw", "ilsfeld.clerk", berlin(DAY, 10), comment="erledigt"
    )
    assert fired.dest == "withdrawn"
    assert sorted((e.rule, e.change) for e in fired.deadlines) == [
        ("cosigning_before_meeting", "cancelled"),
        ("cosigning_reply", "cancelled"),
    ]
