"""Query plans of the lists (issue 14: "indexes for every query … the lists use"), on demand:

    RATSFLOW_TEST_DATABASE_URL=postgresql+psycopg://… .venv/bin/python -m pytest \\
        -m benchmark -s tests/benchmarks/test_list_plans.py

PostgreSQL only (``EXPLAIN (ANALYZE, BUFFERS)``). It fills the database with 46
municipalities and ``RATSFLOW_BENCH_LIST_PROPOSALS`` (100,000) proposals spread over them, with
meetings, agenda items, resolutions, deadlines, notifications and audit events, in bulk
``INSERT … SELECT`` statements cloning rows made through the services (as
``test_transition_bench._seed`` does). Then it calls each list service the web UI and the API
use, for the clerk of one municipality and for the first page, records the SQL the service
sent (an SQLAlchemy event listener, so the plan is that of the statement the application
builds, with its parameters) and prints the plan of each with its execution time, flagging
sequential scans on the big tables. Findings: ``docs/benchmarks-list-notes.md``.

The filled data stay in the database afterwards for a look with ``psql``; the next test
empties it. It measures; it asserts only that every list returned.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlmodel import Session

from api.ui.routes import deadlines as fristen
from tests.conftest import World, berlin, truncate
from tests.integration.flow import new_proposal
from workflow.db import unit_of_work
from workflow.definitions.machines import Workflows
from workflow.models import (
    AuditEvent,
    Body,
    ConsultationStep,
    Deadline,
    Meeting,
    Municipality,
    Notification,
    Proposal,
)
from workflow.runtime import record_definitions
from workflow.services import (
    deadline_service,
    listing,
    my_tasks,
    news_since,
    notifications,
    public_info,
)
from workflow.services.meetings import create_meeting
from workflow.services.setup import actor_for, load_demo_data

pytestmark = pytest.mark.benchmark

PROPOSALS = int(os.environ.get("RATSFLOW_BENCH_LIST_PROPOSALS", "100000"))
TOWNS = 46
MEETINGS_PER_TOWN = 100
NOW = berlin(date(2026, 3, 2), 10)
BIG = (
    "proposal",
    "meeting",
    "agendaitem",
    "resolution",
    "deadline",
    "notification",
    "auditevent",
    "consultationstep",
)
# A spread of states as a municipality has them after some years: most proposals finished.
STATES = (
    "draft",
    "cosigning",
    "awaiting_release",
    "ready",
    "scheduled",
    "decided",
    "final",
    "executed",
    "executed",
    "archived",
    "archived",
    "archived",
    "rejected",
    "withdrawn",
)


def _columns(model: Any) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name != "id"]


def _clone(
    conn: Connection, model: Any, source: str, overrides: dict[str, str], params: dict[str, Any]
) -> None:
    """``INSERT INTO t (…) SELECT …`` copying the columns of the row(s) ``p`` in ``source``
    (a FROM clause) except those in ``overrides`` (SQL expressions)."""
    columns = _columns(model)
    picked = ", ".join(overrides.get(c, f'p."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    table = model.__table__.name
    conn.execute(text(f'INSERT INTO "{table}" ({names}) SELECT {picked} FROM {source}'), params)


def _fill(engine: Engine, workflows: Workflows) -> dict[str, Any]:
    """The demo (its district has municipalities of its own), more up to 46, and the bulk
    of rows spread over the first 46; returns the clerk and ids."""
    truncate(engine)
    record_definitions(engine, workflows)
    with unit_of_work(engine) as session:
        data = load_demo_data(session)
    actors = {name: actor_for(user) for name, user in data.users.items()}
    world = World(engine=engine, workflows=workflows, data=data, actors=actors)
    seed = new_proposal(world, title="Vorlage")
    with unit_of_work(engine) as session:
        meeting = create_meeting(
            session=session,
            workflows=workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(date(2024, 1, 2)),
            body_id=world.body_id("Gemeinderat"),
            meeting_date=date(2024, 3, 4),
        )
        seed_meeting = meeting.id
    ilsfeld = data.ilsfeld.municipality.id
    users = [u.id for u in data.users.values()]
    with engine.begin() as conn:
        existing = conn.execute(text("SELECT count(*) FROM municipality")).scalar_one()
        _clone(
            conn,
            Municipality,
            "municipality p, generate_series(1, :n) g WHERE p.id = :town",
            {"name": "'Gemeinde ' || g", "ags": "NULL", "publishes_online": "g % 7 <> 0"},
            {"n": max(0, TOWNS - existing), "town": ilsfeld},
        )
        _clone(
            conn,
            Body,
            "body p, municipality m WHERE p.id = :body AND NOT EXISTS "
            "(SELECT 1 FROM body x WHERE x.municipality_id = m.id)",
            {"municipality_id": "m.id"},
            {"body": world.body_id("Gemeinderat")},
        )
        towns = f"(SELECT (array_agg(id ORDER BY id))[1:{TOWNS}] FROM municipality)"
        town_of = f"({towns})[1 + g % {TOWNS}]"
        body_of = f"(SELECT min(id) FROM body b WHERE b.municipality_id = {town_of})"
        states = "ARRAY[" + ", ".join(f"'{s}'" for s in STATES) + "]"
        _clone(
            conn,
            Proposal,
            "proposal p, generate_series(1, :n) g WHERE p.id = :seed",
            {
                "municipality_id": town_of,
                "number": "g",
                "year": "2020 + g % 7",
                "title": "'Vorlage ' || g",
                "state": f"({states})[1 + (g / {TOWNS}) % {len(STATES)}]",
                "public": "g % 5 <> 0",
                "publication_withheld_reason": "CASE WHEN g % 97 = 0 THEN 'Datenschutz' END",
                "department": "'Amt ' || (g % 6)",
                "author_id": f"(ARRAY{users})[1 + g % {len(users)}]",
            },
            {"n": PROPOSALS - 1, "seed": seed},
        )
        _clone(
            conn,
            ConsultationStep,
            "consultationstep p JOIN proposal np ON np.id > :seed WHERE p.proposal_id = :seed",
            {
                "proposal_id": "np.id",
                "body_id": "(SELECT min(b.id) FROM body b "
                "WHERE b.municipality_id = np.municipality_id)",
            },
            {"seed": seed},
        )
        _clone(
            conn,
            Meeting,
            "meeting p, generate_series(1, :n) g WHERE p.id = :seed",
            {
                "municipality_id": town_of,
                "body_id": body_of,
                "meeting_date": "DATE '2020-01-01' + (g / 46) * 7",
                "invited_at": "CASE WHEN g % 10 <> 0 THEN now() END",
                "state": "CASE WHEN g % 10 <> 0 THEN 'closed' ELSE 'planned' END",
            },
            {"n": TOWNS * MEETINGS_PER_TOWN, "seed": seed_meeting},
        )
        # Three in five proposals deliberated on a meeting of their municipality.
        conn.execute(
            text(
                "WITH m AS (SELECT id, municipality_id, row_number() OVER "
                "(PARTITION BY municipality_id ORDER BY id) - 1 AS k FROM meeting) "
                "INSERT INTO agendaitem (meeting_id, position, title, proposal_id, public, "
                "removed, supplement, late_paper, secret_ballot) "
                "SELECT m.id, p.id, p.title, p.id, p.id % 11 <> 0, false, false, false, false "
                f"FROM proposal p JOIN m ON m.municipality_id = p.municipality_id "
                f"AND m.k = p.id % {MEETINGS_PER_TOWN} WHERE p.id % 5 < 3"
            )
        )
        conn.execute(
            text(
                "INSERT INTO resolution (proposal_id, meeting_id, agenda_item_id, body_id, kind, "
                "decided_on, text, adopted, yes, no, abstain, members, present_entitled, biased, "
                "public, published_at, superseded, created_at) "
                "SELECT a.proposal_id, a.meeting_id, a.id, m.body_id, 'vote', m.meeting_date, "
                "'Zustimmung', true, 10, 0, 0, 12, 12, 0, a.public, "
                "CASE WHEN a.id % 2 = 0 THEN now() END, false, now() "
                "FROM agendaitem a JOIN meeting m ON m.id = a.meeting_id "
                "WHERE a.proposal_id % 5 < 2"
            )
        )
        _clone(
            conn,
            Deadline,
            "proposal p WHERE p.id > :seed",
            {
                "instance_type": "'proposal'",
                "instance_id": "p.id",
                "municipality_id": "p.municipality_id",
                "rule": "'bench'",
                "label": "'Frist'",
                "due_date": "DATE '2020-01-01' + (p.id % 2300)",
                "status": "(ARRAY['open', 'met', 'met', 'met', 'missed', 'cancelled'])"
                "[1 + p.id % 6]",
                "explanation": "''",
                "opened_seq": "1",
                "opened_at": "now()",
                "closed_at": "NULL",
                "waived_reason": "NULL",
            },
            {"seed": seed},
        )
        _clone(
            conn,
            Notification,
            "deadline p, generate_series(0, 1) g WHERE p.rule = 'bench'",
            {
                "key": "'bench:' || p.id || ':' || g",
                "user_id": f"(ARRAY{users})[1 + (p.id + g) % {len(users)}]",
                "kind": "'reminder'",
                "title": "'Frist läuft ab'",
                "body": "'Guten Tag'",
                "link": "NULL",
                "instance_type": "'proposal'",
                "instance_id": "p.instance_id",
                "deadline_id": "p.id",
                "created_at": "now()",
                "read_at": "CASE WHEN g = 0 THEN now() END",
            },
            {},
        )
        _clone(
            conn,
            AuditEvent,
            "auditevent p JOIN proposal np ON np.id > :seed, generate_series(1, 3) g "
            "WHERE p.instance_type = 'proposal' AND p.instance_id = :seed AND p.seq = 1",
            {
                "instance_id": "np.id",
                "seq": "g",
                "at": "TIMESTAMPTZ '2020-01-01' + (np.id % 2300) * INTERVAL '1 day' + g * "
                "INTERVAL '1 hour'",
                "actor": "'bench'",
            },
            {"seed": seed},
        )
        conn.execute(text("ANALYZE"))
    return {"world": world, "clerk": world["ilsfeld.clerk"], "town": ilsfeld}


@contextmanager
def _captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements the block sends, with their parameters, in order."""
    sent: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)


SEQ = re.compile(r"Seq Scan on (\w+)")
TIME = re.compile(r"Execution Time: ([\d.]+) ms")


def _explain(engine: Engine, name: str, call: Callable[[Session], Any], first: int = 3) -> float:
    """Run the service once, then print the plans of its first ``first`` distinct statements."""
    with Session(engine) as session, _captured(engine) as sent:
        started = time.perf_counter()
        call(session)
        elapsed = (time.perf_counter() - started) * 1000
    seen: list[tuple[str, Any]] = []
    for statement, parameters in sent:
        if all(statement != s for s, _ in seen):
            seen.append((statement, parameters))
    print(f"\n=== {name}: {elapsed:.1f} ms for the service call, {len(sent)} statements ===")
    total = 0.0
    with engine.connect() as conn:
        for statement, parameters in seen[:first]:
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = "\n".join(r[0] for r in rows)
            scans = sorted({t for t in SEQ.findall(plan) if t in BIG})
            ms = float(m.group(1)) if (m := TIME.search(plan)) else 0.0
            total += ms
            flag = f"  <-- SEQ SCAN on {', '.join(scans)}" if scans else ""
            print(f"--- {ms:.2f} ms{flag}\n{statement}\n{parameters}\n{plan}")
    return total


def test_list_plans(engine: Engine, workflows: Workflows) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN (ANALYZE, BUFFERS) is PostgreSQL's")
    started = time.perf_counter()
    filled = _fill(engine, workflows)
    print(f"\nfilled {PROPOSALS} proposals in {time.perf_counter() - started:.0f} s")
    clerk, town = filled["clerk"], filled["town"]
    since = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(days=365)
    lists: dict[str, Callable[[Session], Any]] = {
        "/vorlagen (UI: own municipality)": lambda s: listing.list_proposals(
            session=s,
            actor=clerk,
            now=NOW,
            filters=listing.ProposalFilter(municipality_id=town),
            limit=25,
        ),
        "GET /api/v1/proposals": lambda s: listing.list_proposals(
            session=s, actor=clerk, now=NOW, filters=listing.ProposalFilter(), limit=50
        ),
        "GET /api/v1/proposals?state=ready": lambda s: listing.list_proposals(
            session=s,
            actor=clerk,
            now=NOW,
            filters=listing.ProposalFilter(state="ready"),
            limit=50,
        ),
        "GET /api/v1/proposals (anonymous)": lambda s: listing.list_proposals(
            session=s, actor=None, now=NOW, filters=listing.ProposalFilter(), limit=50
        ),
        "/vorlagen departments filter": lambda s: listing.departments(session=s, actor=clerk),
        "GET /api/v1/meetings": lambda s: listing.list_meetings(
            session=s, actor=clerk, filters=listing.MeetingFilter(), limit=50
        ),
        "/sitzungen (meetings_between)": lambda s: listing.meetings_between(
            session=s,
            actor=clerk,
            municipality_id=town,
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
        ),
        "/fristen: open and missed": lambda s: list(
            s.exec(
                deadline_service.deadlines_query(
                    actor=clerk, workflows=workflows, statuses=deadline_service.STILL_TO_DO
                )
            )
        ),
        "/fristen: first page of the settled ones": lambda s: fristen.settled_page(
            s,
            fristen.settled_query(clerk, workflows, None, fristen.SETTLED[""]),
            NOW.date(),
            None,
            None,
        ),
        "GET /api/v1/notifications (first page)": lambda s: listing.page_of(
            s, notifications.notifications_query(actor=clerk), 50, None
        ),
        "Meine Aufgaben: instances": lambda s: my_tasks._instances(s, workflows, clerk),
        "Meine Aufgaben: waiting_for_others": lambda s: my_tasks.waiting_for_others(
            session=s, workflows=workflows, actor=clerk
        ),
        "Meine Aufgaben: my_deadlines": lambda s: my_tasks.my_deadlines(
            session=s, workflows=workflows, actor=clerk
        ),
        "Meine Aufgaben: changes_since": lambda s: news_since.changes_since(
            session=s, workflows=workflows, actor=clerk, since=since
        ),
        "notifications (unread)": lambda s: notifications.list_notifications(
            session=s, actor=clerk, unread_only=True
        ),
        "public portal / OParl papers": lambda s: public_info.papers(s, town),
        "public portal resolutions": lambda s: public_info.published_resolutions(s, town),
        "public portal / OParl meetings": lambda s: public_info.meetings(s, town),
        "OParl depublished papers": lambda s: public_info.depublished(s, town),
    }
    summary = []
    for name, call in lists.items():
        summary.append((name, _explain(engine, name, call)))
    print("\n=== summary (sum of the EXPLAIN ANALYZE execution times) ===")
    for name, ms in summary:
        print(f"{ms:10.2f} ms  {name}")
