"""The app as ``uvicorn --factory tests.benchmarks.http_app:build --workers N`` serves it for
the HTTP benchmark: settings from the environment, no in-process deadline sweep (the sweep
has its own benchmark)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from workflow.settings import get_settings


def build() -> FastAPI:
    return create_app(get_settings(), start_scheduler=False)
