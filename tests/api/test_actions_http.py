"""``GET …/actions`` says what each action needs, what is not possible here (once), who still
has to co-sign, and which steps outside the transitions are open; ``?state=`` filters check
the state."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import FixedClock
from tests.api.test_http import assert_problem
from tests.conftest import World, berlin
from tests.integration.flow import (
    MEETING_DAY,
    in_session,
    new_meeting,
    new_proposal,
    released,
    scheduled,
)


def _actions(client: Any, headers: dict[str, str], path: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/{path}/actions", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _fields(action: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    return [(f["path"], f["type"], f["label"], f["required"]) for f in action["fields"]]


def test_draft_lists_fields_and_says_not_possible_once(
    world: World, client: Any, as_user: Any
) -> None:
    pid = new_proposal(world)
    actions = _actions(client, as_user("ilsfeld.clerk"), f"proposals/{pid}")
    allowed = {a["trigger"]: a for a in actions["allowed"]}
    assert sorted(allowed) == ["submit", "withdraw"]
    submit = allowed["submit"]
    assert (submit["dest"], submit["dest_label"]) == ("cosigning", "In Mitzeichnung")
    assert _fields(submit) == [
        ("data.cosigners", "person", "Mitzeichnende", False),
        ("data.required", "integer", "Erforderliche Mitzeichnungen", False),
        ("comment", "text", "Kommentar", False),
    ]
    cosigners = submit["fields"][0]
    assert cosigners["multiple"] is True
    values = [o["value"] for o in cosigners["options"]]
    assert {"ilsfeld.head", "ilsfeld.finance"} <= set(values)
    assert all(o["label"] for o in cosigners["options"])
    assert "ilsfeld.clerk" not in values  # the author
    assert submit["fields"][1]["minimum"] == 1
    assert _fields(allowed["withdraw"]) == [("comment", "text", "Begründung", True)]
    # "not possible in this state" is said once, not per trigger, and not among the blocked
    assert actions["not_possible"]["reason"] == 'Im Zustand "Entwurf" nicht möglich'
    not_possible = [a["trigger"] for a in actions["not_possible"]["actions"]]
    assert {"release", "schedule", "adopt"} <= set(not_possible)
    assert actions["blocked"] == []
    # system-only and automatic steps are nobody's action
    assert not {"finalize", "complete_cosigning"} & set(not_possible)
    assert actions["cosigners_pending"] == []
    assert actions["open_steps"] == []


def test_role_blocked_names_roles_in_german(world: World, client: Any, as_user: Any) -> None:
    pid = new_proposal(world)
    actions = _actions(client, as_user("ilsfeld.secretary"), f"proposals/{pid}")
    submit = next(a for a in actions["blocked"] if a["trigger"] == "submit")
    assert submit["blocked_by"] == "role"
    assert submit["reasons"] == [
        "nur für: Sachbearbeitung, Mitzeichnung (Amtsleitung, Kämmerei), Bürgermeister/in"
    ]
    assert submit["role_labels"] == [
        "Sachbearbeitung",
        "Mitzeichnung (Amtsleitung, Kämmerei)",
        "Bürgermeister/in",
    ]
    assert "clerk" not in submit["reasons"][0]


def test_cosigning_names_who_still_has_to_sign(world: World, client: Any, as_user: Any) -> None:
    pid = new_proposal(world)
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(MEETING_DAY.replace(day=8), 9),
        data={"cosigners": ["ilsfeld.head", "ilsfeld.finance"]},
    )
    clerk = as_user("ilsfeld.clerk")
    actions = _actions(client, clerk, f"proposals/{pid}")
    assert [c["username"] for c in actions["cosigners_pending"]] == [
        "ilsfeld.head",
        "ilsfeld.finance",
    ]
    assert all(c["name"] for c in actions["cosigners_pending"])
    step = actions["open_steps"][0]
    assert (step["kind"], step["label"]) == ("cosignatures", "Mitzeichnung")
    assert step["detail"] == "0 von 2 erforderlichen Mitzeichnungen liegen vor"
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(MEETING_DAY.replace(day=8), 10))
    actions = _actions(client, clerk, f"proposals/{pid}")
    assert [c["username"] for c in actions["cosigners_pending"]] == ["ilsfeld.finance"]


def test_schedule_offers_the_open_meetings_of_the_step_body(
    world: World, client: Any, as_user: Any
) -> None:
    pid = released(world)
    council = new_meeting(world)
    new_meeting(world, body="Technischer Ausschuss")  # another body: not offered
    actions = _actions(client, as_user("ilsfeld.secretary"), f"proposals/{pid}")
    schedule = next(a for a in actions["allowed"] if a["trigger"] == "schedule")
    meeting = schedule["fields"][0]
    assert (meeting["name"], meeting["type"], meeting["required"]) == ("meeting_id", "choice", True)
    assert meeting["options"] == [{"value": council, "label": "Gemeinderat, 23.04.2024"}]


def test_open_steps_point_to_attendance_and_votes(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(MEETING_DAY, 8))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(MEETING_DAY.replace(day=9), 8))
    clock.now = berlin(MEETING_DAY, 18)
    secretary = as_user("ilsfeld.secretary")
    meeting = _actions(client, secretary, f"meetings/{mid}")
    attendance = next(s for s in meeting["open_steps"] if s["kind"] == "attendance")
    assert attendance["href"] == f"/api/v1/meetings/{mid}/attendance"
    assert attendance["detail"] == "Die Anwesenheit ist nicht erfasst"
    # A clerk sees the open step too, though the session is not theirs to open.
    clerk_view = _actions(client, as_user("ilsfeld.clerk"), f"meetings/{mid}")
    assert "attendance" in [s["kind"] for s in clerk_view["open_steps"]]


def test_votes_step_names_the_agenda_item(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    in_session(world, mid)
    clock.now = berlin(MEETING_DAY, 19)
    actions = _actions(client, as_user("ilsfeld.secretary"), f"proposals/{pid}")
    votes = next(s for s in actions["open_steps"] if s["kind"] == "votes")
    assert votes["label"] == "Abstimmung erfassen"
    assert votes["href"].startswith(f"/api/v1/meetings/{mid}/agenda-items/")
    assert votes["href"].endswith("/votes")
    adopt = next(a for a in actions["blocked"] if a["trigger"] == "adopt")
    assert "votes_recorded" in [g["name"] for g in adopt["unmet_guards"]]


def test_unknown_state_filter_lists_the_states(world: World, client: Any, as_user: Any) -> None:
    clerk = as_user("ilsfeld.clerk")
    for path, sample in (("proposals", "draft (Entwurf)"), ("meetings", "planned (Geplant)")):
        problem = assert_problem(client.get(f"/api/v1/{path}?state=Entwurf", headers=clerk), 422)
        assert problem["detail"].startswith('Unbekannter Zustand "Entwurf". Zulässig sind: ')
        assert sample in problem["detail"]
        assert problem["errors"] == [{"field": "state", "message": problem["detail"]}]
    new_proposal(world)
    listed = client.get("/api/v1/proposals?state=draft", headers=clerk)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
