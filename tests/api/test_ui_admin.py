"""Verwaltung over HTTP: users with the JSON API's password policy, deactivation, bodies,
members and remits; only the municipality's admin, only its own data."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from tests.api.conftest import TestClient
from tests.api.helpers import scene
from tests.api.test_council_requests_http import _create
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.documents import html_text
from workflow.models import Body, Membership, Proposal, User


def _user(world: World, username: str) -> User | None:
    with Session(world.engine) as session:
        return session.exec(select(User).where(User.username == username)).first()


def test_an_admin_creates_a_user_under_the_password_policy(
    world: World, client: TestClient
) -> None:
    sign_in(client, "admin")
    page = client.get("/verwaltung")
    assert page.status_code == 200
    assert "Sachbearbeitung" in page.text
    assert "Mitzeichnung (Kämmerei)" in page.text  # the finance office
    assert "Mitzeichnung (Amtsleitung)" in page.text  # a head of department
    assert "(Amtsleitung, Kämmerei) (Kämmerei)" not in page.text
    # the hint names the length the check refuses below (it once said 8)
    assert "Mindestens 12 Zeichen." in page.text
    token = csrf_of(page.text)
    form = {"csrf_token": token, "full_name": "Petra Kurz", "username": "Ilsfeld Kurz",
            "role": "clerk", "password": "kurz", "password_repeat": "anders"}  # fmt: skip
    refused = client.post("/verwaltung/benutzer", data=form)
    assert refused.status_code == 422
    assert "mindestens 12 Zeichen" in refused.text
    assert "Die beiden Passwörter stimmen nicht überein." in refused.text
    assert "Kleinbuchstaben" in refused.text
    assert 'href="#password"' in refused.text
    # the summary lists the mistakes in the form's order: name, user name, passwords
    form_fields = ['href="#full_name"', 'href="#username"', 'href="#password"']
    form.update(full_name="")
    refused = client.post("/verwaltung/benutzer", data=form)
    places = [refused.text.find(f) for f in form_fields]
    assert -1 not in places
    assert places == sorted(places), places
    form.update(full_name="Petra Kurz")
    assert _user(world, "Ilsfeld Kurz") is None
    form.update(username="ilsfeld.kurz", password="lang-genug-1", password_repeat="lang-genug-1")
    made = client.post("/verwaltung/benutzer", data=form)
    assert "Das Konto „ilsfeld.kurz“ für Petra Kurz (Sachbearbeitung) wurde angelegt." in made.text
    created = _user(world, "ilsfeld.kurz")
    assert created is not None
    assert created.role == "clerk"
    assert created.municipality_id == world.data.ilsfeld.municipality.id
    twice = client.post("/verwaltung/benutzer", data=form)
    assert twice.status_code == 422
    assert "gibt es bereits" in twice.text
    # the new account signs in with its password
    client.post("/abmelden", data={"csrf_token": csrf_of(made.text)})
    assert sign_in(client, "ilsfeld.kurz", password="lang-genug-1").status_code == 303


def test_an_admin_deactivates_a_user(world: World, client: TestClient) -> None:
    sign_in(client, "admin")
    target = _user(world, "ilsfeld.council")
    assert target is not None
    token = csrf_of(client.get("/verwaltung").text)
    done = client.post(f"/verwaltung/benutzer/{target.id}/deaktivieren", data={"csrf_token": token})
    assert "wurde deaktiviert" in done.text
    assert _user(world, "ilsfeld.council").disabled  # type: ignore[union-attr]
    flein = _user(world, "flein.clerk")
    other = client.post(f"/verwaltung/benutzer/{flein.id}/deaktivieren", data={"csrf_token": token})  # type: ignore[union-attr]
    assert other.status_code == 404
    assert not _user(world, "flein.clerk").disabled  # type: ignore[union-attr]
    assert sign_in(client, "ilsfeld.council").status_code == 401

    # back from leave: enabled again, with the password it had
    sign_in(client, "admin")
    page = client.get("/verwaltung").text
    assert f'action="/verwaltung/benutzer/{target.id}/aktivieren"' in page
    assert f'action="/verwaltung/benutzer/{target.id}/deaktivieren"' not in page
    again = client.post(
        f"/verwaltung/benutzer/{target.id}/aktivieren", data={"csrf_token": csrf_of(page)}
    )
    assert "ist wieder aktiv" in again.text
    assert not _user(world, "ilsfeld.council").disabled  # type: ignore[union-attr]
    assert flein is not None
    elsewhere = client.post(
        f"/verwaltung/benutzer/{flein.id}/aktivieren", data={"csrf_token": csrf_of(page)}
    )
    assert elsewhere.status_code == 404
    assert sign_in(client, "ilsfeld.council").status_code == 303


def test_bodies_members_and_remit(world: World, client: TestClient) -> None:
    sign_in(client, "admin")
    body_id = world.body_id("Technischer Ausschuss")
    page = client.get(f"/verwaltung/gremien/{body_id}")
    assert page.status_code == 200
    token = csrf_of(page.text)
    empty = client.post(f"/verwaltung/gremien/{body_id}/mitglieder", data={"csrf_token": token})
    assert empty.status_code == 422
    added = client.post(
        f"/verwaltung/gremien/{body_id}/mitglieder",
        data={"csrf_token": token, "person_name": "Hanna Neu", "role": "member", "voting": "ja"},
    )
    assert "Hanna Neu ist jetzt Mitglied." in added.text
    with Session(world.engine) as session:
        seats = session.exec(select(Membership).where(Membership.body_id == body_id)).all()
    assert any(m.voting for m in seats)
    saved = client.post(
        f"/verwaltung/gremien/{body_id}/aufgabengebiet",
        data={"csrf_token": token, "remit": ["bauwesen", "tiefbau"]},
    )
    assert "wurde gespeichert" in saved.text
    assert world.get(Body, body_id).remit == ["bauwesen", "tiefbau"]
    bad = client.post(
        f"/verwaltung/gremien/{body_id}/aufgabengebiet",
        data={"csrf_token": token, "remit": ["nichts"]},
    )
    assert bad.status_code == 422
    flein_body = world.body_id("Gemeinderat", town="flein")
    assert client.get(f"/verwaltung/gremien/{flein_body}").status_code == 404


def test_only_admins_administer(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/verwaltung")
    assert page.status_code == 403
    assert "Administration" in page.text
    assert 'href="/verwaltung"' not in client.get("/").text


def test_a_councillor_s_account_is_given_his_person_in_the_bodies(
    world: World, client: TestClient
) -> None:
    """The seat in the Gemeinderat belongs to the person: a council account made without it
    would be invited to nothing and could sign no Antrag. The form offers the persons who
    have no account yet and requires one for a Gemeinderat."""
    anna, bernd = world.data.ilsfeld.councillors[:2]  # Anna has an account, Bernd none
    sign_in(client, "admin")
    page = client.get("/verwaltung").text
    field = page.split('for="person_id"')[1].split("</select>")[0]
    assert "Pflicht für Gemeinderäte" in field
    assert f'<option value="{bernd.id}"' in field
    assert f'<option value="{anna.id}"' not in field
    form = {"csrf_token": csrf_of(page), "full_name": bernd.name, "username": "ilsfeld.keller",
            "role": "council_member", "password": "lang-genug-1",
            "password_repeat": "lang-genug-1"}  # fmt: skip
    refused = client.post("/verwaltung/benutzer", data=form)
    assert refused.status_code == 422
    assert 'href="#person_id"' in refused.text
    assert "Bitte wählen Sie die Person, die im Gremium sitzt" in refused.text
    assert _user(world, "ilsfeld.keller") is None
    for odd in ("abc", "99999999999", "999999"):  # typed in: refused in words, never a 500
        assert (
            client.post("/verwaltung/benutzer", data={**form, "person_id": odd}).status_code == 422
        )
    made = client.post("/verwaltung/benutzer", data={**form, "person_id": str(bernd.id)})
    assert "wurde angelegt" in made.text
    created = _user(world, "ilsfeld.keller")
    assert created is not None
    assert created.person_id == bernd.id
    taken = client.post(
        "/verwaltung/benutzer",
        data={**form, "username": "ilsfeld.keller2", "person_id": str(anna.id)},
    )
    assert taken.status_code == 422
    assert "hat bereits ein Benutzerkonto" in taken.text


def test_the_admin_starts_at_verwaltung_and_the_workflows(client: TestClient) -> None:
    """The admin handles no resolutions: his start page leads to Verwaltung and the
    Abläufe, without tasks or "Neu seit" of Vorlagen and Sitzungen, and his navigation
    has no Vorlagen or Fristen (nor the pages themselves: below)."""
    sign_in(client, "admin")
    start = client.get("/")
    assert start.status_code == 200
    assert "<title>Übersicht – Ratsflow</title>" in start.text
    assert 'href="/verwaltung#benutzer"' in start.text
    assert 'href="/workflows/proposal"' in start.text
    assert "Neu seit" not in start.text
    assert "Jetzt zu erledigen" not in start.text
    nav = start.text.split('aria-label="Hauptnavigation"')[1].split("</nav>")[0]
    assert 'href="/verwaltung"' in nav
    assert 'href="/einstellungen"' in nav
    assert 'href="/vorlagen"' not in nav
    assert 'href="/fristen"' not in nav
    assert 'href="/sitzungen"' not in nav
    assert client.get("/workflows/proposal").status_code == 200
    sign_in(client, "ilsfeld.clerk")
    clerk = client.get("/").text
    assert "Jetzt zu erledigen" in clerk
    clerk_nav = clerk.split('aria-label="Hauptnavigation"')[1].split("</nav>")[0]
    assert 'href="/vorlagen"' in clerk_nav
    assert 'href="/fristen"' in clerk_nav


def test_the_council_s_matters_are_refused_to_the_admin(
    world: World, client: TestClient, as_user: Any
) -> None:
    """Typed in, the pages of Vorlagen, Sitzungen, Fristen, Anträge, the Beschlusskontrolle,
    the Abfragen and the Rechtmäßigkeit are refused to the system administration with the
    usual 403 page (a non-public Vorlage is confidential, § 35 GemO); the mayor opens them."""
    ids = scene(world)
    request = _create(client, as_user, world).json()["id"]
    pages = (
        "/vorlagen",
        f"/vorlagen/{ids.draft}",
        f"/vorlagen/{ids.secret}",
        f"/vorlagen/{ids.secret}/fassungen",
        f"/vorlagen/{ids.secret}/dokumente/vorlage.pdf",
        "/vorlagen/neu",
        "/sitzungen",
        "/sitzungen/kalender",
        f"/sitzungen/{ids.meeting}",
        f"/sitzungen/{ids.meeting}/durchfuehren",
        f"/sitzungen/{ids.meeting}/sitzungsmappe.pdf",
        f"/sitzungen/{ids.meeting}/top/{ids.secret_item}/dokumente/vorlage.pdf",
        "/fristen",
        "/antraege",
        f"/antraege/{request}",
        "/beschlusskontrolle",
        "/abfragen",
        "/rechtmaessigkeit",
    )
    sign_in(client, "admin")
    for path in pages:
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert "text/html" in refused.headers["content-type"], path
        text = html_text(refused.content)
        assert "nicht der Systemadministration" in text, path
        assert "Grundstück" not in text, path  # nothing of the non-public Vorlage
        assert "Zur Übersicht" in text, path  # his start page, not Meine Aufgaben
        assert text.count("Keine Berechtigung") == 1, path  # the heading, not the alert again
    # nor can he post a Vorlage of his own: refused before anything is stored
    token = csrf_of(client.get("/verwaltung").text)
    posted = client.post("/vorlagen/neu", data={"csrf_token": token, "title": "Test"})
    assert posted.status_code == 403
    with Session(world.engine) as session:
        assert session.exec(select(Proposal).where(Proposal.title == "Test")).first() is None
    # what is his stays open
    for path in ("/", "/verwaltung", "/workflows/proposal", "/einstellungen"):
        assert client.get(path).status_code == 200, path

    sign_in(client, "ilsfeld.mayor")
    for path in pages:
        opened = client.get(path)
        assert "nicht der Systemadministration" not in opened.text, path
        assert opened.status_code == 200, path
