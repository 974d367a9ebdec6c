"""A route that uses the database runs in the thread pool, never in the event loop.

On PostgreSQL a request waiting for a row lock must not hold the event loop: the request
holding the lock commits in the session dependency's exit, which is scheduled from the event
loop, so both would wait for ever and the process would answer nothing more. Page routes
read their form in an async dependency (``api.ui.web.PostedForm``) and are plain ``def``.
With them: what a failed request keeps of its transaction (nothing), on pages and the API.
"""

from __future__ import annotations

import inspect
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlmodel import Session, select

from api.deps import SessionDep, get_session
from api.ui.web import PageRoute
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.flow import new_proposal
from tests.parallel import run_parallel
from workflow.db import is_postgres
from workflow.errors import InvalidInput
from workflow.models import AuditEvent, Proposal, UserDeputy

RACERS = 6


def _uses(dependant: Dependant, call: Any) -> bool:
    return any(d.call is call or _uses(d, call) for d in dependant.dependencies)


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """The app's routes, also those of included routers (FastAPI keeps those apart)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)


def test_no_route_with_a_database_session_runs_in_the_event_loop(app: FastAPI) -> None:
    with_session = [r for r in _api_routes(app.routes) if _uses(r.dependant, get_session)]
    assert len(with_session) > 100
    assert any(r.path == "/vorlagen/{proposal_id}/aktionen/{trigger}" for r in with_session)
    in_loop = [
        f"{r.methods} {r.path}" for r in with_session if inspect.iscoroutinefunction(r.endpoint)
    ]
    assert in_loop == []


def test_a_vorlage_action_sent_at_once_answers_every_click(
    world: World, client: TestClient
) -> None:
    """Six clicks on "Zur Mitzeichnung geben" at once: one submits, the others are told
    that the Vorlage changed meanwhile (a banner on its page, or the form again with the
    stale version refused), and none waits for ever on the row the first one locked."""
    pid = new_proposal(world)
    assert sign_in(client, "ilsfeld.clerk").status_code == 303
    page = client.get(f"/vorlagen/{pid}/aktionen/submit").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": csrf_of(page), "version": version, "cosigners": ["ilsfeld.head"]}

    def click(_: int) -> Any:
        return client.post(f"/vorlagen/{pid}/aktionen/submit", data=data, follow_redirects=False)

    answers = run_parallel(RACERS, click, timeout=90)
    assert None not in answers, "a click got no answer: the process stalled"
    assert not [a for a in answers if isinstance(a, Exception)], answers
    done = [a for a in answers if a.headers.get("location") == f"/vorlagen/{pid}"]
    assert len(done) == 1, [(a.status_code, a.headers.get("location")) for a in answers]
    for lost in (a for a in answers if a not in done):
        if lost.status_code == 303:  # the new state offers no submit: the page with a banner
            assert lost.headers["location"] == f"/vorlagen/{pid}#meldungen"
        else:  # it passed the offer before the winner committed: the version check refused
            assert lost.status_code == 409, lost.text[-500:]
            assert "inzwischen von jemand anderem geändert" in lost.text
    assert world.get(Proposal, pid).state == "cosigning"
    submits = world.run(
        lambda s: s.exec(
            select(AuditEvent.id).where(
                AuditEvent.instance_id == pid, AuditEvent.trigger == "submit"
            )
        ).all()
    )
    assert len(submits) == 1
    assert client.get(f"/vorlagen/{pid}").status_code == 200


def test_a_request_waiting_for_a_row_lock_leaves_the_event_loop_free(
    world: World, client: TestClient
) -> None:
    """The Vorlage's row is locked by another transaction (as a concurrent request holds it
    until its commit): the click waits for the lock in a pool thread, and the process goes
    on answering; once the lock is gone, the click is answered too."""
    if not is_postgres(world.engine):
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer at a time (api.turns)")
    pid = new_proposal(world)
    assert sign_in(client, "ilsfeld.clerk").status_code == 303
    page = client.get(f"/vorlagen/{pid}/aktionen/submit").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": csrf_of(page), "version": version, "cosigners": ["ilsfeld.head"]}
    with world.engine.connect() as holder:
        holder.execute(text("SELECT id FROM proposal WHERE id = :id FOR UPDATE"), {"id": pid})
        clicked: list[Any] = []
        click = threading.Thread(
            target=lambda: clicked.append(
                client.post(f"/vorlagen/{pid}/aktionen/submit", data=data, follow_redirects=False)
            ),
            daemon=True,
        )
        click.start()
        _until_a_backend_waits_for_a_lock(holder)
        other = run_parallel(1, lambda _: client.get("/static/ratsflow.css"), timeout=15)
        holder.rollback()  # the lock is released
    click.join(60)
    assert other[0] is not None, "the process answered nothing while one request waited"
    assert other[0].status_code == 200
    assert [c.headers.get("location") for c in clicked] == [f"/vorlagen/{pid}"]


def _until_a_backend_waits_for_a_lock(holder: Connection) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    deadline = time.monotonic() + 30
    # pg_stat_activity is read once per transaction unless its snapshot is cleared
    while holder.execute(text("SELECT pg_stat_clear_snapshot()")) and (
        holder.execute(waiting).scalar() == 0
    ):
        assert time.monotonic() < deadline, "the click never reached the locked row"
        time.sleep(0.05)


def test_a_stale_click_is_told_the_vorlage_changed(world: World, client: TestClient) -> None:
    pid = new_proposal(world)
    assert sign_in(client, "ilsfeld.clerk").status_code == 303
    page = client.get(f"/vorlagen/{pid}/aktionen/submit").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": csrf_of(page), "version": version, "cosigners": ["ilsfeld.head"]}
    first = client.post(f"/vorlagen/{pid}/aktionen/submit", data=data)
    assert "Neuer Stand: In Mitzeichnung" in first.text
    again = client.post(f"/vorlagen/{pid}/aktionen/submit", data=data, follow_redirects=False)
    assert again.status_code == 303
    shown = client.get(again.headers["location"]).text
    assert (
        "Die Vorlage wurde inzwischen geändert; diese Aktion ist im jetzigen Stand nicht mehr "
        "möglich." in shown
    )
    # without a version (no page it came from), an action the state lacks stays unknown
    unknown = client.post(
        f"/vorlagen/{pid}/aktionen/submit", data={"csrf_token": data["csrf_token"]}
    )
    assert unknown.status_code == 404


def test_a_failed_page_keeps_nothing_it_wrote(world: World, app: FastAPI, client: Any) -> None:
    """``PageRoute`` turns a failure into an error page inside the dependency stack, so the
    session dependency never sees the exception: what the route wrote before failing is
    rolled back all the same, as on the API."""
    router = APIRouter(route_class=PageRoute)
    pid = new_proposal(world)

    @router.post("/_renamed-then-failed")
    def renamed_then_failed(db: SessionDep) -> None:
        proposal = db.get(Proposal, pid)
        assert proposal is not None
        proposal.title = "Umbenannt"
        db.add(proposal)
        db.flush()
        raise InvalidInput("Abgelehnt.")

    app.include_router(router)
    assert sign_in(client, "ilsfeld.clerk").status_code == 303
    token = csrf_of(client.get("/").text)
    failed = client.post("/_renamed-then-failed", data={"csrf_token": token})
    assert failed.status_code == 422
    assert "Abgelehnt." in failed.text
    assert world.get(Proposal, pid).title == "Neubau Bauhof"


def test_a_constraint_the_services_did_not_check_is_a_conflict(
    world: World, app: FastAPI, client: Any, as_user: Any
) -> None:
    """A concurrent duplicate the services could not see beforehand reaches the database's
    unique key: a 409 in words (problem+json on the API, a page on the screen), and the
    request keeps nothing it wrote before."""
    head, finance = (world.data.users[n].id or 0 for n in ("ilsfeld.head", "ilsfeld.finance"))
    pid = new_proposal(world)

    def rename_and_seat_twice(db: Session) -> None:
        proposal = db.get(Proposal, pid)
        assert proposal is not None
        proposal.title = "Umbenannt"
        db.add(proposal)
        db.flush()
        db.add(UserDeputy(user_id=head, deputy_id=finance))
        db.flush()
        db.add(UserDeputy(user_id=head, deputy_id=finance))
        db.flush()

    api = APIRouter()
    page = APIRouter(route_class=PageRoute)

    @api.post("/api/v1/_twice")
    def twice_api(db: SessionDep) -> None:
        rename_and_seat_twice(db)

    @page.post("/_twice")
    def twice_page(db: SessionDep) -> None:
        rename_and_seat_twice(db)

    app.include_router(api)
    app.include_router(page)
    answer = client.post("/api/v1/_twice", headers=as_user("admin"))
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"].startswith("Die Änderung widerspricht vorhandenen Daten")
    assert sign_in(client, "ilsfeld.clerk").status_code == 303
    shown = client.post("/_twice", data={"csrf_token": csrf_of(client.get("/").text)})
    assert shown.status_code == 409
    assert "Die Änderung widerspricht vorhandenen Daten" in shown.text
    assert world.get(Proposal, pid).title == "Neubau Bauhof"
    seats = world.run(
        lambda s: s.exec(select(UserDeputy.id).where(UserDeputy.user_id == head)).all()
    )
    assert seats == []
