"""Property-based: every operation, signed in, never answers 5xx and matches its schema.

Runs each operation's schemathesis strategy under Hypothesis directly: the pytest loader
``schemathesis.pytest.from_fixture`` (4.32.5) fails on pytest 9 (``Function._nodeid``).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode

from tests.api.helpers import scene
from tests.conftest import World
from tests.integration.test_decisions import send

# CI runs a quick pass; RATSFLOW_FUZZ_EXAMPLES=200 digs deeper on demand (same assertions).
_DEPTH = int(os.environ.get("RATSFLOW_FUZZ_EXAMPLES", "10"))
EXAMPLES = {GenerationMode.POSITIVE: _DEPTH, GenerationMode.NEGATIVE: max(4, _DEPTH // 3)}


def fuzz(operation: Any, headers: dict[str, str]) -> list[str]:
    """Both generation modes of one operation for one caller; the failures found."""
    failures: list[str] = []
    for mode, examples in EXAMPLES.items():

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers)

        try:
            check()
        except Unsatisfiable:
            continue  # nothing to make invalid (no parameters, no body)
        except Exception as exc:  # collect every operation's failure, then report all
            failures.append(f"{operation.label} ({mode}): {exc}")
    return failures


def test_every_operation_conforms_and_never_fails(app: FastAPI, world: World, as_user: Any) -> None:
    scene(world)  # real ids exist, so generated requests also reach deep into the services
    send(world)  # a decision request with a response for every municipality
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    secretary = as_user("ilsfeld.secretary")
    # The district's operations once more as the coordinator, who alone creates and sends;
    # the administration's as the admin.
    coordinator, admin = as_user("lra.coordinator"), as_user("admin")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        operations += 1
        failures += fuzz(operation, secretary)
        if operation.path.startswith("/api/v1/decision-"):
            failures += fuzz(operation, coordinator)
        if operation.path.startswith(("/api/v1/users", "/api/v1/bodies", "/api/v1/outbox")):
            failures += fuzz(operation, admin)
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
