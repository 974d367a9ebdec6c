"""Deadlines and notifications over HTTP, and how the server starts (secret key, demo)."""

from __future__ import annotations

import base64
import gc
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from api.app import create_app
from api.security import MissingSecret
from api.server import serve
from tests.api.conftest import TestClient
from tests.api.test_http import assert_problem
from tests.conftest import World, berlin, known
from tests.integration.flow import (
    adopted,
    new_meeting,
    new_proposal,
)
from workflow.definitions.machines import Workflows
from workflow.models import Deadline, Notification
from workflow.runtime import Runtime
from workflow.services.listing import encode_cursor
from workflow.settings import Settings


def test_deadlines_are_listed_per_municipality_and_waived_with_reason(
    world: World, client: Any, as_user: Any
) -> None:
    mid = new_meeting(world)
    secretary = as_user("ilsfeld.secretary")
    listed = client.get(
        "/api/v1/deadlines",
        params={"instance_type": "meeting", "instance_id": mid, "status": "open"},
        headers=secretary,
    ).json()
    assert [d["rule"] for d in listed["data"]] == ["invitation"]
    invitation = listed["data"][0]
    assert invitation["due_date"] == "2024-04-16"
    assert "§ 187" in invitation["explanation"]
    assert client.get("/api/v1/deadlines", headers=as_user("flein.clerk")).json()["count"] == 0
    foreign = client.post(
        f"/api/v1/deadlines/{invitation['id']}/waive",
        json={"reason": "x"},
        headers=as_user("flein.clerk"),
    )
    assert foreign.status_code == 404
    waived = client.post(
        f"/api/v1/deadlines/{invitation['id']}/waive",
        json={"reason": "Sitzung wird kurzfristig einberufen"},
        headers=secretary,
    )
    assert waived.status_code == 200, waived.text
    assert waived.json()["status"] == "waived"
    assert client.get("/api/v1/deadlines").status_code == 401


def test_statutory_deadline_is_not_waived(world: World, client: Any, as_user: Any) -> None:
    """The objection week (§ 43 Abs. 2 GemO) is a must: 409, and it stays open."""
    pid, _, _ = adopted(world)
    mayor = as_user("ilsfeld.mayor")
    query = {"instance_type": "proposal", "instance_id": pid, "status": "open"}
    listed = client.get("/api/v1/deadlines", params=query, headers=mayor).json()
    [window] = [d for d in listed["data"] if d["rule"] == "objection_window"]
    refused = client.post(
        f"/api/v1/deadlines/{window['id']}/waive",
        json={"reason": "Kein Widerspruch beabsichtigt"},
        headers=mayor,
    )
    problem = assert_problem(refused, 409)
    assert "Widerspruchsfrist der Bürgermeisterin" in problem["detail"]
    assert "§ 43 Abs. 2 GemO" in problem["detail"]
    again = client.get("/api/v1/deadlines", params=query, headers=mayor).json()
    assert window["id"] in [d["id"] for d in again["data"]]


def test_notifications_are_the_callers_own(world: World, client: Any, as_user: Any) -> None:
    clerk_id = known(world.data.users["ilsfeld.clerk"].id)

    def notify(session: Any) -> int:
        notification = Notification(
            key="test:1",
            user_id=clerk_id,
            kind="reminder",
            title="Frist läuft ab",
            body="Die Mitzeichnung ist bis morgen zu erledigen.",
            created_at=berlin(date(2024, 4, 8), 7),
        )
        session.add(notification)
        session.flush()
        return int(notification.id or 0)

    nid = world.run(notify)
    clerk = as_user("ilsfeld.clerk")
    unread = client.get("/api/v1/notifications", params={"unread_only": True}, headers=clerk)
    assert [n["id"] for n in unread.json()["data"]] == [nid]
    other = client.post(f"/api/v1/notifications/{nid}/read", headers=as_user("ilsfeld.mayor"))
    assert other.status_code == 404
    read = client.post(f"/api/v1/notifications/{nid}/read", headers=clerk)
    assert read.json()["read_at"] is not None
    again = client.get("/api/v1/notifications", params={"unread_only": True}, headers=clerk)
    assert again.json()["count"] == 0


def _notices(world: World, n: int) -> list[int]:
    """``n`` notices for the clerk, their ids in the order written."""
    clerk_id = known(world.data.users["ilsfeld.clerk"].id)

    def notify(session: Any) -> list[int]:
        rows = [
            Notification(
                key=f"test:notice:{k}",
                user_id=clerk_id,
                kind="reminder",
                title=f"Frist {k}",
                body="Bitte erledigen.",
                created_at=berlin(date(2024, 4, 8), 7),
            )
            for k in range(n)
        ]
        session.add_all(rows)
        session.flush()
        return [int(r.id or 0) for r in rows]

    return list(world.run(notify))


def test_notifications_are_paged_in_the_database(world: World, client: Any, as_user: Any) -> None:
    """Each page holds its own rows, newest first, none twice, none lost, and reads only
    them: a list that grows for years is not loaded whole for each page (issue 14)."""
    ids = _notices(world, 23)
    loaded: list[int] = []

    def count(target: Any, _context: Any) -> None:
        loaded.append(target.id)

    clerk = as_user("ilsfeld.clerk")
    pages: list[list[int]] = []
    cursor: str | None = None
    event.listen(Notification, "load", count)
    try:
        while True:
            params: dict[str, Any] = {"limit": 10} | ({"cursor": cursor} if cursor else {})
            loaded.clear()
            body = client.get("/api/v1/notifications", params=params, headers=clerk).json()
            assert body["count"] == 23
            page = [n["id"] for n in body["data"]]
            # the page's rows and at most the next one (it tells whether there are more)
            assert set(page) <= set(loaded)
            assert len(loaded) <= len(page) + 1
            pages.append(page)
            cursor = body["next_cursor"]
            if cursor is None:
                break
    finally:
        event.remove(Notification, "load", count)
    assert [len(p) for p in pages] == [10, 10, 3]
    assert [i for p in pages for i in p] == sorted(ids, reverse=True)
    # An offset cursor of the earlier paging, or one of another list, is refused.
    for stale in (encode_cursor(40), _keys_cursor(["2024-04-08"])):
        refused = client.get(
            "/api/v1/notifications", params={"limit": 10, "cursor": stale}, headers=clerk
        )
        assert assert_problem(refused, 422)["errors"][0]["field"] == "cursor"


def _keys_cursor(values: Any) -> str:
    raw = json.dumps({"keys": values}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_paging_the_unread_while_marking_them_read_skips_none(
    world: World, client: Any, as_user: Any
) -> None:
    """A client reads the unread notices page by page and marks each page read before it
    asks for the next: with an offset the next page would start past as many unread ones
    as it just marked."""
    ids = _notices(world, 25)
    clerk = as_user("ilsfeld.clerk")
    seen: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 10, "unread_only": True}
        body = client.get(
            "/api/v1/notifications",
            params=params | ({"cursor": cursor} if cursor else {}),
            headers=clerk,
        ).json()
        for notice in body["data"]:
            seen.append(notice["id"])
            marked = client.post(f"/api/v1/notifications/{notice['id']}/read", headers=clerk)
            assert marked.status_code == 200, marked.text
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)


def test_serve_refuses_to_start_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from workflow.settings import get_settings

    monkeypatch.delenv("RATSFLOW_SECRET_KEY", raising=False)
    monkeypatch.setattr("api.server.configure_logging", lambda: None)
    get_settings.cache_clear()
    try:
        assert serve("127.0.0.1", 0, demo=False) == 1
    finally:
        get_settings.cache_clear()
    assert "RATSFLOW_SECRET_KEY ist nicht gesetzt" in capsys.readouterr().err
    with pytest.raises(MissingSecret):
        create_app(Settings(secret_key=None))


def test_serve_freezes_what_startup_built_before_serving(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Full collections skip the startup heap (``api.server.freeze_startup_heap``): it is
    frozen, the app with it, when uvicorn gets the app."""
    from workflow.settings import get_settings

    monkeypatch.setenv("RATSFLOW_SECRET_KEY", "operations-test-secret-0123456789abcdef")
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setattr("api.server.configure_logging", lambda: None)
    frozen_when_served: list[int] = []
    seen_by_collections: list[bool] = []

    def run(app: Any, listener: Any) -> None:
        frozen_when_served.append(gc.get_freeze_count())
        seen_by_collections.append(any(obj is app for obj in gc.get_objects()))

    monkeypatch.setattr("api.server.run_app", run)
    get_settings.cache_clear()
    try:
        assert serve("127.0.0.1", 0, demo=False) == 0
    finally:
        gc.unfreeze()
        get_settings.cache_clear()
    assert len(frozen_when_served) == 1
    assert frozen_when_served[0] > 10_000
    assert seen_by_collections == [False]


def test_demo_mode_plays_the_story_and_signs_in_with_demo(
    db: Engine, workflows: Workflows, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(secret_key=None)
    runtime = Runtime(settings=settings, engine=db, workflows=workflows)
    app = create_app(settings, demo=True, runtime=runtime, start_scheduler=False)
    assert app.state.settings.secret_key  # a random key per process, with a warning
    assert "RATSFLOW_SECRET_KEY fehlt" in caplog.text
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": "ilsfeld.mayor", "password": "demo"}
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        found = client.get("/api/v1/proposals", params={"q": "Integrations"}, headers=headers)
    assert found.status_code == 200
    story = [p for p in found.json()["data"] if p["label"] == "8/2024"]
    assert story
    assert story[0]["state"] == "executed"


def test_scheduler_starts_and_stops_with_the_app(world: World, settings: Settings) -> None:
    runtime = Runtime(settings=settings, engine=world.engine, workflows=world.workflows)
    app = create_app(settings, runtime=runtime, start_scheduler=True)
    with TestClient(app) as client:
        assert client.get("/health").json()["scheduler"] == "running"
        scheduler = app.state.scheduler
    assert not scheduler.alive


def test_rescheduling_moves_the_invitation_deadline(
    world: World, client: Any, as_user: Any
) -> None:
    """Verlegung before the invitation: § 34 Abs. 1 GemO's 7 days count from the new day."""
    mid = new_meeting(world)  # Gemeinderat, 23.04.2024; the clock stands at 08.04.2024
    url = f"/api/v1/meetings/{mid}/reschedule"
    secretary = as_user("ilsfeld.secretary")
    move = {"meeting_date": "2024-04-30", "reason": "Saal belegt"}
    assert client.post(url, json=move, headers=secretary).status_code == 428
    move_v1 = {**move, "expected_version": 1}
    assert client.post(url, json=move_v1, headers=as_user("flein.clerk")).status_code == 404
    assert client.post(url, json=move_v1, headers=as_user("ilsfeld.clerk")).status_code == 403
    stale = client.post(url, json={**move, "expected_version": 7}, headers=secretary)
    assert stale.status_code == 409
    past = client.post(
        url, json={**move, "meeting_date": "2024-04-01", "expected_version": 1}, headers=secretary
    )
    assert past.status_code == 422
    assert past.json()["errors"][0]["field"] == "meeting_date"
    moved = client.post(url, json={**move, "expected_version": 1}, headers=secretary)
    assert moved.status_code == 200, moved.text
    assert moved.json()["meeting_date"] == "2024-04-30"
    assert moved.headers["ETag"] == f'"{moved.json()["version"]}"'
    deadlines = client.get(
        "/api/v1/deadlines",
        params={"instance_type": "meeting", "instance_id": mid, "status": "open"},
        headers=secretary,
    ).json()["data"]
    assert [d["due_date"] for d in deadlines] == ["2024-04-23"]  # 30.04. − 7 days
    history = client.get(f"/api/v1/meetings/{mid}/history", headers=secretary).json()
    assert history[-1]["trigger"] == "reschedule"
    assert history[-1]["comment"] == "Saal belegt"


def test_open_deadlines_paged_while_one_is_met_skip_none(
    world: World, client: Any, as_user: Any
) -> None:
    """Pages of the open deadlines in due-date order (ties by id), while one of the first
    page is met before the next is asked for: every other open one comes exactly once."""
    pid = new_proposal(world, title="Viele Fristen")
    town = world.data.ilsfeld.municipality.id
    first_day = date(2024, 5, 6)

    def open_deadlines(session: Any) -> list[int]:
        rows = [
            Deadline(
                instance_type="proposal",
                instance_id=pid,
                municipality_id=town,
                rule=f"test_{n}",
                label=f"Frist {n}",
                due_date=first_day + timedelta(days=n % 3),  # ties: three per day
                opened_seq=1,
            )
            for n in range(9)
        ]
        session.add_all(rows)
        session.flush()
        return [int(r.id or 0) for r in sorted(rows, key=lambda r: (r.due_date, r.id))]

    ordered = world.run(open_deadlines)
    clerk = as_user("ilsfeld.clerk")
    params: dict[str, Any] = {"instance_type": "proposal", "instance_id": pid, "status": "open"}
    first = client.get("/api/v1/deadlines", params=params | {"limit": 4}, headers=clerk).json()
    assert [d["id"] for d in first["data"]] == ordered[:4]
    met = ordered[1]

    def meet(session: Any) -> None:
        deadline = session.get(Deadline, met)
        deadline.status = "met"
        session.add(deadline)

    world.run(meet)
    rest: list[int] = []
    cursor = first["next_cursor"]
    while cursor:
        body = client.get(
            "/api/v1/deadlines", params=params | {"limit": 4, "cursor": cursor}, headers=clerk
        ).json()
        rest += [d["id"] for d in body["data"]]
        cursor = body["next_cursor"]
    assert rest == ordered[4:]


def test_a_forged_cursor_is_refused_not_a_server_error(client: Any, as_user: Any) -> None:
    clerk = as_user("ilsfeld.clerk")
    for forged in ([10**30], [True], [1.5], ["x"], [None], [1, 2], {"a": 1}):
        answer = client.get(
            "/api/v1/notifications", params={"cursor": _keys_cursor(forged)}, headers=clerk
        )
        assert assert_problem(answer, 422)["errors"][0]["field"] == "cursor", forged
    beyond = base64.urlsafe_b64encode(json.dumps({"after": 10**30}).encode()).decode()
    for listing in ("/api/v1/proposals", "/api/v1/meetings", "/api/v1/decision-requests"):
        answer = client.get(listing, params={"cursor": beyond.rstrip("=")}, headers=clerk)
        assert assert_problem(answer, 422)["errors"][0]["field"] == "cursor", listing
    dated = client.get(
        "/api/v1/deadlines", params={"cursor": _keys_cursor(["2024-13-01", 1])}, headers=clerk
    )
    assert assert_problem(dated, 422)["errors"][0]["field"] == "cursor"
