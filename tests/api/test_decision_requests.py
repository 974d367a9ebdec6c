"""Abfragen des Landratsamts over HTTP: 46 municipalities, answers, overview, CSV, isolation."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tests.api.conftest import FixedClock
from tests.api.test_http import assert_problem
from tests.conftest import World, berlin
from tests.integration.test_decisions import OPTIONS, REPLY, response, states
from workflow.deadlines.sweep import sweep
from workflow.models import Body, Municipality
from workflow.rules.decision_rules import DELEGATION_SETTING

REQUESTS = "/api/v1/decision-requests"
RESPONSES = "/api/v1/decision-responses"
TITLE = "Integrationsmanagement ab 01.01.2025"
BODY = {
    "title": TITLE,
    "explanation": "Bitte entscheiden, ob das Integrationsmanagement beim Landkreis bleibt.",
    "options": OPTIONS,
    "default_option": "belassen",
    "reply_deadline": REPLY.isoformat(),
    "effective_date": "2025-01-01",
    "amounts": {"Ilsfeld": "30387.20", "Flein": 12000},
}


def create(client: Any, as_user: Any, **changes: Any) -> dict[str, Any]:
    created = client.post(REQUESTS, json={**BODY, **changes}, headers=as_user("lra.coordinator"))
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    assert created.headers["Location"] == f"{REQUESTS}/{body['id']}"
    assert created.headers["ETag"] == f'"{body["version"]}"'
    return body


def fire(client: Any, headers: dict[str, str], url: str, trigger: str, **extra: Any) -> Any:
    version = client.get(url, headers=headers).json()["version"]
    return client.post(
        f"{url}/transitions",
        json={"trigger": trigger, "expected_version": version, **extra},
        headers=headers,
    )


def sent(client: Any, as_user: Any) -> int:
    """A request created and sent by the coordinator over HTTP."""
    request_id = int(create(client, as_user)["id"])
    done = fire(client, as_user("lra.coordinator"), f"{REQUESTS}/{request_id}", "send")
    assert done.status_code == 200, done.text
    return request_id


def town_response(world: World, request_id: int, town: str) -> str:
    return f"{RESPONSES}/{response(world, request_id, town).id}"


def delegate(world: World, town: str) -> None:
    """The Hauptsatzung transfers the answer to the mayor (§ 44 Abs. 2 GemO)."""

    def run(session: Session) -> None:
        municipality = session.exec(select(Municipality).where(Municipality.name == town)).one()
        municipality.settings = {**municipality.settings, DELEGATION_SETTING: True}
        session.add(municipality)

    world.run(run)


def test_coordinator_sends_a_request_to_all_46_municipalities(
    world: World, client: Any, as_user: Any
) -> None:
    coordinator, flein = as_user("lra.coordinator"), as_user("flein.clerk")
    draft = create(client, as_user)
    url = f"{REQUESTS}/{draft['id']}"
    assert (draft["state"], draft["state_label"]) == ("draft", "Entwurf")
    assert draft["amounts"] == {"Ilsfeld": "30387.20", "Flein": "12000.00"}
    assert len(draft["targets"]) == 46
    # a draft is the Landratsamt's own work: no municipality sees it yet
    assert client.get(REQUESTS, headers=flein).json()["count"] == 0
    assert_problem(client.get(url, headers=flein), 404)
    done = fire(client, coordinator, url, "send", comment="Schreiben vom 15.03.2024")
    assert done.status_code == 200, done.text
    assert (done.json()["state"], done.json()["version"]) == ("sent", 2)
    assert client.get(url, headers=flein).json()["state_label"] == "Versandt – Antworten laufen"
    read = client.get(url, headers=coordinator)
    assert read.json()["state"] == "sent"
    assert read.headers["ETag"] == f'"{read.json()["version"]}"'
    assert states(world, draft["id"]) == {"open": 46}

    listed = client.get(f"{url}/responses", params={"limit": 50}, headers=coordinator).json()
    assert listed["count"] == 46
    assert listed["next_cursor"] is None
    towns = [r["municipality"] for r in listed["data"]]
    assert towns == sorted(towns)
    assert {r["state_label"] for r in listed["data"]} == {"Offen"}
    first = client.get(f"{url}/responses", params={"limit": 20}, headers=coordinator).json()
    rest = client.get(
        f"{url}/responses",
        params={"limit": 40, "cursor": first["next_cursor"]},
        headers=coordinator,
    ).json()
    assert [r["id"] for r in first["data"] + rest["data"]] == [r["id"] for r in listed["data"]]

    own = client.get(f"{url}/responses", headers=as_user("ilsfeld.clerk")).json()
    assert own["count"] == 1
    ilsfeld = own["data"][0]
    assert (ilsfeld["municipality"], ilsfeld["amount"]) == ("Ilsfeld", "30387.20")
    assert (ilsfeld["request_title"], ilsfeld["reply_deadline"]) == (TITLE, "2024-05-31")
    sent_to_flein = client.get(REQUESTS, headers=flein).json()
    assert [r["id"] for r in sent_to_flein["data"]] == [draft["id"]]
    history = client.get(f"{url}/history", headers=coordinator).json()
    assert [e["trigger"] for e in history] == ["create", "send"]
    assert history[-1]["comment"] == "Schreiben vom 15.03.2024"


def test_drafts_and_untargeted_requests_stay_hidden(
    world: World, client: Any, as_user: Any
) -> None:
    targeted = create(client, as_user, targets=["Ilsfeld", "Abstatt"], amounts={})
    url = f"{REQUESTS}/{targeted['id']}"
    assert fire(client, as_user("lra.coordinator"), url, "send").status_code == 200
    assert states(world, targeted["id"]) == {"open": 2}
    assert client.get(url, headers=as_user("ilsfeld.council")).status_code == 200
    flein = as_user("flein.clerk")
    for path in (url, f"{url}/actions", f"{url}/history", f"{url}/responses"):
        assert_problem(client.get(path, headers=flein), 404)
    # acting is no wider than reading: the send of a stranger's draft is "not found" too
    draft = create(client, as_user)
    refused = client.post(
        f"{REQUESTS}/{draft['id']}/transitions",
        json={"trigger": "send", "expected_version": 1},
        headers=as_user("ilsfeld.mayor"),
    )
    assert_problem(refused, 404)


def test_clerk_creates_the_prefilled_proposal_from_the_response(
    world: World, client: Any, as_user: Any
) -> None:
    request_id = sent(client, as_user)
    url = town_response(world, request_id, "Ilsfeld")
    clerk = as_user("ilsfeld.clerk")
    created = client.post(
        f"{url}/proposal",
        json={"option": "belassen", "body_id": world.body_id("Gemeinderat")},
        headers=clerk,
    )
    assert created.status_code == 201, created.text
    proposal = created.json()
    assert created.headers["Location"] == f"/api/v1/proposals/{proposal['id']}"
    assert (proposal["title"], proposal["state"]) == (TITLE, "draft")
    assert "30.387,20 Euro" in proposal["facts"]
    assert "eigene Regie" in proposal["facts"]
    # a resolution of the deciding body, naming the request and the option with its meaning
    assert proposal["resolution_text"] == (
        "Der Gemeinderat beschließt zur Abfrage des Landratsamts „Integrationsmanagement ab "
        "01.01.2025“ die Option „belassen“: beim Landkreis."
    )
    linked = client.get(url, headers=clerk).json()
    assert (linked["state"], linked["proposal_id"]) == ("in_preparation", proposal["id"])
    plan = client.get(f"/api/v1/proposals/{proposal['id']}/consultation-plan", headers=clerk)
    assert [(s["body_id"], s["decides"]) for s in plan.json()] == [
        (world.body_id("Gemeinderat"), True)
    ]
    history = client.get(f"{url}/history", headers=clerk).json()
    assert [e["trigger"] for e in history] == ["create", "link_proposal"]
    assert history[-1]["data"]["option"] == "belassen"
    unknown_option = client.post(
        f"{url}/proposal",
        json={"option": "abschaffen", "body_id": world.body_id("Gemeinderat")},
        headers=clerk,
    )
    assert [g["name"] for g in assert_problem(unknown_option, 422)["unmet_guards"]] == [
        "option_valid"
    ]
    foreign_body = client.post(
        f"{url}/proposal",
        json={"option": "belassen", "body_id": world.body_id("Gemeinderat", town="flein")},
        headers=clerk,
    )
    assert_problem(foreign_body, 422)
    # neither refusal left a proposal behind
    assert client.get("/api/v1/proposals", headers=clerk).json()["count"] == 1


def test_the_proposed_resolution_names_any_body_grammatically(
    world: World, client: Any, as_user: Any
) -> None:
    """ "Der {name}" fits a Gemeinderat, not a Gemeindeversammlung or a Jugendforum."""
    request_id = sent(client, as_user)
    url = town_response(world, request_id, "Ilsfeld")
    town = world.data.ilsfeld.municipality.id or 0
    names = ("Technischer Ausschuss", "Gemeindeversammlung", "Jugendforum")

    def add_bodies(session: Session) -> dict[str, int]:
        bodies = [Body(municipality_id=town, name=n, kind="deciding_committee") for n in names[1:]]
        session.add_all(bodies)
        session.flush()
        return {b.name: b.id or 0 for b in bodies}

    ids = world.run(add_bodies) | {names[0]: world.body_id(names[0])}
    subjects = {}
    for name in names:
        created = client.post(
            f"{url}/proposal",
            json={"option": "belassen", "body_id": ids[name]},
            headers=as_user("ilsfeld.clerk"),
        )
        assert created.status_code == 201, created.text
        subjects[name] = created.json()["resolution_text"].split(" beschließt ")[0]
    assert subjects == {
        "Technischer Ausschuss": "Der Technische Ausschuss",
        "Gemeindeversammlung": "Die Gemeindeversammlung",
        "Jugendforum": "Das Gremium „Jugendforum“",
    }


def test_mayor_answers_by_delegation_only(world: World, client: Any, as_user: Any) -> None:
    request_id = sent(client, as_user)
    url = town_response(world, request_id, "Ilsfeld")
    mayor = as_user("ilsfeld.mayor")
    without = fire(client, mayor, url, "answer", data={"option": "eigene_regie"})
    problem = assert_problem(without, 422)
    assert [g["name"] for g in problem["unmet_guards"]] == ["answer_basis"]
    assert "Hauptsatzung" in problem["detail"]
    assert problem["allowed_roles"] == ["clerk", "mayor", "secretary"]
    delegate(world, "Ilsfeld")
    actions = client.get(f"{url}/actions", headers=mayor).json()
    link = next(a for a in actions["allowed"] if a["trigger"] == "link_proposal")
    assert [(f["name"], f["type"], f["required"]) for f in link["fields"]] == [
        ("proposal_id", "choice", True),
        ("option", "choice", True),
        ("comment", "text", False),
    ]
    option = next(f for f in link["fields"] if f["name"] == "option")
    assert "eigene_regie" in [o["value"] for o in option["options"]]
    answered = fire(client, mayor, url, "answer", data={"option": "eigene_regie"})
    assert answered.status_code == 200, answered.text
    assert (answered.json()["state"], answered.json()["state_label"]) == ("answered", "Beantwortet")
    read = client.get(url, headers=mayor).json()
    assert (read["option"], read["option_label"], read["late"]) == (
        "eigene_regie",
        "eigene Regie",
        False,
    )
    assert read["decided_by"] == "Bürgermeisterin (übertragene Zuständigkeit)"
    assert read["decided_on"] == "2024-04-08"
    assert read["resolution_id"] is None
    again = fire(client, mayor, url, "answer", data={"option": "belassen"})
    assert_problem(again, 409)


def test_another_municipality_and_anonymous_callers_cannot_reach_a_response(
    world: World, client: Any, as_user: Any
) -> None:
    request_id = sent(client, as_user)
    url = town_response(world, request_id, "Ilsfeld")
    flein = as_user("flein.clerk")
    for path in (url, f"{url}/actions", f"{url}/history"):
        assert "nicht gefunden" in assert_problem(client.get(path, headers=flein), 404)["detail"]
    answer = client.post(
        f"{url}/transitions",
        json={"trigger": "answer", "expected_version": 1, "data": {"option": "eigene_regie"}},
        headers=flein,
    )
    assert_problem(answer, 404)
    proposal = client.post(
        f"{url}/proposal",
        json={"option": "belassen", "body_id": world.body_id("Gemeinderat", town="flein")},
        headers=flein,
    )
    assert_problem(proposal, 404)
    own = client.get(f"{REQUESTS}/{request_id}/responses", headers=flein).json()
    assert [r["municipality"] for r in own["data"]] == ["Flein"]
    assert own["data"][0]["amount"] == "12000.00"
    for path in (REQUESTS, f"{REQUESTS}/{request_id}", f"{REQUESTS}/{request_id}/responses", url):
        anonymous = client.get(path)
        assert_problem(anonymous, 401)
        assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert_problem(
        client.post(f"{url}/transitions", json={"trigger": "answer", "expected_version": 1}), 401
    )
    assert response(world, request_id, "Ilsfeld").state == "open"


def test_only_the_coordinator_creates_requests(client: Any, as_user: Any) -> None:
    refused = client.post(REQUESTS, json=BODY, headers=as_user("ilsfeld.mayor"))
    assert assert_problem(refused, 403)["allowed_roles"] == ["district_coordinator"]
    assert_problem(client.post(REQUESTS, json=BODY), 401)
    coordinator = as_user("lra.coordinator")
    unknown = client.post(REQUESTS, json={**BODY, "targets": ["Stuttgart"]}, headers=coordinator)
    assert "Stuttgart" in assert_problem(unknown, 422)["detail"]
    twice = [OPTIONS[0], OPTIONS[0]]
    duplicate = client.post(REQUESTS, json={**BODY, "options": twice}, headers=coordinator)
    assert_problem(duplicate, 422)
    no_default = client.post(REQUESTS, json={**BODY, "default_option": "x"}, headers=coordinator)
    assert_problem(no_default, 422)
    negative = client.post(REQUESTS, json={**BODY, "amounts": {"Flein": -1}}, headers=coordinator)
    assert_problem(negative, 422)
    assert client.get(REQUESTS, headers=coordinator).json()["count"] == 0


def test_overview_json_and_csv(world: World, client: Any, as_user: Any, clock: FixedClock) -> None:
    request_id = sent(client, as_user)
    delegate(world, "Ilsfeld")
    ilsfeld = town_response(world, request_id, "Ilsfeld")
    answered = fire(
        client, as_user("ilsfeld.mayor"), ilsfeld, "answer", data={"option": "eigene_regie"}
    )
    assert answered.status_code == 200, answered.text
    coordinator = as_user("lra.coordinator")
    url = f"{REQUESTS}/{request_id}/overview"

    clock.now = berlin(date(2024, 6, 1), 8)  # the deadline has passed, the sweep has not run
    overview = client.get(url, headers=coordinator).json()
    assert len(overview["rows"]) == 46
    assert len(overview["overdue"]) == 45
    assert "Ilsfeld" not in overview["overdue"]
    assert overview["totals"] == [
        {"option": "belassen", "label": "belassen", "count": 0},
        {"option": "eigene_regie", "label": "eigene Regie", "count": 1},
    ]
    row = next(r for r in overview["rows"] if r["municipality"] == "Ilsfeld")
    assert (row["state_label"], row["option_label"], row["overdue"], row["late"]) == (
        "Beantwortet",
        "eigene Regie",
        False,
        False,
    )
    assert row["decided_on"] == "2024-04-08"

    sweep(engine=world.engine, workflows=world.workflows, now=clock.now, mailer=None, base_url="")
    overview = client.get(url, headers=coordinator).json()
    assert overview["overdue"] == []
    assert [t["count"] for t in overview["totals"]] == [45, 1]
    assert {r["state"] for r in overview["rows"]} == {"answered", "defaulted"}

    exported = client.get(f"{url}.csv", headers=coordinator)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="abfrage-{request_id}-uebersicht.csv"'
    )
    assert exported.content.startswith(codecs.BOM_UTF8)  # Excel reads the umlauts right
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Gemeinde",
        "Status",
        "Option",
        "Entschieden durch",
        "Entschieden am",
        "Vorlage",
        "Frühestmöglicher Beschluss",
        "Verspätet",
        "Überfällig",
    ]
    data = rows[1 : rows.index([])]
    assert len(data) == 46
    assert ["Ilsfeld", "Beantwortet", "eigene Regie"] == next(r for r in data if r[0] == "Ilsfeld")[
        :3
    ]
    assert ["Summe belassen", "45"] in rows
    assert ["Summe eigene Regie", "1"] in rows

    for path in (url, f"{url}.csv"):
        assert_problem(client.get(path, headers=as_user("ilsfeld.mayor")), 403)
        assert_problem(client.get(path), 401)


def test_late_answer_needs_the_coordinators_acceptance(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    request_id = sent(client, as_user)
    delegate(world, "Ilsfeld")
    url = town_response(world, request_id, "Ilsfeld")
    mayor, coordinator = as_user("ilsfeld.mayor"), as_user("lra.coordinator")
    clock.now = berlin(date(2024, 6, 3), 9)
    in_time = fire(client, mayor, url, "answer", data={"option": "eigene_regie"})
    assert [g["name"] for g in assert_problem(in_time, 422)["unmet_guards"]] == [
        "before_reply_deadline"
    ]
    late = fire(client, mayor, url, "answer_late", data={"option": "eigene_regie"})
    assert late.status_code == 200, late.text
    assert late.json()["state"] == "late_pending"
    assert_problem(fire(client, mayor, url, "accept_late"), 403)
    actions = client.get(f"{url}/actions", headers=coordinator).json()
    assert [a["trigger"] for a in actions["allowed"]] == ["accept_late", "reject_late"]
    reject = actions["allowed"][1]
    assert [(f["path"], f["label"], f["required"]) for f in reject["fields"]] == [
        ("comment", "Begründung", True)
    ]
    accepted = fire(client, coordinator, url, "accept_late")
    assert accepted.status_code == 200, accepted.text
    read = client.get(url, headers=mayor).json()
    assert (read["state"], read["option"], read["late"]) == ("answered", "eigene_regie", True)
    row = next(
        r
        for r in client.get(f"{REQUESTS}/{request_id}/overview", headers=coordinator).json()["rows"]
        if r["municipality"] == "Ilsfeld"
    )
    assert (row["late"], row["option"]) == (True, "eigene_regie")


def test_cancel_withdraws_the_running_responses(world: World, client: Any, as_user: Any) -> None:
    request_id = sent(client, as_user)
    delegate(world, "Ilsfeld")
    ilsfeld = town_response(world, request_id, "Ilsfeld")
    fire(client, as_user("ilsfeld.mayor"), ilsfeld, "answer", data={"option": "belassen"})
    coordinator = as_user("lra.coordinator")
    url = f"{REQUESTS}/{request_id}"
    no_reason = fire(client, coordinator, url, "cancel")
    assert [g["name"] for g in assert_problem(no_reason, 422)["unmet_guards"]] == ["comment_given"]
    assert_problem(fire(client, coordinator, url, "close"), 422)  # 45 still open
    cancelled = fire(client, coordinator, url, "cancel", comment="VwV geändert")
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["state"], cancelled.json()["state_label"]) == (
        "cancelled",
        "Zurückgezogen",
    )
    assert states(world, request_id) == {"answered": 1, "withdrawn": 45}
    flein = town_response(world, request_id, "Flein")
    withdrawn = client.get(f"{flein}/history", headers=as_user("flein.clerk")).json()[-1]
    assert (withdrawn["actor"], withdrawn["trigger"]) == ("system", "withdraw")
    assert withdrawn["comment"] == "Abfrage zurückgezogen: VwV geändert"
    # the municipalities still read the withdrawn request and why
    history = client.get(f"{url}/history", headers=as_user("flein.clerk")).json()
    assert [(e["trigger"], e["comment"]) for e in history][-1] == ("cancel", "VwV geändert")


def test_stale_version_is_a_conflict(world: World, client: Any, as_user: Any) -> None:
    coordinator = as_user("lra.coordinator")
    draft = create(client, as_user)
    url = f"{REQUESTS}/{draft['id']}/transitions"
    send = client.post(url, json={"trigger": "send", "expected_version": 1}, headers=coordinator)
    assert send.json()["version"] == 2
    stale = client.post(
        url,
        json={"trigger": "cancel", "expected_version": 1, "comment": "doch nicht"},
        headers=coordinator,
    )
    assert "Version" in assert_problem(stale, 409)["detail"]
    if_match = client.post(
        url,
        json={"trigger": "cancel", "comment": "doch nicht"},
        headers={**coordinator, "If-Match": '"1"'},
    )
    assert_problem(if_match, 412)
    missing = client.post(url, json={"trigger": "cancel", "comment": "x"}, headers=coordinator)
    assert_problem(missing, 428)
    answer_url = f"{town_response(world, draft['id'], 'Ilsfeld')}/transitions"
    delegate(world, "Ilsfeld")
    stale_answer = client.post(
        answer_url,
        json={"trigger": "answer", "expected_version": 7, "data": {"option": "belassen"}},
        headers=as_user("ilsfeld.mayor"),
    )
    assert_problem(stale_answer, 409)
    assert client.get(f"{REQUESTS}/{draft['id']}", headers=coordinator).json()["state"] == "sent"
    assert states(world, draft["id"]) == {"open": 46}


def test_coordinator_lists_the_districts_request_deadlines(
    world: World, client: Any, as_user: Any
) -> None:
    request_id = sent(client, as_user)
    listed = client.get(
        "/api/v1/deadlines", params={"limit": 100}, headers=as_user("lra.coordinator")
    ).json()
    kinds = sorted((d["instance_type"], d["rule"]) for d in listed["data"])
    assert kinds == [("decision_request", "replies_due")] + [("decision_response", "reply")] * 46
    assert {d["due_date"] for d in listed["data"]} == {REPLY.isoformat()}
    own = client.get("/api/v1/deadlines", headers=as_user("flein.clerk")).json()["data"]
    flein = response(world, request_id, "Flein").id
    assert [(d["instance_type"], d["instance_id"]) for d in own] == [("decision_response", flein)]
