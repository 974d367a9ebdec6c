"""Committee remits and the Vorberatung of council matters (§ 39 Abs. 4 S. 1 GemO) over HTTP."""

from __future__ import annotations

from typing import Any

from tests.api.test_http import assert_problem
from tests.conftest import World, berlin
from tests.integration.flow import DAY

PROPOSAL = {
    "title": "Neubau Kindergarten Wüstenhausen",
    "resolution_text": "Der Gemeinderat beschließt den Neubau.",
    "proposal_date": "2024-04-08",
}


def test_unknown_subject_is_422_naming_the_field(world: World, client: Any, as_user: Any) -> None:
    clerk = as_user("ilsfeld.clerk")
    steps = [{"body_id": world.body_id("Gemeinderat"), "decides": True}]
    unknown = client.post(
        "/api/v1/proposals", json={**PROPOSAL, "steps": steps, "subject": "bau"}, headers=clerk
    )
    assert [e["field"] for e in assert_problem(unknown, 422)["errors"]] == ["subject"]
    made = client.post(
        "/api/v1/proposals", json={**PROPOSAL, "steps": steps, "subject": "bildung"}, headers=clerk
    )
    assert made.status_code == 201, made.text
    assert made.json()["subject"] == "bildung"
    assert made.json()["pre_deliberation_waived_reason"] is None
    changed = client.patch(
        f"/api/v1/proposals/{made.json()['id']}",
        json={"expected_version": made.json()["version"], "subject": "Soziales"},
        headers=clerk,
    )
    assert [e["field"] for e in assert_problem(changed, 422)["errors"]] == ["subject"]


def test_admin_sets_a_remit_and_release_shows_the_missing_vorberatung(
    world: World, client: Any, as_user: Any
) -> None:
    admin = as_user("admin")
    created = client.post(
        "/api/v1/bodies",
        json={"name": "Ausschuss für Bildung", "kind": "deciding_committee", "remit": ["kultur"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert created.json()["remit"] == ["kultur"]
    committee = created.json()["id"]
    url = f"/api/v1/bodies/{committee}/remit"
    updated = client.put(url, json={"remit": ["bildung", "kultur"]}, headers=admin)
    assert updated.status_code == 200, updated.text
    assert updated.json()["remit"] == ["bildung", "kultur"]
    listed = client.get("/api/v1/bodies", headers=admin).json()["data"]
    assert next(b for b in listed if b["id"] == committee)["remit"] == ["bildung", "kultur"]

    unknown = client.put(url, json={"remit": ["bildung", "schule"]}, headers=admin)
    assert [e["field"] for e in assert_problem(unknown, 422)["errors"]] == ["remit.1"]
    council = world.body_id("Gemeinderat")
    not_committee = client.put(
        f"/api/v1/bodies/{council}/remit", json={"remit": ["bildung"]}, headers=admin
    )
    assert [e["field"] for e in assert_problem(not_committee, 422)["errors"]] == ["remit"]
    assert_problem(client.put(url, json={"remit": []}, headers=as_user("ilsfeld.clerk")), 403)

    made = client.post(
        "/api/v1/proposals",
        json={**PROPOSAL, "steps": [{"body_id": council, "decides": True}], "subject": "bildung"},
        headers=as_user("ilsfeld.clerk"),
    )
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    actions = client.get(f"/api/v1/proposals/{pid}/actions", headers=as_user("ilsfeld.mayor"))
    blocked = {a["trigger"]: a for a in actions.json()["blocked"]}
    release = blocked["release"]
    assert release["blocked_by"] == "guard"
    assert [g["name"] for g in release["unmet_guards"]] == ["committee_pre_deliberates"]
    assert '"Ausschuss für Bildung"' in release["reasons"][0]
    assert "§ 39 Abs. 4 Satz 1 GemO" in release["reasons"][0]
