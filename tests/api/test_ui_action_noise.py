"""What the Vorlage page leaves out of its actions: the return of a co-signer who already
co-signed (his part is done), and the user's own steps that do not apply to this matter
at all (``Guard.applicability``: not vorlagepflichtig, already published), while a reason
he can act on or wait for is still told under "Noch nicht möglich"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import FixedClock
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.api.test_ui_others_steps import _final_and_published, _not_yet
from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_proposal, submitted
from tests.integration.test_review_rules import final_resolution
from workflow.composition import default_registry
from workflow.definitions.registry import Guard
from workflow.models import Proposal

RETURN = "Mit Anmerkung zurückgeben"


def _offers(page: str, pid: int, trigger: str) -> bool:
    """The page has the action's form (the state diagram names every step anyway)."""
    return f'action="/vorlagen/{pid}/aktionen/{trigger}"' in page


def _two_cosigners(world: World) -> int:
    """Submitted to the head of department and the Kämmerei; the head has co-signed."""
    pid = new_proposal(world)
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head", "ilsfeld.finance"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    assert world.get(Proposal, pid).state == "cosigning"
    return pid


def _allowed(client: TestClient, headers: dict[str, str], pid: int) -> set[str]:
    response = client.get(f"/api/v1/proposals/{pid}/actions", headers=headers)
    assert response.status_code == 200, response.text
    return {a["trigger"] for a in response.json()["allowed"]}


def test_a_cosigner_who_signed_is_not_offered_the_return(
    world: World, client: TestClient, as_user: Any
) -> None:
    pid = _two_cosigners(world)
    sign_in(client, "ilsfeld.finance")  # asked, not yet signed: his return is offered
    page = client.get(f"/vorlagen/{pid}").text
    assert _offers(page, pid, "return_to_author")
    assert _offers(page, pid, "cosign")
    sign_in(client, "ilsfeld.head")
    page = client.get(f"/vorlagen/{pid}")
    assert page.status_code == 200
    assert not _offers(page.text, pid, "return_to_author")  # neither a button ...
    assert RETURN not in _not_yet(page.text)  # ... nor "noch nicht möglich"
    assert "Sie haben diese Vorlage bereits mitgezeichnet" not in page.text
    # The API keeps letting him return it before the release (withdrawing his consent):
    # only the page no longer advertises it.
    assert "return_to_author" in _allowed(client, as_user("ilsfeld.head"), pid)
    # the page's own route does not take it either: refused in words, nothing returned
    version = str(world.get(Proposal, pid).version)
    stale = client.post(
        f"/vorlagen/{pid}/aktionen/return_to_author",
        data={"csrf_token": csrf_of(page.text), "version": version, "comment": "Doch nicht"},
        follow_redirects=False,
    )
    assert stale.status_code == 404
    assert "zurzeit nicht möglich" in stale.text
    assert world.get(Proposal, pid).state == "cosigning"
    # all co-signed: the return is the mayor's, not "noch nicht möglich" for a co-signer
    world.fire("proposal", pid, "cosign", "ilsfeld.finance", berlin(DAY, 11))
    assert world.get(Proposal, pid).state == "awaiting_release"
    for cosigner in ("ilsfeld.head", "ilsfeld.finance"):
        sign_in(client, cosigner)
        page = client.get(f"/vorlagen/{pid}")
        assert page.status_code == 200
        assert not _offers(page.text, pid, "return_to_author")
        assert RETURN not in _not_yet(page.text)
        assert "Freigeben: Nur für Bürgermeister" in _not_yet(page.text)  # who acts next
    sign_in(client, "ilsfeld.mayor")
    assert _offers(client.get(f"/vorlagen/{pid}").text, pid, "return_to_author")


def test_a_cosigner_not_asked_and_the_mayor_are_not_told_of_the_cosigning(
    world: World, client: TestClient
) -> None:
    """Only the head of department is asked: co-signing and returning it are his turn, not
    "noch nicht möglich" for the Kämmerei or the mayor (``Guard.turn``)."""
    pid = new_proposal(world)
    submitted(world, pid)
    sign_in(client, "ilsfeld.finance")
    page = client.get(f"/vorlagen/{pid}")
    assert page.status_code == 200
    assert not _offers(page.text, pid, "cosign")
    assert _not_yet(page.text) == ""  # was: "Sie sind … nicht zur Mitzeichnung angefragt"
    sign_in(client, "ilsfeld.mayor")
    mayor = client.get(f"/vorlagen/{pid}").text
    assert RETURN not in _not_yet(mayor)  # was: "… geben nur die angefragten … zurück"
    assert "Mitzeichnen: Nur für Mitzeichnung" in _not_yet(mayor)  # who acts next


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


def test_the_registry_says_which_guards_ask_who_acts_and_which_whether_a_step_applies() -> None:
    """The flags of the guards' registrations, read by the engine (``inapplicable``,
    ``others_turn``) instead of lists kept by hand in the pages."""
    registry = default_registry()
    assert {"requires_submission", "requires_announcement", "not_published_yet"} <= (
        registry.applicability_guards
    )
    # a reason to act on or wait for is no applicability guard
    assert not {"submitted_to_supervision", "execution_allowed", "cosignatures_complete"} & (
        registry.applicability_guards
    )
    assert registry.turn_guards == {"is_requested_cosigner", "not_yet_cosigned", "may_return"}
    assert registry.turn_guards <= registry.actor_guards  # a bias is told, not a turn
    assert registry.done_guards == {"not_yet_cosigned"}  # may_return is his turn, not done
    assert registry.premise_guards == {"meeting_day_reached"}
    assert not registry.actor_guards & registry.applicability_guards


def test_a_turn_guard_must_be_about_the_actor() -> None:
    with pytest.raises(ValueError, match="about_actor"):
        Guard("whose_turn", lambda ctx: None, turn=True)
    with pytest.raises(ValueError, match="turn"):
        Guard("part_done", lambda ctx: None, about_actor=True, done=True)
