"""Vorlage verknüpfen: only a Vorlage that can still carry the answer is offered and taken."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tests.api.conftest import TestClient
from tests.api.test_decision_requests import fire
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.flow import new_proposal
from tests.integration.test_decisions import response, send
from workflow.models import Proposal


def _ended(world: World, title: str, state: str) -> Proposal:
    """A Vorlage of Ilsfeld whose course has ended (set directly: the course is not the point)."""
    pid = new_proposal(world, title=title)

    def run(session: Session) -> Proposal:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.state = state
        session.add(proposal)
        session.flush()
        session.refresh(proposal)
        session.expunge(proposal)
        return proposal

    return world.run(run)


def test_only_running_vorlagen_are_offered_and_accepted(
    world: World, client: TestClient, as_user: Any
) -> None:
    request_id = send(world)
    running = new_proposal(world, title="Integrationsmanagement")
    executed = _ended(world, "Neubau Bauhof", "executed")
    withdrawn = _ended(world, "Sanierung Halle", "withdrawn")
    ilsfeld = response(world, request_id, "Ilsfeld")
    sign_in(client, "ilsfeld.clerk")
    url = f"/abfragen/{request_id}/antworten/{ilsfeld.id}"
    page = client.get(url).text
    assert f'value="{running}"' in page
    assert "Neubau Bauhof" not in page
    assert "Sanierung Halle" not in page
    refused = client.post(
        url,
        data={
            "csrf_token": csrf_of(page),
            "schritt": "link_proposal",
            "option": "belassen",
            "vorlage": str(executed.id),
        },  # fmt: skip
    )
    assert refused.status_code == 422
    assert "Bitte wählen Sie die Vorlage aus der Liste." in refused.text
    # the engine refuses them too, with the reason in German (JSON API)
    api_url = f"/api/v1/decision-responses/{ilsfeld.id}"
    clerk = as_user("ilsfeld.clerk")
    for proposal, word in ((executed, "vollzogen"), (withdrawn, "zurückgezogen")):
        answer = fire(client, clerk, api_url, "link_proposal",
                      data={"proposal_id": proposal.id, "option": "belassen"})  # fmt: skip
        assert answer.status_code == 422, answer.text
        detail = answer.json()["detail"]
        assert f"Die Vorlage {proposal.label} ist {word}" in detail
        assert "kann die Antwort nicht mehr tragen" in detail
    actions = client.get(f"{api_url}/actions", headers=clerk).json()
    link = next(a for a in actions["allowed"] if a["trigger"] == "link_proposal")
    choices = next(f for f in link["fields"] if f["name"] == "proposal_id")["options"]
    assert [o["value"] for o in choices] == [running]
    linked = fire(client, clerk, api_url, "link_proposal",
                  data={"proposal_id": running, "option": "belassen"})  # fmt: skip
    assert linked.status_code == 200, linked.text
    assert response(world, request_id, "Ilsfeld").proposal_id == running
