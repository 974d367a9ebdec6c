"""Create or upgrade the schema with Alembic, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def reset(engine: Engine) -> None:
    """Drop every table (ours and Alembic's bookkeeping), then migrate afresh."""
    from sqlalchemy import MetaData

    metadata = MetaData()
    metadata.reflect(bind=engine)
    with engine.begin() as connection:
        metadata.drop_all(connection)
    upgrade(engine)
