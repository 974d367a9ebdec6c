"""Motions, counted votes, attendance per item and late agenda items over HTTP (issue 10)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from tests.api.conftest import FixedClock
from tests.api.test_http import assert_problem
from tests.conftest import World, berlin
from tests.integration.flow import DAY, MEETING_DAY, in_session, item_of
from tests.integration.test_meetings import invited, members_of, planned
from workflow.limits import MAX_REASON
from workflow.models import Membership

AMENDED = "Der Gemeinderat stimmt zu, mit Photovoltaik auf dem Dach."


class Screen:
    """One meeting over HTTP as the secretary sees it."""

    def __init__(self, client: Any, as_user: Any, mid: int, item: int) -> None:
        self.client, self.mid, self.item = client, mid, item
        self.secretary = as_user("ilsfeld.secretary")
        self.url = f"/api/v1/meetings/{mid}"
        self.item_url = f"{self.url}/agenda-items/{item}"

    def version(self) -> int:
        return int(self.client.get(self.url, headers=self.secretary).json()["version"])

    def post(self, path: str, headers: Any = None, **body: Any) -> Any:
        return self.client.post(
            f"{self.item_url}{path}",
            json={"expected_version": self.version(), **body},
            headers=headers or self.secretary,
        )

    def put(self, path: str, **body: Any) -> Any:
        return self.client.put(
            f"{self.item_url}{path}",
            json={"expected_version": self.version(), **body},
            headers=self.secretary,
        )


def _running(world: World, client: Any, as_user: Any, clock: FixedClock) -> tuple[int, Screen]:
    pid, mid = planned(world)
    in_session(world, mid)
    clock.now = berlin(MEETING_DAY, 19, 30)
    return pid, Screen(client, as_user, mid, item_of(world, pid))


def test_motions_in_order_make_the_adopted_wording(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, screen = _running(world, client, as_user, clock)
    amendment = screen.post("/motions", kind="amendment", mover="Fraktion Grüne", text=AMENDED)
    assert amendment.status_code == 201, amendment.text
    close = screen.post("/motions", kind="procedural", procedure="close_debate", mover="Herr Bau")
    assert close.status_code == 201
    listed = client.get(f"{screen.item_url}/motions", headers=as_user("ilsfeld.council"))
    assert listed.status_code == 200
    assert [m["kind"] for m in listed.json()["data"]] == ["procedural", "amendment"]
    assert listed.json()["next_motion_id"] == close.json()["id"]

    early = screen.post(f"/motions/{amendment.json()['id']}/vote", yes=9, no=3)
    assert "Schluss der Debatte" in assert_problem(early, 409)["detail"]
    main_first = screen.put("/vote-counts", yes=9, no=3)
    assert "Anträgen" in assert_problem(main_first, 409)["detail"]
    assert screen.post(f"/motions/{close.json()['id']}/vote", yes=10, no=2).json()["adopted"]
    voted = screen.post(f"/motions/{amendment.json()['id']}/vote", yes=9, no=3)
    assert voted.json()["adopted"] is True
    wording = client.get(f"{screen.item_url}/motions", headers=screen.secretary).json()
    assert wording["adopted_wording"] == AMENDED

    counted = screen.put("/vote-counts", yes=10, no=1, abstain=1, secret=True)
    assert counted.status_code == 200, counted.text
    assert counted.json()["secret"] is True
    assert counted.json()["absent"] == []
    version = client.get(f"/api/v1/proposals/{pid}", headers=screen.secretary).json()["version"]
    adopted = client.post(
        f"/api/v1/proposals/{pid}/transitions",
        json={"trigger": "adopt", "expected_version": version},
        headers=screen.secretary,
    )
    assert adopted.status_code == 200, adopted.text
    resolutions = client.get(f"/api/v1/proposals/{pid}/resolutions", headers=screen.secretary)
    assert resolutions.json()["data"][-1]["text"] == AMENDED
    by_name = client.put(
        f"{screen.item_url}/votes",
        json={"expected_version": screen.version(), "votes": []},
        headers=screen.secretary,
    )
    assert_problem(by_name, 409)


def test_bad_motions_and_counts_are_problems_not_errors(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    _, screen = _running(world, client, as_user, clock)
    unknown = screen.post("/motions", kind="wish", mover="x")
    assert_problem(unknown, 422)
    no_procedure = screen.post("/motions", kind="procedural", mover="x")
    assert assert_problem(no_procedure, 422)["errors"][0]["field"] == "procedure"
    to_nowhere = screen.post("/motions", kind="procedural", procedure="refer", mover="x")
    assert assert_problem(to_nowhere, 422)["errors"][0]["field"] == "target_body_id"
    too_many = screen.put("/vote-counts", yes=400, no=0)
    assert "stimmberechtigt" in assert_problem(too_many, 422)["detail"]
    negative = screen.put("/vote-counts", yes=-1, no=0)
    assert_problem(negative, 422)
    text_count = screen.put("/vote-counts", yes="9", no=0)
    assert_problem(text_count, 422)
    missing = screen.post("/motions/999999/vote", yes=1, no=0)
    assert_problem(missing, 404)
    council = screen.post(
        "/motions", kind="amendment", mover="x", text="y", headers=as_user("ilsfeld.council")
    )
    assert_problem(council, 403)
    elsewhere = screen.post(
        "/motions", kind="amendment", mover="x", text="y", headers=as_user("flein.clerk")
    )
    assert elsewhere.status_code in (403, 404)
    no_version = client.post(
        f"{screen.item_url}/motions",
        json={"kind": "amendment", "mover": "x", "text": "y"},
        headers=screen.secretary,
    )
    assert_problem(no_version, 428)


def test_adjournment_by_vote_and_referral_over_http(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, screen = _running(world, client, as_user, clock)
    committee = world.body_id("Technischer Ausschuss")
    refer = screen.post(
        "/motions",
        kind="procedural",
        procedure="refer",
        mover="Fraktion CDU",
        target_body_id=committee,
    )
    assert refer.status_code == 201, refer.text
    adopted = screen.post(f"/motions/{refer.json()['id']}/vote", yes=8, no=4)
    assert adopted.json()["adopted"] is True
    proposal = client.get(f"/api/v1/proposals/{pid}", headers=screen.secretary).json()
    assert proposal["state"] == "ready"


def test_attendance_per_item_and_absence_reasons(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    clock.now = berlin(MEETING_DAY, 18)
    screen = Screen(client, as_user, mid, item_of(world, pid))
    recorded = client.put(
        f"{screen.url}/attendance",
        json={
            "expected_version": screen.version(),
            "present": members[:-1],
            "absence_reasons": {str(members[-1]): "Urlaub"},
        },
        headers=screen.secretary,
    )
    assert recorded.status_code == 200, recorded.text
    bad_key = client.put(
        f"{screen.url}/attendance",
        json={"expected_version": screen.version(), "present": [], "absence_reasons": {"x": "y"}},
        headers=screen.secretary,
    )
    assert_problem(bad_key, 422)
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    left = screen.post("/attendance", person_id=members[-2], present=False, reason="erkrankt")
    assert left.status_code == 201, left.text
    assert left.json()["reason"] == "erkrankt"
    again = screen.post("/attendance", person_id=members[-2], present=False)
    assert_problem(again, 409)
    counted = screen.put("/vote-counts", yes=5, no=2)
    assert sorted(counted.json()["absent"]) == sorted(members[-2:])


def test_supplement_late_paper_and_emergency_addition(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    screen = Screen(client, as_user, mid, item_of(world, pid))
    clock.now = berlin(DAY, 15)
    supplement = client.post(
        f"{screen.url}/agenda-items",
        json={"expected_version": screen.version(), "title": "Bekanntgaben", "late_paper": True},
        headers=screen.secretary,
    )
    assert supplement.status_code == 201, supplement.text
    assert (supplement.json()["supplement"], supplement.json()["late_paper"]) == (True, True)
    clock.now = berlin(MEETING_DAY, 9)
    late = client.post(
        f"{screen.url}/agenda-items",
        json={"expected_version": screen.version(), "title": "Anfragen"},
        headers=screen.secretary,
    )
    assert "Nachtrag" in assert_problem(late, 409)["detail"]
    urgent = client.post(
        f"{screen.url}/agenda-items",
        json={
            "expected_version": screen.version(),
            "title": "Hochwasserschaden",
            "urgent_reason": "Sofortmaßnahmen nach Starkregen",
        },
        headers=screen.secretary,
    )
    assert urgent.status_code == 201, urgent.text
    assert urgent.json()["urgent_reason"] == "Sofortmaßnahmen nach Starkregen"
    flagged = screen.post("/late-paper")
    assert flagged.json()["late_paper"] is True
    assert_problem(screen.post("/late-paper"), 409)


def test_the_hauptsatzung_sets_order_and_quarter_minority_per_body(
    world: World, client: Any, as_user: Any
) -> None:
    committee = world.body_id("Technischer Ausschuss")
    council = world.body_id("Gemeinderat")
    admin = as_user("admin")
    url = f"/api/v1/bodies/{committee}/rules"
    set_rules = client.put(
        url,
        json={"motion_order": ["amendment", "counter"], "quarter_referral": True},
        headers=admin,
    )
    assert set_rules.status_code == 200, set_rules.text
    assert set_rules.json()["motion_order"][:3] == ["amendment", "counter", "remove"]
    assert set_rules.json()["quarter_referral"] is True
    twice = client.put(url, json={"motion_order": ["counter", "counter"]}, headers=admin)
    assert assert_problem(twice, 422)["errors"][0]["field"] == "motion_order"
    unknown = client.put(url, json={"motion_order": ["vote_of_no_confidence"]}, headers=admin)
    assert_problem(unknown, 422)
    not_committee = client.put(
        f"/api/v1/bodies/{council}/rules", json={"quarter_referral": True}, headers=admin
    )
    assert assert_problem(not_committee, 422)["errors"][0]["field"] == "quarter_referral"
    secretary = client.put(url, json={}, headers=as_user("ilsfeld.secretary"))
    assert_problem(secretary, 403)


def test_motions_of_a_public_item_are_public_like_the_item(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, screen = _running(world, client, as_user, clock)
    made = screen.post("/motions", kind="amendment", mover="Fraktion FWV", text=AMENDED)
    assert made.status_code == 201
    other_town = client.get(f"{screen.item_url}/motions", headers=as_user("flein.council"))
    assert other_town.status_code == 200  # a public session's item (§ 35 Abs. 1 GemO)
    unknown_item = client.get(f"{screen.url}/agenda-items/999999/motions", headers=screen.secretary)
    assert_problem(unknown_item, 404)


def test_a_non_public_items_motions_are_not_shown_to_the_public_side(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    from tests.api.helpers import secret_proposal
    from tests.integration.flow import new_meeting, scheduled

    pid = secret_proposal(world, "Gemeinderat")
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    in_session(world, mid)
    clock.now = berlin(MEETING_DAY, 19, 30)
    screen = Screen(client, as_user, mid, item_of(world, pid))
    made = screen.post("/motions", kind="counter", mover="Fraktion SPD", text="Nein.")
    assert made.status_code == 201, made.text
    anonymous = client.get(f"{screen.item_url}/motions")
    assert anonymous.status_code in (401, 404)
    other_town = client.get(f"{screen.item_url}/motions", headers=as_user("flein.council"))
    assert_problem(other_town, 404)
    secretary = client.get(f"{screen.item_url}/motions", headers=screen.secretary)
    assert secretary.json()["data"][0]["kind"] == "counter"


def test_a_reason_for_the_minutes_is_bounded_as_the_engine_bounds_it(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    """The API's schema takes the engine's bound (``MAX_REASON``): a longer absence reason
    is refused with the input errors, in German, and the documentation says so."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    absence = schemas["AttendanceWrite"]["properties"]["absence_reasons"]
    assert [r["maxLength"] for r in absence["patternProperties"].values()] == [MAX_REASON]
    coming = schemas["ItemAttendanceCreate"]["properties"]["reason"]["anyOf"][0]
    assert coming["maxLength"] == MAX_REASON
    pid, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    clock.now = berlin(MEETING_DAY, 18)
    screen = Screen(client, as_user, mid, item_of(world, pid))

    def record(reason: str) -> Any:
        return client.put(
            f"{screen.url}/attendance",
            json={
                "expected_version": screen.version(),
                "present": members[:-1],
                "absence_reasons": {str(members[-1]): reason},
            },
            headers=screen.secretary,
        )

    refused = assert_problem(record("x" * (MAX_REASON + 1)), 422)
    assert refused["type"] == "urn:ratsflow:problem:validation"
    assert refused["detail"] == f"Ungültige Eingabe: absence_reasons.{members[-1]}."
    assert refused["errors"] == [
        {"field": f"absence_reasons.{members[-1]}", "message": "Text zu lang (max_length: 2000)"}
    ]
    assert record("x" * MAX_REASON).status_code == 200
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    left = screen.post(
        "/attendance", person_id=members[-2], present=False, reason="x" * (MAX_REASON + 1)
    )
    assert assert_problem(left, 422)["type"] == "urn:ratsflow:problem:validation"


def test_the_chair_of_an_item_the_mayor_left(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    """Without a Stellvertreter nobody chairs after the mayor left: the vote waits for the
    eldest member the secretary names (§ 48 Abs. 1 Satz 8 GemO)."""
    _, screen = _running(world, client, as_user, clock)
    mayor = world["ilsfeld.mayor"].person_id
    members = members_of(world, screen.mid)
    assert screen.post("/attendance", person_id=mayor, present=False).status_code == 201
    refused = screen.put("/vote-counts", yes=5, no=2)
    assert "Vorsitz bei diesem Punkt" in assert_problem(refused, 409)["detail"]
    gone = screen.put("/chair", person_id=mayor)
    assert "nicht anwesend" in assert_problem(gone, 422)["detail"]
    chosen = screen.put("/chair", person_id=members[-1])
    assert chosen.status_code == 200, chosen.text
    assert chosen.json() | {"meeting_version": 0} == {
        "agenda_item_id": screen.item,
        "person_id": members[-1],
        "prevented": mayor,
        "reason": "absent",
        "recorded": True,
        "meeting_version": 0,
    }
    item = client.get(screen.url, headers=screen.secretary).json()["agenda"][0]
    assert item["chair_person_id"] == members[-1]
    assert screen.put("/vote-counts", yes=5, no=2).status_code == 200


def test_without_a_chair_no_motion_is_voted_and_no_handover_in_the_council(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    """The JSON API refuses what the screen refuses (workflow.chairs): a motion vote while
    nobody chairs the item (§ 36 Abs. 1, § 37 Abs. 1 GemO) with the vote's message, and a
    handover while the mayor can chair the council's item (§ 48 Abs. 1 Satz 4 GemO)."""
    _, screen = _running(world, client, as_user, clock)
    mayor = world["ilsfeld.mayor"].person_id
    members = members_of(world, screen.mid)
    handover = screen.put("/chair", person_id=members[-1])
    problem = assert_problem(handover, 422)
    assert "kann ihn nicht übergeben" in problem["detail"]
    assert "§ 48 Abs. 1 Satz 4, 6 GemO" in problem["detail"]
    assert screen.post("/attendance", person_id=mayor, present=False).status_code == 201
    vote = assert_problem(screen.put("/vote-counts", yes=5, no=2), 409)["detail"]
    adjourn = screen.post("/motions", kind="procedural", procedure="adjourn", mover="Herr Bau")
    assert adjourn.status_code == 201, adjourn.text
    motion = screen.post(f"/motions/{adjourn.json()['id']}/vote", yes=10, no=2)
    assert assert_problem(motion, 409)["detail"] == vote.replace(
        "dann kann abgestimmt", "dann kann über den Antrag abgestimmt"
    )
    assert screen.put("/chair", person_id=members[-1]).status_code == 200
    assert screen.post(f"/motions/{adjourn.json()['id']}/vote", yes=10, no=2).json()["adopted"]


def test_a_motion_names_its_fraktion_or_member_by_reference(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    """mover_faction_id / mover_person_id: the name follows from the reference; neither
    and no name, or both, is a told 422."""
    _, screen = _running(world, client, as_user, clock)
    formed = client.post(
        "/api/v1/factions", json={"name": "Freie Wähler", "short_name": "FW"},
        headers=screen.secretary,
    )  # fmt: skip
    assert formed.status_code == 201, formed.text
    fid = formed.json()["id"]
    by_faction = screen.post("/motions", kind="amendment", mover_faction_id=fid, text=AMENDED)
    assert by_faction.status_code == 201, by_faction.text
    assert (by_faction.json()["mover"], by_faction.json()["mover_faction_id"]) == (
        "Freie Wähler (FW)", fid,
    )  # fmt: skip
    anna = world.data.ilsfeld.councillors[0]
    by_member = screen.post(
        "/motions", kind="procedural", procedure="close_debate", mover_person_id=anna.id
    )
    assert by_member.status_code == 201, by_member.text
    assert by_member.json()["mover"] == anna.name
    nobody = screen.post("/motions", kind="amendment", text=AMENDED)
    assert assert_problem(nobody, 422)["errors"][0]["field"] == "mover"
    both = screen.post(
        "/motions", kind="amendment", text=AMENDED, mover_faction_id=fid, mover_person_id=anna.id
    )
    assert "nicht beide" in assert_problem(both, 422)["detail"]
    unknown = screen.post("/motions", kind="amendment", text=AMENDED, mover_faction_id=999999)
    assert assert_problem(unknown, 422)["errors"][0]["field"] == "mover_faction_id"
    # A person of the municipality outside the body is no member to choose (the screen
    # offers the body's members only); she is named as text, like the Verwaltung.
    secretary = world["ilsfeld.secretary"].person_id
    outsider = screen.post("/motions", kind="amendment", text=AMENDED, mover_person_id=secretary)
    problem = assert_problem(outsider, 422)
    assert problem["errors"][0]["field"] == "mover_person_id"
    assert problem["detail"].startswith(
        "Sabine Schreiber ist kein stimmberechtigtes Mitglied des Gremiums „Gemeinderat“"
    )
    # nor is a councillor whose seat ended before the meeting's day
    former = world.data.ilsfeld.councillors[1]

    def end_seat(session: Session) -> None:
        seat = session.exec(
            select(Membership).where(
                Membership.person_id == former.id,
                Membership.body_id == world.body_id("Gemeinderat"),
            )
        ).one()
        seat.end_date = date(2024, 1, 31)
        session.add(seat)

    world.run(end_seat)
    left = screen.post("/motions", kind="amendment", text=AMENDED, mover_person_id=former.id)
    assert assert_problem(left, 422)["errors"][0]["field"] == "mover_person_id"
