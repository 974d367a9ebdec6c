"""Fristen, Beschlusskontrolle and the Landratsamt's Abfragen in a real browser, with axe-core.

The 2024 demo story is finished, so the scene of today (an overdue deadline, an open
execution task, an open decision request) is set here: rows in the server's database and
the request through the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, col, create_engine, select

from tests.browser.test_foundation import _api_token
from tests.conftest import berlin_today
from workflow.models import Deadline, ExecutionTask, Proposal

OPTIONS = [
    {"key": "belassen", "label": "beim Landkreis belassen", "description": "wie bisher"},
    {"key": "eigene_regie", "label": "in eigener Regie", "description": "ab 2026"},
]
TITLE = "Schulsozialarbeit ab 01.01.2026"


@pytest.fixture(scope="module")
def scene(server: str, server_database_url: str) -> dict[str, int]:
    """Today's open work: an overdue deadline and an open task on today's resolution in
    execution (not on 8/2024, whose execution the story completed), an open request."""
    engine = create_engine(server_database_url)
    today = berlin_today()
    with Session(engine) as session:
        proposal = session.exec(
            select(Proposal).where(Proposal.state == "final").order_by(col(Proposal.id).desc())
        ).first()
        assert proposal is not None, "the demo of today has a resolution in execution"
        session.add(
            Deadline(
                instance_type="proposal",
                instance_id=proposal.id or 0,
                municipality_id=proposal.municipality_id,
                rule="browser_overdue",
                label="Bericht über den Vollzug an den Gemeinderat",
                due_date=today - timedelta(days=5),
                opened_seq=1,
            )
        )
        task = ExecutionTask(
            proposal_id=proposal.id or 0,
            title="Vereinbarung mit dem Landkreis unterzeichnen",
            target_date=today + timedelta(days=2),
        )
        session.add(task)
        session.commit()
        task_id = task.id or 0
    engine.dispose()
    headers = {"Authorization": f"Bearer {_api_token(server, 'lra.coordinator')}"}
    created = httpx.post(
        f"{server}/api/v1/decision-requests",
        headers=headers,
        json={
            "title": TITLE,
            "explanation": "Bitte entscheiden Sie, wer die Schulsozialarbeit trägt.",
            "options": OPTIONS,
            "default_option": "belassen",
            "reply_deadline": (today + timedelta(days=60)).isoformat(),
            "amounts": {"Ilsfeld": "30387.20"},
        },
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    sent = httpx.post(
        f"{server}/api/v1/decision-requests/{request_id}/transitions",
        headers=headers,
        json={"trigger": "send", "expected_version": created.json()["version"]},
    )
    assert sent.status_code == 200, sent.text
    return {"task": task_id, "request": request_id}


def test_fristen_shows_the_overdue_deadline_first(
    page: Any,
    scene: dict[str, int],
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.clerk")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Fristen"
    ).click()
    assert page.title() == "Fristen – Ratsflow"
    rows = page.locator("tbody tr").all_inner_texts()
    # Overdue first (the demo of today has its own overdue deadline, older than the scene's).
    assert "überfällig seit" in rows[0]
    ours = next(i for i, row in enumerate(rows) if "Bericht über den Vollzug" in row)
    assert "überfällig seit 5 Tagen" in rows[ours]
    assert all("überfällig seit" in row for row in rows[:ours])
    check_accessibility(page)
    screenshot(page, "fristen")
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768, "no sideways scrolling"
    page.get_by_label("Stand").select_option(label="erledigt")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**stand=erledigt**")
    assert "Bericht über den Vollzug" not in page.locator("main").inner_text()


def test_a_clerk_closes_an_execution_task(
    page: Any,
    scene: dict[str, int],
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.clerk")
    page.goto("/beschlusskontrolle")
    row = page.locator(f"#aufgabe-{scene['task']}")
    assert "fällig in 2 Tagen" in row.inner_text()
    check_accessibility(page)
    screenshot(page, "beschlusskontrolle")
    row.get_by_label("erledigt").check()
    row.get_by_label("Vermerk").fill("Am Vormittag unterzeichnet.")
    row.get_by_role("button", name="Abschließen").click()
    alert = page.get_by_role("status").filter(has_text="ist als erledigt vermerkt")
    assert alert.is_visible()
    row = page.locator(f"#aufgabe-{scene['task']}")
    assert "Vermerk: Am Vormittag unterzeichnet." in row.inner_text()
    assert row.get_by_role("button", name="Abschließen").count() == 0


def test_the_coordinator_opens_the_dashboard_and_downloads_the_csv(
    page: Any,
    scene: dict[str, int],
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "lra.coordinator")
    page.goto("/abfragen")
    check_accessibility(page)
    page.get_by_role("link", name=TITLE).click()
    assert page.title() == f"Abfrage: {TITLE} – Ratsflow"
    assert "46" in page.locator(".rf-totals").inner_text()
    ilsfeld = page.get_by_role("row").filter(has_text="Ilsfeld")
    assert "Offen" in ilsfeld.inner_text()
    check_accessibility(page)
    screenshot(page, "abfrage-uebersicht")
    with page.expect_download() as info:
        page.get_by_role("link", name="Übersicht als CSV herunterladen").click()
    download = info.value
    assert download.suggested_filename == f"abfrage-{scene['request']}-uebersicht.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Gemeinde;Status;Option")
    assert "Ilsfeld;Offen" in text


def test_a_municipality_answers_with_its_vorlage(
    page: Any,
    scene: dict[str, int],
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.clerk")
    badge = page.locator("#aufgaben-zahl")
    assert int(badge.inner_text().split()[0]) >= 1, "the open answer counts as a task"
    assert "offene Aufgabe" in badge.inner_text()
    page.goto("/abfragen")
    page.get_by_role("link", name=TITLE).click()
    assert "/antworten/" in page.url
    assert "30.387,20 €" in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "abfrage-antwort")
    form = page.locator("form").filter(has_text="Neue Vorlage aus der Abfrage anlegen")
    form.get_by_label("Beschließendes Gremium").select_option(label="Gemeinderat")
    form.get_by_label("Option im Beschlussvorschlag").select_option(label="in eigener Regie")
    form.get_by_role("button", name="Vorlage anlegen").click()
    page.wait_for_url("**/vorlagen/*")
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.get_by_text("mit der Antwort verknüpft").is_visible()
    assert TITLE in page.locator("h1").inner_text()


def test_the_workflow_diagram_and_the_state_on_the_vorlage(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.council")
    page.goto("/workflows/proposal")
    diagram = page.get_by_role("img", name="Ablauf: Beschlussvorlage")
    assert diagram.is_visible()
    assert diagram.bounding_box()["width"] <= 1280
    check_accessibility(page)
    screenshot(page, "ablauf")
    page.goto("/vorlagen")
    page.get_by_role("row").filter(has_text="8/2024").get_by_role("link").click()
    page.get_by_text("Ablauf als Diagramm anzeigen").click()
    current = page.locator(".rf-diagram__node--current")
    assert current.is_visible()
    # the demo story ends with the execution completed
    assert "Vollzogen (aktueller Stand)" in (current.text_content() or "")
    assert page.locator(".rf-diagram__node--current").count() == 1
    check_accessibility(page)


def test_a_user_switches_an_e_mail_kind_off(
    page: Any,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    sign_in(page, "ilsfeld.finance")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Einstellungen"
    ).click()
    box = page.get_by_label("Bitte um Mitzeichnung einer Vorlage")
    assert box.is_checked()
    check_accessibility(page)
    screenshot(page, "einstellungen")
    box.uncheck()
    page.get_by_role("button", name="Speichern").click()
    assert page.get_by_text("Keine E-Mail mehr für: Bitte um Mitzeichnung").is_visible()
    assert not page.get_by_label("Bitte um Mitzeichnung einer Vorlage").is_checked()
