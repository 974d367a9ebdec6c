"""Das öffentliche Portal /oeffentlich and the public feeds: anonymous, German, only what
§ 41b GemO published; non-public things do not exist there (404, not 403)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

from sqlmodel import Session, select

from tests.api.conftest import FixedClock
from tests.api.helpers import SECRET_TITLE
from tests.api.public_story import HIDDEN_ATTACHMENT, published_session
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.documents import pdf_text
from tests.integration.flow import released
from workflow.collation import german_key
from workflow.models import Body, Membership, Municipality

HTML = {"accept": "text/html"}


def test_portal_pages_show_only_published_matter(world: World, client: Any, as_user: Any) -> None:
    ids = published_session(world, client, as_user)
    town = world.data.ilsfeld.municipality.id
    base = f"/oeffentlich/{town}"
    pages = [
        "/oeffentlich",
        base,
        f"{base}/gremien/{world.body_id('Gemeinderat')}",
        f"{base}/sitzungen?jahr=2024",
        f"{base}/sitzungen/{ids['meeting']}",
        f"{base}/vorlagen",
        f"{base}/vorlagen/{ids['adopted']}",
        f"{base}/beschluesse",
        f"{base}/suche?q=Festhalle",
    ]
    for path in pages:
        got = client.get(path, headers=HTML)
        assert got.status_code == 200, (path, got.text[:300])
        assert got.headers["content-type"].startswith("text/html")
        assert '<html lang="de"' in got.text
        assert SECRET_TITLE not in got.text, path
        assert HIDDEN_ATTACHMENT not in got.text, path
    assert "1 öffentliche Sitzung im Jahr 2024." in client.get(f"{base}/sitzungen?jahr=2024").text
    empty_year = client.get(f"{base}/sitzungen?jahr=2030").text
    assert "Im Jahr 2030 gibt es keine öffentlichen Sitzungen." in empty_year
    # The year links lead to the years with meetings and the coming one, not to 1989.
    calendar = client.get(f"{base}/sitzungen?jahr=2024").text
    assert "sitzungen?jahr=2023" not in calendar
    assert "sitzungen?jahr=2025" in calendar
    assert "sitzungen?jahr=2031" not in empty_year
    assert "sitzungen?jahr=1989" not in client.get(f"{base}/sitzungen?jahr=1990").text
    meeting = client.get(f"{base}/sitzungen/{ids['meeting']}").text
    assert "Sanierung der Festhalle" in meeting
    # The public notice and the public part's papers in one file, each a link that works
    # without an account.
    papers = meeting.split('id="unterlagen"')[1].split("</section>")[0]
    for document in (
        f"/api/v1/meetings/{ids['meeting']}/documents/bekanntmachung.pdf",
        f"/api/v1/meetings/{ids['meeting']}/sitzungsmappe.pdf",
    ):
        assert f'href="{document}"' in papers
        got = client.get(document)
        assert got.status_code == 200, (document, got.text[:200])
        assert got.headers["content-type"] == "application/pdf"
        assert SECRET_TITLE not in pdf_text(got.content), document  # § 35 Abs. 1 GemO
    assert "Öffentliche Bekanntmachung (PDF)" in papers
    assert "Beschlossen" in meeting
    assert "Uhr Uhr" not in meeting
    assert "Dienstag, 23.04.2024, 18:00 Uhr" in meeting
    search = client.get(f"{base}/suche", params={"q": "festhalle"}).text
    assert f"/oeffentlich/{town}/vorlagen/{ids['adopted']}" in search
    assert "Lageplan.pdf" in client.get(f"{base}/vorlagen/{ids['adopted']}").text
    assert "Sanierung der Festhalle" in client.get(f"{base}/beschluesse").text


def test_nothing_non_public_exists_in_the_portal(world: World, client: Any, as_user: Any) -> None:
    ids = published_session(world, client, as_user)
    town = world.data.ilsfeld.municipality.id
    flein = world.data.flein.municipality.id
    draft = released(world, title="Noch nicht versandt")
    for path in (
        f"/oeffentlich/{town}/vorlagen/{ids['secret']}",  # non-public (§ 35 Abs. 1)
        f"/oeffentlich/{town}/vorlagen/{ids['withdrawn']}",  # withheld (§ 41b Abs. 2 S. 3)
        f"/oeffentlich/{town}/vorlagen/{draft}",  # released, not yet sent to the members
        f"/oeffentlich/{flein}/vorlagen/{ids['adopted']}",  # another municipality's path
        f"/oeffentlich/{flein}/sitzungen/{ids['meeting']}",
        f"/oeffentlich/{town}/gremien/{world.body_id('Gemeinderat', 'flein')}",
        "/oeffentlich/999999",
        f"/oeffentlich/{town}/vorlagen/abc",
    ):
        got = client.get(path, headers=HTML)
        assert got.status_code == 404, path
        assert "nicht gefunden" in got.text.lower() or "Nicht gefunden" in got.text
    # Signed in makes no difference: the portal is the public's view.
    got = client.get(
        f"/oeffentlich/{town}/vorlagen/{ids['secret']}",
        headers={**HTML, **as_user("ilsfeld.secretary")},
    )
    assert got.status_code == 404


def test_atom_feed_of_published_sessions_and_resolutions(
    world: World, client: Any, as_user: Any
) -> None:
    ids = published_session(world, client, as_user)
    town = world.data.ilsfeld.municipality.id
    got = client.get(f"/oeffentlich/{town}/feed.atom")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(got.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "Beschlossen: Sanierung der Festhalle" in titles
    assert any(t and t.startswith("Sitzung des Gemeinderats am 23.04.2024") for t in titles)
    links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]  # type: ignore[union-attr]
    # Without RATSFLOW_BASE_URL, links point where the request went.
    assert f"http://testserver/oeffentlich/{town}/vorlagen/{ids['adopted']}" in links
    assert SECRET_TITLE not in got.text
    assert client.get("/oeffentlich/999999/feed.atom").status_code == 404


def test_municipality_calendar_without_token(world: World, client: Any, as_user: Any) -> None:
    ids = published_session(world, client, as_user)
    town = world.data.ilsfeld.municipality.id
    got = client.get(f"/calendar/municipalities/{town}.ics")
    assert got.status_code == 200
    text = got.text.replace("\r\n ", "")
    assert f"http://testserver/oeffentlich/{town}/sitzungen/{ids['meeting']}" in text
    assert "Sanierung der Festhalle" in text
    assert SECRET_TITLE not in text
    assert client.get("/calendar/municipalities/999999.ics").status_code == 404


def test_the_secretary_marks_redactions_on_the_vorlage_page(
    world: World, client: Any, as_user: Any
) -> None:
    ids = published_session(world, client, as_user)
    pid = ids["adopted"]
    sign_in(client, "ilsfeld.secretary")
    detail = client.get(f"/vorlagen/{pid}").text
    assert f"/vorlagen/{pid}/veroeffentlichung" in detail
    # Published with the invitation long ago: no future tense.
    assert "Keine Schwärzungen: vollständige Veröffentlichung mit der Einladung" in detail
    form = client.get(f"/vorlagen/{pid}/veroeffentlichung")
    assert form.status_code == 200
    assert "Sachvortrag" in form.text
    saved = client.post(
        f"/vorlagen/{pid}/veroeffentlichung",
        data={
            "csrf_token": csrf_of(form.text),
            "feld_facts": "personal_data",
            "withheld_reason": "",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    town = world.data.ilsfeld.municipality.id
    page = client.get(f"/oeffentlich/{town}/vorlagen/{pid}").text
    assert "Angaben in Sachvortrag" in page
    assert (
        "1 Angabe wird in der Veröffentlichung ausgelassen." in client.get(f"/vorlagen/{pid}").text
    )
    bad = client.post(
        f"/vorlagen/{pid}/veroeffentlichung",
        data={"csrf_token": csrf_of(form.text), "feld_facts": "geheim"},
    )
    assert bad.status_code == 422
    assert "Unbekannte Schwärzung" in bad.text
    assert "personal_data (personenbezogene Daten)" in bad.text  # the words beside the codes
    client.cookies.clear()
    sign_in(client, "ilsfeld.council")
    assert client.get(f"/vorlagen/{pid}/veroeffentlichung").status_code == 403
    # another municipality's redactions are not shown, not even that there are any
    sign_in(client, "flein.clerk")
    foreign = client.get(f"/vorlagen/{pid}/veroeffentlichung")
    assert foreign.status_code == 404
    assert "Angaben der Vorlage" not in foreign.text


def test_crawlers_may_index_the_portal_only(client: Any) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert robots.headers["content-type"].startswith("text/plain")
    assert "Allow: /oeffentlich\n" in robots.text
    assert "Allow: /api/v1/proposals/*/documents/\n" in robots.text  # the portal's PDFs
    assert robots.text.rstrip().endswith("Disallow: /")
    assert '<meta name="robots" content="noindex, nofollow">' in client.get("/anmelden").text
    portal = client.get("/oeffentlich").text
    assert "noindex" not in portal
    # The machine-readable entry is named in words, not by its path.
    assert (
        '<a class="kern-link" href="/oparl/v1/system">Einstieg in die OParl-Schnittstelle' in portal
    )
    missing = client.get("/oeffentlich/999999", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert 'href="/oeffentlich">Zu den öffentlichen Ratsinformationen' in missing.text


def test_a_session_held_today_is_no_longer_coming(
    world: World, client: Any, as_user: Any, clock: Any
) -> None:
    from tests.conftest import berlin
    from tests.integration.flow import MEETING_DAY

    ids = published_session(world, client, as_user)
    town = world.data.ilsfeld.municipality.id
    link = f'href="/oeffentlich/{town}/sitzungen/{ids["meeting"]}"'
    clock.now = berlin(MEETING_DAY, 8)
    page = client.get(f"/oeffentlich/{town}").text
    assert "Nächste öffentliche Sitzungen" in page
    coming = page.split('id="termine"')[1].split("</section>")[0]
    assert link not in coming  # held on the evening of MEETING_DAY, the story's state


def test_the_portal_lists_its_municipalities_in_german_order(world: World, client: Any) -> None:
    """A municipality joining later is filed by its name, not at the end (by its id), and
    an umlaut as its base letter."""

    def join(session: Session) -> None:
        for name in ("Ölbronn", "Abstatt-Nord"):
            town = Municipality(name=name, district_id=world.data.district.id)
            session.add(town)
            session.flush()
            session.add(Body(municipality_id=town.id or 0, name="Gemeinderat"))

    world.run(join)
    page = client.get("/oeffentlich", headers=HTML).text
    section = page.split('id="gemeinden"')[1].split("</section>")[0]
    names = re.findall(r'href="/oeffentlich/\d+">([^<]+)</a>', section)
    assert names == ["Abstatt-Nord", "Flein", "Ilsfeld", "Ölbronn"]


def test_the_portal_lists_the_fraktionen_with_their_members(
    world: World, client: Any, as_user: Any
) -> None:
    """Öffentlich: the council's current Fraktionen and members (§ 32a GemO), linked from
    the Gemeinderat's page; a dissolved one and other towns' are not listed."""
    ilsfeld = world.data.ilsfeld.municipality.id
    council = world.body_id("Gemeinderat")
    council_page = f"/oeffentlich/{ilsfeld}/gremien/{council}"
    link = f'href="/oeffentlich/{ilsfeld}/fraktionen"'
    assert link not in client.get(council_page).text  # none formed yet
    assert link not in client.get(f"/oeffentlich/{ilsfeld}").text
    secretary = as_user("ilsfeld.secretary")
    anna, bernd, claudia = world.data.ilsfeld.councillors[:3]
    for name, short, members in (
        ("Freie Wähler", "FW", [(anna.id, "member"), (bernd.id, "chair")]),
        ("Bürgerliste", "", [(claudia.id, "member")]),
        ("CDU", "", []),
    ):
        formed = client.post(
            "/api/v1/factions", json={"name": name, "short_name": short}, headers=secretary
        )
        assert formed.status_code == 201, formed.text
        fid, etag = formed.json()["id"], formed.headers["etag"]
        staffed = client.put(
            f"/api/v1/factions/{fid}/members",
            json={"members": [{"person_id": p, "role": r} for p, r in members]},
            headers={**secretary, "If-Match": etag},
        )
        assert staffed.status_code == 200, staffed.text
        if name == "Bürgerliste":
            gone = client.post(
                f"/api/v1/factions/{fid}/dissolve",
                json={},
                headers={**secretary, "If-Match": staffed.headers["etag"]},
            )
            assert gone.status_code == 200, gone.text

    assert link in client.get(council_page).text
    assert link in client.get(f"/oeffentlich/{ilsfeld}").text  # and from the overview
    committee = client.get(
        f"/oeffentlich/{ilsfeld}/gremien/{world.body_id('Technischer Ausschuss')}"
    )
    assert link not in committee.text
    page = client.get(f"/oeffentlich/{ilsfeld}/fraktionen")
    assert page.status_code == 200
    assert "<title>Fraktionen – " in page.text
    headings = re.findall(
        r'<h2 class="kern-heading-medium" id="fraktion-\d+">([^<]+)</h2>', page.text
    )
    assert headings == ["CDU", "Freie Wähler (FW)"]
    free = page.text.split("Freie Wähler (FW)</h2>")[1].split("</section>")[0]
    assert re.findall(r"<li>([^<]+)</li>", free) == [f"{bernd.name} (Vorsitz)", anna.name]
    assert "Keine Mitglieder eingetragen." in page.text.split("CDU</h2>")[1].split("</section>")[0]
    assert "Bürgerliste" not in page.text
    assert claudia.name not in page.text
    assert f'href="{council_page}"' in page.text
    flein = client.get(f"/oeffentlich/{world.data.flein.municipality.id}/fraktionen")
    assert "Keine Fraktionen eingetragen." in flein.text
    assert client.get("/oeffentlich/999999/fraktionen").status_code == 404


def test_odd_portal_filters_are_explained_or_ignored(
    world: World, client: Any, clock: FixedClock
) -> None:
    """A year that is no number shows the current year, as the internal lists ignore it; an
    over-long Suchbegriff is refused in words naming the field and its limit, kept."""
    base = f"/oeffentlich/{world.data.ilsfeld.municipality.id}"
    calendar = client.get(f"{base}/sitzungen?jahr=abc", headers=HTML)
    assert calendar.status_code == 200
    assert f'<h1 class="kern-heading-large">Sitzungskalender {clock.now.year}</h1>' in calendar.text
    long = "a" * 5000
    search = client.get(f"{base}/suche", params={"q": long}, headers=HTML)
    assert search.status_code == 422
    summary = search.text.split('id="fehler"')[1].split("</div>\n</div>")[0]
    assert "Der Suchbegriff darf höchstens 200 Zeichen lang sein." in summary
    assert 'href="#q"' in summary
    assert f'value="{long}"' in search.text
    assert client.get(f"{base}/suche", params={"q": "a" * 200}, headers=HTML).status_code == 200


def test_the_portal_brand_leads_home_to_the_portal_not_to_the_sign_in(
    world: World, client: Any
) -> None:
    """The public has no account: "Ratsflow" in the header of a portal page leads to the
    portal (the town's overview), since "/" only answers with the sign-in form."""
    town = world.data.ilsfeld.municipality.id
    index = client.get("/oeffentlich", headers=HTML).text
    assert '<a class="rf-brand" href="/oeffentlich">' in index
    for path in (f"/oeffentlich/{town}", f"/oeffentlich/{town}/vorlagen"):
        page = client.get(path, headers=HTML).text
        brand = page.split('<a class="rf-brand"')[1].split("</a>")[0]
        assert f'href="/oeffentlich/{town}"' in brand, path
        assert "Gemeinde Ilsfeld" in brand, path
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_portal_lists_today_s_members_of_a_body_chair_first(world: World, client: Any) -> None:
    """Gremium page: the chair heads the list (not filed under "Bürgermeister…"), the rest
    by name; a member whose seat has ended is no longer listed (§ 31 GemO)."""
    council = world.body_id("Gemeinderat")
    anna, bernd = world.data.ilsfeld.councillors[:2]

    def leave(session: Session) -> None:
        seat = session.exec(
            select(Membership).where(
                Membership.body_id == council, Membership.person_id == bernd.id
            )
        ).one()
        seat.end_date = date(2024, 1, 31)
        session.add(seat)

    world.run(leave)
    page = client.get(
        f"/oeffentlich/{world.data.ilsfeld.municipality.id}/gremien/{council}", headers=HTML
    ).text
    section = page.split('id="mitglieder"')[1].split("</ul>")[0]
    names = re.findall(r'<li id="person-\d+">([^<]+)</li>', section)
    assert names[0].endswith("(Vorsitz)"), names
    rest = names[1:]
    assert anna.name in rest
    assert bernd.name not in section
    assert rest == sorted(rest, key=german_key)
