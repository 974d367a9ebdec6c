"""Transitions and HTTP side by side with raw SQL (issue 14), run on demand on PostgreSQL:

    RATSFLOW_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python -m pytest -m benchmark tests/benchmarks/test_transition_bench.py -s

and on SQLite with the same command without the variable.

Every figure is a ratio to raw SQL measured in the same run on the same rows: the row lock
(``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), the update of state
and version, the audit head read and a SHA-256-chained audit insert, through psycopg or
python's sqlite3. The "floor" is the same work as a minimal SQLAlchemy ORM transaction.
Raw, floor and engine run in interleaved slices (``_interleaved``): this machine's speed
drifts by up to 30 % within minutes, which sequential figures put on whichever ran last.
HTTP is measured twice: closed loop (``CLIENTS`` connections, each waiting for its answer:
the peak rate) and open loop (requests at fixed instants at half that peak, latency counted
from the scheduled instant, so a slow answer cannot hide the requests queued behind it).
Knobs: ``RATSFLOW_BENCH_PROPOSALS`` (default 100000), ``RATSFLOW_BENCH_SECONDS`` per
measurement (default 8), ``RATSFLOW_BENCH_REQUESTS`` for the memory run (default 10000).
Results go to ``docs/benchmarks.md`` ("Transitions and HTTP (issue 14)", on SQLite
"Transitions and HTTP (issue 14, sqlite)") and ``docs/benchmark-transitions.png`` (on SQLite
``docs/benchmark-transitions-sqlite.png``). It measures; it asserts only that work was done
and that no writer saw "database is locked".
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import math
import multiprocessing as mp
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import event, make_url, text
from sqlmodel import Session

from tests.benchmarks.lean_http import Answer, Connection, Pool
from tests.benchmarks.test_engine_bench import _record
from tests.conftest import REPO, World, berlin
from tests.integration.flow import DAY, new_proposal
from tests.served import free_port, stop
from workflow import audit
from workflow.context import Actor
from workflow.db import make_engine, unit_of_work
from workflow.models import (
    AuditEvent,
    AuditHead,
    ConsultationStep,
    Deadline,
    DeadlineAct,
    Proposal,
)
from workflow.models.proposal import ProposalRevision
from workflow.services.transition import fire

pytestmark = pytest.mark.benchmark

PROPOSALS = int(os.environ.get("RATSFLOW_BENCH_PROPOSALS", "100000"))
SECONDS = float(os.environ.get("RATSFLOW_BENCH_SECONDS", "8"))
REQUESTS = int(os.environ.get("RATSFLOW_BENCH_REQUESTS", "10000"))
WORKERS = (1, 2, 4)
MODES = ("raw", "floor", "engine")
SLICES = 3  # interleaved slices per engine figure (``_interleaved``)
HTTP_WORKERS = (1, 2)
CLIENTS = 8
SECRET = "benchmark-only-secret-key-0123456789abcdef"
PLOTS = {
    "postgresql": REPO / "docs" / "benchmark-transitions.png",
    "sqlite": REPO / "docs" / "benchmark-transitions-sqlite.png",
}
TITLES = {
    "postgresql": "Transitions and HTTP (issue 14)",
    "sqlite": "Transitions and HTTP (issue 14, sqlite)",
}
RAW = {"postgresql": "raw psycopg", "sqlite": "raw sqlite3"}
LOCKED = "database is locked"
FORK = mp.get_context("fork")

# What forked workers inherit (set before forking; never pickled).
_SHARED: dict[str, Any] = {}


def _seed(world: World, n: int) -> list[int]:
    """One proposal through the service, submitted and returned once, then ``n - 1`` copies
    of it with its consultation plan and that history (audit events and head, the deadlines
    the submission opened with their acts, the Fassung), each table in one INSERT … SELECT:
    100,000 service calls would take longer than the benchmark itself. The copies' numbers
    come from ``generate_series`` on PostgreSQL and from a recursive CTE on SQLite.

    The history makes the tables what 100,000 Vorlagen in use make them: the planner's
    statistics (``_analyze``) then see tables of that size, as in a running system. Without
    it the audit, deadline and act tables started empty, the prepared statements kept
    plans made for empty tables (sequential scans), and every figure measured those scans
    over the rows its own run added. The copied events keep the seed's hashes: their chain
    links (each event's ``prev_hash`` is the one before's hash) but does not verify against
    the copies' ids; nothing measured here verifies it."""
    seed = new_proposal(world, title="Benchmark")
    world.fire(
        "proposal",
        seed,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 8),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire(
        "proposal", seed, "return_to_author", "ilsfeld.head", berlin(DAY, 8), comment="Zurück"
    )
    columns = _columns(Proposal)
    picked = ", ".join(f'p."{c}" + g' if c == "number" else f'p."{c}"' for c in columns)
    if world.engine.dialect.name == "sqlite":
        series = "series"
        prefix = "WITH RECURSIVE series(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM series "
        prefix += "WHERE g < :more) "
    else:
        series, prefix = "generate_series(1, :more) g", ""
    copies = "JOIN proposal np ON np.id > :seed"
    with world.engine.begin() as conn:
        conn.execute(
            text(
                f"{prefix}INSERT INTO proposal ({_quoted(columns)}) "
                f"SELECT {picked} FROM proposal p, {series} WHERE p.id = :seed"
            ),
            {"more": n - 1, "seed": seed},
        )
        for model, key, kind in (
            (ConsultationStep, "proposal_id", None),
            (ProposalRevision, "proposal_id", None),
            (AuditEvent, "instance_id", "proposal"),
            (AuditHead, "instance_id", "proposal"),
            (Deadline, "instance_id", "proposal"),
        ):
            names = _columns(model)
            values = ", ".join("np.id" if c == key else f's."{c}"' for c in names)
            of_kind = f" AND s.instance_type = '{kind}'" if kind else ""
            conn.execute(
                text(
                    f"INSERT INTO {model.__tablename__} ({_quoted(names)}) "
                    f"SELECT {values} FROM {model.__tablename__} s {copies} "
                    f"WHERE s.{key} = :seed{of_kind}"
                ),
                {"seed": seed},
            )
        # Each copied deadline's acts, their keys naming the copy's deadline.
        acts = _columns(DeadlineAct)
        values = ", ".join(
            {
                "deadline_id": "nd.id",
                "key": "'deadline:' || nd.id || substr(a.key, length('deadline:' || sd.id) + 1)",
            }.get(c, f'a."{c}"')
            for c in acts
        )
        conn.execute(
            text(
                f"INSERT INTO deadlineact ({_quoted(acts)}) SELECT {values} FROM deadlineact a "
                "JOIN deadline sd ON sd.id = a.deadline_id JOIN deadline nd ON "
                "nd.instance_type = sd.instance_type AND nd.rule = sd.rule AND "
                "nd.opened_seq = sd.opened_seq AND nd.instance_id > :seed "
                "WHERE sd.instance_type = 'proposal' AND sd.instance_id = :seed"
            ),
            {"seed": seed},
        )
        ids = [
            int(r[0])
            for r in conn.execute(
                text("SELECT id FROM proposal WHERE id >= :seed ORDER BY id"), {"seed": seed}
            )
        ]
    _vacuum(world.engine)
    return ids


def _vacuum(engine: Any) -> None:
    """``VACUUM ANALYZE`` after the seed (PostgreSQL): a million and a half rows just
    inserted are what autovacuum vacuums next, on the same two cores as the figures, in the
    middle of whichever one it falls on. SQLite: ``ANALYZE`` and a checkpoint that empties
    the write-ahead log of the seed, which a figure's commit would otherwise copy back."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        engine.dispose()  # a checkpoint waits for no reader: outside any transaction
        _checkpoint(str(engine.url.database))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _columns(model: Any) -> list[str]:
    """The model's columns but its generated key."""
    return [c.name for c in model.__table__.columns if c.name != "id"]


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


# --- the three ways to do a transition -------------------------------------------------


def _engine_cycle(engine: Any, pid: int, statements: list[int]) -> int:
    """submit, then return_to_author: two transitions through the transition service."""
    workflows, actors = _SHARED["workflows"], _SHARED["actors"]
    with unit_of_work(engine) as session:
        fire(
            session=session,
            workflows=workflows,
            kind="proposal",
            instance_id=pid,
            trigger="submit",
            actor=actors["ilsfeld.clerk"],
            now=berlin(DAY, 9),
            data={"cosigners": ["ilsfeld.head"]},
        )
    with unit_of_work(engine) as session:
        fire(
            session=session,
            workflows=workflows,
            kind="proposal",
            instance_id=pid,
            trigger="return_to_author",
            actor=actors["ilsfeld.head"],
            now=berlin(DAY, 10),
            comment="Bitte ergänzen",
        )
    return 2


def _floor_cycle(engine: Any, pid: int, statements: list[int]) -> int:
    """The same row lock, versioned update and audit append as a minimal ORM transaction."""
    actor: Actor = _SHARED["actors"]["ilsfeld.clerk"]
    for trigger in ("submit", "return_to_author"):
        with Session(engine, expire_on_commit=False) as session, session.begin():
            proposal = session.get(Proposal, pid, with_for_update=True)
            assert proposal is not None
            proposal.updated_at = datetime.now(UTC)
            session.flush()
            audit.append(
                session,
                instance_type="proposal",
                instance_id=pid,
                actor=actor,
                trigger=trigger,
                source=proposal.state,
                dest=proposal.state,
                now=datetime.now(UTC),
            )
    return 2


def _raw_cycle(conn: Any, pid: int, statements: list[int]) -> int:
    """Raw psycopg: lock, update state and version, read the audit head, insert a hashed
    audit row, move the head: five statements per transition."""
    for trigger in ("submit", "return_to_author"):
        with conn.transaction():
            state, version = conn.execute(
                "SELECT state, version FROM proposal WHERE id = %s FOR UPDATE", (pid,)
            ).fetchone()
            conn.execute(
                "UPDATE proposal SET state = %s, version = %s, updated_at = now() "
                "WHERE id = %s AND version = %s",
                (state, version + 1, pid, version),
            )
            head = conn.execute(
                "SELECT seq, hash FROM audithead WHERE instance_type = 'proposal' "
                "AND instance_id = %s",
                (pid,),
            ).fetchone()
            seq, prev = (head[0] + 1, head[1]) if head else (1, audit.GENESIS)
            at = datetime.now(UTC).replace(microsecond=0)
            payload = json.dumps(
                [pid, seq, at.isoformat(), "ilsfeld.clerk", trigger, state, prev],
                sort_keys=True,
            )
            digest = hashlib.sha256(payload.encode()).hexdigest()
            conn.execute(
                "INSERT INTO auditevent (instance_type, instance_id, seq, at, actor, actor_role,"
                ' "trigger", source, dest, comment, data, prev_hash, hash) VALUES '
                "('proposal', %s, %s, %s, 'ilsfeld.clerk', 'clerk', %s, %s, %s, NULL, '{}',"
                " %s, %s)",
                (pid, seq, at, trigger, state, state, prev, digest),
            )
            conn.execute(
                "INSERT INTO audithead (instance_type, instance_id, seq, hash) "
                "VALUES ('proposal', %s, %s, %s) ON CONFLICT (instance_type, instance_id) "
                "DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash",
                (pid, seq, digest),
            )
    statements[0] += 10
    return 2


def _raw_sqlite_cycle(conn: sqlite3.Connection, pid: int, statements: list[int]) -> int:
    """Python's sqlite3 doing what ``_raw_cycle`` does: ``BEGIN IMMEDIATE`` takes the write
    lock (SQLite has no row locks; writers queue on the busy timeout), then the same five
    statements and COMMIT."""
    for trigger in ("submit", "return_to_author"):
        conn.execute("BEGIN IMMEDIATE")
        try:
            state, version = conn.execute(
                "SELECT state, version FROM proposal WHERE id = ?", (pid,)
            ).fetchone()
            at = datetime.now(UTC).replace(microsecond=0)
            stamp = at.strftime("%Y-%m-%d %H:%M:%S.%f")
            conn.execute(
                "UPDATE proposal SET state = ?, version = ?, updated_at = ? "
                "WHERE id = ? AND version = ?",
                (state, version + 1, stamp, pid, version),
            )
            head = conn.execute(
                "SELECT seq, hash FROM audithead WHERE instance_type = 'proposal' "
                "AND instance_id = ?",
                (pid,),
            ).fetchone()
            seq, prev = (head[0] + 1, head[1]) if head else (1, audit.GENESIS)
            payload = json.dumps(
                [pid, seq, at.isoformat(), "ilsfeld.clerk", trigger, state, prev],
                sort_keys=True,
            )
            digest = hashlib.sha256(payload.encode()).hexdigest()
            conn.execute(
                "INSERT INTO auditevent (instance_type, instance_id, seq, at, actor, actor_role,"
                ' "trigger", source, dest, comment, data, prev_hash, hash) VALUES '
                "('proposal', ?, ?, ?, 'ilsfeld.clerk', 'clerk', ?, ?, ?, NULL, '{}', ?, ?)",
                (pid, seq, stamp, trigger, state, state, prev, digest),
            )
            conn.execute(
                "INSERT INTO audithead (instance_type, instance_id, seq, hash) "
                "VALUES ('proposal', ?, ?, ?) ON CONFLICT (instance_type, instance_id) "
                "DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                (pid, seq, digest),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    statements[0] += 10
    return 2


def _raw_connection(url: str) -> tuple[Any, Callable[[Any, int, list[int]], int]]:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split(":///", 1)[1], timeout=30, isolation_level=None)
        for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        return conn, _raw_sqlite_cycle
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg", "postgresql")), _raw_cycle


class Figure(NamedTuple):
    """One mode's measurement: transitions/s summed over the workers, SQL statements per
    transition, "database is locked" errors seen, and CPU per transition in milliseconds of
    the measured processes (``client_ms``) and of the database server's processes on this
    machine (``server_ms``; 0 for SQLite, which runs inside the measured processes)."""

    rate: float
    statements: float
    locked: int
    client_ms: float
    server_ms: float


def _server_cpu() -> dict[int, float]:
    """CPU seconds each PostgreSQL process on this machine (backends and background
    processes) has used so far, from /proc; empty where there is none (SQLite, a remote
    server)."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[int, float] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                name, _, rest = f.read().partition(") ")
        except OSError:  # gone meanwhile
            continue
        if name.endswith("(postgres"):
            fields = rest.split()
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    return used


def _server_seconds(before: dict[int, float], after: dict[int, float]) -> float:
    """What the server's processes used between two readings (a process that ended
    meanwhile is missed: the workers keep their connections open until it is read)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def _worker(mode: str, ids: list[int], seconds: float, start: Any, out: Any, finish: Any) -> None:
    try:
        _work(mode, ids, seconds, start, out, finish)
    except BaseException:
        import traceback

        out.put(traceback.format_exc())
        raise


def _work(mode: str, ids: list[int], seconds: float, start: Any, out: Any, finish: Any) -> None:
    url: str = _SHARED["url"]
    statements = [0]
    handle: Any
    cycle: Callable[[Any, int, list[int]], int]
    if mode == "raw":
        handle, cycle = _raw_connection(url)
    else:
        handle = make_engine(url)

        def count(*_: Any) -> None:
            statements[0] += 1

        event.listen(handle, "before_cursor_execute", count)
        cycle = _engine_cycle if mode == "engine" else _floor_cycle
    cycle(handle, ids[0], statements)  # warm-up: connection, statement caches
    statements[0] = 0
    start.wait()
    done, i, locked, began, cpu = 0, 0, 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - began < seconds:
        try:
            done += cycle(handle, ids[i % len(ids)], statements)
        except Exception as error:  # counted, not hidden: the report shows the number
            if LOCKED not in str(error):
                raise
            locked += 1
        i += 1
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    out.put((done, elapsed, statements[0], locked, cpu))
    finish.wait(60)  # the connection stays open until the server's CPU was read


def _run(mode: str, ids: list[int], workers: int, seconds: float) -> Figure:
    """Transitions per second summed over the workers, statements per transition, how
    often a worker saw "database is locked" (SQLite; it should never happen) and the CPU
    per transition of the workers and of the database server."""
    start, out, finish = FORK.Event(), FORK.Queue(), FORK.Event()
    procs = [
        FORK.Process(target=_worker, args=(mode, ids[w::workers], seconds, start, out, finish))
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    time.sleep(1.0)  # connections, imports and the warm-up cycle before the clock starts
    _analyze(_SHARED["url"])
    server = _server_cpu()
    start.set()
    try:
        results = [out.get(timeout=seconds + 120) for _ in procs]
        server_s = _server_seconds(server, _server_cpu())
    finally:
        finish.set()
    failed = [r for r in results if isinstance(r, str)]
    assert not failed, failed[0]
    for p in procs:
        p.join()
    done = max(1, sum(r[0] for r in results))
    return Figure(
        rate=sum(r[0] / r[1] for r in results),
        statements=sum(r[2] for r in results) / done,
        locked=sum(r[3] for r in results),
        client_ms=1000 * sum(r[4] for r in results) / done,
        server_ms=1000 * server_s / done,
    )


def _interleaved(ids: list[int], workers: int) -> dict[str, Figure]:
    """Each mode's figure over ``SLICES`` slices taken in turn (raw, floor, engine, then
    backwards), so the machine's drift (up to 30 % within minutes here) weighs on all three
    alike instead of on whichever ran in the slow minutes: rates, statements and CPU are the
    slices' means, "database is locked" their sum."""
    slices: dict[str, list[Figure]] = {mode: [] for mode in MODES}
    for k in range(SLICES):
        for mode in MODES if k % 2 == 0 else MODES[::-1]:
            slices[mode].append(_run(mode, ids, workers, SECONDS / SLICES))
    return {
        mode: Figure(
            rate=statistics.fmean(r.rate for r in runs),
            statements=statistics.fmean(r.statements for r in runs),
            locked=sum(r.locked for r in runs),
            client_ms=statistics.fmean(r.client_ms for r in runs),
            server_ms=statistics.fmean(r.server_ms for r in runs),
        )
        for mode, runs in slices.items()
    }


def _checkpoint(path: str) -> None:
    """Empty SQLite's write-ahead log (``PRAGMA wal_checkpoint(TRUNCATE)``)."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _raw_beside() -> float:
    """Raw transitions/s with one process, one slice long: the base of the HTTP ratios,
    measured before and after each server's figures (the serve processes idle meanwhile).
    On SQLite the log it wrote is checkpointed, not left to the server's next commits."""
    ids: list[int] = _SHARED["ids"]
    rate = _run("raw", ids, 1, SECONDS / SLICES)[0]
    url = make_url(_SHARED["url"])
    if url.get_backend_name() == "sqlite":
        _checkpoint(str(url.database))
    return rate


def _analyze(url: str) -> None:
    """Fresh planner statistics before each figure, as autovacuum keeps them in a running
    system. Without them a figure measures the run's own history: the deadline and act
    tables grow from nothing to tens of thousands of rows within seconds, faster than
    autovacuum looks (once a minute), and the prepared statements keep the plan made for
    the empty table (a sequential scan over all acts to close two deadlines; measured
    2026-12-04: 0.73 ms per close instead of 0.2 ms after 300 cycles, and growing)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()


# --- HTTP -------------------------------------------------------------------------------


def _serve(url: str, workers: int) -> tuple[list[subprocess.Popen[bytes]], str]:
    """``workers`` serve processes on one port (``api.server.listening_socket`` with
    SO_REUSEPORT: the kernel spreads the connections); uvicorn's own ``--workers`` let one
    worker accept a burst of connections alone."""
    port = free_port()
    env = {
        **os.environ,
        "RATSFLOW_DATABASE_URL": url,
        "RATSFLOW_SECRET_KEY": SECRET,
        "RATSFLOW_LOG_LEVEL": "WARNING",
    }
    procs = []
    for _ in range(workers):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.http_app", str(port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        procs.append(proc)
        assert proc.stdout is not None
        if proc.stdout.readline() != b"ready\n":  # built and bound (nothing else on stdout)
            _stop(procs)
            raise RuntimeError("the benchmark's server did not start")
    return procs, f"http://127.0.0.1:{port}"


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        stop(proc)


def _token(username: str) -> str:
    import jwt

    now = datetime.now(UTC)
    payload = {"sub": username, "iat": now, "exp": now.timestamp() + 3600}
    return str(jwt.encode(payload, SECRET, algorithm="HS256"))


async def _load(
    base: str, ids: list[int], what: str, seconds: float, limit: int, known: dict[int, int]
) -> dict[str, Any]:
    """Closed loop: ``CLIENTS`` connections, each sending its next request when the last is
    answered. Transitions carry the version read from the database before the clock starts
    (``known``), then from each answer; only a proposal whose last answer was an error is
    read again (GET …/actions, not counted). The load process's own CPU per request is
    reported (``client_ms``): it shares the cores with the server."""
    clerk = {"Authorization": f"Bearer {_token('ilsfeld.clerk')}"}
    head = {"Authorization": f"Bearer {_token('ilsfeld.head')}"}
    latencies: list[float] = []
    errors: dict[int, int] = {}
    began, cpu = time.perf_counter(), time.process_time()

    async def client(mine: list[int]) -> None:
        versions = {pid: known[pid] for pid in mine if pid in known}
        http = Connection(base)
        try:

            async def call(method: str, path: str, headers: dict[str, str], body: Any) -> Answer:
                t0 = time.perf_counter()
                r = await http.request(method, path, headers, body)
                latencies.append(time.perf_counter() - t0)
                if r.status >= 400:
                    errors[r.status] = errors.get(r.status, 0) + 1
                return r

            async def fire(pid: int, headers: dict[str, str], body: dict[str, Any]) -> None:
                if pid not in versions:  # after an error: read again
                    r = await http.request("GET", f"/api/v1/proposals/{pid}/actions", clerk)
                    versions[pid] = r.json()["version"]
                r = await call(
                    "POST",
                    f"/api/v1/proposals/{pid}/transitions",
                    headers,
                    {**body, "expected_version": versions[pid]},
                )
                if r.status == 200:
                    versions[pid] = r.json()["version"]
                else:
                    versions.pop(pid, None)

            submit = {"trigger": "submit", "data": {"cosigners": ["ilsfeld.head"]}}
            back = {"trigger": "return_to_author", "comment": "Bitte ergänzen"}
            i = 0
            while time.perf_counter() - began < seconds and len(latencies) < limit:
                pid = mine[i % len(mine)]
                i += 1
                if what in ("actions", "mixed"):
                    await call("GET", f"/api/v1/proposals/{pid}/actions", clerk, None)
                if what == "mixed":
                    await call("GET", f"/api/v1/proposals/{pid}", clerk, None)
                if what in ("transitions", "mixed"):
                    await fire(pid, clerk, submit)
                    await fire(pid, head, back)
                if what == "mixed":
                    await call("GET", f"/api/v1/proposals/{pid}/history", clerk, None)
        finally:
            await http.close()

    await asyncio.gather(*(client(ids[c::CLIENTS]) for c in range(CLIENTS)))
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    ordered = sorted(latencies)
    return {
        "rate": len(latencies) / elapsed,
        "client_ms": cpu / max(1, len(latencies)) * 1000,
        "p50": statistics.median(ordered) * 1000,
        "p99": _p99(ordered) * 1000,
        "n": len(latencies),
        "errors": errors,
    }


def _settle_forked_heap() -> None:
    """A load process is forked from pytest and inherits its heap (300,000 objects): each
    full collection of its garbage collector scanned all of them, a 200 ms stall of the
    client counted as the server's latency (the open loop's p99). Frozen, they are skipped."""
    gc.freeze()


def _p99(ordered: list[float]) -> float:
    """Nearest rank: the smallest value with at least 99 % of the values at or below it."""
    return ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)] if ordered else 0.0


def _load_process(
    base: str, ids: list[int], what: str, seconds: float, limit: int, known: Any, out: Any
) -> None:
    _settle_forked_heap()
    out.put(asyncio.run(_load(base, ids, what, seconds, limit, known)))


def _http(
    base: str, ids: list[int], what: str, seconds: float, limit: int = 10**9
) -> dict[str, Any]:
    """Load from a separate process (asyncio streams, ``lean_http``, ``CLIENTS``
    connections)."""
    known = _drafts(_SHARED["url"]) if what in ("transitions", "mixed") else {}
    _analyze(_SHARED["url"])
    out = FORK.Queue()
    proc = FORK.Process(target=_load_process, args=(base, ids, what, seconds, limit, known, out))
    proc.start()
    result: dict[str, Any] = out.get(timeout=seconds + 600)
    proc.join()
    return result


async def _open_load(
    base: str, ids: list[int], what: str, rate: float, seconds: float, versions: dict[int, int]
) -> dict[str, Any]:
    """Open loop: request k is due at ``began + k / rate`` whether or not earlier answers
    have come; its latency runs from that instant (not from when it was sent), so queueing
    in the client or the server counts (no coordinated omission). Transitions take the next
    proposal that is not in flight (waiting for one counts too) and fire its next trigger
    (submit, then return_to_author) with the version read from the database before the
    clock starts, then carried from each answer."""
    clerk = {"Authorization": f"Bearer {_token('ilsfeld.clerk')}"}
    head = {"Authorization": f"Bearer {_token('ilsfeld.head')}"}
    submit = {"trigger": "submit", "data": {"cosigners": ["ilsfeld.head"]}}
    back = {"trigger": "return_to_author", "comment": "Bitte ergänzen"}
    ready: asyncio.Queue[tuple[int, bool, int]] = asyncio.Queue()
    for pid in ids:
        if pid in versions:
            ready.put_nowait((pid, True, versions[pid]))
    latencies: list[float] = []
    errors: dict[int | str, int] = {}
    total = max(1, int(rate * seconds))
    http = Pool(base)
    try:

        async def one(k: int, due: float) -> None:
            try:
                if what == "actions":
                    pid = ids[k % len(ids)]
                    r = await http.request("GET", f"/api/v1/proposals/{pid}/actions", clerk)
                else:
                    pid, submitting, version = await ready.get()
                    r = await http.request(
                        "POST",
                        f"/api/v1/proposals/{pid}/transitions",
                        clerk if submitting else head,
                        {**(submit if submitting else back), "expected_version": version},
                    )
                    if r.status == 200:
                        ready.put_nowait((pid, not submitting, r.json()["version"]))
                latencies.append(time.perf_counter() - due)
                if r.status >= 400:
                    errors[r.status] = errors.get(r.status, 0) + 1
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                name = type(error).__name__
                errors[name] = errors.get(name, 0) + 1

        began = time.perf_counter() + 0.1
        tasks = []
        for k in range(total):
            due = began + k / rate
            pause = due - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            tasks.append(asyncio.create_task(one(k, due)))
        await asyncio.gather(*tasks)
        # Not measured: return what is left submitted, so that later runs find drafts; by
        # eight connections, as a burst of hundreds at once is no load this run measures.
        left = [ready.get_nowait() for _ in range(ready.qsize())]
        connections = asyncio.Semaphore(8)

        async def give_back(pid: int, version: int) -> None:
            async with connections:
                await http.request(
                    "POST",
                    f"/api/v1/proposals/{pid}/transitions",
                    head,
                    {**back, "expected_version": version},
                )

        await asyncio.gather(
            *(give_back(pid, version) for pid, submitting, version in left if not submitting)
        )
    finally:
        await http.close()
    ordered = sorted(latencies)
    return {
        "target": rate,
        "rate": len(latencies) / (total / rate),
        "p50": statistics.median(ordered) * 1000 if ordered else 0.0,
        "p99": _p99(ordered) * 1000,
        "max": ordered[-1] * 1000 if ordered else 0.0,
        "n": len(latencies),
        "errors": errors,
    }


def _open_process(
    base: str,
    ids: list[int],
    what: str,
    rate: float,
    seconds: float,
    versions: dict[int, int],
    out: Any,
) -> None:
    _settle_forked_heap()
    out.put(asyncio.run(_open_load(base, ids, what, rate, seconds, versions)))


def _drafts(url: str) -> dict[int, int]:
    """Version of every proposal in the most common state (the draft the cycles return to;
    one left submitted by an error in the closed loop is left out)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, state, version FROM proposal")).all()
    finally:
        engine.dispose()
    draft = statistics.mode(state for _, state, _ in rows)
    return {int(pid): int(version) for pid, state, version in rows if state == draft}


def _http_open(base: str, ids: list[int], what: str, rate: float, seconds: float) -> dict[str, Any]:
    """The open loop from a separate process, like ``_http``."""
    versions = _drafts(_SHARED["url"]) if what == "transitions" else {}
    _analyze(_SHARED["url"])
    out = FORK.Queue()
    proc = FORK.Process(target=_open_process, args=(base, ids, what, rate, seconds, versions, out))
    proc.start()
    result: dict[str, Any] = out.get(timeout=seconds + 600)
    proc.join()
    return result


def _rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (uvicorn's worker is a child)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


# --- the benchmark ----------------------------------------------------------------------


def test_transitions_and_http_against_raw(world: World) -> None:
    dialect = world.engine.dialect.name
    url = world.engine.url.render_as_string(hide_password=False)
    load_before = os.getloadavg()[0]
    seeding = time.perf_counter()
    ids = _seed(world, PROPOSALS)
    seeded_in = time.perf_counter() - seeding
    world.engine.dispose()
    _SHARED.update(url=url, workflows=world.workflows, actors=world.actors, ids=ids)

    engine_rows = {workers: _interleaved(ids, workers) for workers in WORKERS}
    assert all(row["engine"][0] > 0 for row in engine_rows.values())
    locked = {w: {m: r[2] for m, r in row.items() if r[2]} for w, row in engine_rows.items()}
    assert not any(locked.values()), f"{LOCKED}: {locked}"

    http_rows: dict[int, dict[str, dict[str, Any]]] = {}
    for workers in HTTP_WORKERS:
        procs, base = _serve(url, workers)
        try:
            # Raw with one process, measured next to these HTTP figures: their ratio's base.
            served = {"raw": {"rate": _raw_beside()}}
            # Unmeasured: a fresh worker's first requests import and build what later ones
            # reuse, which would otherwise land in the closed loop's p99.
            _http(base, ids, "mixed", 60, limit=100)
            for what in ("transitions", "actions"):
                served[what] = peak = _http(base, ids, what, SECONDS)
                served[f"{what}-open"] = _http_open(base, ids, what, peak["rate"] / 2, SECONDS)
            served["raw"]["rate"] = (served["raw"]["rate"] + _raw_beside()) / 2
            http_rows[workers] = served
        finally:
            _stop(procs)

    procs, base = _serve(url, 1)
    proc = procs[0]
    try:
        _http(base, ids, "mixed", 60, limit=200)  # warm-up: imports, caches, pool
        before = _rss_kib(proc.pid)
        mixed = _http(base, ids, "mixed", 3600, limit=REQUESTS)
        after = _rss_kib(proc.pid)
    finally:
        _stop(procs)

    _write(dialect, engine_rows, http_rows, mixed, before, after, seeded_in, load_before)


def _write(
    dialect: str,
    engine_rows: dict[int, dict[str, Figure]],
    http_rows: dict[int, dict[str, dict[str, Any]]],
    mixed: dict[str, Any],
    before: int,
    after: int,
    seeded_in: float,
    load_before: float,
) -> None:
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {dialect}, `os.cpu_count()` = "
        f"{os.cpu_count()}, {PROPOSALS:,} proposals (seeded in {seeded_in:.1f} s), "
        f"{SECONDS:g} s per figure; run with the command in the README; load average "
        f"{load_before:.2f} when the run began. The benchmark's load process and the database "
        "share the cores with the measured processes: compare the ratios of one run, not "
        f"runs with each other. Each engine figure is the mean of {SLICES} slices taken in "
        f"turn with the other two modes; each HTTP ratio's base is {RAW[dialect]} with one "
        "process measured just before and after that server's figures.",
        "",
        "### Engine: submit / return_to_author cycles",
        "",
        f"| worker processes | {RAW[dialect]} /s | ORM floor /s | engine /s | floor : raw "
        "| engine : raw | engine : floor | statements per transition (engine) "
        f'| "{LOCKED}" |',
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for workers, row in engine_rows.items():
        raw, floor, eng = row["raw"][0], row["floor"][0], row["engine"][0]
        locked = sum(r[2] for r in row.values())
        lines.append(
            f"| {workers} | {raw:,.0f} | {floor:,.0f} | {eng:,.0f} | {floor / raw:.0%} "
            f"| {eng / raw:.1%} | {eng / floor:.0%} | {row['engine'][1]:.1f} | {locked} |"
        )
    lock = (
        "the row lock is `SELECT … FOR UPDATE`"
        if dialect == "postgresql"
        else "SQLite has one writer: `BEGIN IMMEDIATE` takes the write lock and the others "
        "queue on the busy timeout (30 s), so with 2 and 4 processes writers wait, they do "
        'not fail; the last column counts "database is locked" errors seen by any worker'
    )
    lines += [
        "",
        "Raw is five statements per transition (lock, update, head read, audit insert, head "
        "upsert) plus BEGIN/COMMIT; the floor counts what SQLAlchemy sends for the same; "
        f"{lock}.",
        "",
        *_cpu_table(dialect, engine_rows),
        "",
        "### HTTP (uvicorn, load from a separate asyncio process, "
        f"{CLIENTS} keep-alive connections, closed loop)",
        "",
        "| serve processes | request | requests/s | p50 ms | p99 ms | : raw (1 process, beside) "
        "| load process CPU ms per request | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for workers, served in http_rows.items():
        for what, label in (
            ("transitions", "POST …/transitions"),
            ("actions", "GET …/actions"),
        ):
            r = served[what]
            lines.append(
                f"| {workers} | {label} | {r['rate']:,.0f} | {r['p50']:.0f} | {r['p99']:.0f} "
                f"| {r['rate'] / served['raw']['rate']:.1%} | {r['client_ms']:.2f} "
                f"| {r['errors'] or '–'} |"
            )
    lines += [
        "",
        "### HTTP open loop at half the peak (target: p99 < 50 ms)",
        "",
        "Requests due at fixed instants (half the closed-loop rate above, same server), sent "
        "whether or not earlier ones have been answered; latency runs from the due instant, "
        "so time spent queued behind a slow answer is counted (no coordinated omission).",
        "",
        "| serve processes | request | due /s | answered /s | p50 ms | p99 ms | max ms "
        "| p99 < 50 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for workers, served in http_rows.items():
        for what, label in (
            ("transitions-open", "POST …/transitions"),
            ("actions-open", "GET …/actions"),
        ):
            r = served[what]
            lines.append(
                f"| {workers} | {label} | {r['target']:,.1f} | {r['rate']:,.1f} "
                f"| {r['p50']:.0f} | {r['p99']:.0f} | {r['max']:.0f} "
                f"| {'yes' if r['p99'] < 50 else 'no'} | {r['errors'] or '–'} |"
            )
    lines += [
        "",
        "### Memory of a serve process",
        "",
        f"- {mixed['n']:,} mixed requests (actions, detail, submit, return, history) against "
        f"{PROPOSALS:,} proposals: RSS {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB "
        f"after ({(after - before) / max(1, mixed['n']):.2f} KiB per request).",
    ]
    _record(TITLES[dialect], lines)
    _plot(dialect, engine_rows, http_rows)


def _cpu_table(dialect: str, engine_rows: dict[int, dict[str, Figure]]) -> list[str]:
    """CPU per transition of each mode, the measured processes' and the database server's,
    and the rate all cores could give at that cost: where the work is spread over more
    processes than there are cores, the ratios follow the CPU, not the round trips."""
    cores = os.cpu_count() or 1
    server = dialect == "postgresql"
    lines = [
        "#### CPU per transition (ms; the same slices)",
        "",
        "What each mode costs the machine: the measured processes' CPU (`process_time`) "
        + (
            "and PostgreSQL's (its processes' utime + stime from /proc, background "
            "processes included)"
            if server
            else "(SQLite runs inside them)"
        )
        + f", and the rate {cores} cores fully busy would give at that cost "
        "(cores ÷ CPU per transition). With one process a mode waits on its round trips; "
        "with more processes than the cores can run at once the CPU bounds it, and the "
        "engine's ratio to raw is the ratio of their CPU per transition.",
        "",
        "| worker processes | mode | client CPU | server CPU | total | bound by "
        f"{cores} cores /s | measured /s |",
        "|---|---|---|---|---|---|---|",
    ]
    for workers, row in engine_rows.items():
        for mode, label in (("raw", RAW[dialect]), ("floor", "ORM floor"), ("engine", "engine")):
            r = row[mode]
            total = r.client_ms + r.server_ms
            lines.append(
                f"| {workers} | {label} | {r.client_ms:.2f} | "
                + (f"{r.server_ms:.2f}" if server else "–")
                + f" | {total:.2f} | {1000 * cores / total:,.0f} | {r.rate:,.0f} |"
            )
    return lines


def _plot(
    dialect: str,
    engine_rows: dict[int, dict[str, Figure]],
    http_rows: dict[int, dict[str, dict[str, Any]]],
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    workers = list(engine_rows)
    for mode, label in (("raw", RAW[dialect]), ("floor", "ORM floor"), ("engine", "engine")):
        left.plot(workers, [engine_rows[w][mode][0] for w in workers], marker="o", label=label)
    left.set_xlabel("worker processes")
    left.set_ylabel("transitions / s")
    left.set_xticks(workers)
    left.set_title(f"submit / return_to_author ({dialect})")
    left.legend()
    http_workers = list(http_rows)
    for what, label in (("transitions", "POST …/transitions"), ("actions", "GET …/actions")):
        right.plot(
            http_workers,
            [http_rows[w][what]["rate"] for w in http_workers],
            marker="o",
            label=label,
        )
    right.set_xlabel("serve processes (SO_REUSEPORT)")
    right.set_ylabel("requests / s")
    right.set_xticks(http_workers)
    right.set_title("HTTP")
    right.legend()
    fig.tight_layout()
    fig.savefig(PLOTS[dialect], dpi=100)


def test_profile_engine_cycle(world: World) -> None:
    """pyinstrument over ``RATSFLOW_BENCH_CYCLES`` (default 100) submit/return cycles in one
    process; prints the call tree (for the notes in docs/benchmarks.md)."""
    from pyinstrument import Profiler

    cycles = int(os.environ.get("RATSFLOW_BENCH_CYCLES", "100"))
    ids = [new_proposal(world, title=f"Profil {i}") for i in range(min(cycles, 20))]
    _SHARED.update(workflows=world.workflows, actors=world.actors)
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(world.engine, "before_cursor_execute", count)
    _engine_cycle(world.engine, ids[0], statements)  # warm-up
    statements[0] = 0
    profiler = Profiler(interval=0.0005)
    began = time.perf_counter()
    profiler.start()
    for i in range(cycles):
        _engine_cycle(world.engine, ids[i % len(ids)], statements)
    profiler.stop()
    elapsed = time.perf_counter() - began
    event.remove(world.engine, "before_cursor_execute", count)
    print(
        f"\n{world.engine.dialect.name}: {2 * cycles / elapsed:.0f} transitions/s in one "
        f"process, {statements[0] / (2 * cycles):.1f} statements per transition"
    )
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    assert statements[0] > 0


def test_profile_http_transition(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyinstrument over ``RATSFLOW_BENCH_CYCLES`` (default 100) authenticated
    ``POST …/transitions`` cycles (submit, return_to_author) through the whole ASGI app in
    one thread: sync dependencies and routes run inline instead of in the thread pool, so
    the profile shows the api/ layer (authentication, validation, problems, JSON) next to
    the engine. Prints requests per second and the call tree (for the notes)."""
    import anyio.to_thread
    import httpx
    from pyinstrument import Profiler

    from api.app import create_app
    from workflow.runtime import Runtime
    from workflow.settings import Settings

    async def inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
        return func(*args)

    monkeypatch.setattr(anyio.to_thread, "run_sync", inline)
    cycles = int(os.environ.get("RATSFLOW_BENCH_CYCLES", "100"))
    ids = [new_proposal(world, title=f"Profil {i}") for i in range(min(cycles, 20))]
    settings = Settings(secret_key=SECRET)
    runtime = Runtime(settings=settings, engine=world.engine, workflows=world.workflows)
    app = create_app(settings, runtime=runtime, start_scheduler=False, clock=lambda: berlin(DAY, 9))
    clerk = {"Authorization": f"Bearer {_token('ilsfeld.clerk')}"}
    head = {"Authorization": f"Bearer {_token('ilsfeld.head')}"}
    submit = {"trigger": "submit", "data": {"cosigners": ["ilsfeld.head"]}}
    back = {"trigger": "return_to_author", "comment": "Bitte ergänzen"}
    versions: dict[int, int] = {}

    async def cycle(http: httpx.AsyncClient, pid: int) -> None:
        for headers, body in ((clerk, submit), (head, back)):
            if pid not in versions:
                r = await http.get(f"/api/v1/proposals/{pid}/actions", headers=clerk)
                versions[pid] = r.json()["version"]
            r = await http.post(
                f"/api/v1/proposals/{pid}/transitions",
                headers=headers,
                json={**body, "expected_version": versions[pid]},
            )
            assert r.status_code == 200, r.text
            versions[pid] = r.json()["version"]

    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    async def run() -> tuple[float, float, Profiler]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for pid in ids:
                await cycle(http, pid)  # warm-up and versions
            profiler = Profiler(interval=0.0005, async_mode="disabled")
            event.listen(world.engine, "before_cursor_execute", count)
            began, cpu = time.perf_counter(), time.process_time()
            profiler.start()
            for i in range(cycles):
                await cycle(http, ids[i % len(ids)])
            profiler.stop()
            elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
            event.remove(world.engine, "before_cursor_execute", count)
            return elapsed, cpu, profiler

    elapsed, cpu, profiler = asyncio.run(run())
    n = 2 * cycles
    print(
        f"\n{world.engine.dialect.name}: {n / elapsed:.0f} POST …/transitions per second in "
        f"one thread ({elapsed / n * 1000:.2f} ms each, {cpu / n * 1000:.2f} ms CPU of this "
        f"process, profiler included), {statements[0] / n:.1f} statements per request"
    )
    saved = os.environ.get("RATSFLOW_BENCH_PROFILE_OUT")
    if saved and profiler.last_session is not None:
        profiler.last_session.save(saved)  # for pyinstrument --load
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    assert statements[0] > 0


def test_api_overhead_without_engine(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the api/ layer costs around the engine: ``RATSFLOW_BENCH_REQUESTS`` (capped at
    3,000) authenticated ``POST …/transitions`` through the whole ASGI app (middleware,
    dependencies in the real thread pool, authentication, validation, JSON), with the
    transition service replaced by the answer of one real ``submit``. Prints wall and CPU
    time, statements (the engine's are not in it) and thread-pool hops per request. With
    ``RATSFLOW_BENCH_PROFILE_OUT`` set, dependencies run inline (as in
    ``test_profile_http_transition``) under pyinstrument and the session is saved there."""
    import anyio.to_thread
    import httpx
    from pyinstrument import Profiler

    from api.app import create_app
    from api.routes import lifecycle
    from workflow.runtime import Runtime
    from workflow.settings import Settings

    pid = new_proposal(world, title="Overhead")
    settings = Settings(secret_key=SECRET)
    runtime = Runtime(settings=settings, engine=world.engine, workflows=world.workflows)
    app = create_app(settings, runtime=runtime, start_scheduler=False, clock=lambda: berlin(DAY, 9))
    clerk = {"Authorization": f"Bearer {_token('ilsfeld.clerk')}"}
    body = {"trigger": "submit", "data": {"cosigners": ["ilsfeld.head"]}, "expected_version": 1}
    answers: list[Any] = []

    def recording(**kwargs: Any) -> Any:
        answers.append(fire(**kwargs))
        return answers[-1]

    requests = min(REQUESTS, 3000)
    saved = os.environ.get("RATSFLOW_BENCH_PROFILE_OUT")
    profiler = Profiler(interval=0.0002, async_mode="disabled")
    if saved:

        async def inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
            return func(*args)

        monkeypatch.setattr(anyio.to_thread, "run_sync", inline)
    hops = [0]
    pooled = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops[0] += 1
        return await pooled(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    async def run() -> tuple[float, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            version = (await http.get(f"/api/v1/proposals/{pid}/actions", headers=clerk)).json()
            body["expected_version"] = version["version"]
            monkeypatch.setattr(lifecycle, "fire", recording)
            path = f"/api/v1/proposals/{pid}/transitions"
            r = await http.post(path, headers=clerk, json=body)
            assert r.status_code == 200, r.text
            monkeypatch.setattr(lifecycle, "fire", lambda **_: answers[0])
            for _ in range(50):  # warm-up
                assert (await http.post(path, headers=clerk, json=body)).status_code == 200
            event.listen(world.engine, "before_cursor_execute", count)
            hops[0] = 0
            began, cpu = time.perf_counter(), time.process_time()
            if saved:
                profiler.start()
            for _ in range(requests):
                r = await http.post(path, headers=clerk, json=body)
                assert r.status_code == 200, r.text
            if saved:
                profiler.stop()
            elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
            event.remove(world.engine, "before_cursor_execute", count)
            return elapsed, cpu

    elapsed, cpu = asyncio.run(run())
    print(
        f"\n{world.engine.dialect.name}: api/ layer without the engine: "
        f"{elapsed / requests * 1000:.3f} ms wall, {cpu / requests * 1000:.3f} ms CPU per "
        f"request, {statements[0] / requests:.1f} statements and {hops[0] / requests:.1f} "
        f"thread-pool calls per request ({requests} requests)"
    )
    if saved and profiler.last_session is not None:
        profiler.last_session.save(saved)
        print(profiler.output_text(unicode=False, color=False, show_all=False))
