"""Request ids, structured JSON logs and Prometheus metrics, without extra dependencies.

Counters live in the process (a scrape sees its own process); workflow figures (transitions,
deadlines, outbox) are read from the database, so every process reports the same truth.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import unexpected_response
from workflow.definitions.machines import Workflows, quiet_transitions_log
from workflow.models import AuditEvent, Deadline, OutboxMessage

logger = logging.getLogger("api.access")
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key in ("method", "path", "route", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_transitions_log()


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return ",".join(f'{k}="{escape(v)}"' for k, v in labels.items())


@dataclass
class Metrics:
    """Request counts and a latency histogram by route template and status."""

    requests: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    buckets: dict[str, list[int]] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests[(method, route, str(status))] += 1
            per_bucket = self.buckets.setdefault(route, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    per_bucket[i] += 1
            self.sums[route] += seconds
            self.counts[route] += 1

    def render(self) -> Iterable[str]:
        with self.lock:
            yield "# HELP ratsflow_http_requests_total HTTP requests by route and status."
            yield "# TYPE ratsflow_http_requests_total counter"
            for (method, route, status), n in sorted(self.requests.items()):
                labels = _labels(method=method, route=route, status=status)
                yield f"ratsflow_http_requests_total{{{labels}}} {n}"
            yield "# HELP ratsflow_http_request_duration_seconds Request latency by route."
            yield "# TYPE ratsflow_http_request_duration_seconds histogram"
            for route in sorted(self.buckets):
                for bound, n in zip(BUCKETS, self.buckets[route], strict=True):
                    labels = _labels(route=route, le=str(bound))
                    yield f"ratsflow_http_request_duration_seconds_bucket{{{labels}}} {n}"
                labels = _labels(route=route, le="+Inf")
                yield (
                    f"ratsflow_http_request_duration_seconds_bucket{{{labels}}} "
                    f"{self.counts[route]}"
                )
                name = "ratsflow_http_request_duration_seconds"
                yield f"{name}_sum{{{_labels(route=route)}}} {self.sums[route]:.6f}"
                yield f"{name}_count{{{_labels(route=route)}}} {self.counts[route]}"


def workflow_metrics(session: Session, workflows: Workflows) -> Iterable[str]:
    """Transitions fired (audit events of definition triggers), deadlines, outbox backlog."""
    triggers = {t.trigger for wf in workflows for t in wf.spec.transitions}
    fired = session.exec(
        select(AuditEvent.instance_type, AuditEvent.trigger, func.count())
        .where(col(AuditEvent.trigger).in_(triggers))
        .group_by(col(AuditEvent.instance_type), col(AuditEvent.trigger))
        .order_by(col(AuditEvent.instance_type), col(AuditEvent.trigger))
    ).all()
    yield "# HELP ratsflow_transitions_total Transitions fired (from the audit log)."
    yield "# TYPE ratsflow_transitions_total counter"
    for kind, trigger, n in fired:
        yield f"ratsflow_transitions_total{{{_labels(kind=kind, trigger=trigger)}}} {n}"
    statuses = dict(
        session.exec(
            select(Deadline.status, func.count())
            .where(col(Deadline.status).in_(("open", "missed")))
            .group_by(col(Deadline.status))
        ).all()
    )
    yield "# HELP ratsflow_deadlines Deadlines by status (open, missed)."
    yield "# TYPE ratsflow_deadlines gauge"
    for status in ("open", "missed"):
        yield f"ratsflow_deadlines{{{_labels(status=status)}}} {statuses.get(status, 0)}"
    pending = session.exec(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    ).one()
    yield "# HELP ratsflow_outbox_pending E-mails waiting in the outbox."
    yield "# TYPE ratsflow_outbox_pending gauge"
    yield f"ratsflow_outbox_pending {pending}"


def _loggable_path(scope: Scope, template: str) -> str:
    """The request path, or the route template where the path carries a secret (the token
    of a personal calendar feed is its only protection, so it must not reach the logs)."""
    if "{token}" in template:
        return template
    return str(scope.get("path", ""))


class ObservabilityMiddleware:
    """Request id (``X-Request-ID`` echoed or generated), access log, metrics, and the last
    line of defence: an unexpected error becomes a 500 problem, never a stack trace."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                response_started = True
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logging.getLogger("api").exception("unhandled error")
            if not response_started:
                await unexpected_response(Request(scope))(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            method = str(scope.get("method", ""))
            path = _loggable_path(scope, template)
            self.metrics.observe(method, template, status, duration)
            logger.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "method": method,
                    "path": path,
                    "route": template,
                    "status": status,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
            request_id_var.reset(token)
