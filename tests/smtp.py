"""A real SMTP server (aiosmtpd) on loopback that records what it receives."""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller

from tests.served import free_port


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    delay: float = 0.0
    fail: bool = False
    unknown: set[str] = field(default_factory=set)  # mailboxes the server refuses (550)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 Mailbox unbekannt"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.fail:
            return "451 Versuchen Sie es später"
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def keys(self) -> list[str]:
        with self.lock:
            return [str(m["X-Ratsflow-Key"]) for m in self.messages]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made by the openssl command line (cert, key)."""
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def smtp_server(
    tls: Literal["implicit", "starttls"] | None = None, certificate: tuple[Path, Path] | None = None
) -> Iterator[tuple[str, Inbox]]:
    """``tls="implicit"``: TLS from the first byte (smtps); ``"starttls"``: plain until the
    client upgrades, and nothing is accepted before it has."""
    inbox = Inbox()
    port = free_port()
    options: dict[str, Any] = {}
    scheme = "smtp"
    if tls is not None:
        assert certificate is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        if tls == "implicit":
            options, scheme = {"ssl_context": context}, "smtps"
        else:
            options = {"tls_context": context, "require_starttls": True}
            scheme = "smtp+starttls"
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield f"{scheme}://127.0.0.1:{port}", inbox
    finally:
        controller.stop()
