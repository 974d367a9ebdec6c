"""Every history and list route, as every demo role: nothing of an item the caller cannot open.

Non-public items (§ 35 Abs. 1 GemO) are known to the administration and the members of the
bodies that deliberate them; a councillor reads a Vorlage once it was sent to their body.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.helpers import SECRET_TITLE, USERS, scene, secret_proposal
from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_meeting, new_proposal
from workflow.services.agenda import add_item

REMOVAL_REASON = "Kaufpreis noch nicht verhandelt"


def _committee_meeting_with_secret_items(world: World, client: Any, as_user: Any) -> int:
    """An invited Verwaltungsausschuss meeting (ilsfeld.council does not sit there) whose
    non-public items were added, reordered and one removed with an internal comment."""
    secret = secret_proposal(world, "Verwaltungsausschuss")
    mid = new_meeting(world, body="Verwaltungsausschuss", day=date(2024, 4, 24))
    world.run(
        lambda s: add_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 12),
            meeting_id=mid,
            expected_version=1,
            proposal_id=secret,
        )
    )
    secretary = as_user("ilsfeld.secretary")
    url = f"/api/v1/meetings/{mid}"

    def version() -> int:
        return int(client.get(url, headers=secretary).json()["version"])

    for title, public in (("Bekanntgaben", True), ("Personalangelegenheit", False)):
        body: dict[str, Any] = {"title": title, "public": public, "expected_version": version()}
        if not public:
            body["non_public_reason"] = "Personalangelegenheit (§ 35 Abs. 1 GemO)"
        assert client.post(f"{url}/agenda-items", json=body, headers=secretary).status_code == 201
    items = client.get(url, headers=secretary).json()["agenda"]
    order = {"item_ids": [i["id"] for i in reversed(items)], "expected_version": version()}
    assert client.put(f"{url}/agenda-order", json=order, headers=secretary).status_code == 200
    personnel = next(i["id"] for i in items if i["title"] == "Personalangelegenheit")
    removed = client.delete(
        f"{url}/agenda-items/{personnel}",
        params={"expected_version": version(), "comment": REMOVAL_REASON},
        headers=secretary,
    )
    assert removed.status_code == 200, removed.text
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    return mid


def _all_ids(client: Any, as_user: Any, path: str, user: str) -> list[int]:
    data = client.get(path, params={"limit": 200}, headers=as_user(user)).json()["data"]
    return [int(row["id"]) for row in data]


def _check_events(
    user: str | None, events: list[dict[str, Any]], items: set[int], proposals: set[int]
) -> None:
    for event in events:
        data = event["data"] or {}
        item = data.get("agenda_item_id")
        assert item is None or item in items, (user, event)
        proposal = data.get("proposal_id")
        assert proposal is None or proposal in proposals, (user, event)
        assert set(data.get("order") or []) <= items, (user, event)


def test_every_history_and_list_shows_only_what_the_caller_may_open(
    world: World, client: Any, as_user: Any
) -> None:
    ids = scene(world)
    other = _committee_meeting_with_secret_items(world, client, as_user)
    everything = {
        "proposals": _all_ids(client, as_user, "/api/v1/proposals", "ilsfeld.secretary"),
        "meetings": _all_ids(client, as_user, "/api/v1/meetings", "ilsfeld.secretary"),
        "decision-requests": _all_ids(
            client, as_user, "/api/v1/decision-requests", "lra.coordinator"
        ),
    }
    assert ids.secret in everything["proposals"]
    assert other in everything["meetings"]
    for user in USERS:
        headers = as_user(user)

        def opens(path: str, headers: dict[str, str] = headers) -> bool:
            return bool(client.get(path, headers=headers).status_code == 200)

        proposals = {p for p in everything["proposals"] if opens(f"/api/v1/proposals/{p}")}
        items: set[int] = set()
        for mid in everything["meetings"]:
            meeting = client.get(f"/api/v1/meetings/{mid}", headers=headers)
            if meeting.status_code == 200:
                items |= {i["id"] for i in meeting.json()["agenda"]}
        for kind, all_ids in everything.items():
            listed = client.get(f"/api/v1/{kind}", params={"limit": 200}, headers=headers)
            if user is None and kind == "decision-requests":
                assert listed.status_code == 401
                continue
            visible = {int(row["id"]) for row in listed.json()["data"]}
            for instance in all_ids:
                history = client.get(f"/api/v1/{kind}/{instance}/history", headers=headers)
                if user is None:
                    assert history.status_code == 401
                    continue
                readable = opens(f"/api/v1/{kind}/{instance}")
                assert (instance in visible) == readable, (user, kind, instance)
                if history.status_code == 404:
                    continue
                assert readable, (user, kind, instance)
                assert history.status_code == 200, (user, kind, instance, history.text)
                _check_events(user, history.json(), items, proposals)
        if user is None:
            continue
        deadlines = client.get("/api/v1/deadlines", params={"limit": 200}, headers=headers)
        for deadline in deadlines.json()["data"]:
            if deadline["instance_type"] == "proposal":
                assert deadline["instance_id"] in proposals, (user, deadline)
            if deadline["instance_type"] == "meeting":
                assert opens(f"/api/v1/meetings/{deadline['instance_id']}"), (user, deadline)
        _check_directory_lists(client, headers, user, proposals, opens)
        for request in everything["decision-requests"]:
            responses = client.get(
                f"/api/v1/decision-requests/{request}/responses", headers=headers
            )
            if responses.status_code != 200:
                continue
            for response in responses.json()["data"]:
                history = client.get(
                    f"/api/v1/decision-responses/{response['id']}/history", headers=headers
                )
                assert history.status_code == 200, (user, response)
                assert opens(f"/api/v1/decision-responses/{response['id']}")


def _check_directory_lists(
    client: Any, headers: dict[str, str], user: str, proposals: set[int], opens: Any
) -> None:
    """Notifications, users, bodies, memberships and the outbox: the caller's own
    municipality only, and no notification about an item the caller cannot open."""
    own = client.get("/api/v1/auth/me", headers=headers).json()["municipality_id"]
    notes = client.get("/api/v1/notifications", params={"limit": 200}, headers=headers).json()
    for note in notes["data"]:
        if note["instance_type"] == "proposal":
            assert note["instance_id"] in proposals, (user, note)
        if note["instance_type"] == "meeting":
            assert opens(f"/api/v1/meetings/{note['instance_id']}"), (user, note)
    bodies = client.get("/api/v1/bodies", headers=headers)
    for body in bodies.json()["data"] if bodies.status_code == 200 else []:
        assert body["municipality_id"] == own, (user, body)
    for body_id in range(1, 12):  # every body of the demo's municipalities
        members = client.get(f"/api/v1/bodies/{body_id}/memberships", headers=headers)
        if members.status_code == 200:
            assert body_id in {b["id"] for b in bodies.json()["data"]}, (user, body_id)
    users = client.get("/api/v1/users", params={"limit": 200}, headers=headers)
    if users.status_code != 200:
        assert client.get("/api/v1/outbox", headers=headers).status_code in (403, 404)
        return
    assert {u["municipality_id"] for u in users.json()["data"]} == {own}, user
    known = {u["id"] for u in users.json()["data"]}
    outbox = client.get("/api/v1/outbox", params={"limit": 200}, headers=headers)
    if outbox.status_code == 200:
        for message in outbox.json()["data"]:
            assert message["user_id"] is None or message["user_id"] in known, (user, message)


def test_the_district_reads_no_municipal_history(world: World, client: Any, as_user: Any) -> None:
    """The Landratsamt sees the public meeting, not the municipality's internal record."""
    ids = scene(world)
    coordinator = as_user("lra.coordinator")
    assert client.get(f"/api/v1/meetings/{ids.meeting}", headers=coordinator).status_code == 200
    history = client.get(f"/api/v1/meetings/{ids.meeting}/history", headers=coordinator)
    assert history.status_code == 404
    assert SECRET_TITLE not in history.text


def test_councillor_of_another_body_sees_only_public_item_events(
    world: World, client: Any, as_user: Any
) -> None:
    mid = _committee_meeting_with_secret_items(world, client, as_user)
    staff = client.get(f"/api/v1/meetings/{mid}/history", headers=as_user("ilsfeld.secretary"))
    council = client.get(f"/api/v1/meetings/{mid}/history", headers=as_user("ilsfeld.council"))
    staff_triggers = [e["trigger"] for e in staff.json()]
    council_triggers = [e["trigger"] for e in council.json()]
    assert staff_triggers.count("add_agenda_item") == 3
    assert council_triggers.count("add_agenda_item") == 1  # only "Bekanntgaben"
    assert "remove_agenda_item" in staff_triggers
    assert "remove_agenda_item" not in council_triggers
    (order,) = [e for e in council.json() if e["trigger"] == "reorder_agenda"]
    (full,) = [e for e in staff.json() if e["trigger"] == "reorder_agenda"]
    assert len(order["data"]["order"]) == 1 < len(full["data"]["order"])
    assert REMOVAL_REASON in staff.text
    assert REMOVAL_REASON not in council.text


def test_councillors_see_a_vorlage_once_sent_to_their_body(
    world: World, client: Any, as_user: Any
) -> None:
    """A public draft of the administration is not yet the council's (§ 34 Abs. 1 GemO: the
    documents go out with the invitation)."""
    council = as_user("ilsfeld.council")
    draft = new_proposal(world)
    assert client.get(f"/api/v1/proposals/{draft}", headers=council).status_code == 404
    assert client.get(f"/api/v1/proposals/{draft}/history", headers=council).status_code == 404
    listed = client.get("/api/v1/proposals", headers=council).json()["data"]
    assert draft not in {p["id"] for p in listed}
    deadlines = client.get("/api/v1/deadlines", headers=council).json()["data"]
    assert draft not in {d["instance_id"] for d in deadlines if d["instance_type"] == "proposal"}
    released = secret_proposal(world, "Technischer Ausschuss")  # ilsfeld.council sits there
    assert client.get(f"/api/v1/proposals/{released}", headers=council).status_code == 200
