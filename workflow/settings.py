"""Settings from the environment (prefix ``RATSFLOW_``); never read at import time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_PACKAGE = Path(__file__).resolve().parent
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_MAIL_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024


def _default_definitions_dir() -> Path:
    """The copy of ``definitions/`` a wheel carries (setup.py maps it into the package), else
    the checkout's own directory (editable install, tests)."""
    bundled = _PACKAGE / "bundled_definitions"
    return bundled if bundled.is_dir() else _PACKAGE.parent / "definitions"


class Settings(BaseSettings):
    """Process settings; secrets come only from the environment, never from the repository."""

    model_config = SettingsConfigDict(env_prefix="RATSFLOW_", extra="ignore")

    database_url: str = "sqlite:///./ratsflow.db"
    # Seconds a connection attempt (and the wait for a pooled connection) may take.
    db_connect_timeout: float = 5.0
    # Connections a process keeps open to a server database; as many requests use the
    # database at once (``api.turns``). Beyond them the pool opens a connection per use and
    # closes it again: on PostgreSQL a backend started and ended per request (issue 14).
    db_pool_size: int = Field(default=10, ge=1)
    secret_key: str | None = None
    smtp_url: str | None = None
    timezone: str = "Europe/Berlin"
    # Where links in mails, feeds and OParl point; unset, a request's own address is used
    # (``link_base``), and processes without a request fall back to DEFAULT_BASE_URL.
    base_url: str | None = None
    definitions_dir: Path = Field(default_factory=_default_definitions_dir)
    # Request bodies (JSON, forms) and uploads (multipart/form-data), in bytes; larger → 413.
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    # Argon2 checks running at once; more sign-ins wait without holding a worker thread.
    password_hash_workers: int = 2
    # Reverse proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses or
    # networks, e.g. "10.0.0.5,192.168.0.0/24"). Empty: the peer is the client, so a forged
    # header cannot dodge the per-address login throttle.
    trusted_proxies: str = ""
    # Attachments, content-addressed by SHA-256; uploads above the limit are refused (413).
    files_dir: Path = Path("./ratsflow-files")
    # Anlagen go with an invitation as files while all of them together stay below this many
    # bytes; the others are sent as links (mailboxes refuse large mails).
    mail_attachment_max_bytes: int = DEFAULT_MAIL_ATTACHMENT_MAX_BYTES

    def link_base(self, request_base: str | None = None) -> str:
        """The base of absolute links, without a trailing slash: the setting, else the
        address the request came to, else ``DEFAULT_BASE_URL``."""
        return (self.base_url or request_base or DEFAULT_BASE_URL).rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()
