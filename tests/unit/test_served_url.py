"""Where ``serve`` says it listens, as the base of links written without a request."""

from __future__ import annotations

import pytest

from api.server import served_url


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8800, "http://127.0.0.1:8800"),
        ("0.0.0.0", 80, "http://127.0.0.1:80"),  # all interfaces: loopback among them
        ("::", 8000, "http://[::1]:8000"),
        ("fd00::5", 8000, "http://[fd00::5]:8000"),  # RFC 3986: IPv6 in brackets
        ("rat.example.de", 8080, "http://rat.example.de:8080"),
    ],
)
def test_served_url(host: str, port: int, expected: str) -> None:
    assert served_url(host, port) == expected
