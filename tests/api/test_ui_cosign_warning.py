"""The co-signing deadline "vor der ersten geplanten Sitzung" (ten days before it, § 34
Abs. 1 Satz 1 GemO) told on the Vorlage page before "Zur Mitzeichnung geben" when it would
start due today or overdue: the date the engine then stores, and why."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.ui.citations import unbroken
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.flow import new_proposal
from workflow.models import Deadline
from workflow.services.proposals import StepInput

# The app's clock stands at Mo, 08.04.2024 (tests/api/conftest.py).
PAST = "Frist schon vor der Abgabe abgelaufen"
TODAY = "Frist endet schon heute"


def _draft_for(world: World, meeting_day: date) -> int:
    council = world.body_id("Gemeinderat")
    return new_proposal(
        world, steps=[StepInput(body_id=council, planned_date=meeting_day, decides=True)]
    )


def _submit_box(page: str) -> str:
    """The "Zur Mitzeichnung geben" action on the page, from its heading to its button."""
    start = page.index('<h3 class="kern-heading-small">Zur Mitzeichnung geben</h3>')
    end = page.index("</form>", start)
    return page[start:end]


def _submit(client: TestClient, pid: int, page: str) -> None:
    box = _submit_box(page)
    version = re.search(r'name="version" value="(\d+)"', box)
    assert version is not None
    done = client.post(
        f"/vorlagen/{pid}/aktionen/submit",
        data={"csrf_token": csrf_of(page), "version": version.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def _stored_due(world: World, pid: int) -> date:
    deadline = world.run(
        lambda s: s.exec(
            select(Deadline).where(
                Deadline.instance_type == "proposal",
                Deadline.instance_id == pid,
                Deadline.rule == "cosigning_before_meeting",
            )
        ).one()
    )
    return deadline.due_date


@pytest.mark.parametrize(
    ("meeting_day", "title", "due", "words"),
    [
        # Mo, 15.04.: ten days back is Fr, 05.04. – three days before the submission
        (
            date(2024, 4, 15),
            PAST,
            date(2024, 4, 5),
            "wäre bei „Zur Mitzeichnung geben“ schon abgelaufen: Sie endete am 05.04.2024.",
        ),
        # Do, 18.04.: ten days back is today
        (
            date(2024, 4, 18),
            TODAY,
            date(2024, 4, 8),
            "endet bei „Zur Mitzeichnung geben“ schon heute, am 08.04.2024.",
        ),
    ],
)
def test_a_cosigning_deadline_already_due_is_told_before_the_submission(
    world: World, client: TestClient, meeting_day: date, title: str, due: date, words: str
) -> None:
    pid = _draft_for(world, meeting_day)
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}").text
    box = _submit_box(page)
    # beside the action, before its button: which date, counted from which meeting, why
    assert box.index(title) < box.index('type="submit"')
    assert words in box
    assert "Die Frist „Mitzeichnung vor der ersten geplanten Sitzung erledigen“" in box
    assert (
        unbroken(
            f"Sie wird vom Sitzungstag {meeting_day:%d.%m.%Y} zurückgerechnet; "
            "Rechtsgrundlage: § 34 Abs. 1 Satz 1 GemO (Einladung mit Unterlagen)."
        )
        in box
    )
    assert "Planen Sie die Beratung für eine spätere Sitzung ein" in box
    assert "So ist die Frist berechnet" in box
    assert f"Spätester Termin: {'Fr' if due.weekday() == 4 else 'Mo'}, {due:%d.%m.%Y}." in box
    # the date told is the one the engine stores when the step is taken
    _submit(client, pid, page)
    assert _stored_due(world, pid) == due


def test_no_warning_while_the_cosigners_have_time(world: World, client: TestClient) -> None:
    pid = _draft_for(world, date(2024, 4, 23))  # due Fr, 12.04.: four days ahead
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}").text
    box = _submit_box(page)
    assert PAST not in page
    assert TODAY not in page
    assert "rf-due-on-entry" not in page
    _submit(client, pid, page)
    assert _stored_due(world, pid) == date(2024, 4, 12)
    assert "Zur Mitzeichnung geben" in box


def test_no_warning_without_a_planned_meeting(world: World, client: TestClient) -> None:
    """Without a planned date the deadline is not opened at all: nothing to warn of."""
    council = world.body_id("Gemeinderat")
    pid = new_proposal(world, steps=[StepInput(body_id=council, decides=True)])
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}").text
    assert "Zur Mitzeichnung geben" in _submit_box(page)
    assert "rf-due-on-entry" not in page


def test_the_cosigner_reads_no_warning_on_a_submitted_vorlage(
    world: World, client: TestClient
) -> None:
    """Once submitted the deadline is listed with the Vorlage's Fristen; the head of
    department, who co-signs, sees no submission warning."""
    pid = _draft_for(world, date(2024, 4, 15))
    sign_in(client, "ilsfeld.clerk")
    _submit(client, pid, client.get(f"/vorlagen/{pid}").text)
    sign_in(client, "ilsfeld.head")
    page = client.get(f"/vorlagen/{pid}").text
    assert "Mitzeichnen" in page
    assert "rf-due-on-entry" not in page


def _warning_before_the_button(page: str, title: str, words: str) -> None:
    """On the action's own page: the warning with its date and calculation, above the
    form's button."""
    main = page[page.index("<main") :]
    assert main.index(title) < main.index('type="submit"')
    assert words in main
    assert "So ist die Frist berechnet" in main
    assert "Spätester Termin: Fr, 05.04.2024." in main


def test_the_action_page_tells_the_due_deadline_too(world: World, client: TestClient) -> None:
    """/vorlagen/{id}/aktionen/submit, opened on its own or shown again after a refused
    submission, warns as the Vorlage page does, from the same engine dates."""
    pid = _draft_for(world, date(2024, 4, 15))  # due Fr, 05.04.: three days ago
    words = "wäre bei „Zur Mitzeichnung geben“ schon abgelaufen: Sie endete am 05.04.2024."
    sign_in(client, "ilsfeld.clerk")
    opened = client.get(f"/vorlagen/{pid}/aktionen/submit")
    assert opened.status_code == 200
    _warning_before_the_button(opened.text, PAST, words)
    # a submission with a stale version is refused: the page comes back with the warning
    detail = client.get(f"/vorlagen/{pid}").text
    version = re.search(r'name="version" value="(\d+)"', _submit_box(detail))
    assert version is not None
    refused = client.post(
        f"/vorlagen/{pid}/aktionen/submit",
        data={"csrf_token": csrf_of(detail), "version": str(int(version.group(1)) - 1)},
        follow_redirects=False,
    )
    assert refused.status_code == 409, refused.text
    assert "kern-alert--danger" in refused.text
    _warning_before_the_button(refused.text, PAST, words)
    # nothing was stored by either page; the submission then opens the date told
    _submit(client, pid, detail)
    assert _stored_due(world, pid) == date(2024, 4, 5)


def test_the_action_page_is_quiet_while_the_cosigners_have_time(
    world: World, client: TestClient
) -> None:
    pid = _draft_for(world, date(2024, 4, 23))
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}/aktionen/submit")
    assert page.status_code == 200
    assert "Zur Mitzeichnung geben" in page.text
    assert "rf-due-on-entry" not in page.text
