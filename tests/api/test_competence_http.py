"""Reserved matters (§ 39 Abs. 2 GemO) and bodies to be heard (§ 70 Abs. 1 GemO) over HTTP."""

from __future__ import annotations

from typing import Any

from tests.api.test_http import assert_problem
from tests.conftest import World

PROPOSAL = {
    "title": "Änderung der Hauptsatzung",
    "resolution_text": "Der Gemeinderat beschließt die Änderung.",
    "proposal_date": "2024-04-08",
}


def test_unknown_reserved_matter_and_wrong_hearing_body_are_422_naming_the_field(
    world: World, client: Any, as_user: Any
) -> None:
    clerk = as_user("ilsfeld.clerk")
    council = world.body_id("Gemeinderat")
    deciding = [{"body_id": council, "decides": True}]
    unknown = client.post(
        "/api/v1/proposals",
        json={**PROPOSAL, "steps": deciding, "reserved_matter": "hauptsatzung"},
        headers=clerk,
    )
    assert [e["field"] for e in assert_problem(unknown, 422)["errors"]] == ["reserved_matter"]

    committee = world.body_id("Technischer Ausschuss")
    wrong_kind = client.post(
        "/api/v1/proposals",
        json={**PROPOSAL, "steps": deciding, "hearing_bodies": [committee]},
        headers=clerk,
    )
    body = assert_problem(wrong_kind, 422)
    assert [e["field"] for e in body["errors"]] == ["hearing_bodies.0"]
    assert '"Technischer Ausschuss" ist kein Ortschaftsrat' in body["detail"]

    by_committee = client.post(
        "/api/v1/proposals",
        json={
            **PROPOSAL,
            "steps": [{"body_id": committee, "decides": True}],
            "reserved_matter": "bylaws",
        },
        headers=clerk,
    )
    body = assert_problem(by_committee, 422)
    assert [e["field"] for e in body["errors"]] == ["steps.0.decides"]
    assert "§ 39 Abs. 2 Nr. 3 GemO" in body["detail"]


def test_reserved_matter_and_hearing_bodies_are_read_back(
    world: World, client: Any, as_user: Any
) -> None:
    created = client.post(
        "/api/v1/bodies",
        json={"name": "Ortschaftsrat Auenstein", "kind": "local_council"},
        headers=as_user("admin"),
    )
    assert created.status_code == 201, created.text
    local = created.json()["id"]
    clerk = as_user("ilsfeld.clerk")
    council = world.body_id("Gemeinderat")
    unheard = client.post(
        "/api/v1/proposals",
        json={
            **PROPOSAL,
            "steps": [{"body_id": council, "decides": True}],
            "hearing_bodies": [local],
        },
        headers=clerk,
    )
    body = assert_problem(unheard, 422)
    assert [e["field"] for e in body["errors"]] == ["steps"]
    assert "§ 70 Abs. 1 GemO" in body["detail"]
    made = client.post(
        "/api/v1/proposals",
        json={
            **PROPOSAL,
            "steps": [{"body_id": local, "advises": True}, {"body_id": council, "decides": True}],
            "reserved_matter": "bylaws",
            "hearing_bodies": [local],
        },
        headers=clerk,
    )
    assert made.status_code == 201, made.text
    assert (made.json()["reserved_matter"], made.json()["hearing_bodies"]) == ("bylaws", [local])
    cleared = client.patch(
        f"/api/v1/proposals/{made.json()['id']}",
        json={"expected_version": made.json()["version"], "reserved_matter": None},
        headers=clerk,
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["reserved_matter"] is None
    null_list = client.patch(
        f"/api/v1/proposals/{made.json()['id']}",
        json={"expected_version": cleared.json()["version"], "hearing_bodies": None},
        headers=clerk,
    )
    assert_problem(null_list, 422)
