"""Workers started at once: the one way tests fire concurrent calls (engine or HTTP)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


def run_parallel(
    workers: int, job: Callable[[int], Any], *, timeout: float | None = None
) -> list[Any]:
    """Start all workers at once (barrier) and collect results or exceptions.

    With ``timeout`` (seconds, for all of them) a worker still running then leaves ``None``:
    a stall fails the test's assertion instead of hanging the run."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def target(i: int) -> None:
        barrier.wait()
        try:
            results[i] = job(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each worker got
            results[i] = exc

    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(workers)]
    for t in threads:
        t.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    for t in threads:
        t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return results
