"""Accounts after their creation: the holder changes his password on "Einstellungen" (the
current one checked, and counted like a sign-in when wrong); the admin sets a new one for a
forgotten password and corrects name, address and office, only for accounts of his
municipality."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, known
from tests.integration.flow import new_proposal
from workflow.models import User
from workflow.services.throttle import FREE_FAILURES

NEW = "Mein-neues-Rathaus-2026"


def _change(client: TestClient, current: str, new: str, repeat: str | None = None) -> Any:
    page = client.get("/einstellungen").text
    return client.post(
        "/einstellungen/passwort",
        data={
            "csrf_token": csrf_of(page),
            "current_password": current,
            "new_password": new,
            "new_password_repeat": new if repeat is None else repeat,
        },
        follow_redirects=False,
    )


def _hash(world: World, username: str) -> str | None:
    return world.run(
        lambda s: s.exec(select(User.password_hash).where(User.username == username)).one()
    )


def test_a_user_changes_his_password_and_signs_in_with_the_new_one(
    world: World, client: TestClient
) -> None:
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/einstellungen").text
    assert "Passwort ändern" in page
    assert 'autocomplete="current-password"' in page
    before = _hash(world, "ilsfeld.clerk")
    refusals = {
        ("", NEW, NEW): "Bitte geben Sie Ihr bisheriges Passwort ein.",
        ("demo", "kurz", "kurz"): "Das Passwort muss mindestens 12 Zeichen lang sein.",
        ("demo", NEW, NEW + "x"): "Die beiden Passwörter stimmen nicht überein.",
        ("falsch-geraten", NEW, NEW): "Das bisherige Passwort ist nicht richtig.",
    }
    for (current, new, repeat), message in refusals.items():
        refused = _change(client, current, new, repeat)
        assert refused.status_code == 422, message
        assert message in refused.text
        assert NEW not in refused.text, "a typed password is never shown again"
    assert _hash(world, "ilsfeld.clerk") == before

    done = _change(client, "demo", NEW)
    assert done.status_code == 303
    assert "Ihr Passwort ist geändert." in client.get("/einstellungen").text
    assert _hash(world, "ilsfeld.clerk") != before

    client.post("/abmelden", data={"csrf_token": csrf_of(client.get("/").text)})
    assert sign_in(client, "ilsfeld.clerk").status_code == 401
    assert sign_in(client, "ilsfeld.clerk", NEW).status_code == 303


def test_guessing_the_current_password_is_throttled_like_a_sign_in(
    world: World, client: TestClient
) -> None:
    sign_in(client, "ilsfeld.clerk")
    for _ in range(FREE_FAILURES["account"] + 1):  # the free failures, then one that waits
        assert _change(client, "geraten", NEW).status_code == 422
    blocked = _change(client, "demo", NEW)  # even the right one waits now
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert "Zu viele falsche Passwörter" in blocked.text
    assert sign_in(client, "ilsfeld.clerk").status_code == 429, "the account waits everywhere"


def test_the_admin_sets_a_new_password_for_a_forgotten_one(
    world: World, app: FastAPI, client: TestClient, clock: FixedClock
) -> None:
    council = world.data.users["ilsfeld.council"].id
    flein = world.data.users["flein.clerk"].id
    sign_in(client, "admin")
    page = client.get(f"/verwaltung/benutzer/{council}").text
    assert "Neues Passwort setzen" in page
    form = f"/verwaltung/benutzer/{council}/passwort"
    short = client.post(
        form, data={"csrf_token": csrf_of(page), "password": "kurz", "password_repeat": "kurz"}
    )
    assert short.status_code == 422
    assert "Das Passwort muss mindestens 12 Zeichen lang sein." in short.text
    other = client.post(
        f"/verwaltung/benutzer/{flein}/passwort",
        data={"csrf_token": csrf_of(page), "password": NEW, "password_repeat": NEW},
    )
    assert other.status_code == 404, "Flein's accounts are not Ilsfeld's admin's"
    done = client.post(
        form,
        data={"csrf_token": csrf_of(page), "password": NEW, "password_repeat": NEW},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert (
        "Das neue Passwort für „ilsfeld.council“ ist gesetzt."
        in client.get(done.headers["location"]).text
    )

    with TestClient(app) as councillor:
        assert sign_in(councillor, "ilsfeld.council").status_code == 401
        assert sign_in(councillor, "ilsfeld.council", NEW).status_code == 303
        page = councillor.get("/").text
        refused = councillor.post(
            f"/verwaltung/benutzer/{council}/passwort",
            data={"csrf_token": csrf_of(page), "password": NEW, "password_repeat": NEW},
        )
        assert refused.status_code in (403, 404), "only the admin sets other people's"


def test_the_admin_corrects_an_account_and_keeps_what_was_typed_when_refused(
    world: World, client: TestClient, as_user: Any
) -> None:
    council = world.data.users["ilsfeld.council"].id
    sign_in(client, "admin")
    page = client.get(f"/verwaltung/benutzer/{council}").text
    form = f"/verwaltung/benutzer/{council}/konto"
    typed = {"full_name": "Anna Bauer-Schmid", "email": "keine adresse", "department": ""}
    refused = client.post(form, data={"csrf_token": csrf_of(page), **typed})
    assert refused.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in refused.text
    assert 'value="Anna Bauer-Schmid"' in refused.text
    assert 'value="keine adresse"' in refused.text
    saved = client.post(
        form,
        data={"csrf_token": csrf_of(page), **typed, "email": "anna.bauer@ilsfeld.de"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    user = world.run(lambda s: known(s.get(User, council)))
    assert (user.full_name, user.email, user.username, user.role) == (
        "Anna Bauer-Schmid",
        "anna.bauer@ilsfeld.de",
        "ilsfeld.council",
        "council_member",
    )

    # the JSON API alike: the admin of the municipality only, and no field it does not know
    url = f"/api/v1/users/{council}"
    body = {"full_name": "Anna Bauer", "email": None, "department": "Gemeinderat"}
    assert client.put(url, json=body, headers=as_user("ilsfeld.mayor")).status_code == 403
    assert (
        client.put(url, json={**body, "role": "mayor"}, headers=as_user("admin")).status_code == 422
    )
    flein = world.data.users["flein.clerk"].id
    elsewhere = client.put(f"/api/v1/users/{flein}", json=body, headers=as_user("admin"))
    assert elsewhere.status_code == 404
    done = client.put(url, json=body, headers=as_user("admin"))
    assert done.status_code == 200
    assert (done.json()["full_name"], done.json()["email"], done.json()["role"]) == (
        "Anna Bauer",
        None,
        "council_member",
    )


def test_a_new_password_ends_every_other_sign_in_of_the_account(
    world: World, app: FastAPI, client: TestClient
) -> None:
    """A password changed because it leaked shuts out whoever used it: the account's other
    web sessions and its API tokens end; the session that changed it goes on."""
    sign_in(client, "ilsfeld.clerk")
    token = client.post(
        "/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": "demo"}
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    actions = f"/api/v1/proposals/{new_proposal(world)}/actions"
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    with TestClient(app) as elsewhere:
        sign_in(elsewhere, "ilsfeld.clerk")
        assert elsewhere.get("/", follow_redirects=False).status_code == 200
        assert _change(client, "demo", NEW).status_code == 303
        assert client.get("/", follow_redirects=False).status_code == 200, "this one goes on"
        ended = elsewhere.get("/", follow_redirects=False)
        assert ended.status_code == 303
        assert ended.headers["location"].startswith("/anmelden")
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    assert client.get(actions, headers=bearer).status_code == 401  # the fast path too
    fresh = client.post(
        "/api/v1/auth/token", data={"username": "ilsfeld.clerk", "password": NEW}
    ).json()["access_token"]
    assert client.get(actions, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200

    # the admin's new password for a forgotten one ends the holder's sessions too
    with TestClient(app) as councillor, TestClient(app) as admin:
        sign_in(councillor, "ilsfeld.council")
        sign_in(admin, "admin")
        council = world.data.users["ilsfeld.council"].id
        page = admin.get(f"/verwaltung/benutzer/{council}").text
        admin.post(
            f"/verwaltung/benutzer/{council}/passwort",
            data={"csrf_token": csrf_of(page), "password": NEW, "password_repeat": NEW},
        )
        assert councillor.get("/", follow_redirects=False).status_code == 303
        assert admin.get("/verwaltung", follow_redirects=False).status_code == 200
