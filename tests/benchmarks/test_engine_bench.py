"""Benchmarks (run on demand: ``pytest -m benchmark tests/benchmarks``); results go to
``docs/benchmarks.md``. They measure, they do not assert timings."""

from __future__ import annotations

import gc
import time
import tracemalloc
from datetime import date

import pytest
from transitions import Machine

from tests.conftest import REPO, World, berlin
from workflow.db import unit_of_work
from workflow.services.proposals import ProposalFields, StepInput, create_proposal
from workflow.services.transition import fire

pytestmark = pytest.mark.benchmark
RESULTS = REPO / "docs" / "benchmarks.md"


def _record(title: str, lines: list[str]) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    marker = f"\n## {title}\n"
    section = marker + "\n" + "\n".join(lines) + "\n"
    if marker in text:  # replace this section only, keep the others
        start = text.index(marker)
        following = text.find("\n## ", start + len(marker))
        rest = text[following:] if following != -1 else ""
        text = text[:start].rstrip() + "\n" + section + rest
    else:
        text = text.rstrip() + "\n" + section
    RESULTS.write_text(text, "utf-8")


def test_fire_many_proposals(world: World) -> None:
    """Create and submit N proposals: per-firing cost, memory, machines alive."""
    n = 300
    municipality_id = world.data.ilsfeld.municipality.id or 0
    body_id = world.body_id("Gemeinderat")
    gc.collect()
    machines_before = sum(1 for o in gc.get_objects() if isinstance(o, Machine))
    tracemalloc.start()
    started = time.perf_counter()
    for i in range(n):
        with unit_of_work(world.engine) as session:
            proposal = create_proposal(
                session=session,
                workflows=world.workflows,
                actor=world["ilsfeld.clerk"],
                now=berlin(date(2026, 1, 5)),
                municipality_id=municipality_id,
                content=ProposalFields(
                    title=f"V{i}", resolution_text="Zustimmung", proposal_date=date(2026, 1, 5)
                ),
                steps=[StepInput(body_id=body_id, decides=True)],
            )
            fire(
                session=session,
                workflows=world.workflows,
                kind="proposal",
                instance_id=proposal.id or 0,
                trigger="submit",
                actor=world["ilsfeld.clerk"],
                now=berlin(date(2026, 1, 5)),
            )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    machines_after = sum(1 for o in gc.get_objects() if isinstance(o, Machine))
    attached = sum(len(wf.machine.models) for wf in world.workflows)
    _record(
        f"Create + submit ({world.engine.dialect.name})",
        [
            f"- {n} proposals created and submitted, one transaction each",
            f"- {elapsed / n * 1000:.2f} ms per create+submit (incl. commit)",
            f"- peak traced memory {peak / 1024:.0f} KiB",
            f"- `transitions.Machine` objects alive: {machines_before} before, "
            f"{machines_after} after; models attached to machines: {attached}",
        ],
    )
    assert machines_after == machines_before
    assert attached == 0
