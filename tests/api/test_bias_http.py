"""Doubtful bias and the unlawful-resolution flag (§ 18 Abs. 4, 6 GemO) over HTTP."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import FixedClock
from tests.api.test_http import assert_problem
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, in_session, item_of, vote
from tests.integration.test_meetings import planned


def test_doubtful_bias_is_decided_by_the_body_before_the_vote(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    concerned = present[3]
    clock.now = berlin(MEETING_DAY, 19, 30)
    url = f"/api/v1/meetings/{mid}"
    secretary = as_user("ilsfeld.secretary")

    def version() -> int:
        return int(client.get(url, headers=secretary).json()["version"])

    declared = client.post(
        f"{url}/agenda-items/{item}/bias-declarations",
        json={
            "expected_version": version(),
            "person_id": concerned,
            "reason": "Bruder ist Gesellschafter des Bieters",
            "doubtful": True,
        },
        headers=secretary,
    )
    assert declared.status_code == 201, declared.json()
    body = declared.json()
    assert (body["doubtful"], body["decided_biased"], body["after_vote"]) == (True, None, False)
    declaration = body["id"]

    refused = client.put(
        f"{url}/agenda-items/{item}/votes",
        json={"expected_version": version(), "votes": [{"person_id": present[0], "choice": "yes"}]},
        headers=secretary,
    )
    assert_problem(refused, 409)

    decision_url = f"{url}/agenda-items/{item}/bias-declarations/{declaration}/decision"
    with_concerned = client.post(
        decision_url,
        json={
            "expected_version": version(),
            "votes": [{"person_id": concerned, "choice": "no"}],
        },
        headers=secretary,
    )
    assert assert_problem(with_concerned, 422)["errors"][0]["field"] == f"votes.{concerned}"
    both = client.post(
        decision_url,
        json={"expected_version": version(), "votes": [], "tally": {"yes": 1, "no": 0}},
        headers=secretary,
    )
    assert_problem(both, 422)
    stale = client.post(
        decision_url,
        json={"expected_version": version() - 1, "tally": {"yes": 2, "no": 9}},
        headers=secretary,
    )
    assert stale.status_code == 409
    councillor = client.post(
        decision_url,
        json={"expected_version": version(), "tally": {"yes": 2, "no": 9}},
        headers=as_user("ilsfeld.council"),
    )
    assert councillor.status_code == 403

    decided = client.post(
        decision_url,
        json={"expected_version": version(), "tally": {"yes": 2, "no": 9, "abstain": 1}},
        headers=secretary,
    )
    assert decided.status_code == 200, decided.json()
    got = decided.json()
    assert (got["decided_biased"], got["decision_yes"], got["decision_no"]) == (False, 2, 9)
    assert got["meeting_version"] == version()

    votes = client.put(
        f"{url}/agenda-items/{item}/votes",
        json={
            "expected_version": version(),
            "votes": [{"person_id": p, "choice": "yes"} for p in present],
        },
        headers=secretary,
    )
    assert votes.status_code == 200, votes.json()
    assert votes.json()["yes"] == len(present)


def test_late_disclosure_flags_the_resolution_unlawful(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    clock.now = berlin(MEETING_DAY, 21)
    url = f"/api/v1/meetings/{mid}"
    secretary = as_user("ilsfeld.secretary")
    version = int(client.get(url, headers=secretary).json()["version"])
    declared = client.post(
        f"{url}/agenda-items/{item}/bias-declarations",
        json={"expected_version": version, "person_id": present[5], "reason": "Eigentümer"},
        headers=secretary,
    )
    assert declared.status_code == 201, declared.json()
    assert declared.json()["after_vote"] is True

    read = client.get(f"/api/v1/proposals/{pid}/resolutions", headers=secretary)
    assert read.status_code == 200, read.json()
    (resolution,) = read.json()["data"]
    assert resolution["unlawful"] is True
    assert "§ 18 Abs. 6" in resolution["unlawful_reason"]
    assert resolution["cure_date"] == "2025-04-23"
    # the minutes say what happened: the member took part, the bias was found afterwards
    from tests.documents import text_of

    minutes = client.get(f"{url}/documents/niederschrift.html", headers=secretary)
    text = text_of(minutes.content, "html")
    assert "hat mitgewirkt, obwohl befangen (nachträglich festgestellt" in text
    assert "Beratung und Beschlussfassung nicht mitgewirkt" not in text
    assert client.get(f"/api/v1/proposals/{pid}/resolutions").status_code == 401
    other_town = client.get(f"/api/v1/proposals/{pid}/resolutions", headers=as_user("flein.clerk"))
    assert other_town.status_code == 404
