"""What the Vorlage page leaves out of its actions: the user's own steps that do not apply
to this matter at all (``Guard.applicability``: not vorlagepflichtig, already published),
while a reason he can act on or wait for is still told under "Noch nicht möglich"."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from tests.api.conftest import FixedClock
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_others_steps import _final_and_published, _not_yet
from tests.conftest import World, berlin
from tests.integration.flow import DAY
from tests.integration.test_review_rules import final_resolution
from workflow.composition import default_registry


def _offers(page: str, pid: int, trigger: str) -> bool:
    """The page has the action's form (the state diagram names every step anyway)."""
    return f'action="/vorlagen/{pid}/aktionen/{trigger}"' in page


def test_own_steps_that_do_not_apply_are_not_listed(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid = _final_and_published(world, clock)  # not vorlagepflichtig, no Satzung, published
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}")
    assert page.status_code == 200
    mayor = _not_yet(page.text)
    assert "vorlagepflichtig" not in mayor
    for step in ("Der Rechtsaufsichtsbehörde vorlegen", "Öffentliche Bekanntmachung erfassen"):
        assert step not in mayor
    for trigger in ("submit_to_supervision", "confirm_by_supervision", "announce"):
        assert not _offers(page.text, pid, trigger)
    sign_in(client, "ilsfeld.secretary")
    secretary = client.get(f"/vorlagen/{pid}").text
    assert "bereits veröffentlicht" not in _not_yet(secretary)
    assert "Beschluss veröffentlichen" not in _not_yet(secretary)
    assert not _offers(secretary, pid, "publish")


def test_own_steps_to_wait_for_keep_their_reason(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Vorlagepflichtig (§ 121 Abs. 2 GemO): the confirmation waits for the submission and
    says so; once submitted, the submission is done and no longer listed."""
    pid = final_resolution(world, requires_submission=True)
    clock.now = berlin(DAY, 15)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}").text
    assert _offers(page, pid, "submit_to_supervision")  # his step, offered
    assert (
        "Bestätigung der Rechtsaufsicht erfassen: Der Beschluss ist der "
        "Rechtsaufsichtsbehörde noch nicht vorgelegt"
    ) in _not_yet(page)
    world.fire("proposal", pid, "submit_to_supervision", "ilsfeld.secretary", berlin(DAY, 16))
    clock.now = berlin(date(2024, 4, 9), 9)
    page = client.get(f"/vorlagen/{pid}").text
    assert not _offers(page, pid, "submit_to_supervision")  # done: "vorgelegt am …"
    assert "Der Rechtsaufsichtsbehörde vorlegen" not in _not_yet(page)
    assert _offers(page, pid, "confirm_by_supervision")


def test_the_registry_says_which_guards_tell_whether_a_step_applies() -> None:
    """The flag of the guards' registrations, read by the engine (``inapplicable``)
    instead of a list kept by hand in the pages."""
    registry = default_registry()
    assert {"requires_submission", "requires_announcement", "not_published_yet"} <= (
        registry.applicability_guards
    )
    # a reason to act on or wait for is no applicability guard
    assert not {"submitted_to_supervision", "execution_allowed", "cosignatures_complete"} & (
        registry.applicability_guards
    )
    assert not registry.actor_guards & registry.applicability_guards
