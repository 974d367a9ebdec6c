"""Every form of the web UI, posted with odd values by each role, answers without a 500.

The pages parse what people type by hand (``workflow.digits``); a value no column can
hold (an id beyond 32 bits, a NUL byte, 5000 characters) must come back as the form's
German error or a 404, never as an "interner Fehler". The forms are found on the pages
themselves, so a new form is covered without touching this test.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from fastapi import FastAPI

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import (
    MEETING_DAY,
    in_session,
    new_meeting,
    new_proposal,
    released,
    scheduled,
    submitted,
    vote,
)
from tests.integration.test_decisions import response, send
from workflow.digits import is_digits
from workflow.services import council_requests, minutes_objections

ODD = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "31.02.2026",
    "x" * 5000,
    "<script>",
    "NaN",
    "30.387,20",
    "ä" * 300,
    "\x00",
]
TOO_BIG = "99999999999999999999"
ROLES = [
    "ilsfeld.clerk",
    "ilsfeld.head",
    "ilsfeld.secretary",
    "ilsfeld.mayor",
    "ilsfeld.council",
    "lra.coordinator",
    "admin",  # last: its forms change other people's accounts
]
# Signing out ends the round; files are no form text.
SKIPPED = re.compile(r"^/(abmelden|anlagen/|api/)|\.(pdf|csv|docx|ics|zip|json|xml|svg)$")
LINKED_PAGES = 16  # beyond the seeds: the action pages the seeds link to


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → the value the page offers


class Forms(HTMLParser):
    """The forms of a page with their fields, and the page's own links."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action") or self.page)
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        if tag in ("input", "button"):
            if a.get("type") in ("checkbox", "radio") and name in form.fields:
                return
            form.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            form.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if not form.fields[self._select] or "selected" in a:
                form.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _prepared(world: World, clock: FixedClock) -> list[str]:
    """Something on every page that has forms: a closed session (its minutes to sign, an
    Einwendung to decide), a draft, a submitted Vorlage, a session in progress with one item
    still to vote on, another one planned, an Antrag, the Landratsamt's Abfrage with
    Ilsfeld's answer to give. Returns the pages to begin with."""
    closed_day = date(2024, 4, 16)
    earlier = released(world, title="Feuerwehrhaus")
    closed = new_meeting(world, day=closed_day)
    scheduled(world, earlier, closed)
    vote(
        world, earlier, dict.fromkeys(in_session(world, closed, day=closed_day), "yes"), closed_day
    )
    world.fire("proposal", earlier, "adopt", "ilsfeld.secretary", berlin(closed_day, 20))
    world.fire("meeting", closed, "close_session", "ilsfeld.mayor", berlin(closed_day, 21))
    draft = new_proposal(world, title="Entwurf Spielplatz")
    cosign = new_proposal(world, title="Mitzeichnung Friedhof")
    submitted(world, cosign)
    adopted_id, pending = released(world), released(world, title="Kindergartengebühren")
    held = new_meeting(world)
    scheduled(world, adopted_id, held)
    scheduled(world, pending, held)  # still to be voted on: the sitting's forms are open
    present = in_session(world, held)
    vote(world, adopted_id, dict.fromkeys(present, "yes"))
    world.fire("proposal", adopted_id, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    planned = new_meeting(world, day=date(2024, 5, 14))
    scheduled(world, released(world, title="Sanierung Rathaus"), planned)
    request = world.run(
        lambda s: council_requests.create_request(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(date(2024, 4, 8), 9),
            body_id=world.body_id("Gemeinderat"),
            kind="agenda_request",
            subject="Tempo 30 in der Hauptstraße",
            received_on=date(2024, 4, 8),
            signer_person_ids=[p.id or 0 for p in world.data.ilsfeld.councillors[:5]],
        )
    )
    # an Einwendung against the closed session's minutes, for the form that decides it
    world.run(
        lambda s: minutes_objections.raise_objection(
            session=s,
            actor=world["ilsfeld.council"],
            now=berlin(closed_day, 22),
            meeting_id=closed,
            text="TOP 1 ist unvollständig wiedergegeben.",
        )
    )
    asked = send(world)  # the Landratsamt's Abfrage, with Ilsfeld's answer to give
    answer = response(world, asked, "Ilsfeld").id
    clock.now = berlin(MEETING_DAY, 21)
    town = world.data.ilsfeld.municipality.id
    return [
        "/",
        "/vorlagen",
        "/vorlagen/neu",
        f"/vorlagen/{draft}",
        f"/vorlagen/{draft}/bearbeiten",
        f"/vorlagen/{cosign}",
        f"/vorlagen/{adopted_id}",
        f"/vorlagen/{adopted_id}/fassungen",
        f"/vorlagen/{adopted_id}/veroeffentlichung",
        "/sitzungen",
        "/sitzungen/neu",
        f"/sitzungen/{held}",
        f"/sitzungen/{held}/durchfuehren",
        f"/sitzungen/{closed}",
        f"/sitzungen/{closed}/durchfuehren",
        f"/sitzungen/{closed}/einwendungen",
        f"/sitzungen/{planned}",
        f"/sitzungen/{planned}/durchfuehren",
        "/antraege",
        "/antraege/neu",
        f"/antraege/{request.id}",
        "/abfragen",
        "/abfragen/neu",
        f"/abfragen/{asked}",
        f"/abfragen/{asked}/antworten/{answer}",
        "/beschlusskontrolle",
        "/rechtmaessigkeit",
        "/fristen",
        "/einstellungen",
        "/verwaltung",
        f"/verwaltung/benutzer/{world.data.users['ilsfeld.council'].id}",
        f"/verwaltung/gremien/{world.body_id('Gemeinderat')}",
        "/sitzungen/kalender",
        f"/oeffentlich/{town}/suche",
        f"/oeffentlich/{town}",
        f"/oeffentlich/{town}/vorlagen",
    ]


# Posted into every field of every form: nothing, a number no column holds, text no field
# takes, a NUL (PostgreSQL refuses it in text). The other odd values go round the forms,
# ODD_PER_FORM to each, so every one reaches many forms at a third of the posts (the test
# runs on both databases; all of ODD to each form took 90 s on PostgreSQL).
ALWAYS = ["", TOO_BIG, "x" * 5000, "\x00"]
ODD_PER_FORM = 2


def _posts(form: Form, rng: random.Random) -> list[dict[str, str]]:
    """Every field at once with each of ALWAYS and ODD_PER_FORM more odd values; each
    field alone too big for an id while the others keep what the page offers (so the form
    gets past its first check); and seeded mixtures."""
    names = [n for n in form.fields if n != "csrf_token"]
    others = [odd for odd in ODD if odd not in ALWAYS]
    posts = [dict.fromkeys(names, odd) for odd in ALWAYS + rng.sample(others, ODD_PER_FORM)]
    offered = {n: form.fields[n] for n in names}
    # one of each kind of number field: "vote-12" stands for every member's vote
    kinds = {re.sub(r"\d+", "N", n): n for n in reversed(names) if is_digits(offered[n] or "0")}
    posts += [{**offered, name: TOO_BIG} for name in kinds.values()]
    posts += [
        {n: rng.choice(ODD) if rng.random() < 0.5 else form.fields[n] for n in names}
        for _ in range(2)
    ]
    return posts


def _action(form: Form) -> str:
    parts = urlsplit(form.action)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _forms(client: TestClient, seeds: list[str], failures: list[str], role: str) -> list[Form]:
    """The forms on the seed pages and the pages they link to, as the role sees them before
    it posts anything (a posted Einreichen would take the Bearbeiten form away)."""
    queue, seen, found = list(seeds), set(seeds), []
    for _ in range(len(seeds) + LINKED_PAGES):
        if not queue:
            break
        path = queue.pop(0)
        page = client.get(path)
        if page.status_code >= 500:
            failures.append(f"{role} GET {path}: {page.status_code}")
        if "text/html" not in page.headers.get("content-type", ""):
            continue
        parsed = Forms(path)
        parsed.feed(page.text)
        found += parsed.forms
        for link in parsed.links:
            link = link.split("#")[0]
            if link and link not in seen and not SKIPPED.search(link.split("?")[0]):
                seen.add(link)
                queue.append(link)
    # the workflow's steps last: they move things on, and the other forms go with them
    return sorted(found, key=lambda f: "/aktionen/" in f.action)


def test_no_form_answers_odd_values_with_a_server_error(
    world: World, app: FastAPI, clock: FixedClock
) -> None:
    seeds = _prepared(world, clock)
    rng = random.Random(20240423)
    tried: set[tuple[str, str, frozenset[str]]] = set()
    failures: list[str] = []
    for role in ROLES:
        with TestClient(app, raise_server_exceptions=False) as client:
            assert sign_in(client, role).status_code == 303, role
            token = csrf_of(client.get("/").text)
            for form in _forms(client, seeds, failures, role):
                action = _action(form)
                # the same form for the next member or item: tried once
                shape = re.sub(r"\d+", "N", action.split("?")[0])
                key = (form.method, shape, frozenset(form.fields))
                if key in tried or SKIPPED.search(action.split("?")[0]):
                    continue
                tried.add(key)
                for data in _posts(form, rng):
                    if form.method == "post":
                        sent = client.post(
                            action, data={**data, "csrf_token": token}, follow_redirects=False
                        )
                    else:
                        sent = client.get(action, params=data, follow_redirects=False)
                    if sent.status_code >= 500:
                        shown = {k: v[:24] for k, v in data.items()}
                        failures.append(
                            f"{role} {form.method.upper()} {action} {shown}: {sent.status_code}"
                        )
    assert len(tried) > 40, "the pages offer their forms"
    assert failures == []
