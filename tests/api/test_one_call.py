"""The hot routes of a Vorlage (``GET …/actions``, ``POST …/transitions``) do their session,
caller, work and commit in one thread-pool call (``api.deps.in_one_call``, issue 14), and
refuse and answer exactly as the routes built from ``SessionDep`` and ``CurrentUser`` do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest

from tests.api.test_http import assert_problem
from tests.conftest import World
from tests.integration.flow import new_proposal


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls into anyio's thread pool (what FastAPI and Starlette use for sync code)."""
    calls = [0]
    pooled = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return await pooled(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return calls


def test_actions_and_a_transition_take_one_thread_pool_call_each(
    world: World, client: Any, as_user: Any, hops: list[int]
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    hops[0] = 0
    actions = client.get(f"/api/v1/proposals/{pid}/actions", headers=clerk)
    assert actions.status_code == 200, actions.text
    assert hops[0] == 1
    hops[0] = 0
    fired = client.post(
        f"/api/v1/proposals/{pid}/transitions",
        json={
            "trigger": "submit",
            "data": {"cosigners": ["ilsfeld.head"]},
            "expected_version": actions.json()["version"],
        },
        headers=clerk,
    )
    assert fired.status_code == 200, fired.text
    assert fired.json()["state"] == "cosigning"
    assert hops[0] == 1
    # Committed inside that call: the next request sees the new state and version.
    again = client.get(f"/api/v1/proposals/{pid}/actions", headers=clerk).json()
    assert again["version"] == fired.json()["version"]
    # For comparison, a route built from SessionDep and CurrentUser takes more.
    hops[0] = 0
    assert client.get(f"/api/v1/proposals/{pid}/history", headers=clerk).status_code == 200
    assert hops[0] > 1


def test_no_token_is_refused_before_the_body_is_read(world: World, client: Any) -> None:
    pid = new_proposal(world)
    path = f"/api/v1/proposals/{pid}/transitions"
    assert_problem(client.post(path, json={"trigger": 7, "data": "kaputt"}), 401)
    assert_problem(client.get(f"/api/v1/proposals/{pid}/actions"), 401)
    forged = {"Authorization": "Bearer kein.jwt"}
    assert_problem(client.post(path, json={"trigger": 7}, headers=forged), 401)


def test_a_disabled_caller_is_refused_and_nothing_is_written(
    world: World, client: Any, as_user: Any
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    version = client.get(f"/api/v1/proposals/{pid}/actions", headers=clerk).json()["version"]
    clerk_id = world.data.users["ilsfeld.clerk"].id
    client.post(f"/api/v1/users/{clerk_id}/disable", headers=as_user("admin"))
    body = {"trigger": "submit", "data": {"cosigners": ["ilsfeld.head"]}}
    refused = client.post(
        f"/api/v1/proposals/{pid}/transitions",
        json={**body, "expected_version": version},
        headers=clerk,
    )
    assert_problem(refused, 401)
    assert_problem(client.get(f"/api/v1/proposals/{pid}/actions", headers=clerk), 401)
    seen = client.get(f"/api/v1/proposals/{pid}/actions", headers=as_user("ilsfeld.head"))
    assert seen.json()["version"] == version


def test_a_stale_version_and_a_refused_trigger_write_nothing(
    world: World, client: Any, as_user: Any
) -> None:
    pid = new_proposal(world)
    clerk = as_user("ilsfeld.clerk")
    version = client.get(f"/api/v1/proposals/{pid}/actions", headers=clerk).json()["version"]
    path = f"/api/v1/proposals/{pid}/transitions"
    stale = client.post(
        path,
        json={
            "trigger": "submit",
            "data": {"cosigners": ["ilsfeld.head"]},
            "expected_version": version + 1,
        },
        headers=clerk,
    )
    assert_problem(stale, 409)
    # Not possible in a draft: refused with the reason, nothing of the firing stays.
    refused = client.post(
        path, json={"trigger": "return_to_author", "expected_version": version}, headers=clerk
    )
    assert refused.status_code in (403, 409), refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    after = client.get(f"/api/v1/proposals/{pid}/actions", headers=clerk).json()
    assert after["version"] == version
    history = client.get(f"/api/v1/proposals/{pid}/history", headers=clerk).json()
    assert [e["trigger"] for e in history] == ["create"]
