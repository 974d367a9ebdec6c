"""Who may call what: the role × endpoint matrix, and tenant isolation on every route."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import SECRET_TITLE, USERS, scene, secret_proposal
from tests.conftest import World, berlin
from tests.integration.flow import DAY, invited, new_meeting, new_proposal, released, scheduled


def _version(client: Any, as_user: Any, path: str) -> int:
    return int(client.get(path, headers=as_user("ilsfeld.secretary")).json()["version"])


def test_create_proposal_by_role(world: World, client: Any, as_user: Any) -> None:
    expected = {
        "ilsfeld.clerk": 201,
        "ilsfeld.head": 201,
        "ilsfeld.mayor": 201,
        "ilsfeld.secretary": 403,
        "ilsfeld.council": 403,
        "admin": 403,
        "lra.coordinator": 403,
        "flein.clerk": 404,  # a clerk, but not of Ilsfeld: the municipality is "not found"
        "flein.council": 403,
        None: 401,
    }
    body = {
        "title": "Sanierung Kindergarten",
        "resolution_text": "Der Gemeinderat stimmt zu.",
        "proposal_date": "2024-04-08",
        "municipality_id": world.data.ilsfeld.municipality.id,
        "steps": [{"body_id": world.body_id("Gemeinderat"), "decides": True}],
    }
    got = {
        u: client.post("/api/v1/proposals", json=body, headers=as_user(u)).status_code
        for u in USERS
    }
    assert got == expected


def test_edit_and_submit_draft_by_role(world: World, client: Any, as_user: Any) -> None:
    allowed = {"ilsfeld.clerk", "ilsfeld.head", "ilsfeld.mayor"}
    for user in USERS:
        pid = new_proposal(world)
        path = f"/api/v1/proposals/{pid}"
        read = client.get(path, headers=as_user("ilsfeld.clerk")).json()["version"]
        patch = client.patch(
            path, json={"title": "Neuer Titel", "expected_version": read}, headers=as_user(user)
        )
        version = read + 1 if patch.status_code == 200 else read
        submit = client.post(
            f"{path}/transitions",
            json={"trigger": "submit", "expected_version": version},
            headers=as_user(user),
        )
        if user is None:
            assert (patch.status_code, submit.status_code) == (401, 401)
        elif user.startswith("flein."):
            assert (patch.status_code, submit.status_code) == (404, 404), user
        elif user in allowed:
            assert (patch.status_code, submit.status_code) == (200, 200), user
        else:
            assert (patch.status_code, submit.status_code) == (403, 403), user
            assert submit.json()["allowed_roles"] == ["clerk", "cosigner", "mayor"]


def test_reads_by_role(world: World, client: Any, as_user: Any) -> None:
    pid = new_proposal(world)
    for user in USERS:
        got = [
            client.get(f"/api/v1/proposals/{pid}{suffix}", headers=as_user(user)).status_code
            for suffix in ("", "/actions", "/history")
        ]
        if user is None:
            assert got == [404, 401, 401]  # an unreleased draft is not public
        elif user == "ilsfeld.council":
            assert got == [404, 404, 404]  # not yet sent to the council's bodies
        elif user == "admin":
            assert got == [404, 404, 404]  # the system administration reads as the public
        elif user.startswith("ilsfeld."):
            assert got == [200, 200, 200], user
        else:
            assert got == [404, 404, 404], user


def test_meeting_writes_by_role(world: World, client: Any, as_user: Any) -> None:
    allowed = {"ilsfeld.secretary", "ilsfeld.mayor"}
    body_id = world.body_id("Gemeinderat")
    for user in USERS:
        created = client.post(
            "/api/v1/meetings",
            json={"body_id": body_id, "meeting_date": "2024-05-07"},
            headers=as_user(user),
        )
        mid = new_meeting(world)
        item = client.post(
            f"/api/v1/meetings/{mid}/agenda-items",
            json={"title": "Bekanntgaben", "expected_version": 1},
            headers=as_user(user),
        )
        got = (created.status_code, item.status_code)
        if user is None:
            assert got == (401, 401)
        elif user in allowed:
            assert got == (201, 201), user
        elif user.startswith("flein."):
            assert got == (403, 404), user  # role refused before the body is even looked at
        else:
            assert got == (403, 403), user


def test_administration_by_role(client: Any, as_user: Any) -> None:
    for n, user in enumerate(USERS):
        users = client.get("/api/v1/users", headers=as_user(user)).status_code
        body = client.post(
            "/api/v1/bodies", json={"name": f"Ausschuss {n}", "kind": "advisory_committee"},
            headers=as_user(user),
        ).status_code  # fmt: skip
        expected = (401, 401) if user is None else (200, 201) if user == "admin" else (403, 403)
        assert (users, body) == expected, user


def test_council_member_sees_non_public_items_of_own_bodies_only(
    world: World, client: Any, as_user: Any
) -> None:
    own = secret_proposal(world, "Technischer Ausschuss")  # ilsfeld.council sits there
    other = secret_proposal(world, "Verwaltungsausschuss")  # ... but not here
    council = as_user("ilsfeld.council")
    assert client.get(f"/api/v1/proposals/{own}", headers=council).status_code == 200
    assert client.get(f"/api/v1/proposals/{other}", headers=council).status_code == 404
    listed = client.get("/api/v1/proposals", headers=council).json()["data"]
    assert {p["id"] for p in listed} == {own}
    staff = client.get("/api/v1/proposals", headers=as_user("ilsfeld.secretary")).json()
    assert {p["id"] for p in staff["data"]} == {own, other}


def test_coordinator_sees_only_what_is_before_the_supervision(
    world: World, client: Any, as_user: Any
) -> None:
    pid = secret_proposal(world)
    coordinator = as_user("lra.coordinator")
    assert client.get(f"/api/v1/proposals/{pid}", headers=coordinator).status_code == 404

    def to_supervision(session: Any) -> None:
        from workflow.models import Proposal

        proposal = session.get(Proposal, pid)
        proposal.state = "supervision"
        session.add(proposal)

    world.run(to_supervision)
    assert client.get(f"/api/v1/proposals/{pid}", headers=coordinator).status_code == 200
    actions = client.get(f"/api/v1/proposals/{pid}/actions", headers=coordinator).json()
    # supervision_annuls only needs a reason: the form asks for it.
    assert {a["trigger"] for a in actions["allowed"]} == {
        "supervision_confirms",
        "supervision_annuls",
    }


OUTSIDERS = ("flein.clerk", "flein.council", "lra.coordinator", None)


def _routes(ids: Any, meeting_version: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    p, m, i = ids.secret, ids.meeting, ids.secret_item
    v = {"expected_version": 1}
    mv = {"expected_version": meeting_version}
    return [
        ("GET", f"/api/v1/proposals/{p}", None),
        ("PATCH", f"/api/v1/proposals/{p}", {"title": "x", **v}),
        ("GET", f"/api/v1/proposals/{p}/actions", None),
        ("POST", f"/api/v1/proposals/{p}/transitions", {"trigger": "withdraw", **v}),
        ("GET", f"/api/v1/proposals/{p}/history", None),
        ("GET", f"/api/v1/proposals/{p}/consultation-plan", None),
        ("PUT", f"/api/v1/proposals/{p}/consultation-plan", {"steps": [], **v}),
        ("GET", f"/api/v1/proposals/{p}/execution-tasks", None),
        ("POST", f"/api/v1/proposals/{p}/execution-tasks", {"title": "x"}),
        ("GET", f"/api/v1/meetings/{ids.planned}", None),
        ("GET", f"/api/v1/meetings/{ids.planned}/actions", None),
        ("GET", f"/api/v1/meetings/{ids.planned}/history", None),
        ("POST", f"/api/v1/meetings/{m}/transitions", {"trigger": "cancel", **mv}),
        ("POST", f"/api/v1/meetings/{m}/agenda-items", {"title": "x", **mv}),
        ("PUT", f"/api/v1/meetings/{m}/agenda-order", {"item_ids": [i], **mv}),
        (
            "DELETE",
            f"/api/v1/meetings/{m}/agenda-items/{i}?expected_version={meeting_version}",
            None,
        ),
        ("POST", f"/api/v1/meetings/{m}/agenda-items/{i}/outcome", {"outcome": "noted", **mv}),
        ("PUT", f"/api/v1/meetings/{m}/attendance", {"present": [], **mv}),
        (
            "POST",
            f"/api/v1/meetings/{m}/agenda-items/{i}/bias-declarations",
            {"person_id": 1, "reason": "x", **mv},
        ),
        (
            "POST",
            f"/api/v1/meetings/{m}/agenda-items/{i}/bias-declarations/1/decision",
            {"tally": {"yes": 1, "no": 0}, **mv},
        ),
        ("GET", f"/api/v1/proposals/{p}/resolutions", None),
        ("PUT", f"/api/v1/meetings/{m}/agenda-items/{i}/votes", {"votes": [], **mv}),
        (
            "POST",
            f"/api/v1/meetings/{m}/minutes-signatures",
            {"person_id": 1, "capacity": "chair", **mv},
        ),
    ]


@pytest.mark.parametrize("user", OUTSIDERS)
def test_outsiders_never_reach_non_public_data(
    world: World, client: Any, as_user: Any, user: str | None
) -> None:
    """Other municipality, the Landratsamt and the public: 404 (or 401), never the data."""
    ids = scene(world)
    version = _version(client, as_user, f"/api/v1/meetings/{ids.meeting}")
    for method, path, body in _routes(ids, version):
        response = client.request(method, path, json=body, headers=as_user(user))
        assert SECRET_TITLE not in response.text, (method, path)
        if (
            user is None
            and not path.startswith(f"/api/v1/proposals/{ids.secret}")
            and method == "GET"
        ):
            assert response.status_code in (401, 404), (method, path, response.status_code)
        elif user is None:
            assert response.status_code in (401, 404), (method, path, response.status_code)
        elif user == "lra.coordinator" and "/meetings/" in path and method != "GET":
            # the district reaches its municipalities' meetings only to be refused by role
            assert response.status_code == 403, (method, path, response.status_code)
        else:
            assert response.status_code == 404, (user, method, path, response.status_code)
    # The invited meeting itself is public; its non-public TOP is not.
    public = client.get(f"/api/v1/meetings/{ids.meeting}", headers=as_user(user))
    assert public.status_code == 200
    assert public.json()["agenda"] == []
    listed = client.get("/api/v1/proposals", headers=as_user(user)).json()
    assert ids.secret not in {p["id"] for p in listed["data"]}
    assert ids.draft not in {p["id"] for p in listed["data"]}
    meetings = client.get("/api/v1/meetings", headers=as_user(user)).json()
    assert {m["id"] for m in meetings["data"]} == {ids.meeting}
    filtered = client.get(
        "/api/v1/proposals", params={"meeting_id": ids.meeting}, headers=as_user(user)
    ).json()
    assert filtered["count"] == 0


def test_insiders_see_the_secret_item(world: World, client: Any, as_user: Any) -> None:
    ids = scene(world)
    for user in ("ilsfeld.secretary", "ilsfeld.council"):
        agenda = client.get(f"/api/v1/meetings/{ids.meeting}", headers=as_user(user)).json()
        assert [i["title"].startswith("Geheim") for i in agenda["agenda"]] == [True], user


def test_the_system_administration_reads_the_council_s_matters_as_the_public(
    world: World, client: Any, as_user: Any
) -> None:
    """The admin keeps users, bodies and definitions; of Vorlagen and Sitzungen he reads over
    the JSON API what anybody reads: no draft, no non-public Vorlage (§ 35 GemO), neither
    its documents nor a non-public TOP, and none of the administration's deadlines."""
    ids = scene(world)
    public = released(world, title="Radweg Ilsfeld–Auenstein")
    scheduled(world, public, ids.planned)
    invited(world, ids.planned)  # sent to the members: public now (§ 41b Abs. 2 GemO)
    admin, secretary = as_user("admin"), as_user("ilsfeld.secretary")
    for pid in (ids.draft, ids.secret):
        assert client.get(f"/api/v1/proposals/{pid}", headers=admin).status_code == 404
        assert client.get(f"/api/v1/proposals/{pid}", headers=secretary).status_code == 200
    assert client.get(f"/api/v1/proposals/{public}", headers=admin).status_code == 200
    listed = client.get("/api/v1/proposals", params={"limit": 200}, headers=admin).json()
    assert [p["id"] for p in listed["data"]] == [public]
    document = f"/api/v1/proposals/{ids.secret}/documents/vorlage.html"
    assert client.get(document, headers=secretary).status_code == 200
    assert client.get(document, headers=admin).status_code == 404
    agenda = client.get(f"/api/v1/meetings/{ids.meeting}", headers=admin).json()
    assert SECRET_TITLE not in str(agenda)
    assert SECRET_TITLE in str(
        client.get(f"/api/v1/meetings/{ids.meeting}", headers=secretary).json()
    )
    assert client.get("/api/v1/deadlines", headers=admin).json()["count"] == 0
    # nor does his calendar feed carry the non-public TOP, as the Sitzungsdienst's does
    for headers, shown in ((admin, False), (secretary, True)):
        token = client.post("/api/v1/auth/me/calendar-token", headers=headers).json()["token"]
        feed = client.get(f"/calendar/users/{token}.ics").text.replace("\r\n ", "")
        assert ("Grundstücksankauf" in feed) is shown
    assert client.get("/api/v1/deadlines", headers=secretary).json()["count"] > 0


def test_the_landratsamt_reads_a_resolution_submitted_to_it(
    world: World, client: Any, as_user: Any
) -> None:
    """§ 121 Abs. 2 GemO: a non-public resolution submitted to the Rechtsaufsicht is before
    it: the Landratsamt reads it and confirms or objects to it (Abs. 1); not before."""
    from tests.integration.test_review_rules import final_resolution
    from workflow.models import Proposal

    pid = final_resolution(world, requires_submission=True)

    def non_public(session: Any) -> None:
        proposal = session.get(Proposal, pid)
        proposal.public = False
        proposal.non_public_reason = "Grundstücksgeschäft (§ 35 Abs. 1 GemO)"
        session.add(proposal)

    world.run(non_public)
    coordinator = as_user("lra.coordinator")
    assert client.get(f"/api/v1/proposals/{pid}", headers=coordinator).status_code == 404
    listed = client.get("/api/v1/proposals", headers=coordinator).json()
    assert pid not in {p["id"] for p in listed["data"]}
    world.fire("proposal", pid, "submit_to_supervision", "ilsfeld.secretary", berlin(DAY, 14))
    assert client.get(f"/api/v1/proposals/{pid}", headers=coordinator).status_code == 200
    listed = client.get("/api/v1/proposals", headers=coordinator).json()
    assert pid in {p["id"] for p in listed["data"]}
    actions = client.get(f"/api/v1/proposals/{pid}/actions", headers=coordinator).json()
    assert {a["trigger"] for a in actions["allowed"]} == {
        "confirm_by_supervision",
        "object_by_supervision",
    }
