"""The app as the HTTP benchmark serves it, one process per worker on a shared port:

    python -m tests.benchmarks.http_app PORT

Settings from the environment, no in-process deadline sweep (the sweep has its own
benchmark); the runtime opened, the heap frozen and the socket bound as ``ratsflow serve
--reuse-port`` does (``api.server``): N such processes are N workers the kernel spreads
the connections across. It prints ``ready`` once bound."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from api.app import create_app
from api.server import freeze_startup_heap, listening_socket, run_app
from workflow.runtime import open_runtime
from workflow.settings import get_settings


def build() -> FastAPI:
    settings = get_settings()
    app = create_app(settings, start_scheduler=False, runtime=open_runtime(settings))
    freeze_startup_heap()
    return app


if __name__ == "__main__":
    app = build()
    listener = listening_socket("127.0.0.1", int(sys.argv[1]), reuse_port=True)
    print("ready", flush=True)  # bound: connections hashed to this process wait for it
    run_app(app, listener)
