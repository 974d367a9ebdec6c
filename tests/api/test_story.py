"""The seed's story (Vorlage 8/2024 of Ilsfeld) over HTTP, each step by its own user."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from tests.api.conftest import FixedClock
from tests.conftest import SEED, World, berlin
from workflow.services.importer import import_vorlage


def _import_seed(world: World) -> int:
    def run(session: Session) -> int:
        result = import_vorlage(
            session=session,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2024, 4, 7), 8),
            text=SEED.read_text(encoding="utf-8"),
            municipality_name="Ilsfeld",
        )
        return int(result.proposal.id or 0)

    return int(world.run(run))


def test_seed_story_over_http(world: World, client: Any, as_user: Any, clock: FixedClock) -> None:
    pid = _import_seed(world)
    council = world.body_id("Gemeinderat")
    url = f"/api/v1/proposals/{pid}"

    def fire(user: str, trigger: str, *, when: Any, **body: Any) -> dict[str, Any]:
        clock.now = when
        etag = client.get(url, headers=as_user(user)).headers["ETag"]
        response = client.post(
            f"{url}/transitions",
            json={"trigger": trigger, **body},
            headers=as_user(user, **{"If-Match": etag}),
        )
        assert response.status_code == 200, response.json()
        return dict(response.json())

    # Before the release the proposal is internal: the public does not see it.
    assert client.get(url).status_code == 404
    draft = client.get(url, headers=as_user("ilsfeld.clerk")).json()
    assert draft["label"] == "8/2024"
    assert draft["state_label"] == "Entwurf"

    clock.now = berlin(date(2024, 4, 8), 8, 30)
    created = client.post(
        "/api/v1/meetings",
        json={"body_id": council, "meeting_date": "2024-04-23", "start_time": "19:00"},
        headers=as_user("ilsfeld.secretary"),
    )
    assert created.status_code == 201, created.json()
    mid = created.json()["id"]
    assert created.headers["Location"] == f"/api/v1/meetings/{mid}"

    submitted = fire(
        "ilsfeld.clerk",
        "submit",
        when=berlin(date(2024, 4, 8), 10),
        data={"cosigners": ["ilsfeld.head", "ilsfeld.finance"]},
    )
    assert submitted["state"] == "cosigning"
    # 14 days, and 10 days before the Gemeinderat's meeting planned for 23.04.2024
    assert [(d["rule"], d["due_date"]) for d in submitted["deadlines"]] == [
        ("cosigning_reply", "2024-04-22"),
        ("cosigning_before_meeting", "2024-04-12"),
    ]
    fire("ilsfeld.head", "cosign", when=berlin(date(2024, 4, 8), 14))
    cosigned = fire(
        "ilsfeld.finance",
        "cosign",
        when=berlin(date(2024, 4, 9), 9),
        comment="Keine Haushaltsmittel betroffen.",
    )
    assert cosigned["state"] == "awaiting_release"  # the automatic step followed
    assert cosigned["followed_by"][0]["trigger"] == "complete_cosigning"
    released = fire("ilsfeld.mayor", "release", when=berlin(date(2024, 4, 10), 8))
    assert released["state_label"] == "Beratungsreif – zur Terminierung"
    # Not public at the release: only once sent to the members (§ 41b Abs. 2 GemO).
    assert client.get(url).status_code == 404

    clock.now = berlin(date(2024, 4, 10), 11)
    meeting_etag = client.get(
        f"/api/v1/meetings/{mid}", headers=as_user("ilsfeld.secretary")
    ).headers["ETag"]
    item = client.post(
        f"/api/v1/meetings/{mid}/agenda-items",
        json={"proposal_id": pid},
        headers=as_user("ilsfeld.secretary", **{"If-Match": meeting_etag}),
    )
    assert item.status_code == 201, item.json()
    assert item.json()["position"] == 1
    assert client.get(url, headers=as_user("ilsfeld.clerk")).json()["state"] == "scheduled"

    def meeting_fire(user: str, trigger: str, *, when: Any) -> dict[str, Any]:
        clock.now = when
        version = client.get(f"/api/v1/meetings/{mid}", headers=as_user(user)).json()["version"]
        response = client.post(
            f"/api/v1/meetings/{mid}/transitions",
            json={"trigger": trigger, "expected_version": version},
            headers=as_user(user),
        )
        assert response.status_code == 200, response.json()
        return dict(response.json())

    assert client.get(f"/api/v1/meetings/{mid}").status_code == 404  # not yet announced
    meeting_fire("ilsfeld.secretary", "set_agenda", when=berlin(date(2024, 4, 12), 9))
    invited = meeting_fire("ilsfeld.mayor", "invite", when=berlin(date(2024, 4, 15), 9))
    assert invited["state"] == "invited"
    assert client.get(url).status_code == 200  # published with the invitation
    public_meeting = client.get(f"/api/v1/meetings/{mid}").json()
    assert [i["proposal_id"] for i in public_meeting["agenda"]] == [pid]

    clock.now = berlin(date(2024, 4, 23), 19)
    members = client.get(
        f"/api/v1/bodies/{council}/memberships", headers=as_user("ilsfeld.secretary")
    ).json()["data"]
    voting = sorted(m["person_id"] for m in members if m["voting"])
    present = voting[:-2]  # two councillors excused
    version = client.get(f"/api/v1/meetings/{mid}", headers=as_user("ilsfeld.secretary")).json()[
        "version"
    ]
    attendance = client.put(
        f"/api/v1/meetings/{mid}/attendance",
        json={"expected_version": version, "present": present},
        headers=as_user("ilsfeld.secretary"),
    )
    assert attendance.status_code == 200, attendance.json()
    meeting_fire("ilsfeld.mayor", "open_session", when=berlin(date(2024, 4, 23), 19))

    clock.now = berlin(date(2024, 4, 23), 19, 40)
    item_id = item.json()["id"]
    choices = [{"person_id": p, "choice": "yes"} for p in present]
    choices[-1]["choice"] = "abstain"
    votes = client.put(
        f"/api/v1/meetings/{mid}/agenda-items/{item_id}/votes",
        json={"expected_version": attendance.json()["meeting_version"] + 1, "votes": choices},
        headers=as_user("ilsfeld.secretary"),
    )
    assert votes.status_code == 200, votes.json()
    assert (votes.json()["yes"], votes.json()["no"], votes.json()["abstain"]) == (
        len(present) - 1,
        0,
        1,
    )
    adopted = fire("ilsfeld.secretary", "adopt", when=berlin(date(2024, 4, 23), 19, 40))
    assert adopted["state"] == "decided"
    assert {d["rule"] for d in adopted["deadlines"] if d["change"] == "opened"} == {
        "objection_window",
        "publication",
    }
    meeting_fire("ilsfeld.mayor", "close_session", when=berlin(date(2024, 4, 23), 21))
    published = fire("ilsfeld.secretary", "publish", when=berlin(date(2024, 4, 24), 10))
    assert published["state"] == "decided"

    history = client.get(f"{url}/history", headers=as_user("ilsfeld.clerk")).json()
    triggers = [e["trigger"] for e in history]
    assert triggers == [
        "create",
        "submit",
        "cosign",
        "cosign",
        "complete_cosigning",
        "release",
        "schedule",
        "adopt",
        "publish",
    ]
    assert [e["seq"] for e in history] == list(range(1, len(history) + 1))
    assert history[3]["comment"] == "Keine Haushaltsmittel betroffen."
    # a councillor reads it from the release on (the administration's drafting is internal)
    council = client.get(f"{url}/history", headers=as_user("ilsfeld.council")).json()
    assert [e["trigger"] for e in council] == triggers[triggers.index("release") :]

    metrics = client.get("/metrics").text
    assert 'ratsflow_transitions_total{kind="proposal",trigger="adopt"} 1' in metrics
    assert 'ratsflow_deadlines{status="open"}' in metrics
