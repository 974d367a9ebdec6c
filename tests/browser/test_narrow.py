"""Pages with wide tables on a phone (390 px): the Tagesordnung with its "Ändern" buttons,
the admin's user accounts, the Landratsamt's overview of the answers and every list of the
Rathaus and the public portal read without scrolling sideways, neither the page nor a table
inside its box (class ``rf-stack``: each row a card); at 1280 px they stay tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.browser.test_foundation import _api_token
from tests.conftest import berlin_today

PHONE = {"width": 390, "height": 844}
LONG_TITLE = (
    "Bebauungsplan „Schozachtal-Süd“ – Aufstellungsbeschluss und frühzeitige Beteiligung "
    "der Öffentlichkeit und der Träger öffentlicher Belange"
)

# What scrolls sideways: the page, and each table box (.rf-table-wrap scrolls its table
# inside itself, which on a phone is as hard to read as a page scrolling).
_OVERFLOW = """() => {
  const boxes = [...document.querySelectorAll('main .rf-table-wrap')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => (box.querySelector('caption') || box).textContent.trim().slice(0, 60)
                + ` (${box.scrollWidth} > ${box.clientWidth} px)`);
  return {page: document.documentElement.scrollWidth, boxes: boxes};
}"""


def _fits_a_phone(page: Any, path: str) -> None:
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(_OVERFLOW)
    assert overflow["page"] <= 390, f"{path} scrolls sideways at 390 px ({overflow['page']} px)"
    assert not overflow["boxes"], f"{path}: a table scrolls sideways at 390 px: {overflow['boxes']}"


def _labels(row: Any) -> str:
    """The column names a stacked row shows above its cells (CSS-generated text, which
    ``inner_text`` leaves out)."""
    labels: list[str] = row.evaluate(
        "tr => [...tr.querySelectorAll('td')].map(td => getComputedStyle(td, '::before'))"
        ".filter(s => s.display !== 'none').map(s => s.content)"
    )
    return " ".join(labels)


def _a_table_at_1280(page: Any, header: str) -> None:
    """On a desktop the column headers stand in one row above the rows, as before."""
    page.set_viewport_size({"width": 1280, "height": 900})
    column = page.get_by_role("columnheader", name=header, exact=True).first
    assert column.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def _meeting_with_three_items(server: str) -> int:
    """A planned council meeting whose agenda can still be reordered and shortened: every
    row has its "Ändern" buttons."""
    token = _api_token(server, "ilsfeld.secretary")
    auth = {"Authorization": f"Bearer {token}"}
    bodies = httpx.get(f"{server}/api/v1/bodies", headers=auth, timeout=10).json()["data"]
    council = next(b["id"] for b in bodies if b["name"] == "Gemeinderat")
    day = berlin_today() + timedelta(days=45)
    created = httpx.post(
        f"{server}/api/v1/meetings",
        headers=auth,
        json={"body_id": council, "meeting_date": day.isoformat()},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    meeting = int(created.json()["id"])
    url = f"{server}/api/v1/meetings/{meeting}"
    for title in ("Bekanntgaben", LONG_TITLE, "Anfragen aus dem Gemeinderat"):
        version = httpx.get(url, headers=auth, timeout=10).json()["version"]
        item = httpx.post(
            f"{url}/agenda-items",
            headers=auth,
            json={"title": title, "expected_version": version},
            timeout=10,
        )
        assert item.status_code == 201, item.text
    return meeting


def test_the_agenda_reads_on_a_phone(
    page: Any,
    server: str,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
) -> None:
    meeting = _meeting_with_three_items(server)
    sign_in(page, "ilsfeld.secretary")
    page.goto(f"/sitzungen/{meeting}")
    _fits_a_phone(page, f"/sitzungen/{meeting}")
    # each item a card: its title, then its moves and the Absetzung under the column's name
    row = page.get_by_role("row").filter(has_text="Schozachtal-Süd")
    assert row.get_by_role("button", name="Nach oben").is_visible()
    assert row.get_by_role("button", name="Nach unten").is_visible()
    assert row.get_by_role("link", name="Absetzen").is_visible()
    title = row.get_by_role("rowheader").bounding_box()
    remove = row.get_by_role("link", name="Absetzen").bounding_box()
    assert title is not None
    assert remove is not None
    assert remove["y"] >= title["y"] + title["height"], "the actions stand below the title"
    assert title["x"] + title["width"] <= 390
    assert "Ändern" in _labels(row)  # the column's name above the buttons
    check_accessibility(page)
    _a_table_at_1280(page, "Ändern")


def test_the_user_accounts_read_on_a_phone(
    page: Any, sign_in: Callable[[Any, str], None], check_accessibility: Callable[[Any], Any]
) -> None:
    sign_in(page, "admin")
    page.goto("/verwaltung")
    _fits_a_phone(page, "/verwaltung")
    clerk = page.get_by_role("row").filter(has_text="ilsfeld.clerk")
    assert "ilsfeld.clerk@" in clerk.inner_text()
    labels = _labels(clerk)
    assert "Benutzername" in labels
    assert "E-Mail" in labels
    assert clerk.get_by_role("button", name="Deaktivieren").is_visible()
    check_accessibility(page)
    _a_table_at_1280(page, "Benutzername")


def test_the_request_overview_reads_on_a_phone(
    page: Any, sign_in: Callable[[Any, str], None], check_accessibility: Callable[[Any], Any]
) -> None:
    sign_in(page, "lra.coordinator")
    page.goto("/abfragen")
    page.get_by_role("link", name="Beteiligung am Kreisradwegekonzept 2027").click()
    page.wait_for_url("**/abfragen/*")
    _fits_a_phone(page, page.url)
    ilsfeld = page.get_by_role("row").filter(has_text="Ilsfeld")
    labels = _labels(ilsfeld)
    assert "Entschieden durch" in labels
    assert "Frist" in labels
    check_accessibility(page)
    _a_table_at_1280(page, "Entschieden durch")


VORLAGE_2024 = "Integrationsmanagement im Landkreis Heilbronn ab 2025"

# The lists that scrolled sideways at 390 px: who reads them, the path, the links followed
# from there (by name), and a column whose name a card shows above its value (at 1280 px the
# same column's header).
LISTS = [
    pytest.param("ilsfeld.secretary", "/", (), "Fällig am", id="meine-aufgaben"),
    # a councillor's first table: his next sessions
    pytest.param("ilsfeld.council", "/", (), "Ort", id="meine-sitzungen"),
    pytest.param("ilsfeld.secretary", "/vorlagen", (), "Amt", id="vorlagen"),
    pytest.param("ilsfeld.secretary", "/sitzungen", (), "Ort", id="sitzungen"),
    pytest.param("ilsfeld.secretary", "/antraege", (), "Gremium", id="antraege"),
    pytest.param("ilsfeld.secretary", "/fristen", (), "Gehört zu", id="fristen"),
    pytest.param("ilsfeld.secretary", "/beschlusskontrolle", (), "Zuständig", id="vollzug"),
    pytest.param("ilsfeld.clerk", "/abfragen", (), "Stand Ihrer Antwort", id="abfragen"),
    pytest.param("ilsfeld.clerk", "/workflows/proposal", (), "Rechtsgrundlage", id="ablauf"),
    pytest.param(
        "ilsfeld.clerk",
        "/vorlagen?suche=Integrationsmanagement",
        (VORLAGE_2024, "Fassung ansehen"),
        "Abgegeben am",
        id="fassungen",
    ),
    pytest.param(
        "ilsfeld.clerk",
        "/vorlagen?suche=Integrationsmanagement",
        (VORLAGE_2024, "Prüfbericht mit Nachweisen"),
        "Nachweis",
        id="pruefbericht",
    ),
    pytest.param("ilsfeld.mayor", "/rechtmaessigkeit", (), "Mängel", id="rechtmaessigkeit"),
    pytest.param(
        None,
        "/oeffentlich",
        ("Ilsfeld", "Vorlagen", f"Vorlage 8/2024: {VORLAGE_2024}"),
        "Zweck",
        id="oeffentlich-vorlage",
    ),
    pytest.param(
        None,
        "/oeffentlich",
        ("Ilsfeld", "Vorlagen", f"Vorlage 8/2024: {VORLAGE_2024}", "23.04.2024"),
        "Ergebnis",
        id="oeffentlich-sitzung",
    ),
]


@pytest.mark.parametrize(("user", "path", "links", "column"), LISTS)
def test_the_lists_read_on_a_phone(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    user: str | None,
    path: str,
    links: tuple[str, ...],
    column: str,
) -> None:
    if user is not None:
        sign_in(page, user)
    page.goto(path)
    for name in links:
        with page.expect_navigation():
            page.get_by_role("link", name=name, exact=True).first.click()
    _fits_a_phone(page, page.url)
    # the first row a card within the screen, its cells under their columns' names
    row = page.locator("main table.rf-stack > tbody > tr").first
    box = row.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390, f"{page.url}: the first row is wider than the screen"
    assert column in _labels(row), f"{page.url}: no {column!r} in {_labels(row)!r}"
    check_accessibility(page)
    _a_table_at_1280(page, column)
