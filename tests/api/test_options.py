"""OPTIONS advertises every method a path accepts; a 405 names them all in ``Allow``."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.test_http import assert_problem


def _concrete(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "1", path)


def test_options_lists_every_documented_method(app: FastAPI, client: Any) -> None:
    paths = app.openapi()["paths"]
    assert len(paths) > 30
    for path, operations in paths.items():
        response = client.options(_concrete(path))
        assert response.status_code == 204, (path, response.text)
        expected = {m.upper() for m in operations} | {"OPTIONS"}
        assert set(response.headers["Allow"].split(", ")) == expected, path


def test_method_not_allowed_names_all_methods(client: Any, as_user: Any) -> None:
    response = client.delete("/api/v1/proposals/1", headers=as_user("ilsfeld.clerk"))
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "PATCH", "OPTIONS"}


def test_options_of_an_unknown_path_is_404(client: Any) -> None:
    assert_problem(client.options("/api/v1/gibt-es-nicht"), 404)


def test_access_log_keeps_the_template_of_a_secret_path(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="api.access"):
        response = client.options("/calendar/users/geheimes-token.ics")
    assert response.status_code == 204
    assert "geheimes-token" not in caplog.text
    assert "/calendar/users/{token}.ics" in caplog.text
