"""HTTP behaviour: problem details, authentication, pagination, ETag/If-Match, operations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi import FastAPI

from api.security import ALGORITHM
from tests.api.conftest import SECRET, TestClient
from tests.conftest import World
from tests.integration.flow import new_meeting, new_proposal

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = dict(response.json())
    assert PROBLEM_KEYS <= set(body)
    assert body["status"] == status
    assert body["instance"] == response.request.url.path
    return body


def test_login_issues_a_token_that_authenticates(client: Any) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": "demo"}
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 8 * 3600
    claims = jwt.decode(token["access_token"], SECRET, algorithms=[ALGORITHM])
    assert claims["sub"] == "ilsfeld.clerk"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json()["role"] == "clerk"


def test_wrong_password_unknown_user_and_bad_tokens_are_401(client: Any) -> None:
    for username, password in (("ilsfeld.clerk", "falsch"), ("niemand", "demo")):
        response = client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        body = assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert "Passwort" in body["detail"]
    expired = jwt.encode(
        {"sub": "ilsfeld.clerk", "exp": datetime.now(UTC) - timedelta(minutes=1)},
        SECRET,
        algorithm=ALGORITHM,
    )
    forged = jwt.encode(
        {"sub": "admin", "exp": datetime.now(UTC) + timedelta(hours=1)},
        "ein-anderer-schluessel-der-lang-genug-ist-32",
        algorithm=ALGORITHM,
    )
    for token in (expired, forged, "kein.jwt", ""):
        response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # A bad token on a public route is refused too, never silently anonymous.
    assert_problem(
        client.get("/api/v1/proposals", headers={"Authorization": "Bearer kein.jwt"}), 401
    )


def test_disabled_user_is_refused_at_login_and_with_a_live_token(
    world: World, client: Any, as_user: Any
) -> None:
    headers = as_user("ilsfeld.clerk")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    clerk_id = world.data.users["ilsfeld.clerk"].id
    response = client.post(f"/api/v1/users/{clerk_id}/disable", headers=as_user("admin"))
    assert response.json()["disabled"] is True
    assert_problem(client.get("/api/v1/auth/me", headers=headers), 401)
    login = client.post(
        "/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": "demo"}
    )
    assert_problem(login, 401)
    own = client.post(
        f"/api/v1/users/{world.data.users['admin'].id}/disable", headers=as_user("admin")
    )
    assert_problem(own, 409)
    # enabled again: signs in with the password it had; only the admin enables
    assert_problem(client.post(f"/api/v1/users/{clerk_id}/enable", headers=headers), 401)
    assert_problem(
        client.post(f"/api/v1/users/{clerk_id}/enable", headers=as_user("ilsfeld.mayor")), 403
    )
    enabled = client.post(f"/api/v1/users/{clerk_id}/enable", headers=as_user("admin"))
    assert enabled.json()["disabled"] is False
    assert_problem(client.get("/api/v1/auth/me", headers=headers), 401)  # not revived
    again = client.post(
        "/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": "demo"}
    )
    assert again.status_code == 200


def test_admin_creates_a_user_who_can_sign_in(client: Any, as_user: Any) -> None:
    created = client.post(
        "/api/v1/users",
        json={
            "username": "ilsfeld.kaemmerei2",
            "full_name": "Kai Kasse",
            "role": "cosigner",
            "password": "sicheres-passwort",
            "finance_office": True,
        },
        headers=as_user("admin"),
    )
    assert created.status_code == 201, created.text
    assert not {"password", "password_hash"} & set(created.json())
    login = client.post(
        "/api/v1/auth/token",
        data={"username": "ilsfeld.kaemmerei2", "password": "sicheres-passwort"},
    )
    assert login.status_code == 200
    again = client.post(
        "/api/v1/users",
        json={"username": "ilsfeld.kaemmerei2", "full_name": "X", "role": "clerk",
              "password": "123456789012"},
        headers=as_user("admin"),
    )  # fmt: skip
    assert "gibt es bereits" in assert_problem(again, 409)["detail"]


def test_validation_problem_names_each_field_in_german(client: Any, as_user: Any) -> None:
    response = client.post(
        "/api/v1/proposals",
        json={"title": "", "proposal_date": "gestern", "surprise": 1},
        headers=as_user("ilsfeld.clerk"),
    )
    body = assert_problem(response, 422)
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields["title"].startswith("Text zu kurz")
    assert fields["resolution_text"] == "Pflichtangabe fehlt"
    assert fields["proposal_date"].startswith("Datum")
    assert fields["surprise"] == "Unbekanntes Feld"
    assert body["detail"].startswith("Ungültige Eingabe")


def test_json_types_are_taken_at_their_word(world: World, client: Any, as_user: Any) -> None:
    """``true`` is no version and ``1`` no yes/no answer (no silent coercion)."""
    mid = new_meeting(world)
    secretary = as_user("ilsfeld.secretary")
    as_flag = client.post(
        f"/api/v1/meetings/{mid}/transitions",
        json={"trigger": "set_agenda", "expected_version": True},
        headers=secretary,
    )
    body = assert_problem(as_flag, 422)
    assert [e["field"] for e in body["errors"]] == ["expected_version"]
    as_number = client.post(
        f"/api/v1/meetings/{mid}/agenda-items",
        json={"title": "Bekanntgaben", "public": 1, "expected_version": 1},
        headers=secretary,
    )
    assert [e["field"] for e in assert_problem(as_number, 422)["errors"]] == ["public"]
    assert world.get_meeting(mid).version == 1  # nothing was written


def test_malformed_json_unknown_route_and_wrong_method(client: Any, as_user: Any) -> None:
    response = client.post(
        "/api/v1/proposals",
        content=b"{nicht json",
        headers=as_user("ilsfeld.clerk", **{"Content-Type": "application/json"}),
    )
    assert "JSON" in assert_problem(response, 400)["detail"]
    assert assert_problem(client.get("/api/v1/gibt-es-nicht"), 404)["title"] == "Nicht gefunden"
    wrong = client.delete("/api/v1/proposals")
    assert_problem(wrong, 405)
    assert "GET" in wrong.headers["Allow"]


def test_engine_errors_map_to_403_409_422(world: World, client: Any, as_user: Any) -> None:
    pid = new_proposal(world)
    url = f"/api/v1/proposals/{pid}/transitions"
    version = client.get(f"/api/v1/proposals/{pid}", headers=as_user("ilsfeld.clerk")).json()[
        "version"
    ]
    role = client.post(
        url,
        json={"trigger": "release", "expected_version": version},
        headers=as_user("ilsfeld.secretary"),
    )
    # The secretary may release nowhere: a role refusal, in German role names, whatever the
    # state or version.
    refused_anywhere = assert_problem(role, 403)
    assert refused_anywhere["detail"] == (
        'Die Rolle "Sitzungsdienst" darf die Aktion "Freigeben" nicht ausführen '
        "(erlaubt: Bürgermeister/in)."
    )
    state = client.post(
        url,
        json={"trigger": "release", "expected_version": version},
        headers=as_user("ilsfeld.mayor"),
    )
    assert "Entwurf" in assert_problem(state, 409)["detail"]
    refused = client.post(
        url,
        json={"trigger": "submit", "expected_version": version},
        headers=as_user("ilsfeld.secretary"),
    )
    assert assert_problem(refused, 403)["allowed_roles"] == ["clerk", "cosigner", "mayor"]
    guard = client.post(
        url,
        json={"trigger": "withdraw", "expected_version": version},
        headers=as_user("ilsfeld.clerk"),
    )
    body = assert_problem(guard, 422)
    assert body["unmet_guards"] == [
        {"name": "comment_given", "message": "Eine Begründung (Kommentar) ist erforderlich"}
    ]
    assert body["allowed_roles"] == ["clerk", "mayor"]
    stale = client.post(
        url,
        json={"trigger": "submit", "expected_version": version + 5},
        headers=as_user("ilsfeld.clerk"),
    )
    assert "Version" in assert_problem(stale, 409)["detail"]
    role_before_stale = client.post(
        url,
        json={"trigger": "submit", "expected_version": version + 5},
        headers=as_user("ilsfeld.secretary"),
    )
    assert_problem(role_before_stale, 403)
    unknown = client.post(
        url,
        json={"trigger": "zaubern", "expected_version": version + 5},
        headers=as_user("ilsfeld.clerk"),
    )
    problem = assert_problem(unknown, 422)
    assert problem["detail"].startswith('Unbekannte Aktion "zaubern". Bekannte Aktionen: submit,')
    assert problem["errors"][0]["field"] == "trigger"


def test_etag_and_if_match(world: World, client: Any, as_user: Any) -> None:
    pid = new_proposal(world)
    url = f"/api/v1/proposals/{pid}"
    clerk = as_user("ilsfeld.clerk")
    read = client.get(url, headers=clerk)
    etag = read.headers["ETag"]
    assert etag == f'"{read.json()["version"]}"'
    assert_problem(client.patch(url, json={"title": "Ohne Version"}, headers=clerk), 428)
    changed = client.patch(url, json={"title": "Neu"}, headers={**clerk, "If-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = client.patch(url, json={"title": "Zu spät"}, headers={**clerk, "If-Match": etag})
    assert_problem(stale, 412)
    both = client.patch(
        url,
        json={"title": "x", "expected_version": 1},
        headers={**clerk, "If-Match": changed.headers["ETag"]},
    )
    assert_problem(both, 412)
    assert client.get(url, headers=clerk).json()["title"] == "Neu"
    null_title = client.patch(
        url, json={"title": None}, headers={**clerk, "If-Match": changed.headers["ETag"]}
    )
    assert_problem(null_title, 422)


def test_pagination_is_complete_ordered_and_opaque(world: World, client: Any, as_user: Any) -> None:
    ids = sorted(new_proposal(world, title=f"Vorlage {n}") for n in range(5))
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/proposals", params=params, headers=as_user("ilsfeld.clerk"))
        body = page.json()
        assert body["count"] == 5
        seen += [p["id"] for p in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3
    bad = client.get(
        "/api/v1/proposals", params={"cursor": "abc"}, headers=as_user("ilsfeld.clerk")
    )
    assert assert_problem(bad, 422)["errors"][0]["field"] == "cursor"
    assert_problem(client.get("/api/v1/proposals", params={"limit": 201}), 422)
    found = client.get(
        "/api/v1/proposals", params={"q": "vorlage 3"}, headers=as_user("ilsfeld.clerk")
    ).json()
    assert [p["title"] for p in found["data"]] == ["Vorlage 3"]
    drafts = client.get(
        "/api/v1/proposals",
        params={"state": "draft", "year": 2024, "overdue": "false"},
        headers=as_user("ilsfeld.clerk"),
    ).json()
    assert drafts["count"] == 5


def test_deadline_calculator_is_public_and_explains_in_german(client: Any) -> None:
    response = client.get(
        "/api/v1/deadline-calculator",
        params={"date": "2024-03-22", "period": "P1W", "direction": "after"},
    )
    body = response.json()
    assert body["date"] == "2024-04-02"  # 29.03. Karfreitag, 01.04. Ostermontag
    assert any("Karfreitag" in line for line in body["explanation"])
    before = client.get(
        "/api/v1/deadline-calculator",
        params={"date": "2024-04-23", "period": "P7D", "direction": "before"},
    ).json()
    assert before["date"] == "2024-04-16"
    for params in (
        {"date": "2024-02-30", "period": "P1W"},
        {"date": "2024-04-23", "period": "eine Woche"},
        {"date": "2024-04-23", "period": "P1W", "subdiv": "XX"},
    ):
        problem = assert_problem(client.get("/api/v1/deadline-calculator", params=params), 422)
        assert problem["detail"].startswith(("Ungültig", "Unbekannt")), problem


def test_request_id_is_echoed_or_generated(client: Any) -> None:
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/health", headers={"X-Request-ID": "nicht gueltig!"})
    assert made.headers["X-Request-ID"] != "nicht gueltig!"
    assert len(made.headers["X-Request-ID"]) == 32


def test_health_reports_database_and_scheduler(app: FastAPI, client: Any) -> None:
    assert client.get("/health").json() == {
        "status": "ok",
        "database": "ok",
        "scheduler": "disabled",
    }

    class Dead:
        alive = False

    app.state.scheduler = Dead()
    body = assert_problem(client.get("/health"), 503)
    assert body["scheduler"] == "stopped"
    app.state.scheduler = None


def test_metrics_are_prometheus_text(client: Any) -> None:
    client.get("/api/v1/proposals")
    text = client.get("/metrics").text
    assert "# TYPE ratsflow_http_requests_total counter" in text
    assert (
        'ratsflow_http_requests_total{method="GET",route="/api/v1/proposals",status="200"} 1'
        in text
    )
    assert (
        'ratsflow_http_request_duration_seconds_bucket{route="/api/v1/proposals",le="+Inf"} 1'
        in text
    )
    assert "ratsflow_outbox_pending 0" in text


def test_unexpected_errors_become_a_500_problem(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("geheimes Innenleben")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-1"})
    body = assert_problem(response, 500)
    assert "Innenleben" not in response.text
    assert body["request_id"] == "req-1"
    assert response.headers["X-Request-ID"] == "req-1"


def test_users_are_listed_per_municipality(world: World, client: Any, as_user: Any) -> None:
    ilsfeld = world.data.ilsfeld.municipality.id
    page = client.get("/api/v1/users", params={"limit": 3}, headers=as_user("admin")).json()
    expected = [u.username for u in world.data.users.values() if u.municipality_id == ilsfeld]
    assert page["count"] == len(expected)
    assert [u["username"] for u in page["data"]] == expected[:3]
    assert page["next_cursor"]
    assert client.get("/api/v1/users", headers=as_user("flein.clerk")).status_code == 403


def test_an_owner_id_of_nobody_is_refused_before_the_insert(
    world: World, client: Any, as_user: Any
) -> None:
    """An owner id that names no user is a 422 on ``owner_id`` in German, as another town's
    user is (the service checks it; the foreign key is not left to tell a 409)."""
    from tests.integration.flow import new_proposal as make

    pid = make(world)

    def finalize(session: Any) -> None:
        from workflow.models import Proposal

        proposal = session.get(Proposal, pid)
        proposal.state = "final"
        session.add(proposal)

    world.run(finalize)
    response = client.post(
        f"/api/v1/proposals/{pid}/execution-tasks",
        json={"title": "Vollzug", "owner_id": 999_999},
        headers=as_user("ilsfeld.clerk"),
    )
    problem = assert_problem(response, 422)
    assert problem["detail"].startswith("Zuständig kann nur eine Person Ihrer Gemeinde sein")
    assert problem["errors"][0]["field"] == "owner_id"
    listed = client.get(
        f"/api/v1/proposals/{pid}/execution-tasks", headers=as_user("ilsfeld.clerk")
    )
    assert listed.status_code == 200, listed.text
    assert listed.json() == []


def test_advisory_committee_cannot_be_the_deciding_step(
    world: World, client: Any, as_user: Any
) -> None:
    """§ 41 Abs. 1 GemO: a 422 problem names the step's field and the body."""
    created = client.post(
        "/api/v1/bodies",
        json={"name": "Sozialausschuss", "kind": "advisory_committee"},
        headers=as_user("admin"),
    )
    assert created.status_code == 201, created.text
    advisory = created.json()["id"]
    council = world.body_id("Gemeinderat")
    proposal = {
        "title": "Seniorenbeirat",
        "resolution_text": "Der Ausschuss stimmt zu.",
        "proposal_date": "2024-04-08",
    }
    clerk = as_user("ilsfeld.clerk")
    refused = client.post(
        "/api/v1/proposals",
        json={**proposal, "steps": [{"body_id": advisory, "decides": True}]},
        headers=clerk,
    )
    body = assert_problem(refused, 422)
    assert [e["field"] for e in body["errors"]] == ["steps.0.decides"]
    assert 'Beratungsschritt 1: Der beratende Ausschuss "Sozialausschuss"' in body["detail"]
    steps = [{"body_id": advisory, "advises": True}, {"body_id": council, "decides": True}]
    made = client.post("/api/v1/proposals", json={**proposal, "steps": steps}, headers=clerk)
    assert made.status_code == 201, made.text
    replaced = client.put(
        f"/api/v1/proposals/{made.json()['id']}/consultation-plan",
        json={
            "expected_version": made.json()["version"],
            "steps": [
                {"body_id": council, "advises": True},
                {"body_id": advisory, "decides": True},
            ],
        },
        headers=clerk,
    )
    assert [e["field"] for e in assert_problem(replaced, 422)["errors"]] == ["steps.1.decides"]
