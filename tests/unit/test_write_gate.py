"""The SQLite write gate (workflow.db.WriteGate): one process's writers take turns in the
order they came, each woken when the one before it ends, even from another thread."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from workflow.db import WriteGate, make_engine, write_gate


def _queued(gate: WriteGate, n: int) -> None:
    """Wait (bounded) until ``n`` writers wait at the gate."""
    for _ in range(2000):
        if len(gate._waiting) == n:
            return
        time.sleep(0.001)
    raise AssertionError(f"{n} writers never queued")


def test_writers_take_their_turn_in_the_order_they_came() -> None:
    gate = WriteGate()
    assert gate.acquire(timeout=1)
    order: list[int] = []

    def writer(i: int) -> None:
        assert gate.acquire(timeout=10)
        order.append(i)
        gate.release()

    threads = []
    for i in range(5):
        t = threading.Thread(target=writer, args=(i,))
        t.start()
        _queued(gate, i + 1)  # the next one comes only after this one waits
        threads.append(t)
    gate.release()
    for t in threads:
        t.join(timeout=10)
    assert order == [0, 1, 2, 3, 4]
    assert gate.acquire(timeout=0.01)  # free again after the last


def test_a_turn_taken_in_one_thread_is_given_back_in_another() -> None:
    gate = WriteGate()
    taken = threading.Thread(target=lambda: gate.acquire(timeout=1))
    taken.start()
    taken.join()
    assert not gate.acquire(timeout=0.01)  # held, and the waiter who gave up left the queue
    assert not gate._waiting
    given = threading.Thread(target=gate.release)
    given.start()
    given.join()
    assert gate.acquire(timeout=0.01)


def test_concurrent_sqlite_writers_all_get_through(tmp_path: Path) -> None:
    """Eight threads of one process write at once: every transaction commits (none is
    refused with "database is locked"), and the gate is free afterwards."""
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    failures: list[BaseException] = []

    def writer() -> None:
        for _ in range(25):
            try:
                with engine.begin() as conn:
                    n = conn.execute(text("SELECT n FROM counter")).scalar_one()
                    conn.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
            except BaseException as exc:  # noqa: BLE001 - counted and asserted below
                failures.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 200
    gate = write_gate(engine)
    assert gate is not None
    assert not gate._held
    # A BEGIN that fails (here: refused by a listener, as SQLite refuses one after its busy
    # timeout) gives the turn back, or every later writer would wait for it.
    refuse = [True]

    def refuse_begin(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement == "BEGIN IMMEDIATE" and refuse[0]:
            refuse[0] = False
            raise sqlite3.OperationalError("database is locked")

    event.listen(engine, "before_cursor_execute", refuse_begin)
    with pytest.raises(OperationalError, match="locked"), engine.begin() as conn:
        conn.execute(text("SELECT 1"))
    assert not gate._held
    with engine.begin() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 200
    assert not gate._held
    engine.dispose()
