"""Property-based: every operation, signed in, never answers 5xx and matches its schema.

Runs each operation's schemathesis strategy under Hypothesis directly: the pytest loader
``schemathesis.pytest.from_fixture`` (4.32.5) fails on pytest 9 (``Function._nodeid``).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from tests.api.helpers import scene
from tests.conftest import World

EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 4}


def test_every_operation_conforms_and_never_fails(app: FastAPI, world: World, as_user: Any) -> None:
    scene(world)  # real ids exist, so generated requests also reach deep into the services
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = as_user("ilsfeld.secretary")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
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
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
