"""Settings from the environment (prefix ``RATSFLOW_``); never read at import time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

_REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Process settings; secrets come only from the environment, never from the repository."""

    model_config = SettingsConfigDict(env_prefix="RATSFLOW_", extra="ignore")

    database_url: str = "sqlite:///./ratsflow.db"
    # Seconds a connection attempt (and the wait for a pooled connection) may take.
    db_connect_timeout: float = 5.0
    secret_key: str | None = None
    smtp_url: str | None = None
    timezone: str = "Europe/Berlin"
    base_url: str = "http://127.0.0.1:8000"
    definitions_dir: Path = _REPO_ROOT / "definitions"
    shared_dir: Path = _REPO_ROOT.parent / "shared"
    # Request bodies (JSON, forms) and uploads (multipart/form-data), in bytes; larger → 413.
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    # Argon2 checks running at once; more sign-ins wait without holding a worker thread.
    password_hash_workers: int = 2
    # Attachments, content-addressed by SHA-256.
    files_dir: Path = Path("./ratsflow-files")


@lru_cache
def get_settings() -> Settings:
    return Settings()
