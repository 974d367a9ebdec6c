"""Deadline sweep benchmark (issue 14), run on demand:

    .venv/bin/python -m pytest -m benchmark tests/benchmarks/test_sweep_bench.py -s

(with ``RATSFLOW_TEST_DATABASE_URL`` for PostgreSQL). It writes the section "Deadline sweep
(issue 14, <database>)" of ``docs/benchmarks.md``:

* throughput: due escalation acts acted on per second by 1, 2 and 4 worker processes
  running ``sweep`` (each act: a notice and an e-mail written to the outbox, not sent),
  beside a raw loop on the same table in the same run (psycopg / sqlite3: claim 50 with
  ``FOR UPDATE SKIP LOCKED``, insert the same notice and outbox rows with a fixed text,
  mark the acts done);
* claim time: ``claim_due`` of 1,000 due acts with 10,000, 100,000 and 1,000,000 acts
  pending but not due in the table (bulk-seeded with COPY / executemany);
* latency: from an act's due instant to its e-mail in the outbox, with the scheduler
  sleeping on a five-minute poll (the planned wake-up; on PostgreSQL also the NOTIFY one);
* a pyinstrument profile of one worker, when pyinstrument is installed.

It measures; it asserts only that the work was done (every act once).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert
from sqlmodel import Session, col, func, select

from tests.benchmarks.test_engine_bench import RESULTS as RESULTS_FILE
from tests.benchmarks.test_engine_bench import _record
from tests.conftest import World, berlin
from workflow.db import make_engine, unit_of_work
from workflow.deadlines.sweep import sweep
from workflow.models import Deadline, DeadlineAct, Notification, OutboxMessage
from workflow.services.meetings import create_meeting

pytestmark = pytest.mark.benchmark

ACTS = int(os.environ.get("RATSFLOW_BENCH_SWEEP_ACTS", "3000"))
BATCH = 50
NOW = berlin(date(2024, 2, 1), 10)
DUE = berlin(date(2024, 1, 31), 7)
WORKERS = (1, 2, 4)
RESULTS: dict[str, list[str]] = {}


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _meetings(world: World, n: int = 20) -> list[int]:
    """Real meetings to hang the seeded deadlines on (their own acts lie in 2025)."""
    ids = []
    with unit_of_work(world.engine) as session:
        for i in range(n):
            meeting = create_meeting(
                session=session,
                workflows=world.workflows,
                actor=world["ilsfeld.secretary"],
                now=berlin(date(2024, 1, 2)),
                body_id=world.body_id("Gemeinderat"),
                meeting_date=date(2025, 3, 4) + timedelta(days=i),
            )
            ids.append(meeting.id or 0)
    return ids


_seq = [1000]


def _seed_due(world: World, meetings: list[int], n: int, tag: str) -> None:
    """``n`` missed invitation deadlines, one due escalation each (to the mayor)."""
    municipality_id = world.data.ilsfeld.municipality.id
    start = _seq[0]
    _seq[0] += n
    with unit_of_work(world.engine) as session:
        rows = session.execute(
            insert(Deadline).returning(col(Deadline.id)),
            [
                {
                    "instance_type": "meeting",
                    "instance_id": meetings[i % len(meetings)],
                    "municipality_id": municipality_id,
                    "rule": "invitation",
                    "label": "Einladung mit Tagesordnung",
                    "due_date": date(2024, 1, 30),
                    "status": "missed",
                    "explanation": "Frist für die Einladung: sieben Tage vor der Sitzung",
                    "opened_seq": start + i,
                    "opened_at": NOW - timedelta(days=30),
                }
                for i in range(n)
            ],
        ).all()
        session.execute(
            insert(DeadlineAct),
            [
                {
                    "deadline_id": deadline_id,
                    "kind": "escalation",
                    "due_at": DUE,
                    "key": f"bench:{tag}:{i}",
                    "status": "pending",
                    "attempts": 0,
                }
                for i, (deadline_id,) in enumerate(rows)
            ],
        )


def _pending(engine: Engine) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(DeadlineAct)
        due = query.where(DeadlineAct.status == "pending", col(DeadlineAct.due_at) <= NOW)
        return int(session.exec(due).one())


def _count_prefix(engine: Engine, model: Any, prefix: str) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(model).where(col(model.key).startswith(prefix))
        return int(session.exec(query).one())


# --- workers (spawned processes) -------------------------------------------------------


def _engine_worker(url: str, go: Any, ready: Any, out: Any) -> None:
    from workflow.runtime import load_definitions
    from workflow.settings import Settings

    engine = make_engine(url)
    workflows = load_definitions(Settings())
    with engine.connect():
        pass
    ready.put(os.getpid())
    go.wait()
    acted = 0
    while True:
        report = sweep(
            engine=engine,
            workflows=workflows,
            now=NOW,
            mailer=None,
            base_url="https://rat.example",
            batch_size=BATCH,
        )
        n = sum(report.acts.values()) + report.failed_acts
        acted += n
        if n == 0:
            break
    out.put(acted)


RAW_TITLE = (
    "Frist überschritten: Einladung mit Tagesordnung – Sitzung des Gemeinderats (bis 30.01.2024)"
)
RAW_BODY = "Guten Tag,\n\n" + "die Frist ist abgelaufen und noch nicht erledigt.\n" * 8


def _raw_worker(url: str, mayor: tuple[int, int, str], go: Any, ready: Any, out: Any) -> None:
    """Claim 50, write the same two rows per act, mark done: one transaction per batch."""
    user_id, municipality_id, address = mayor
    if url.startswith("sqlite"):
        _raw_sqlite(url, user_id, municipality_id, address, go, ready, out)
        return
    import psycopg

    conninfo = url.replace("postgresql+psycopg", "postgresql")
    acted = 0
    with psycopg.connect(conninfo) as conn:
        ready.put(os.getpid())
        go.wait()
        while True:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(
                    "SELECT id, key, deadline_id FROM deadlineact WHERE status = 'pending' "
                    "AND due_at <= %s ORDER BY due_at, id LIMIT %s FOR UPDATE SKIP LOCKED",
                    (NOW, BATCH),
                )
                claimed = cur.fetchall()
                if not claimed:
                    break
                now = datetime.now(UTC)
                cur.executemany(
                    "INSERT INTO notification (key, user_id, kind, title, body, link, "
                    "instance_type, instance_id, deadline_id, created_at) "
                    "VALUES (%s, %s, 'escalation', %s, %s, %s, 'meeting', 1, %s, %s)",
                    [
                        (f"{k}:user:{user_id}", user_id, RAW_TITLE, RAW_BODY, "x", d, now)
                        for _, k, d in claimed
                    ],
                )
                cur.executemany(
                    "INSERT INTO outboxmessage (key, user_id, municipality_id, to_address, "
                    "subject, body, status, attempts, next_attempt_at, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, 'pending', 0, %s, %s)",
                    [
                        (f"{k}:user:{user_id}", user_id, municipality_id, address)
                        + (RAW_TITLE, RAW_BODY, now, now)
                        for _, k, _d in claimed
                    ],
                )
                cur.execute(
                    "UPDATE deadlineact SET status = 'done', note = '1 Empfänger', "
                    "done_at = %s WHERE id = ANY(%s)",
                    (now, [i for i, _, _ in claimed]),
                )
                acted += len(claimed)
    out.put(acted)


def _raw_sqlite(
    url: str, user_id: int, municipality_id: int, address: str, go: Any, ready: Any, out: Any
) -> None:
    import sqlite3

    conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    ready.put(os.getpid())
    go.wait()
    acted = 0
    due = NOW.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    while True:
        conn.execute("BEGIN IMMEDIATE")
        claimed = conn.execute(
            "SELECT id, key, deadline_id FROM deadlineact WHERE status = 'pending' "
            "AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (due, BATCH),
        ).fetchall()
        if not claimed:
            conn.execute("COMMIT")
            break
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.executemany(
            "INSERT INTO notification (key, user_id, kind, title, body, link, instance_type, "
            "instance_id, deadline_id, created_at) "
            "VALUES (?, ?, 'escalation', ?, ?, 'x', 'meeting', 1, ?, ?)",
            [(f"{k}:user:{user_id}", user_id, RAW_TITLE, RAW_BODY, d, now) for _, k, d in claimed],
        )
        conn.executemany(
            "INSERT INTO outboxmessage (key, user_id, municipality_id, to_address, subject, "
            "body, status, attempts, next_attempt_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            [
                (f"{k}:user:{user_id}", user_id, municipality_id, address, RAW_TITLE, RAW_BODY)
                + (now, now)
                for _, k, _d in claimed
            ],
        )
        marks = ",".join("?" * len(claimed))
        conn.execute(
            "UPDATE deadlineact SET status = 'done', note = '1 Empfänger', done_at = ? "
            f"WHERE id IN ({marks})",
            (now, *[i for i, _, _ in claimed]),
        )
        conn.execute("COMMIT")
        acted += len(claimed)
    conn.close()
    out.put(acted)


def _run_workers(target: Any, args: tuple[Any, ...], n: int) -> tuple[float, int]:
    """Start ``n`` processes, let them go at once, return (seconds, acts acted on)."""
    ctx = multiprocessing.get_context("spawn")
    go, ready, out = ctx.Event(), ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, go, ready, out)) for _ in range(n)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=120)
    started = time.perf_counter()
    go.set()
    acted = sum(out.get(timeout=600) for _ in procs)
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join(timeout=60)
    return elapsed, acted


def test_sweep_throughput_against_raw(world: World) -> None:
    engine = world.engine
    name = engine.dialect.name
    meetings = _meetings(world)
    mayor = world.data.users["ilsfeld.mayor"]
    mayor_row = (mayor.id or 0, mayor.municipality_id or 0, mayor.email or "")
    url = _url(engine)
    lines = [
        f"- machine: {os.cpu_count()} cores, shared with other jobs while measured (noisy); "
        f"{ACTS} due escalation acts per run, batches of {BATCH}; each act writes a notice "
        "and an outbox e-mail (not sent)",
        "",
        "| workers | engine acts/s | raw acts/s | engine / raw |",
        "|---|---|---|---|",
    ]
    for n in WORKERS:
        tag = f"e{n}"
        _seed_due(world, meetings, ACTS, tag)
        engine_s, engine_acted = _run_workers(_engine_worker, (url,), n)
        assert engine_acted == ACTS
        assert _count_prefix(engine, OutboxMessage, f"bench:{tag}:") == ACTS
        assert _pending(engine) == 0
        tag = f"r{n}"
        _seed_due(world, meetings, ACTS, tag)
        raw_s, raw_acted = _run_workers(_raw_worker, (url, mayor_row), n)
        assert raw_acted == ACTS
        assert _count_prefix(engine, Notification, f"bench:{tag}:") == ACTS
        engine_rate, raw_rate = ACTS / engine_s, ACTS / raw_s
        lines.append(
            f"| {n} | {engine_rate:,.0f} | {raw_rate:,.0f} | {engine_rate / raw_rate:.0%} |"
        )
    RESULTS.setdefault(name, []).extend(["### Throughput", "", *lines, ""])
    _write(name)


def test_claim_time_grows_with_due_work_not_table(world: World) -> None:
    from workflow.deadlines.sweep import claim_due

    engine = world.engine
    name = engine.dialect.name
    meetings = _meetings(world, 1)
    _seed_due(world, meetings, 1000, "due")
    with Session(engine) as session:
        anchor = session.exec(select(Deadline.id)).first() or 0
    lines = [
        f"| open, not due acts in the table | claim 1,000 due: median of {CLAIM_RUNS} "
        f"| fastest of {CLAIM_RUNS} "
        "| seeding |",
        "|---|---|---|---|",
    ]
    filled = 0
    times: dict[int, float] = {}
    fastest: dict[int, float] = {}
    for target in (10_000, 100_000, 1_000_000):
        started = time.perf_counter()
        _fill_future(engine, anchor, filled, target)
        seeded = time.perf_counter() - started
        filled = target
        samples = _claim_samples(engine, claim_due)
        times[target] = statistics.median(samples)
        fastest[target] = min(samples)
        lines.append(
            f"| {target:,} | {times[target] * 1000:.1f} ms | {fastest[target] * 1000:.1f} ms "
            f"| {seeded:.0f} s |"
        )
    lines.append("")
    lines += [
        "- plan of the claim with 1,000,000 open acts:",
        "",
        "```",
        *_claim_plan(engine),
        "```",
    ]
    lines.append("")
    lines.append(
        f"- 1,000,000 vs 10,000: {times[1_000_000] / times[10_000]:.2f}× by the median, "
        f"{fastest[1_000_000] / fastest[10_000]:.2f}× by the fastest run "
        "(target within 1.5×, under 200 ms); the claim reads the partial index "
        "`ix_deadlineact_pending_due` (pending acts by `due_at`) and stops after the due ones"
    )
    RESULTS.setdefault(name, []).extend(["### Claim time", "", *lines, ""])
    _write(name)


CLAIM_RUNS = 15
CLAIM_WARMUP = 3


def _claim_samples(engine: Engine, claim_due: Any) -> list[float]:
    """``CLAIM_RUNS`` timed claims of 1,000 due acts, after ``CLAIM_WARMUP`` untimed ones.

    The first claims after seeding read pages the bulk load pushed out of the database's
    cache (and SQLite re-prepares its statements after ANALYZE); on a shared machine single
    samples also catch a descheduled process or a garbage collection. So: warm up, collect
    garbage before each sample and keep the collector off while timing, and take the median
    of more runs."""
    samples: list[float] = []
    for run in range(CLAIM_WARMUP + CLAIM_RUNS):
        gc.collect()
        gc.disable()
        try:
            with Session(engine) as session:
                t0 = time.perf_counter()
                claimed = claim_due(session, NOW, 1000)
                elapsed = time.perf_counter() - t0
                assert len(claimed) == 1000
                session.rollback()
        finally:
            gc.enable()
        if run >= CLAIM_WARMUP:
            samples.append(elapsed)
    return samples


def _claim_plan(engine: Engine) -> list[str]:
    """The claim's plan as the database runs it (PostgreSQL: EXPLAIN ANALYZE)."""
    from sqlalchemy import event

    from workflow.deadlines.sweep import claim_due

    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "FROM deadlineact" in statement and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            claim_due(session, NOW, 1000)
            session.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    statement, parameters = seen[0]
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters
            ).all()
            conn.rollback()
            return [str(r[0]) for r in rows]
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [str(r[-1]) for r in rows]


def _fill_future(engine: Engine, deadline_id: int, start: int, end: int) -> None:
    """Acts pending but due in 2030 (VACUUM ANALYZE / ANALYZE after, as autovacuum would)."""
    future = datetime(2030, 1, 1, tzinfo=UTC)
    if engine.dialect.name == "postgresql":
        raw: Any = engine.raw_connection()
        try:
            with raw.cursor() as cur:
                with cur.copy(
                    "COPY deadlineact (deadline_id, kind, due_at, key, status, attempts) FROM STDIN"
                ) as copy:
                    for i in range(start, end):
                        copy.write_row(
                            (
                                deadline_id,
                                "reminder",
                                future + timedelta(seconds=i),
                                f"fill:{i}",
                                "pending",
                                0,
                            )
                        )
            raw.commit()
            # What autovacuum would do a moment later (and otherwise does while the claims
            # are timed, competing for the CPU): statistics and the visibility map.
            raw.driver_connection.autocommit = True
            with raw.cursor() as cur:
                cur.execute("VACUUM (ANALYZE) deadlineact")
            raw.driver_connection.autocommit = False
        finally:
            raw.close()
        return
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN IMMEDIATE")
        cur.executemany(
            "INSERT INTO deadlineact (deadline_id, kind, due_at, key, status, attempts) "
            "VALUES (?, 'reminder', ?, ?, 'pending', 0)",
            (
                (
                    deadline_id,
                    (future + timedelta(seconds=i)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                    f"fill:{i}",
                )
                for i in range(start, end)
            ),
        )
        cur.execute("COMMIT")
        cur.execute("ANALYZE")
    finally:
        raw.close()


def test_latency_from_due_instant_to_outbox(world: World) -> None:
    from tests.integration.test_sweep_wakeup import escalate_in, overdue_deadline, settled
    from workflow.deadlines.scheduler import SweepScheduler
    from workflow.settings import Settings

    engine = world.engine
    name = engine.dialect.name
    deadline_id = overdue_deadline(world)
    sweeps = SweepScheduler(
        engine=engine,
        workflows=world.workflows,
        settings=Settings(base_url="https://rat.example"),
        interval=timedelta(minutes=5),
    )
    planned: list[float] = []
    announced: list[float] = []
    sweeps.start()
    try:
        if sweeps.listen:
            assert sweeps.wait_listening(10)
        for i in range(5):
            settled(sweeps)
            if sweeps.listen:  # written while the scheduler sleeps: NOTIFY wakes it
                due = escalate_in(world, deadline_id, f"lat:notify:{i}", 1)
                announced.append(_outbox_after(engine, f"lat:notify:{i}", due))
            else:  # known to a sweep, which then sleeps until the act's instant
                due = escalate_in(world, deadline_id, f"lat:planned:{i}", 2)
                sweeps.run_once()
                planned.append(_outbox_after(engine, f"lat:planned:{i}", due))
    finally:
        sweeps.shutdown()
    lines = ["- scheduler poll 5 min; time from an act's due instant to its e-mail in the outbox"]
    if planned:
        lines.append(
            "- act known to the last sweep, which sleeps until its instant (5 runs): "
            f"median {statistics.median(planned):.2f} s, max {max(planned):.2f} s"
        )
    if announced:
        lines.append(
            "- act written while the scheduler sleeps, due 1 s later, woken by NOTIFY: "
            f"median {statistics.median(announced):.2f} s, max {max(announced):.2f} s "
            f"after the due instant ({sweeps.notified} NOTIFY wake-ups)"
        )
    RESULTS.setdefault(name, []).extend(["### Latency (target ≤ 2 s)", "", *lines, ""])
    _write(name)


def _outbox_after(engine: Engine, key: str, due: datetime) -> float:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with Session(engine) as session:
            found = session.exec(
                select(OutboxMessage.id).where(col(OutboxMessage.key).startswith(f"{key}:"))
            ).first()
        if found is not None:
            return (datetime.now(UTC) - due).total_seconds()
        time.sleep(0.02)
    raise AssertionError(f"{key} not in the outbox within 30 s")


def test_profile_one_worker(world: World) -> None:
    pyinstrument = pytest.importorskip("pyinstrument")
    engine = world.engine
    name = engine.dialect.name
    meetings = _meetings(world)
    _seed_due(world, meetings, 1000, "prof")
    profiler = pyinstrument.Profiler(interval=0.001)
    started = time.perf_counter()
    with profiler:
        while True:
            report = sweep(
                engine=engine,
                workflows=world.workflows,
                now=NOW,
                mailer=None,
                base_url="https://rat.example",
                batch_size=BATCH,
            )
            if not report.acts:
                break
    elapsed = time.perf_counter() - started
    assert _count_prefix(engine, OutboxMessage, "bench:prof:") == 1000
    text_out = profiler.output_text(unicode=False, color=False, show_all=False)
    top = [line for line in text_out.splitlines() if line.strip()][:40]
    RESULTS.setdefault(name, []).extend(
        [
            "### Profile (pyinstrument, one worker in process, 1,000 acts)",
            "",
            f"- {elapsed:.2f} s, {1000 / elapsed:,.0f} acts/s under the profiler",
            "",
            "```",
            *top,
            "```",
            "",
        ]
    )
    _write(name)


def _write(name: str) -> None:
    """Replace this run's subsections (``### …``) of the database's section, keep the others
    (so that one test run alone updates only its own figures)."""
    title = f"Deadline sweep (issue 14, {name})"
    marker = f"\n## {title}\n"
    text = RESULTS_FILE.read_text(encoding="utf-8") if RESULTS_FILE.exists() else ""
    old: dict[str, list[str]] = {}
    if marker in text:
        start = text.index(marker) + len(marker)
        end = text.find("\n## ", start)
        body = text[start : end if end != -1 else len(text)]
        current = ""
        for line in body.splitlines():
            if line.startswith("### "):
                current = line
                old[current] = []
            elif current:
                old[current].append(line)
    new: dict[str, list[str]] = {}
    current = ""
    for line in RESULTS[name]:
        if line.startswith("### "):
            current = line
            new[current] = []
        elif current:
            new[current].append(line)
    merged = {**old, **new}
    order = [h for h in SUBSECTIONS if any(k.startswith(h) for k in merged)]
    lines: list[str] = []
    for prefix in order:
        for heading, body_lines in merged.items():
            if heading.startswith(prefix):
                lines += [heading, *body_lines]
    while lines and not lines[-1].strip():
        lines.pop()
    _record(title, lines)


SUBSECTIONS = ("### Throughput", "### Claim time", "### Latency", "### Profile")
