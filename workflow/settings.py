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
    secret_key: str | None = None
    smtp_url: str | None = None
    timezone: str = "Europe/Berlin"
    base_url: str = "http://127.0.0.1:8000"
    definitions_dir: Path = _REPO_ROOT / "definitions"
    shared_dir: Path = _REPO_ROOT.parent / "shared"
    # Attachments, content-addressed by SHA-256; uploads above the limit are refused (413).
    files_dir: Path = Path("./ratsflow-files")
    max_upload_bytes: int = 20 * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
