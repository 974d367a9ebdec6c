"""Stellvertretung, municipal settings, objection ground and minutes objections over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from tests.api.conftest import FixedClock
from tests.api.test_http import assert_problem
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World, berlin
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    adopted,
    new_meeting,
)
from workflow.models import Meeting
from workflow.rules.meeting_rules import announcement_latest, invitation_latest


def uid(world: World, username: str) -> int:
    return int(world.data.users[username].id or 0)


def test_absence_and_deputies_route_the_release(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    admin = as_user("admin")
    mayor = uid(world, "ilsfeld.mayor")
    response = client.put(
        f"/api/v1/users/{mayor}/deputies",
        json={"deputy_ids": [uid(world, "ilsfeld.council")]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert [d["username"] for d in response.json()["data"]] == ["ilsfeld.council"]
    response = client.post(
        f"/api/v1/users/{mayor}/absences",
        json={"starts_on": "2024-04-08", "ends_on": "2024-04-19", "note": "Urlaub"},
        headers=as_user("ilsfeld.mayor"),
    )
    assert response.status_code == 201, response.text
    absence_id = response.json()["id"]
    listed = client.get(f"/api/v1/users/{mayor}/absences", headers=admin).json()
    assert listed["count"] == 1

    pid = released_for_mayor(world)
    council = as_user("ilsfeld.council")
    response = client.get(f"/api/v1/proposals/{pid}/actions", headers=council)
    assert response.status_code == 200, response.text
    actions = response.json()
    release = next(a for a in actions["allowed"] if a["trigger"] == "release")
    assert "in Vertretung für" in release["label"]
    response = client.post(
        f"/api/v1/proposals/{pid}/transitions",
        json={"trigger": "release", "expected_version": actions["version"]},
        headers=council,
    )
    assert response.status_code == 200, response.text
    history = client.get(f"/api/v1/proposals/{pid}/history", headers=as_user("ilsfeld.mayor"))
    assert history.status_code == 200, history.text
    release_event = next(e for e in history.json() if e["trigger"] == "release")
    assert release_event["actor"] == "ilsfeld.council"
    assert release_event["data"]["in_vertretung"]["username"] == "ilsfeld.mayor"
    mayor_name = world.data.users["ilsfeld.mayor"].full_name
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}")
    deputy_name = world.data.users["ilsfeld.council"].full_name
    assert f"({deputy_name}, in Vertretung für {mayor_name})" in page.text

    assert client.delete(f"/api/v1/absences/{absence_id}", headers=admin).status_code == 204


def released_for_mayor(world: World) -> int:
    """Co-signed, waiting for the mayor's release."""
    from tests.integration.flow import new_proposal

    pid = new_proposal(world)
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    return pid


def test_bad_input_is_problem_json_in_german(world: World, client: Any, as_user: Any) -> None:
    admin = as_user("admin")
    head = uid(world, "ilsfeld.head")
    body = assert_problem(
        client.post(
            f"/api/v1/users/{head}/absences",
            json={"starts_on": "2024-04-12", "ends_on": "2024-04-08"},
            headers=admin,
        ),
        422,
    )
    assert "Ende der Abwesenheit" in body["detail"]
    assert_problem(
        client.put(f"/api/v1/users/{head}/deputies", json={"deputy_ids": [head]}, headers=admin),
        422,
    )
    assert_problem(
        client.put(
            f"/api/v1/users/{head}/deputies",
            json={"deputy_ids": []},
            headers=as_user("ilsfeld.clerk"),
        ),
        403,
    )
    assert_problem(
        client.post(
            f"/api/v1/users/{head}/absences",
            json={"starts_on": "2024-04-12", "ends_on": "2024-04-08"},
            headers=as_user("ilsfeld.clerk"),
        ),
        403,
    )
    assert_problem(client.get("/api/v1/users/999999/absences", headers=admin), 404)
    assert_problem(
        client.put(f"/api/v1/users/{head}/deputies", json={"deputy_ids": ["x"]}, headers=admin),
        422,
    )
    assert_problem(
        client.patch(
            "/api/v1/municipality/settings", json={"municipal_status": "dorf"}, headers=admin
        ),
        422,
    )


def test_body_deputies_and_membership_dates(world: World, client: Any, as_user: Any) -> None:
    admin = as_user("admin")
    body = world.body_id("Technischer Ausschuss")
    seats = client.get(f"/api/v1/bodies/{body}/memberships", headers=admin).json()["data"]
    member = next(s for s in seats if s["role"] == "member")
    members = {s["person_id"] for s in seats}
    outsider = next(p.id for p in world.data.ilsfeld.councillors if p.id not in members)
    response = client.put(
        f"/api/v1/bodies/{body}/members/{member['person_id']}/deputies",
        json={"deputy_person_ids": [outsider]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    listed = client.get(f"/api/v1/bodies/{body}/deputies", headers=admin).json()
    # the demo's deputy of that member replaced; the other members' kept
    assert [d for d in listed["data"] if d["member_person_id"] == member["person_id"]] == [
        {"member_person_id": member["person_id"], "deputy_person_id": outsider, "rank": 1}
    ]
    assert len(listed["data"]) == len([s for s in seats if s["role"] == "member"])
    response = client.put(
        f"/api/v1/bodies/{body}/memberships/{member['id']}/dates",
        json={"start_date": "2019-07-01", "end_date": "2024-04-15"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["end_date"] == "2024-04-15"
    seats = client.get(f"/api/v1/bodies/{body}/memberships", headers=admin).json()["data"]
    assert next(s for s in seats if s["id"] == member["id"])["end_date"] == "2024-04-15"
    assert_problem(
        client.put(
            f"/api/v1/bodies/{body}/memberships/{member['id']}/dates",
            json={"start_date": "2024-07-01", "end_date": "2024-04-15"},
            headers=admin,
        ),
        422,
    )


def test_municipal_settings_name_the_supervising_authority(
    world: World, client: Any, as_user: Any
) -> None:
    read = client.get("/api/v1/municipality/settings", headers=as_user("ilsfeld.mayor")).json()
    assert read["supervisory_authority_kind"] == "landratsamt"
    assert read["supervisory_authority"].startswith("Landratsamt")
    # a Gemeinde with the title Stadt (§ 5 Abs. 2 GemO) stays under the Landratsamt
    titled = client.patch(
        "/api/v1/municipality/settings",
        json={"municipal_status": "stadt"},
        headers=as_user("admin"),
    )
    assert titled.status_code == 200, titled.text
    assert titled.json()["municipal_status"] == "stadt"
    assert titled.json()["supervisory_authority"] == "Landratsamt Heilbronn"
    response = client.patch(
        "/api/v1/municipality/settings",
        json={
            "municipal_status": "grosse_kreisstadt",
            "supervisory_authority_name": "Regierungspräsidium Stuttgart",
            "pre_deliberation_on_request": True,
            "monthly_session_reminder_day": 20,
        },
        headers=as_user("admin"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["supervisory_authority"] == "Regierungspräsidium Stuttgart"
    assert body["supervisory_authority_kind"] == "regierungspraesidium"
    assert body["pre_deliberation_on_request"] is True
    assert body["monthly_session_reminder_day"] == 20
    assert body["invitation_days"] == 7  # the GemO's period until the Hauptsatzung says more
    longer = client.patch(
        "/api/v1/municipality/settings", json={"invitation_days": 10}, headers=as_user("admin")
    )
    assert longer.json()["invitation_days"] == 10
    meeting = new_meeting(world)  # 23.04.2024: ten days before is Saturday 13.04.2024
    with Session(world.engine) as session:
        found = session.get(Meeting, meeting)
        assert found is not None
        assert invitation_latest(session, found)[0] == date(2024, 4, 12)  # sent by Friday
    short = client.patch(
        "/api/v1/municipality/settings", json={"invitation_days": 6}, headers=as_user("admin")
    )
    assert_problem(short, 422)
    # § 34 Abs. 1 S. 7 GemO: the Bekanntmachungssatzung's lead; 0 takes it away again
    assert body["announcement_days"] == 0
    lead = client.patch(
        "/api/v1/municipality/settings", json={"announcement_days": 5}, headers=as_user("admin")
    )
    assert (lead.json()["announcement_days"], lead.json()["invitation_days"]) == (5, 10)
    with Session(world.engine) as session:
        found = session.get(Meeting, meeting)
        assert found is not None
        announced = announcement_latest(session, found)
        assert announced is not None
        assert announced[0] == date(2024, 4, 18)  # five days before Tuesday, 23.04.2024
    assert_problem(
        client.patch(
            "/api/v1/municipality/settings",
            json={"announcement_days": 31},
            headers=as_user("admin"),
        ),
        422,
    )
    none = client.patch(
        "/api/v1/municipality/settings", json={"announcement_days": 0}, headers=as_user("admin")
    )
    assert none.json()["announcement_days"] == 0
    with Session(world.engine) as session:
        found = session.get(Meeting, meeting)
        assert found is not None
        assert announcement_latest(session, found) is None
    assert_problem(
        client.patch(
            "/api/v1/municipality/settings",
            json={"monthly_session_reminder_day": 1},
            headers=as_user("ilsfeld.mayor"),
        ),
        403,
    )


def test_objection_form_asks_for_the_ground(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, mid, _ = adopted(world)
    clock.now = berlin(date(2024, 4, 24), 9)
    mayor = as_user("ilsfeld.mayor")
    actions = client.get(f"/api/v1/proposals/{pid}/actions", headers=mayor).json()
    objection = next(a for a in actions["allowed"] if a["trigger"] == "object")
    ground = next(f for f in objection["fields"] if f["path"] == "data.ground")
    assert ground["required"] is True
    assert {o["value"] for o in ground["options"]} == {"unlawful", "detrimental"}
    response = client.post(
        f"/api/v1/proposals/{pid}/transitions",
        json={
            "trigger": "object",
            "comment": "rechtswidrig",
            "data": {"ground": "unlawful"},
            "expected_version": actions["version"],
        },
        headers=mayor,
    )
    assert response.status_code == 200, response.text
    resolutions = client.get(f"/api/v1/proposals/{pid}/resolutions", headers=mayor).json()
    assert resolutions["data"][0]["objection_ground"] == "unlawful"

    # Minutes objections: raised against the closed session, decided by the council.
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    councillor = world.data.ilsfeld.councillors[1].id
    secretary = as_user("ilsfeld.secretary")
    response = client.post(
        f"/api/v1/meetings/{mid}/minutes/objections",
        json={"text": "Meine Wortmeldung zu TOP 1 fehlt", "person_id": councillor},
        headers=secretary,
    )
    assert response.status_code == 201, response.text
    objection_id = response.json()["id"]
    assert_problem(
        client.post(
            f"/api/v1/meetings/{mid}/minutes/objections", json={"text": ""}, headers=secretary
        ),
        422,
    )
    committee = new_meeting(world, "Technischer Ausschuss", date(2024, 5, 6))
    body = assert_problem(
        client.post(
            f"/api/v1/minutes-objections/{objection_id}/decision",
            json={"upheld": True, "decided_in_meeting_id": committee},
            headers=secretary,
        ),
        422,
    )
    assert "Gemeinderat" in body["detail"]
    next_council = new_meeting(world, "Gemeinderat", date(2024, 5, 7))
    # The council's next session must have taken place (or run) to decide.
    assert_problem(
        client.post(
            f"/api/v1/minutes-objections/{objection_id}/decision",
            json={"upheld": True, "decided_in_meeting_id": next_council},
            headers=secretary,
        ),
        422,
    )
    response = client.post(
        f"/api/v1/minutes-objections/{objection_id}/decision",
        json={"upheld": False, "decided_in_meeting_id": mid, "note": "abgelehnt"},
        headers=secretary,
    )
    assert response.status_code == 200, response.text
    assert response.json()["upheld"] is False
    listed = client.get(f"/api/v1/meetings/{mid}/minutes/objections", headers=secretary).json()
    assert listed["count"] == 1
    assert listed["data"][0]["decided_by"] == "ilsfeld.secretary"
    assert_problem(
        client.post(
            f"/api/v1/minutes-objections/{objection_id}/decision",
            json={"upheld": True, "decided_in_meeting_id": mid},
            headers=secretary,
        ),
        409,
    )


def test_only_who_may_act_for_the_role_becomes_a_deputy(
    world: World, client: Any, as_user: Any
) -> None:
    """§ 48 GemO: the admin cannot make himself the mayor's Stellvertreter; the 422 names
    him and why. Allowed combinations are kept in their order."""
    admin = as_user("admin")
    mayor, council = uid(world, "ilsfeld.mayor"), uid(world, "ilsfeld.council")
    body = assert_problem(
        client.put(
            f"/api/v1/users/{mayor}/deputies",
            json={"deputy_ids": [council, uid(world, "admin")]},
            headers=admin,
        ),
        422,
    )
    assert "Ada Admin (Administration) kann" in body["detail"]
    assert "§ 48 GemO" in body["detail"]
    listed = client.get(f"/api/v1/users/{mayor}/deputies", headers=admin).json()
    assert listed["data"] == []  # nothing of the refused list was stored
    for holder, deputies in [
        ("ilsfeld.mayor", ["ilsfeld.council"]),
        ("ilsfeld.clerk", ["ilsfeld.head", "ilsfeld.finance"]),
        ("ilsfeld.secretary", ["ilsfeld.clerk"]),
    ]:
        saved = client.put(
            f"/api/v1/users/{uid(world, holder)}/deputies",
            json={"deputy_ids": [uid(world, d) for d in deputies]},
            headers=admin,
        )
        assert saved.status_code == 200, saved.text
        assert [d["username"] for d in saved.json()["data"]] == deputies
    body = assert_problem(
        client.put(
            f"/api/v1/users/{council}/deputies",
            json={"deputy_ids": [uid(world, "ilsfeld.clerk")]},
            headers=admin,
        ),
        422,
    )
    assert "keine Stellvertretung" in body["detail"]
