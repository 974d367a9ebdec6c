"""Benchmark of rendering (run on demand: ``pytest -m benchmark tests/benchmarks``): the
Sitzungsmappe of a meeting with 20 items, each a Vorlage of the seed's length with a
one-page PDF attachment."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.benchmarks.test_engine_bench import _record
from tests.conftest import World, berlin
from tests.documents import SEED_COPY
from tests.integration.flow import DAY, MEETING_DAY, new_meeting
from workflow.context import SYSTEM
from workflow.documents.mappe import sitzungsmappe
from workflow.documents.pdf import html_to_pdf
from workflow.files import FileStore
from workflow.services.attachments import upload
from workflow.services.proposals import ProposalFields, StepInput, create_proposal

pytestmark = pytest.mark.benchmark
ITEMS = 20


def _facts() -> str:
    text = SEED_COPY.read_text(encoding="utf-8")
    return text.split("Sachvortrag", 1)[1].split("Beschlussvorschlag:", 1)[0].strip()


def test_sitzungsmappe_of_twenty_items(world: World, tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    attachment = html_to_pdf("<h1>Anlage</h1><p>Kostenschätzung</p>")
    meeting = new_meeting(world)
    council = world.body_id("Gemeinderat")
    facts = _facts()
    for i in range(ITEMS):
        content = ProposalFields(
            title=f"Gegenstand {i + 1}: Integrationsmanagement, Baustein {i + 1}",
            resolution_text="Der Gemeinderat stimmt dem Beschlussvorschlag zu.",
            proposal_date=DAY,
            facts=facts,
        )

        def create(session: object, content: ProposalFields = content, i: int = i) -> int:
            proposal = create_proposal(
                session=session,  # type: ignore[arg-type]
                workflows=world.workflows,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY, 8),
                municipality_id=world.data.ilsfeld.municipality.id or 0,
                content=content,
                steps=[StepInput(body_id=council, planned_date=MEETING_DAY, decides=True)],
            )
            upload(
                session=session,  # type: ignore[arg-type]
                store=store,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY, 8),
                kind="proposal",
                instance_id=proposal.id or 0,
                filename=f"Anlage {i + 1}.pdf",
                declared_type="application/pdf",
                data=attachment + f"\n% {i}\n".encode(),
                max_bytes=1 << 20,
            )
            return int(proposal.id or 0)

        pid = int(world.run(create))
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
        world.fire(
            "proposal",
            pid,
            "schedule",
            "ilsfeld.secretary",
            berlin(DAY, 12),
            data={"meeting_id": meeting},
        )
    started = time.perf_counter()
    name, pdf = world.run(
        lambda s: sitzungsmappe(session=s, actor=SYSTEM, meeting_id=meeting, store=store)
    )
    elapsed = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    _record(
        f"Sitzungsmappe of {ITEMS} items ({world.engine.dialect.name})",
        [
            f"- invitation + {ITEMS} Vorlagen (the seed's Sachvortrag each) + {ITEMS} one-page "
            f"PDF attachments: {pages} pages, {len(pdf) / 1024:.0f} KiB",
            f"- {elapsed:.2f} s to read, lay out once, stamp the footers (Seite n von m) and merge",
        ],
    )
    assert name.startswith("sitzungsmappe-")
    assert pages >= 1 + ITEMS * 2
