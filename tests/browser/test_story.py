"""The whole life of one resolution in the browser, as the demo users sign in one after the
other: the clerk drafts the Vorlage in the editor, head of department and Kämmerei co-sign,
the mayor releases, the Sitzungsdienst puts it on a Gemeinderat agenda, invites, runs the
session and records the vote; the objection week ends (the clock moved on in the server's
database, the deadline worker run once), the Sitzungsdienst publishes the resolution and the
clerk closes its execution task on the Beschlusskontrolle."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, create_engine, select

from tests.browser.test_sitzungen import _as, _new_meeting, _release
from tests.conftest import REPO
from workflow.models import Deadline, DeadlineAct, Resolution

TITLE = "Erneuerung der Straßenbeleuchtung Wüstenhausen"
TASK = "Aufträge für die LED-Leuchten vergeben"


def _objection_week_passes(database_url: str, proposal: int) -> None:
    """Clock travel for the served process: the resolution was taken two weeks ago and the
    objection week's expiry is due; then the deadline worker sweeps once, as it would. Two
    weeks, not eight days: a week ending on a Saturday runs on to Monday (§ 193 BGB), and on
    a Sunday eight days back left the window open one more day (the finalize guard refused)."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        resolution = session.exec(
            select(Resolution)
            .where(Resolution.proposal_id == proposal)
            .order_by(col(Resolution.id).desc())
        ).first()
        assert resolution is not None
        resolution.decided_on = resolution.decided_on - timedelta(days=14)
        session.add(resolution)
        deadline = session.exec(
            select(Deadline)
            .where(
                Deadline.instance_type == "proposal",
                Deadline.instance_id == proposal,
                Deadline.rule == "objection_window",
            )
            .order_by(col(Deadline.id).desc())
        ).first()
        assert deadline is not None
        deadline.due_date = resolution.decided_on + timedelta(days=7)
        session.add(deadline)
        for act in session.exec(select(DeadlineAct).where(DeadlineAct.deadline_id == deadline.id)):
            act.due_at = datetime.now(UTC) - timedelta(minutes=1)
            session.add(act)
        session.commit()
    engine.dispose()
    env = {**os.environ, "RATSFLOW_DATABASE_URL": database_url}
    env.pop("RATSFLOW_SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "worker", "--once"],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def test_one_resolution_from_draft_to_execution(
    page: Any,
    server: str,
    server_database_url: str,
    sign_in: Callable[[Any, str], None],
    check_accessibility: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Path],
) -> None:
    # The clerk drafts in the editor; the council decides.
    sign_in(page, "ilsfeld.clerk")
    page.goto("/vorlagen/neu")
    page.get_by_label("Betreff").fill(TITLE)
    page.get_by_label("Beschlussvorschlag").fill(
        "Der Gemeinderat beschließt die Erneuerung der Straßenbeleuchtung mit LED-Leuchten."
    )
    page.get_by_label("Verfügbare Mittel (Euro)").fill("120.000,00")
    page.get_by_label("Gremium").first.select_option(label="Gemeinderat")
    page.get_by_label("Aufgabe").first.select_option(label="entscheidet")
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url("**/vorlagen/*")
    proposal = int(page.url.rstrip("/").split("/")[-1])
    assert "als Entwurf angelegt" in page.locator(".rf-flashes").inner_text()

    # Co-signing by head of department and Kämmerei, release by the mayor.
    _release(page, sign_in, proposal)

    # The Sitzungsdienst: a Gemeinderat meeting today, invited at short notice with reason.
    _as(page, sign_in, "ilsfeld.secretary")
    meeting = _new_meeting(page, "Gemeinderat", "20:30")
    page.goto(f"/sitzungen/{meeting}")
    choice = page.get_by_label("Freigegebene Vorlage für dieses Gremium")
    choice.select_option(value=choice.locator("option", has_text=TITLE).get_attribute("value"))
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Tagesordnung festlegen").click()
    page.wait_for_load_state()
    page.get_by_label("Begründung der kürzeren Frist").fill(
        "Die Förderzusage verfällt vor der nächsten regulären Sitzung."
    )
    page.get_by_role("button", name="Weiter zur Prüfung: Einladen").click()
    page.get_by_role("button", name="Jetzt verbindlich: Einladen").click()
    page.wait_for_url(f"**/sitzungen/{meeting}")
    assert ": Eingeladen." in page.locator("main").inner_text()

    # The session: attendance, opening, the vote by name, the deliberation for the minutes.
    page.get_by_role("link", name="Sitzung durchführen").click()
    page.wait_for_url(f"**/sitzungen/{meeting}/durchfuehren")
    page.get_by_role("button", name="Anwesenheit speichern").click()
    page.get_by_text("Anwesenheit gespeichert").wait_for()
    page.get_by_role("button", name="Sitzung eröffnen").click()
    page.get_by_role("heading", name=TITLE, exact=False).first.wait_for()
    page.get_by_label("Wesentlicher Inhalt der Beratung", exact=False).fill(
        "Der Bauamtsleiter erläutert die Einsparung an Strom von rund 60 Prozent."
    )
    page.get_by_role("button", name="Beratungsverlauf speichern").click()
    page.get_by_text("Der Verlauf der Beratung ist gespeichert.").wait_for()
    for radio in page.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    page.get_by_role("button", name="Abstimmung speichern").click()
    page.get_by_text("Mehrheit erreicht").first.wait_for()
    page.get_by_role("button", name="Beschluss gefasst").click()
    page.get_by_text("Bitte prüfen: Beschluss gefasst").wait_for()
    page.get_by_role("button", name="Jetzt verbindlich: Beschluss gefasst").click()
    page.get_by_text("ist festgestellt").wait_for()

    # The objection week is a deadline of the Vorlage, visible to the mayor.
    _as(page, sign_in, "ilsfeld.mayor")
    page.goto(f"/vorlagen/{proposal}")
    text = page.locator("main").inner_text()
    assert "Beschlossen – Widerspruchsfrist läuft" in text
    assert "Widerspruchsfrist der Bürgermeisterin" in text

    # Two weeks later: the sweep finds the week over, the resolution is final.
    _objection_week_passes(server_database_url, proposal)
    page.reload()
    assert "Bestandskräftig – im Vollzug" in page.locator("main").inner_text()

    # The Sitzungsdienst publishes it (§ 41b Abs. 5 GemO).
    _as(page, sign_in, "ilsfeld.secretary")
    page.goto(f"/vorlagen/{proposal}")
    publish = page.get_by_role("button", name="Beschluss veröffentlichen", exact=False).first
    publish.click()
    page.wait_for_load_state()
    confirm = page.get_by_role("button", name="Jetzt verbindlich: Beschluss veröffentlichen")
    if confirm.count():
        confirm.click()
    page.wait_for_url(f"**/vorlagen/{proposal}")
    assert ": Beschluss veröffentlicht." in page.locator(".rf-flashes").inner_text()

    # The clerk sets the execution task and marks it done on the Beschlusskontrolle.
    _as(page, sign_in, "ilsfeld.clerk")
    page.goto("/beschlusskontrolle")
    form = page.locator("form").filter(has_text="Aufgabe anlegen")
    chosen = form.get_by_label("Beschluss")
    chosen.select_option(value=chosen.locator("option", has_text=TITLE).get_attribute("value"))
    form.get_by_label("Aufgabe").fill(TASK)
    form.get_by_role("button", name="Aufgabe anlegen").click()
    page.get_by_text(f"Die Vollzugsaufgabe „{TASK}“ wurde angelegt.").wait_for()
    row = page.locator("tr").filter(has_text=TASK)
    row.get_by_label("erledigt").check()
    row.get_by_label("Vermerk").fill("Auftrag an die Elektro Müller GmbH erteilt.")
    row.get_by_role("button", name="Abschließen").click()
    page.get_by_role("status").filter(has_text="ist als erledigt vermerkt").wait_for()
    row = page.locator("tr").filter(has_text=TASK)
    assert "erledigt" in row.inner_text()
    assert row.get_by_role("button", name="Abschließen").count() == 0
    check_accessibility(page)
