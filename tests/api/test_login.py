"""Sign-in: throttled per account and address (shared through the database), bounded
hashing, no caching of tokens, strong new passwords, one account per person."""

from __future__ import annotations

import threading
import time
import warnings
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from api.app import create_app
from tests.api.conftest import FixedClock
from tests.api.test_http import assert_problem
from tests.conftest import World
from workflow.runtime import Runtime
from workflow.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "/api/v1/auth/token"


def _login(client: Any, username: str = "ilsfeld.clerk", password: str = "demo") -> Any:
    return client.post(TOKEN, data={"username": username, "password": password})


def test_token_response_is_not_cached(client: Any) -> None:
    for response in (_login(client), _login(client, password="falsch")):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Pragma"] == "no-cache"


def test_account_backs_off_exponentially_after_five_failures(
    client: Any, clock: FixedClock
) -> None:
    for _ in range(5):
        assert_problem(_login(client, password="falsch"), 401)
    sixth = _login(client, password="falsch")
    assert_problem(sixth, 401)  # counted; from now on each failure doubles the wait
    refused = _login(client)  # even the right password waits
    problem = assert_problem(refused, 429)
    assert refused.headers["Retry-After"] == "1"
    assert "Sekunden" in problem["detail"]
    assert _login(client, "ilsfeld.mayor").status_code == 200  # other accounts unaffected
    clock.now += timedelta(seconds=1)
    assert_problem(_login(client, password="falsch"), 401)
    assert _login(client).headers.get("Retry-After") == "2"
    clock.now += timedelta(seconds=2)
    assert _login(client).status_code == 200  # success clears the account's count
    assert_problem(_login(client, password="falsch"), 401)
    assert_problem(_login(client, password="falsch"), 401)


def test_client_address_backs_off_after_twenty_failures(client: Any, clock: FixedClock) -> None:
    for n in range(21):
        assert_problem(_login(client, f"niemand{n}", "falsch"), 401)
    refused = _login(client, "ilsfeld.clerk")  # from the same address
    assert_problem(refused, 429)
    clock.now += timedelta(hours=2)
    assert _login(client, "ilsfeld.clerk").status_code == 200


def test_processes_share_the_count(
    world: World, app: FastAPI, settings: Settings, clock: FixedClock
) -> None:
    """Two app instances (as two `ratsflow serve` behind a balancer) on one database."""
    runtime = Runtime(settings=settings, engine=world.engine, workflows=world.workflows)
    other = create_app(settings, runtime=runtime, start_scheduler=False, clock=clock)
    with TestClient(app) as first, TestClient(other) as second:
        for n in range(6):
            assert_problem(_login(first if n % 2 else second, password="falsch"), 401)
        assert_problem(_login(first), 429)
        assert_problem(_login(second), 429)


def test_password_checks_run_in_a_bounded_pool(
    world: World, settings: Settings, clock: FixedClock
) -> None:
    bounded = settings.model_copy(update={"password_hash_workers": 1})
    runtime = Runtime(settings=bounded, engine=world.engine, workflows=world.workflows)
    app = create_app(bounded, runtime=runtime, start_scheduler=False, clock=clock)
    with TestClient(app) as client:
        limiter = app.state.hash_limiter
        assert limiter.total_tokens == 1
        seen: list[tuple[int, int]] = []
        threads = [threading.Thread(target=_login, args=(client,)) for _ in range(6)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            stats = limiter.statistics()
            seen.append((stats.borrowed_tokens, stats.tasks_waiting))
            time.sleep(0.002)
        for t in threads:
            t.join()
    assert max(borrowed for borrowed, _ in seen) <= 1
    assert max(waiting for _, waiting in seen) >= 1  # the others queued, holding no thread


def test_new_passwords_have_at_least_twelve_characters(client: Any, as_user: Any) -> None:
    body = {"username": "ilsfeld.neu", "full_name": "Nora Neu", "role": "clerk"}
    short = client.post(
        "/api/v1/users", json={**body, "password": "elf-Zeichen"}, headers=as_user("admin")
    )
    assert assert_problem(short, 422)["errors"][0]["field"] == "password"
    ok = client.post(
        "/api/v1/users", json={**body, "password": "zwölf-Zeichen"}, headers=as_user("admin")
    )
    assert ok.status_code == 201, ok.text


def test_a_person_has_one_account(world: World, client: Any, as_user: Any) -> None:
    person = world["ilsfeld.council"].person_id
    assert person is not None
    second = client.post(
        "/api/v1/users",
        json={
            "username": "ilsfeld.council2",
            "full_name": "Zweitkonto",
            "role": "council_member",
            "password": "ein langes Passwort",
            "person_id": person,
        },
        headers=as_user("admin"),
    )
    assert "bereits ein Benutzerkonto" in assert_problem(second, 409)["detail"]


def test_new_accounts_are_hashed_in_the_same_bounded_pool(
    world: World, settings: Settings, clock: FixedClock, as_user: Any
) -> None:
    """An admin creating accounts in bulk queues behind the same Argon2 slots as sign-ins."""
    bounded = settings.model_copy(update={"password_hash_workers": 1})
    runtime = Runtime(settings=bounded, engine=world.engine, workflows=world.workflows)
    app = create_app(bounded, runtime=runtime, start_scheduler=False, clock=clock)
    created: list[int] = []

    def create(n: int) -> None:
        body = {
            "username": f"ilsfeld.neu{n}",
            "full_name": f"Nora Neu {n}",
            "role": "clerk",
            "password": "zwölf-Zeichen",
        }
        response = client.post("/api/v1/users", json=body, headers=as_user("admin"))
        created.append(response.status_code)

    with TestClient(app) as client:
        limiter = app.state.hash_limiter
        seen: list[tuple[int, int]] = []
        threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
        # (requests then queue on the database as well, so no waiting count is asserted)
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            stats = limiter.statistics()
            seen.append((stats.borrowed_tokens, stats.tasks_waiting))
            time.sleep(0.002)
        for t in threads:
            t.join()
    assert created == [201] * 4
    assert max(borrowed for borrowed, _ in seen) == 1  # hashing took the pool's one slot


def test_forwarded_addresses_count_only_from_a_trusted_proxy(
    world: World, settings: Settings, clock: FixedClock
) -> None:
    """A forged X-Forwarded-For cannot dodge the per-address throttle; behind a listed proxy
    each forwarded client has its own count."""

    def failures_from_many_forwarded_addresses(trusted: str) -> int:
        configured = settings.model_copy(update={"trusted_proxies": trusted})
        runtime = Runtime(settings=configured, engine=world.engine, workflows=world.workflows)
        app = create_app(configured, runtime=runtime, start_scheduler=False, clock=clock)
        with TestClient(app) as client:  # its peer address is "testclient"
            for n in range(21):
                client.post(
                    TOKEN,
                    data={"username": f"niemand{n}", "password": "falsch"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                )
            last = client.post(
                TOKEN,
                data={"username": "ilsfeld.clerk", "password": "demo"},
                headers={"X-Forwarded-For": "203.0.113.200"},
            )
        clock.now += timedelta(hours=2)  # the next round starts with no count
        return int(last.status_code)

    assert failures_from_many_forwarded_addresses("") == 429
    assert failures_from_many_forwarded_addresses("testclient") == 401  # checked, not refused
