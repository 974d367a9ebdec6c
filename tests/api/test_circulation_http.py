"""Umlaufverfahren over HTTP: the generic transition starts it, members answer by route."""

from __future__ import annotations

from typing import Any

from tests.api.test_http import assert_problem
from tests.conftest import World
from tests.integration.flow import released
from workflow.queries import voting_members


def _version(client: Any, headers: dict[str, str], pid: int) -> int:
    return int(client.get(f"/api/v1/proposals/{pid}", headers=headers).json()["version"])


def test_circulate_then_consent_and_objection(world: World, client: Any, as_user: Any) -> None:
    pid = released(world)
    mayor = as_user("ilsfeld.mayor")
    url = f"/api/v1/proposals/{pid}/transitions"
    refused = client.post(
        url,
        json={"trigger": "circulate", "expected_version": _version(client, mayor, pid)},
        headers=mayor,
    )
    body = assert_problem(refused, 422)
    assert [g["name"] for g in body["unmet_guards"]] == ["simple_matter_declared"]
    started = client.post(
        url,
        json={
            "trigger": "circulate",
            "expected_version": _version(client, mayor, pid),
            "data": {"simple_matter": True},
        },
        headers=mayor,
    )
    assert started.status_code == 200, started.text
    assert started.json()["state"] == "in_circulation"

    replies = f"/api/v1/proposals/{pid}/circulation/replies"
    council = as_user("ilsfeld.council")
    own = client.post(
        replies,
        json={"choice": "consent", "expected_version": _version(client, council, pid)},
        headers=council,
    )
    assert own.status_code == 201, own.text
    assert own.json()["person_id"] == world["ilsfeld.council"].person_id
    assert own.json()["fired"] is None
    assert own.json()["proposal_state"] == "in_circulation"

    secretary = as_user("ilsfeld.secretary")
    outsider = client.post(
        replies,
        json={
            "choice": "consent",
            "person_id": world["ilsfeld.secretary"].person_id,
            "expected_version": _version(client, secretary, pid),
        },
        headers=secretary,
    )
    assert [g["name"] for g in assert_problem(outsider, 422)["unmet_guards"]] == [
        "circulation_member"
    ]
    members = world.run(lambda s: voting_members(s, world.body_id("Gemeinderat")))
    other = next(p for p in members if p != world["ilsfeld.council"].person_id)
    objection = client.post(
        replies,
        json={
            "choice": "objection",
            "person_id": other,
            "reason": "Beratung in öffentlicher Sitzung erbeten",
            "expected_version": _version(client, secretary, pid),
        },
        headers=secretary,
    )
    assert objection.status_code == 201, objection.text
    assert objection.json()["fired"] == "circulation_objected"
    assert objection.json()["proposal_state"] == "ready"
    late = client.post(
        replies,
        json={"choice": "consent", "expected_version": _version(client, council, pid)},
        headers=council,
    )
    assert_problem(late, 409)
