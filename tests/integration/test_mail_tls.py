"""E-mail over TLS: implicit (smtps) and STARTTLS, certificates always verified."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.smtp import self_signed_certificate, smtp_server
from workflow.deadlines.mail import SENDER, SmtpMailer


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def letter(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "ilsfeld.mayor@example.org"
    message["Subject"] = subject
    message.set_content("Die Einladungsfrist endet am 16.04.2024.")
    return message


def test_implicit_tls_with_the_municipal_ca_and_own_sender(
    certificate: tuple[Path, Path],
) -> None:
    with smtp_server("implicit", certificate) as (url, inbox):
        assert url.startswith("smtps://")
        mailer = SmtpMailer(
            f"{url}?cafile={certificate[0]}&sender=Gemeinde%20Ilsfeld%20<rat@ilsfeld.de>"
        )
        mailer.send(letter("Erinnerung: Einladung – Gemeinderat"))
    [received] = inbox.messages
    assert received["Subject"] == "Erinnerung: Einladung – Gemeinderat"
    assert received["From"] == "Gemeinde Ilsfeld <rat@ilsfeld.de>"


def test_starttls_upgrades_before_anything_is_sent(certificate: tuple[Path, Path]) -> None:
    with smtp_server("starttls", certificate) as (url, inbox):
        SmtpMailer(f"{url}?cafile={certificate[0]}").send(letter("Erinnerung"))
        plain = url.replace("smtp+starttls://", "smtp://")
        with pytest.raises(smtplib.SMTPException):  # the server demands STARTTLS first
            SmtpMailer(plain).send(letter("unverschlüsselt"))
    assert [m["Subject"] for m in inbox.messages] == ["Erinnerung"]


def test_an_untrusted_certificate_is_refused(certificate: tuple[Path, Path]) -> None:
    with smtp_server("implicit", certificate) as (url, inbox):
        with pytest.raises(ssl.SSLCertVerificationError):
            SmtpMailer(url).send(letter("an einen fremden Server"))
    assert inbox.messages == []
