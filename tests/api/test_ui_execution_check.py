""" "Vollzug abschließen" over HTTP: a checked step ("Weiter zur Prüfung"), whose check page
says when no Vollzugsaufgabe was ever recorded for the resolution and links to adding one."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from tests.api.conftest import FixedClock
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, adopted
from workflow.models import Proposal
from workflow.services.proposals import add_execution_task, close_execution_task

NEVER = "Zu diesem Beschluss wurde nie eine Vollzugsaufgabe erfasst."


def _final(world: World, clock: FixedClock) -> int:
    pid, _, _ = adopted(world)
    world.fire("proposal", pid, "waive_objection", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    clock.now = berlin(date(2024, 4, 25), 9)
    assert world.get(Proposal, pid).state == "final"
    return pid


def test_closing_the_execution_without_any_task_is_checked_first(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid = _final(world, clock)
    sign_in(client, "ilsfeld.clerk")
    home = client.get("/").text
    action = f"/vorlagen/{pid}/aktionen/complete_execution"
    assert f'href="{action}"' in home  # Meine Aufgaben leads to the action page ...
    assert f"Stand: Bestandskräftig – im Vollzug. {NEVER}" in home
    form = client.get(action).text
    assert NEVER in form  # ... which says so before anything is done
    assert "Weiter zur Prüfung" in form
    page = client.get(f"/vorlagen/{pid}").text
    assert "Weiter zur Prüfung: Vollzug abschließen" in page
    token = csrf_of(page)
    version = world.get(Proposal, pid).version
    check = client.post(action, data={"csrf_token": token, "version": str(version)})
    assert check.status_code == 200
    assert "Bitte prüfen: Das geschieht, wenn Sie bestätigen" in check.text
    assert NEVER in check.text
    assert f'href="/beschlusskontrolle?vorlage={pid}#neu">Vollzugsaufgabe anlegen</a>' in check.text
    assert world.get(Proposal, pid).state == "final"  # only checked, nothing done
    # The link opens the Beschlusskontrolle's form with this Beschluss chosen.
    control = client.get(f"/beschlusskontrolle?vorlage={pid}")
    assert control.status_code == 200
    assert 'id="neu"' in control.text
    done = client.post(
        action,
        data={"csrf_token": token, "version": str(version), "bestaetigt": "ja"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert world.get(Proposal, pid).state == "executed"


def test_a_resolution_whose_tasks_are_done_is_checked_without_the_warning(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid = _final(world, clock)
    clerk = world["ilsfeld.clerk"]
    task = world.run(
        lambda s: (
            add_execution_task(
                session=s,
                actor=clerk,
                now=clock.now,
                proposal_id=pid,
                title="Auftrag erteilen",
                owner_id=clerk.user_id,
                target_date=None,
            ).id
        )
    )
    assert task is not None
    world.run(
        lambda s: close_execution_task(
            session=s, actor=clerk, now=clock.now, task_id=task, status="done", note=None
        )
    )
    sign_in(client, "ilsfeld.clerk")
    home = client.get("/").text
    assert f"/vorlagen/{pid}/aktionen/complete_execution" in home
    assert NEVER not in home
    page = client.get(f"/vorlagen/{pid}").text
    check = client.post(
        f"/vorlagen/{pid}/aktionen/complete_execution",
        data={"csrf_token": csrf_of(page), "version": str(world.get(Proposal, pid).version)},
    )
    assert check.status_code == 200
    assert "Bitte prüfen: Das geschieht, wenn Sie bestätigen" in check.text
    assert NEVER not in check.text
    assert world.get(Proposal, pid).state == "final"
