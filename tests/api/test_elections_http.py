"""Wahlen over HTTP (§ 37 Abs. 7 GemO): happy path and tenant isolation."""

from __future__ import annotations

from typing import Any

from tests.api.test_http import assert_problem
from tests.conftest import World
from tests.integration.flow import in_session, new_meeting
from tests.integration.test_elections import free_item


def _version(client: Any, headers: dict[str, str], mid: int) -> int:
    return int(client.get(f"/api/v1/meetings/{mid}", headers=headers).json()["version"])


def test_election_with_two_candidates_over_http(world: World, client: Any, as_user: Any) -> None:
    mid = new_meeting(world)
    item = free_item(world, mid)
    present = in_session(world, mid)
    secretary = as_user("ilsfeld.secretary")
    base = f"/api/v1/meetings/{mid}/elections"
    created = client.post(
        base,
        json={
            "agenda_item_id": item,
            "title": "Wahl der Schriftführerin",
            "expected_version": _version(client, secretary, mid),
        },
        headers=secretary,
    )
    assert created.status_code == 201, created.text
    election = created.json()
    assert (election["mode"], election["outcome"], election["rounds"]) == ("secret", None, [])
    eid = election["id"]
    ids = []
    for name in ("Anna Maier", "Bert Huber"):
        added = client.post(
            f"{base}/{eid}/candidates",
            json={"name": name},
            headers={**secretary, "If-Match": f'"{_version(client, secretary, mid)}"'},
        )
        assert added.status_code == 201, added.text
        ids.append(added.json()["id"])
    anna, bert = ids
    need = len(present) // 2 + 1
    too_many = client.post(
        f"{base}/{eid}/rounds",
        json={
            "counts": [
                {"candidate_id": anna, "votes": len(present)},
                {"candidate_id": bert, "votes": 1},
            ],
            "voters": present,
            "expected_version": _version(client, secretary, mid),
        },
        headers=secretary,
    )
    problem = assert_problem(too_many, 422)
    assert "Stimmberechtigte" in problem["detail"]
    counted = client.post(
        f"{base}/{eid}/rounds",
        json={
            "counts": [
                {"candidate_id": anna, "votes": need},
                {"candidate_id": bert, "votes": len(present) - need},
            ],
            "voters": present,
            "expected_version": _version(client, secretary, mid),
        },
        headers=secretary,
    )
    assert counted.status_code == 201, counted.text
    assert counted.json()["next"] == "elected"
    assert counted.json()["elected_candidate_id"] == anna
    read = client.get(f"{base}/{eid}", headers=as_user("ilsfeld.council"))
    assert read.status_code == 200, read.text
    result = read.json()
    assert (result["outcome"], result["elected_candidate_id"]) == ("elected", anna)
    assert result["rounds"][0]["counts"] == [
        {"candidate_id": anna, "votes": need},
        {"candidate_id": bert, "votes": len(present) - need},
    ]
    assert result["rounds"][0]["entitled"] == len(present)
    stale = client.post(
        f"{base}/{eid}/rounds",
        json={"counts": [], "voters": [], "expected_version": 1},
        headers=secretary,
    )
    assert_problem(stale, 409)


def test_other_municipality_and_roles_are_refused(world: World, client: Any, as_user: Any) -> None:
    mid = new_meeting(world)
    item = free_item(world, mid)
    in_session(world, mid)
    secretary = as_user("ilsfeld.secretary")
    base = f"/api/v1/meetings/{mid}/elections"
    eid = client.post(
        base,
        json={
            "agenda_item_id": item,
            "title": "Wahl",
            "expected_version": _version(client, secretary, mid),
        },
        headers=secretary,
    ).json()["id"]
    version = _version(client, secretary, mid)
    writes = [
        (base, {"agenda_item_id": item, "title": "x", "expected_version": version}),
        (f"{base}/{eid}/candidates", {"name": "x", "expected_version": version}),
        (f"{base}/{eid}/rounds", {"counts": [], "voters": [], "expected_version": version}),
    ]
    for user, status in (("flein.clerk", 404), ("flein.council", 404), ("ilsfeld.council", 403)):
        for path, body in writes:
            assert_problem(client.post(path, json=body, headers=as_user(user)), status)
    for user in ("flein.clerk", "flein.council"):
        assert_problem(client.get(f"{base}/{eid}", headers=as_user(user)), 404)
    assert client.get(f"{base}/{eid}", headers=as_user(None)).status_code == 401
    assert_problem(client.get(f"{base}/999999", headers=secretary), 404)
