"""Umlaufverfahren on a simple matter (§ 37 Abs. 1 Satz 2 GemO, DOMAIN.md rule 14)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import World, berlin
from tests.integration.flow import DAY, released
from workflow.errors import Conflict, GuardsUnmet
from workflow.models import AuditEvent, Proposal, Resolution
from workflow.queries import voting_members
from workflow.services.circulation import ReplyRecorded, record_reply

REPLY_DAY = date(2024, 4, 10)


def circulated(world: World) -> tuple[int, list[int]]:
    """A released proposal in circulation; returns it and the council's voting members."""
    pid = released(world)
    fired = world.fire(
        "proposal",
        pid,
        "circulate",
        "ilsfeld.mayor",
        berlin(DAY, 12),
        data={"simple_matter": True},
    )
    assert fired.dest == "in_circulation"
    members = world.run(lambda s: voting_members(s, world.body_id("Gemeinderat")))
    return pid, members


def reply(
    world: World,
    pid: int,
    person_id: int,
    choice: str,
    *,
    actor: str = "ilsfeld.secretary",
    reason: str | None = None,
) -> ReplyRecorded:
    recorded: ReplyRecorded = world.run(
        lambda s: record_reply(
            session=s,
            workflows=world.workflows,
            actor=world[actor],
            now=berlin(REPLY_DAY, 9),
            proposal_id=pid,
            person_id=person_id,
            choice=choice,
            reason=reason,
        )
    )
    return recorded


def test_consent_of_every_member_adopts_and_opens_the_objection_week(world: World) -> None:
    pid, members = circulated(world)
    own = world["ilsfeld.council"].person_id
    assert own is not None
    last = None
    for person in members:
        actor = "ilsfeld.council" if person == own else "ilsfeld.secretary"
        assert world.get(Proposal, pid).state == "in_circulation"
        last = reply(world, pid, person, "consent", actor=actor)
    assert last is not None
    assert last.fired is not None
    assert last.fired.trigger == "circulation_adopted"
    assert last.fired.dest == "decided"
    assert {e.rule for e in last.fired.deadlines if e.change == "opened"} >= {"objection_window"}
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert resolution.kind == "circulation"
    assert resolution.adopted
    assert resolution.meeting_id is None
    assert resolution.body_id == world.body_id("Gemeinderat")
    assert resolution.decided_on == REPLY_DAY
    assert (resolution.yes, resolution.no, resolution.members) == (len(members), 0, len(members))
    # the normal post-decision path: § 43 Abs. 2 GemO objection week, then final
    world.fire("proposal", pid, "waive_objection", "ilsfeld.mayor", berlin(REPLY_DAY, 12))
    assert world.get(Proposal, pid).state == "final"


def test_one_objection_sends_it_back_to_scheduling(world: World) -> None:
    pid, members = circulated(world)
    reply(world, pid, members[0], "consent")
    recorded = reply(world, pid, members[1], "objection", reason="Bitte in der Sitzung beraten")
    assert recorded.fired is not None
    assert recorded.fired.trigger == "circulation_objected"
    assert recorded.proposal_state == "ready"
    event = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "proposal",
                AuditEvent.instance_id == pid,
                AuditEvent.trigger == "circulation_objected",
            )
        ).one()
    )
    assert event.actor == "system"
    assert event.data["objected_by"] == members[1]
    assert event.data["objection_reason"] == "Bitte in der Sitzung beraten"
    with pytest.raises(Conflict):  # the round is over
        reply(world, pid, members[2], "consent")
    assert (
        world.run(lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).all())
        == []
    )


def test_non_member_and_biased_member_cannot_take_part(world: World) -> None:
    pid, members = circulated(world)
    secretary = world["ilsfeld.secretary"].person_id
    assert secretary is not None
    assert secretary not in members
    with pytest.raises(GuardsUnmet) as refused:
        reply(world, pid, secretary, "consent")
    assert [g.name for g in refused.value.unmet] == ["circulation_member"]
    flein = world.data.flein.councillors[0].id or 0
    with pytest.raises(GuardsUnmet) as refused:
        reply(world, pid, flein, "consent")
    assert [g.name for g in refused.value.unmet] == ["circulation_member"]

    biased = members[1]
    reply(world, pid, biased, "bias", reason="Eigentümer des Nachbargrundstücks")
    with pytest.raises(GuardsUnmet) as refused:
        reply(world, pid, biased, "objection")
    assert [g.name for g in refused.value.unmet] == ["not_biased"]
    reply(world, pid, members[0], "consent")
    with pytest.raises(Conflict):
        reply(world, pid, members[0], "objection")
    # a member answers once, and only for themself
    own = world["ilsfeld.council"].person_id
    other = next(p for p in members if p not in (own, members[0], biased))
    with pytest.raises(GuardsUnmet) as refused:
        reply(world, pid, other, "consent", actor="ilsfeld.council")
    assert [g.name for g in refused.value.unmet] == ["own_reply"]
    # the biased member is excluded: consent of all others adopts
    last = None
    for person in members:
        if person not in (members[0], biased):
            last = reply(world, pid, person, "consent")
    assert last is not None
    assert last.proposal_state == "decided"
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert (resolution.biased, resolution.present_entitled) == (1, len(members) - 1)


def test_circulate_refused_unless_simple_matter(world: World) -> None:
    pid = released(world)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "circulate", "ilsfeld.secretary", berlin(DAY, 12))
    assert [g.name for g in refused.value.unmet] == ["simple_matter_declared"]
    assert world.get(Proposal, pid).state == "ready"


def test_office_cancels_a_round_that_does_not_finish(world: World) -> None:
    pid, members = circulated(world)
    reply(world, pid, members[0], "consent")
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "cancel_circulation", "ilsfeld.secretary", berlin(DAY, 14))
    assert [g.name for g in refused.value.unmet] == ["comment_given"]
    fired = world.fire(
        "proposal",
        pid,
        "cancel_circulation",
        "ilsfeld.secretary",
        berlin(REPLY_DAY, 14),
        comment="Zwei Mitglieder haben nicht geantwortet",
    )
    assert fired.dest == "ready"
    with pytest.raises(Conflict):
        reply(world, pid, members[1], "consent")
