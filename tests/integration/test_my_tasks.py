"""Meine Aufgaben (workflow.services.my_tasks) without HTTP: which instances it looks at."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, new_meeting, new_proposal, submitted
from tests.integration.test_decisions import send
from workflow.models import Deadline, Proposal, Resolution
from workflow.services import my_tasks


def tasks_of(world: World, username: str) -> list[my_tasks.Task]:
    return world.run(
        lambda s: my_tasks.tasks(
            session=s, workflows=world.workflows, actor=world[username], now=berlin(DAY, 9)
        )
    )


def deadline_rules(world: World, username: str, kind: str, instance_id: int) -> set[str]:
    """The rules of the user's "Meine Fristen" on one instance."""
    found = world.run(
        lambda s: my_tasks.my_deadlines(session=s, workflows=world.workflows, actor=world[username])
    )
    return {d.rule for d in found if d.instance_type == kind and d.instance_id == instance_id}


def test_the_newest_instances_count_when_there_are_more_than_the_limit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Years of Vorlagen stay in states with an action left (publishing an archived one's
    resolution): the limit keeps the newest, so a new draft's task is never crowded out."""
    monkeypatch.setattr(my_tasks, "MAX_INSTANCES", 2)
    ids = [new_proposal(world, title=f"Vorlage Nummer {n}") for n in range(3)]
    listed = {t.instance_id for t in tasks_of(world, "ilsfeld.clerk")}
    assert listed == set(ids[1:])  # the two newest; the oldest is past the limit


def test_what_waits_for_another_office_does_not_crowd_out_the_users_tasks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Newer Vorlagen in states where only others have a step (decided: the mayor's
    objection period) are not the clerk's candidates: his older draft stays his task."""
    monkeypatch.setattr(my_tasks, "MAX_INSTANCES", 2)
    draft = new_proposal(world, title="Ältere eigene Vorlage")
    newer = [new_proposal(world, title=f"Beschlossene Vorlage {n}") for n in range(2)]

    def decided(session: Session) -> None:
        session.execute(update(Proposal).where(col(Proposal.id).in_(newer)).values(state="decided"))

    world.run(decided)

    def listed(username: str) -> set[int]:
        return {t.instance_id for t in tasks_of(world, username)}

    assert listed("ilsfeld.clerk") == {draft}
    assert set(newer) <= listed("ilsfeld.mayor")  # the decided ones are the mayor's


def test_archived_vorlagen_whose_resolution_is_published_are_no_candidates(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secretary publishes an archived Vorlage's resolution (§ 41b Abs. 5 GemO): years
    of archived Vorlagen whose resolution is long published are not read as candidates
    (``Guard.candidates``), so an older one still to be published is not crowded out."""
    monkeypatch.setattr(my_tasks, "MAX_INSTANCES", 2)
    older = new_proposal(world, title="Beschluss noch zu veröffentlichen")
    newer = [new_proposal(world, title=f"Veröffentlichter Beschluss {n}") for n in range(2)]

    def archived(session: Session) -> None:
        ids = [older, *newer]
        session.execute(update(Proposal).where(col(Proposal.id).in_(ids)).values(state="archived"))
        for pid in ids:
            session.add(
                Resolution(
                    proposal_id=pid,
                    decided_on=DAY,
                    text="Der Gemeinderat beschließt.",
                    adopted=True,
                    published_at=None if pid == older else berlin(DAY, 12),
                )
            )

    world.run(archived)
    found = tasks_of(world, "ilsfeld.secretary")
    assert {t.instance_id for t in found} & {older, *newer} == {older}
    assert [a.trigger for t in found if t.instance_id == older for a in t.actions] == ["publish"]


def test_options_alone_make_no_task(world: World) -> None:
    """Withdrawing a Vorlage or returning it to its author (``task: false`` in the
    definition) is open to the mayor in every state before the vote, cancelling to him for
    every planned meeting: none of that is his task. A Vorlage awaiting his release is, and
    lists only the steps he is asked to take."""
    cosigning = new_proposal(world, title="In Mitzeichnung")
    pid = new_proposal(world)
    for proposal in (cosigning, pid):
        submitted(world, proposal)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    mid = new_meeting(world)
    mayor = {t.instance_id: t for t in tasks_of(world, "ilsfeld.mayor")}
    assert mid not in mayor  # only "Sitzung absagen" (and the agenda, which is empty)
    assert cosigning not in mayor  # only withdrawing or returning it
    assert world.run(lambda s: known(s.get(Proposal, pid))).state == "awaiting_release"
    triggers = {a.trigger for a in mayor[pid].actions}
    assert "release" in triggers
    assert not triggers & {"withdraw", "return_to_author", "urgent_decision"}
    # A draft is its author's to submit (task: owner), though the head and the mayor may too.
    draft = new_proposal(world, title="Entwurf der Sachbearbeitung")
    clerk = {t.instance_id: t for t in tasks_of(world, "ilsfeld.clerk")}
    assert {a.trigger for a in clerk[draft].actions} == {"submit"}  # not "withdraw"
    assert draft not in {t.instance_id for t in tasks_of(world, "ilsfeld.mayor")}
    assert draft not in {t.instance_id for t in tasks_of(world, "ilsfeld.head")}
    own = new_proposal(world, author="ilsfeld.head", title="Entwurf der Amtsleitung")
    assert own in {t.instance_id for t in tasks_of(world, "ilsfeld.head")}


def test_my_deadlines_are_those_that_address_me(world: World) -> None:
    """The co-signing deadlines remind the co-signers: they are the head's "Meine Fristen",
    not a councillor's nor the mayor's, though both may read the Vorlage (as in the
    personal calendar feed, ``deadlines.addressees``)."""
    pid = new_proposal(world)
    submitted(world, pid)

    def mine(username: str) -> set[str]:
        return deadline_rules(world, username, "proposal", pid)

    assert mine("ilsfeld.head") == {"cosigning_reply", "cosigning_before_meeting"}
    assert mine("ilsfeld.council") == set()
    assert mine("ilsfeld.mayor") == set()


def test_a_deadline_that_reminds_nobody_is_of_whom_it_escalates_to(world: World) -> None:
    """The district's "Antworten der Gemeinden" reminds nobody and escalates to the
    coordinator: it is his deadline, not the municipalities' clerks'."""
    request_id = send(world)
    assert deadline_rules(world, "lra.coordinator", "decision_request", request_id) == {
        "replies_due"
    }
    assert deadline_rules(world, "ilsfeld.clerk", "decision_request", request_id) == set()


def test_a_task_whose_deadline_was_missed_is_due_on_its_day(world: World) -> None:
    """The sweep marks a deadline missed once its day is over; the task it belongs to still
    shows that day (overdue), not "offen" without a date."""
    pid = new_proposal(world)

    def missed(session: Session) -> None:
        session.add(
            Deadline(
                instance_type="proposal",
                instance_id=pid,
                municipality_id=world.data.ilsfeld.municipality.id,
                rule="cosigning_reply",
                label="Mitzeichnung",
                due_date=DAY,
                status="missed",
                opened_seq=1,
            )
        )

    world.run(missed)
    task = next(t for t in tasks_of(world, "ilsfeld.clerk") if t.instance_id == pid)
    assert task.due == DAY
