"""Someone else's step on the Vorlage page ("Nur für …" under "Noch nicht möglich"): named
only to a user who takes part in this state, only a forward step, and only while it is
still open for those who hold its role (``api.ui.actions.names_others_step``)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from tests.api.conftest import FixedClock
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World, berlin
from tests.documents import html_text
from tests.integration.flow import MEETING_DAY, adopted, new_proposal
from workflow.composition import default_registry
from workflow.models import Proposal


def _not_yet(page: str) -> str:
    """The "Noch nicht möglich" list of a Vorlage page, as text ('' when there is none)."""
    if "Noch nicht möglich" not in page:
        return ""
    section = page.split("Noch nicht möglich", 1)[1].split("</ul>", 1)[0]
    return html_text(section.encode()).replace(" :", ":")


def _final_and_published(world: World, clock: FixedClock) -> int:
    """An adopted resolution, the objection waived (final), published; not vorlagepflichtig."""
    pid, _, _ = adopted(world)
    world.fire("proposal", pid, "waive_objection", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 24), 9))
    clock.now = berlin(date(2024, 4, 25), 9)
    assert world.get(Proposal, pid).state == "final"
    return pid


def test_the_clerk_is_not_told_of_steps_already_done_or_not_required(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid = _final_and_published(world, clock)
    sign_in(client, "ilsfeld.mayor")
    mayor = _not_yet(client.get(f"/vorlagen/{pid}").text)
    # the mayor's own step that does not apply here is not listed either
    # (tests/api/test_ui_action_noise.py)
    assert "nicht vorlagepflichtig" not in mayor
    sign_in(client, "ilsfeld.clerk")
    clerk = _not_yet(client.get(f"/vorlagen/{pid}").text)
    assert "Nur für" not in clerk
    assert "Beschluss veröffentlichen" not in clerk  # already published
    assert "Der Rechtsaufsichtsbehörde vorlegen" not in clerk  # not vorlagepflichtig


def test_the_head_of_department_is_not_told_of_a_withdrawal_or_the_execution(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    draft = new_proposal(world)
    sign_in(client, "ilsfeld.head")
    page = client.get(f"/vorlagen/{draft}")
    assert page.status_code == 200
    assert "Zur Mitzeichnung geben" in page.text  # he may submit it, so he takes part
    assert "Zurückziehen" not in _not_yet(page.text)  # never his step
    final = _final_and_published(world, clock)
    page = client.get(f"/vorlagen/{final}")
    assert page.status_code == 200
    assert _not_yet(page.text) == ""  # no step of his at a final resolution
    assert "Nur für" not in page.text


def test_the_next_step_of_someone_else_is_still_named(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Adopted, not yet published: the Sitzungsdienst's publication is the next step."""
    pid, _, _ = adopted(world)
    world.fire("proposal", pid, "waive_objection", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    clock.now = berlin(date(2024, 4, 24), 9)
    sign_in(client, "ilsfeld.clerk")
    clerk = _not_yet(client.get(f"/vorlagen/{pid}").text)
    assert "Beschluss veröffentlichen: Nur für Sitzungsdienst" in clerk
    assert "Der Rechtsaufsichtsbehörde vorlegen" not in clerk


def test_the_guards_about_the_asker_are_flagged_in_the_registry() -> None:
    """Which guards ask who the actor is comes from their registration (``about_actor``),
    so a new one is declared where it is written, not in a list the pages keep."""
    assert default_registry().actor_guards == {
        "is_requested_cosigner",
        "not_author",
        "not_yet_cosigned",
        "may_return",
        "mayor_not_biased",
    }
