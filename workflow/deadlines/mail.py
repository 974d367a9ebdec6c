"""Outbound e-mail behind a small protocol; SMTP (plain, STARTTLS or TLS) from a URL."""

from __future__ import annotations

import email.policy
import hashlib
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlparse

from workflow.models import OutboxAttachment, OutboxMessage

SENDER = "Ratsflow <ratsflow@localhost>"
# Python's header folder breaks a long subject before an encoded word but after the space,
# so readers see "versenden  – Sitzung" (two spaces). Subjects stay far below SMTP's hard
# limit of 998 characters a line, so they are not folded at all; the body goes out as
# quoted-printable, which every relay accepts.
POLICY = email.policy.default.clone(max_line_length=998)


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def message_id(key: str, domain: str = "ratsflow") -> str:
    """Derived from the idempotency key: a message sent twice (crash between the SMTP
    server's acceptance and our commit) carries the same Message-ID both times."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}@{domain}>"


def build_message(
    row: OutboxMessage,
    sender: str = SENDER,
    files: Sequence[tuple[OutboxAttachment, bytes]] = (),
) -> EmailMessage:
    """The MIME message of an outbox row; with files, multipart/mixed with the text first."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(row.key)
    message["X-Ratsflow-Key"] = row.key
    message.set_content(row.body, cte="quoted-printable")
    for meta, data in files:
        maintype, _, subtype = meta.content_type.partition("/")
        message.add_attachment(
            data, maintype=maintype, subtype=subtype or "octet-stream", filename=meta.name
        )
    return message


@dataclass(frozen=True)
class SmtpMailer:
    """``smtp://host:port`` (plain), ``smtp+starttls://…`` or ``smtps://…`` (implicit TLS);
    optional ``user:password@``; ``?sender=`` overrides the From address, ``?cafile=`` names
    the CA bundle of a municipal IT's own certificate authority (certificates are always
    verified)."""

    url: str
    timeout: float = 30.0

    def send(self, message: EmailMessage) -> None:
        parsed = urlparse(self.url)
        query = parse_qs(parsed.query)
        host = parsed.hostname or "127.0.0.1"
        context = ssl.create_default_context(cafile=query.get("cafile", [None])[0])
        if sender := query.get("sender", [None])[0]:
            del message["From"]
            message["From"] = sender
        smtp: smtplib.SMTP
        if parsed.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(host, parsed.port or 465, timeout=self.timeout, context=context)
        elif parsed.scheme in ("smtp", "smtp+starttls"):
            smtp = smtplib.SMTP(host, parsed.port or 25, timeout=self.timeout)
        else:
            raise ValueError(f"Unbekanntes Schema in RATSFLOW_SMTP_URL: {parsed.scheme}")
        with smtp:
            if parsed.scheme == "smtp+starttls":
                smtp.starttls(context=context)
            if parsed.username:
                smtp.login(unquote(parsed.username), unquote(parsed.password or ""))
            smtp.send_message(message)
