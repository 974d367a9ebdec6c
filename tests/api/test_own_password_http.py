"""A holder changes his own password over the JSON API, as on "Einstellungen": the current
one checked and, when wrong, counted like a failed sign-in; the answer is a new token, and
every earlier token of the account ends."""

from __future__ import annotations

from typing import Any

from tests.api.test_http import assert_problem
from tests.api.test_ui_accounts import NEW, _hash
from tests.conftest import World
from workflow.services.throttle import FREE_FAILURES

URL = "/api/v1/auth/me/password"


def _token(client: Any, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def _bearer(client: Any, username: str, password: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(client, username, password).json()['access_token']}"}


def test_the_holder_changes_his_password_and_gets_a_new_token(world: World, client: Any) -> None:
    old, other = (_bearer(client, "ilsfeld.clerk", "demo") for _ in range(2))
    before = _hash(world, "ilsfeld.clerk")
    for body, field, message in (
        ({"current_password": "demo", "new_password": "kurz"}, "new_password", None),
        ({"current_password": "", "new_password": NEW}, "current_password", None),
        ({"current_password": "demo", "new_password": "demo" * 4, "x": 1}, "x", None),
        ({"current_password": NEW, "new_password": NEW}, "new_password",
         "Das neue Passwort muss sich vom bisherigen unterscheiden."),
        ({"current_password": "falsch-geraten", "new_password": NEW}, "current_password",
         "Das bisherige Passwort ist nicht richtig."),
    ):  # fmt: skip
        refused = client.post(URL, json=body, headers=old)
        problem = assert_problem(refused, 422)
        assert field in str(problem.get("errors")), body
        if message is not None:
            assert problem["detail"] == message
        assert NEW not in refused.text, "a typed password is never echoed"
    assert _hash(world, "ilsfeld.clerk") == before

    done = client.post(URL, json={"current_password": "demo", "new_password": NEW}, headers=old)
    assert done.status_code == 200, done.text
    assert done.headers["cache-control"] == "no-store"
    assert _hash(world, "ilsfeld.clerk") != before
    new = {"Authorization": f"Bearer {done.json()['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=new).json()["username"] == "ilsfeld.clerk"
    for ended in (old, other):  # the caller's own old token and every other one
        assert_problem(client.get("/api/v1/auth/me", headers=ended), 401)
    assert _token(client, "ilsfeld.clerk", "demo").status_code == 401
    assert _token(client, "ilsfeld.clerk", NEW).status_code == 200
    assert_problem(client.post(URL, json={"current_password": "x", "new_password": NEW}), 401)


def test_guessing_the_current_password_over_json_is_throttled_like_a_sign_in(
    world: World, client: Any, as_user: Any
) -> None:
    headers = as_user("ilsfeld.clerk")
    before = _hash(world, "ilsfeld.clerk")
    wrong = {"current_password": "geraten", "new_password": NEW}
    for _ in range(FREE_FAILURES["account"] + 1):  # the free failures, then one that waits
        assert_problem(client.post(URL, json=wrong, headers=headers), 422)
    right = {"current_password": "demo", "new_password": NEW}
    blocked = client.post(URL, json=right, headers=headers)  # even the right one waits now
    assert_problem(blocked, 429)
    assert int(blocked.headers["Retry-After"]) >= 1
    assert "Zu viele falsche Passwörter" in blocked.json()["detail"]
    assert _token(client, "ilsfeld.clerk", "demo").status_code == 429, "the account waits"
    assert _hash(world, "ilsfeld.clerk") == before
