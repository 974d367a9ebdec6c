"""A real browser against a real ``ratsflow serve --demo``: Debian's Chromium driven by
Playwright, a fresh SQLite database per run, axe-core for accessibility.

Browser tests run once per CI run, on SQLite: with ``RATSFLOW_TEST_DATABASE_URL`` set (the
PostgreSQL pass) they are skipped, since they test the pages, not the database.

Fixtures for page tests: ``server`` (base URL), ``page`` (a fresh browser context per test,
1280 px wide), ``sign_in(page, "ilsfeld.clerk")``, ``check_accessibility(page)`` and
``screenshot(page, "name")`` (written to docs/screenshots/name.png).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.served import free_port, stop, wait_healthy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
PASSWORD = "demo"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    if os.environ.get("RATSFLOW_TEST_DATABASE_URL"):
        reason = "browser tests run once, on SQLite (RATSFLOW_TEST_DATABASE_URL is set)"
    elif not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if reason is None:
        return
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def server_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The started server's SQLite file, for tests that set a scene the demo lacks."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}"


@pytest.fixture(scope="session")
def server(server_database_url: str) -> Iterator[str]:
    """``ratsflow serve --demo`` under uvicorn on a free port with its own SQLite file."""
    workdir = Path(server_database_url.removeprefix("sqlite:///")).parent
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "RATSFLOW_DATABASE_URL": server_database_url,
        "RATSFLOW_BASE_URL": base,
    }
    env.pop("RATSFLOW_SECRET_KEY", None)
    log = workdir / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        wait_healthy(base, process, log, 180)  # the demo story on a loaded machine
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=server, viewport={"width": 1280, "height": 900}, locale="de-DE"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def sign_in() -> Callable[[Any, str], None]:
    def go(page: Any, username: str) -> None:
        page.goto("/anmelden")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(lambda url: "/anmelden" not in url)

    return go


@pytest.fixture
def check_accessibility() -> Callable[[Any], list[dict[str, Any]]]:
    """axe-core on the current page; fails on any serious or critical violation."""

    def check(page: Any) -> list[dict[str, Any]]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}"
            for v in bad
        ]
        assert not bad, f"{page.url}: " + "; ".join(details)
        violations: list[dict[str, Any]] = result["violations"]
        return violations

    return check


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # A page as a user sees it, not the skip link a test tabbed to (it would cover the
        # header in the picture).
        page.evaluate(
            "() => { const a = document.activeElement;"
            " if (a && a.classList.contains('rf-skip-link')) a.blur(); }"
        )
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
