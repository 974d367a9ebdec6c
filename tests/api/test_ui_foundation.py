"""The web UI's foundation over HTTP: sign-in, session cookie, CSRF, errors as German pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.conftest import TestClient
from tests.api.helpers import SECRET_TITLE, secret_proposal
from tests.conftest import World, known
from workflow.models import Proposal

HTML = {"Accept": "text/html"}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries the CSRF token"
    return match.group(1)


def field_of(html: str, fid: str) -> str:
    """A form field's label, hint and opening tag, by its id."""
    start = html.index(f'for="{fid}"')
    return html[start : html.index(">", html.index(f'id="{fid}" name=', start))]


def sign_in(client: TestClient, username: str, password: str = "demo", next: str = "/") -> Any:
    token = csrf_of(client.get("/anmelden").text)
    return client.post(
        "/anmelden",
        data={"csrf_token": token, "username": username, "password": password, "next": next},
        follow_redirects=False,
    )


def test_pages_redirect_to_sign_in_with_the_way_back(client: TestClient) -> None:
    response = client.get("/vorlagen?jahr=2024", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/anmelden?next=%2Fvorlagen%3Fjahr%3D2024"


def test_sign_in_sets_a_protected_cookie_and_goes_back(client: TestClient) -> None:
    response = sign_in(client, "ilsfeld.clerk", next="/vorlagen")
    assert response.status_code == 303
    assert response.headers["location"] == "/vorlagen"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("ratsflow_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in the test; https sets it (below)
    page = client.get("/")
    assert page.status_code == 200
    assert "<title>Meine Aufgaben – Ratsflow</title>" in page.text
    assert "Sachbearbeitung" in page.text
    assert "Gemeinde Ilsfeld" in page.text
    assert "clerk" not in page.text.replace("ilsfeld.clerk", "")


def test_cookie_is_secure_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        response = sign_in(client, "ilsfeld.clerk")
    cookies = response.headers.get_list("set-cookie")
    assert all("Secure" in c for c in cookies if c.startswith("ratsflow_session="))


def test_wrong_password_is_refused_in_words(client: TestClient) -> None:
    response = sign_in(client, "ilsfeld.clerk", password="falsch")
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_missing_fields_are_named_at_the_field_and_in_the_summary(client: TestClient) -> None:
    token = csrf_of(client.get("/anmelden").text)
    response = client.post("/anmelden", data={"csrf_token": token, "username": ""})
    assert response.status_code == 422
    assert 'href="#username"' in response.text
    assert 'id="username-fehler"' in response.text
    assert "Bitte geben Sie Ihren Benutzernamen ein." in response.text


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_site(client: TestClient, target: str) -> None:
    response = sign_in(client, "ilsfeld.clerk", next=target)
    assert response.headers["location"] == "/"


def test_a_form_without_csrf_token_is_refused(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    response = client.post("/abmelden", data={})
    assert response.status_code == 403
    assert "Formular abgelehnt" in response.text
    assert "Sicherheitsschlüssel" in response.text
    assert client.get("/").status_code == 200, "still signed in: the form did nothing"
    forged = client.post("/abmelden", data={"csrf_token": "x" * 43})
    assert forged.status_code == 403


def test_a_form_sent_after_the_login_expired_leads_back_to_its_page(
    client: TestClient,
) -> None:
    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get("/einstellungen").text)
    client.cookies.clear()  # the session cookie expired while the form was open
    sent = client.post(
        "/einstellungen",
        data={"csrf_token": token, "mail": ["nichts"]},
        headers={"Referer": "http://testserver/einstellungen", **HTML},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/anmelden?next=%2Feinstellungen"
    login = client.get(sent.headers["location"]).text
    assert "Ihre Anmeldung ist abgelaufen; das Formular wurde nicht gespeichert." in login
    # a foreign Referer is not followed
    client.cookies.clear()
    elsewhere = client.post(
        "/einstellungen",
        data={"csrf_token": token},
        headers={"Referer": "https://evil.example/einstellungen"},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/anmelden?next=%2F"


def test_sign_in_without_token_is_refused(client: TestClient) -> None:
    response = client.post("/anmelden", data={"username": "ilsfeld.clerk", "password": "demo"})
    assert response.status_code == 403


def test_htmx_sends_the_token_as_header(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get("/").text)
    response = client.post(
        "/abmelden", headers={"X-CSRF-Token": token, "HX-Request": "true"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_and_rotates_the_token(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    before = csrf_of(client.get("/").text)
    out = client.post("/abmelden", data={"csrf_token": before})
    assert "Sie wurden abgemeldet." in out.text
    assert csrf_of(out.text) != before
    assert client.get("/", follow_redirects=False).status_code == 303


def test_an_api_bearer_token_is_no_session_cookie(client: TestClient, as_user: Any) -> None:
    bearer = as_user("ilsfeld.clerk")["Authorization"].split()[1]
    client.cookies.set("ratsflow_session", bearer)
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "path", ["/vorlagen/999999", "/vorlagen/abc", "/vorlagen/0", "/vorlagen/1/aktionen/x", "/nix"]
)
def test_unknown_pages_are_not_found_in_german(client: TestClient, path: str) -> None:
    sign_in(client, "ilsfeld.clerk")
    response = client.get(path, headers=HTML)
    assert response.status_code == 404
    assert "Nicht gefunden" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_api_paths_keep_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nix", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_another_municipality_does_not_see_a_non_public_vorlage(
    world: World, client: TestClient
) -> None:
    secret = secret_proposal(world)
    sign_in(client, "flein.council")
    response = client.get(f"/vorlagen/{secret}")
    assert response.status_code == 404
    # Neither the internal id nor the label (5/2024) another municipality's Vorlage has:
    # it reads as one that does not exist.
    assert "Diese Beschlussvorlage wurde nicht gefunden." in response.text
    assert f"Beschlussvorlage {secret} " not in response.text
    label = world.run(lambda s: known(s.get(Proposal, secret)).label)
    assert label not in response.text
    assert SECRET_TITLE not in response.text
    missing = client.get(f"/vorlagen/{secret + 1000}")
    assert missing.status_code == 404
    assert "Diese Beschlussvorlage wurde nicht gefunden." in missing.text
    assert str(secret + 1000) not in missing.text.split("<main")[1]
    meeting = client.get("/sitzungen/987654")
    assert meeting.status_code == 404
    assert "Diese Sitzung wurde nicht gefunden." in meeting.text
    assert "987654" not in meeting.text.split("<main")[1]
    listing = client.get("/vorlagen?suche=Geheim")
    assert SECRET_TITLE not in listing.text


def test_vendored_assets_are_served_locally(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/").text
    assert "http://" not in page.split("<body")[0]
    assert "https://" not in page.split("<body")[0]
    for asset in (
        "/static/vendor/kern/kern.min.css",
        "/static/vendor/kern/fonts/fira-sans.css",
        "/static/vendor/kern/fonts/fira-sans/FiraSans-Regular.woff2",
        "/static/vendor/kern/js/kern-kopfzeile.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/ratsflow.css",
    ):
        assert client.get(asset).status_code == 200, asset


def test_pages_name_their_icon_so_no_browser_asks_for_a_missing_favicon(
    client: TestClient,
) -> None:
    """Without a declared icon every browser asks for /favicon.ico, a 404 on each page (in
    the console and the access log); the page names one that needs no request."""
    for path in ("/anmelden", "/oeffentlich"):
        head = client.get(path).text.split("</head>")[0]
        icon = re.search(r'<link rel="icon" href="([^"]+)"', head)
        assert icon is not None, path
        assert icon.group(1).startswith("data:") or client.get(icon.group(1)).status_code == 200


def test_a_member_subscribes_to_the_personal_calendar(client: TestClient) -> None:
    sign_in(client, "ilsfeld.council")
    page = client.get("/einstellungen").text
    assert "Kalender abonnieren" in page
    assert "/calendar/users/" not in page
    made = client.post(
        "/einstellungen/kalender", data={"csrf_token": csrf_of(page)}, follow_redirects=True
    )
    assert "Die Adresse Ihres Kalenders ist erzeugt." in made.text
    first = re.search(r'value="http://testserver(/calendar/users/[A-Za-z0-9_-]+\.ics)"', made.text)
    assert first is not None
    feed = client.get(first.group(1))
    assert feed.status_code == 200
    assert feed.text.startswith("BEGIN:VCALENDAR")
    renewed = client.post(
        "/einstellungen/kalender", data={"csrf_token": csrf_of(made.text)}, follow_redirects=True
    )
    assert "die bisherige nicht mehr" in renewed.text
    second = re.search(
        r'value="http://testserver(/calendar/users/[A-Za-z0-9_-]+\.ics)"', renewed.text
    )
    assert second is not None
    assert second.group(1) != first.group(1)
    assert client.get(first.group(1)).status_code == 404  # the old subscription ends
