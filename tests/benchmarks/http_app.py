"""The app as ``uvicorn --factory tests.benchmarks.http_app:build --workers N`` serves it for
the HTTP benchmark: settings from the environment, no in-process deadline sweep (the sweep
has its own benchmark); the runtime opened and the heap frozen before serving, as
``ratsflow serve`` does (``api.server``)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.server import freeze_startup_heap
from workflow.runtime import open_runtime
from workflow.settings import get_settings


def build() -> FastAPI:
    settings = get_settings()
    app = create_app(settings, start_scheduler=False, runtime=open_runtime(settings))
    freeze_startup_heap()
    return app
