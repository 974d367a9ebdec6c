"""A real SMTP server (aiosmtpd) on loopback that records what it receives."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    delay: float = 0.0
    fail: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.fail:
            return "451 Versuchen Sie es später"
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.messages.append(
                message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
            )
        return "250 OK"

    def keys(self) -> list[str]:
        with self.lock:
            return [str(m["X-Ratsflow-Key"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()
