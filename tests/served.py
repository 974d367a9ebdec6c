"""`ratsflow serve` started as a user starts it, for the end-to-end and browser tests: a free
port, waiting until `/health` answers, stopping with SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(
    base: str, process: subprocess.Popen[bytes], log: Path, seconds: float
) -> dict[str, Any]:
    """The first `/health` answered with 200; fails with the end of the log when the
    process exits or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text()[-3000:])
        try:
            answer = httpx.get(f"{base}/health", timeout=2)
            if answer.status_code == 200:
                return dict(answer.json())
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not healthy within {seconds:.0f} s: {log.read_text()[-3000:]}")


def wait_logged(process: subprocess.Popen[bytes], log: Path, text: str, seconds: float) -> None:
    """Until ``log`` contains ``text``; fails with the end of the log when the process exits
    or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, f"no {text!r} within {seconds:.0f} s"
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 20 s; nothing when it has already ended."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
