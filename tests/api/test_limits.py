"""Bounded input: oversized bodies are refused with 413, validation errors are capped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.api.test_http import assert_problem

LIMIT = 1024 * 1024  # RATSFLOW_MAX_BODY_BYTES' default


def _many_keys(count: int, width: int = 8) -> bytes:
    return json.dumps({f"k{i:0{width}d}": 0 for i in range(count)}).encode()


def test_declared_oversized_body_is_refused_before_reading(client: Any, as_user: Any) -> None:
    body = _many_keys(200_000)  # ~3 MB of unknown keys
    assert len(body) > 2 * LIMIT
    response = client.post(
        "/api/v1/proposals",
        content=body,
        headers=as_user("ilsfeld.clerk", **{"Content-Type": "application/json"}),
    )
    problem = assert_problem(response, 413)
    assert problem["type"] == "urn:ratsflow:problem:payload-too-large"
    assert "zu groß" in problem["detail"]
    assert len(response.content) < 1000


def test_an_oversized_form_from_a_browser_gets_a_page(client: Any) -> None:
    from tests.api.test_ui_foundation import HTML, csrf_of, sign_in

    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get("/einstellungen").text)
    response = client.post(
        "/einstellungen",
        data={"csrf_token": token, "note": "x" * (2 * LIMIT)},
        headers=HTML,
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Die gesendeten Daten sind zu groß." in response.text


def test_streamed_body_is_cut_off_at_the_limit(client: Any, as_user: Any) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"title": "'
        for _ in range(64):
            sent += 64 * 1024
            yield b"x" * (64 * 1024)
        yield b'"}'

    response = client.post(
        "/api/v1/proposals",
        content=chunks(),  # no Content-Length: chunked transfer
        headers=as_user("ilsfeld.clerk", **{"Content-Type": "application/json"}),
    )
    assert_problem(response, 413)


def test_body_under_the_limit_is_read(client: Any, as_user: Any) -> None:
    response = client.post(
        "/api/v1/proposals",
        content=b'{"title": "' + b"x" * (LIMIT // 2) + b'"}',
        headers=as_user("ilsfeld.clerk", **{"Content-Type": "application/json"}),
    )
    assert_problem(response, 422)  # read and validated: the title is too long, fields missing


def test_validation_errors_are_capped(client: Any, as_user: Any) -> None:
    body = _many_keys(40_000)
    assert len(body) < LIMIT
    response = client.post(
        "/api/v1/proposals",
        content=body,
        headers=as_user("ilsfeld.clerk", **{"Content-Type": "application/json"}),
    )
    problem = assert_problem(response, 422)
    assert len(problem["errors"]) == 50
    assert "weitere Fehler" in problem["detail"]
    assert len(response.content) < 20_000


def test_field_paths_and_messages_are_truncated(client: Any, as_user: Any) -> None:
    response = client.post(
        "/api/v1/proposals",
        json={"k" * 5_000: 1},
        headers=as_user("ilsfeld.clerk"),
    )
    problem = assert_problem(response, 422)
    assert problem["errors"]
    assert all(len(e["field"]) <= 200 and len(e["message"]) <= 200 for e in problem["errors"])
    assert len(response.content) < 5_000
