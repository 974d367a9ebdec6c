"""Concurrency: gap-free numbers and exactly one winner among conflicting firings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_proposal
from tests.parallel import run_parallel
from workflow.db import unit_of_work
from workflow.errors import Conflict, WorkflowError
from workflow.models import AuditEvent, Proposal
from workflow.services.proposals import ProposalFields, create_proposal
from workflow.services.transition import fire


def test_parallel_number_assignment_has_no_gaps_or_duplicates(world: World) -> None:
    municipality_id = world.data.ilsfeld.municipality.id or 0
    per_worker = 8

    def create_many(i: int) -> list[int]:
        numbers = []
        for n in range(per_worker):
            content = ProposalFields(
                title=f"Vorlage {i}-{n}",
                resolution_text="Zustimmung",
                proposal_date=date(2025, 3, 1),
            )
            with unit_of_work(world.engine) as session:
                proposal = create_proposal(
                    session=session,
                    workflows=world.workflows,
                    actor=world["ilsfeld.clerk"],
                    now=berlin(date(2025, 3, 1)),
                    municipality_id=municipality_id,
                    content=content,
                    steps=[],
                )
                numbers.append(proposal.number)
        return numbers

    results = run_parallel(6, create_many)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(n for r in results for n in r)
    assert numbers == list(range(1, 6 * per_worker + 1))


def test_rolled_back_creation_returns_its_number(world: World) -> None:
    municipality_id = world.data.ilsfeld.municipality.id or 0
    content = ProposalFields(title="A", resolution_text="B", proposal_date=date(2025, 1, 5))

    class Abort(Exception):
        pass

    try:
        with unit_of_work(world.engine) as session:
            create_proposal(
                session=session,
                workflows=world.workflows,
                actor=world["ilsfeld.clerk"],
                now=berlin(date(2025, 1, 5)),
                municipality_id=municipality_id,
                content=content,
                steps=[],
            )
            raise Abort
    except Abort:
        pass
    with unit_of_work(world.engine) as session:
        proposal = create_proposal(
            session=session,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2025, 1, 5)),
            municipality_id=municipality_id,
            content=content,
            steps=[],
        )
    assert proposal.label == "1/2025"


def test_conflicting_firings_exactly_one_wins(world: World) -> None:
    """Two users act on the same version: one transition lands, the other is refused."""
    for _ in range(5):
        pid = new_proposal(world)
        version = world.get(Proposal, pid).version
        jobs: list[Any] = [
            ("submit", "ilsfeld.clerk", None),
            ("withdraw", "ilsfeld.mayor", "nicht mehr nötig"),
        ]

        def attempt(i: int, pid: int = pid, version: int = version, jobs: list[Any] = jobs) -> str:
            trigger, user, comment = jobs[i]
            with unit_of_work(world.engine) as session:
                fired = fire(
                    session=session,
                    workflows=world.workflows,
                    kind="proposal",
                    instance_id=pid,
                    trigger=trigger,
                    actor=world[user],
                    now=berlin(DAY, 9),
                    expected_version=version,
                    comment=comment,
                )
            return fired.dest

        results = run_parallel(2, attempt)
        winners = [r for r in results if isinstance(r, str)]
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(winners) == 1, results
        assert len(losers) == 1
        assert isinstance(losers[0], Conflict | WorkflowError)
        final = world.get(Proposal, pid)
        assert final.state == winners[0]
        assert final.version == version + 1

        def audit(s: Session, pid: int = pid) -> Sequence[AuditEvent]:
            return s.exec(
                select(AuditEvent).where(
                    AuditEvent.instance_type == "proposal", AuditEvent.instance_id == pid
                )
            ).all()

        events = world.run(audit)
        assert [e.trigger for e in events][1:] == [
            {"draft": "", "cosigning": "submit", "withdrawn": "withdraw"}[winners[0]]
        ]
