"""OParl 1.1 at /oparl/v1/system: a crawl of everything, checked against the official schemas
(tests/oparl_schema, CC BY-SA 4.0) and the rules they cannot express (docs/oparl.md)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.api.helpers import SECRET_TITLE
from tests.api.public_story import HIDDEN_ATTACHMENT, published_session
from tests.conftest import World
from tests.integration.flow import DAY, MEETING_DAY
from workflow.models import Proposal

SCHEMAS = Path(__file__).resolve().parent.parent / "oparl_schema"
ROOT = "http://testserver/oparl/v1/system"
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
TYPE = re.compile(r"^https://schema\.oparl\.org/1\.1/(\w+)$")


def _rewrite(node: Any) -> Any:
    """``"schema": "File.json"`` marks an embedded object: follow it as ``$ref``."""
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items() if k != "schema"}
        if isinstance(node.get("schema"), str):
            out["$ref"] = node["schema"]
        return out
    if isinstance(node, list):
        return [_rewrite(x) for x in node]
    return node


def build_validators() -> dict[str, Draft7Validator]:
    """One validator per OParl type, the embedded objects' schemas resolved."""
    schemas = {p.name: _rewrite(json.loads(p.read_text("utf-8"))) for p in SCHEMAS.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(s, default_specification=DRAFT7))
        for name, s in schemas.items()
    )
    return {
        name.removesuffix(".json"): Draft7Validator(s, registry=registry)
        for name, s in schemas.items()
    }


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft7Validator]:
    return build_validators()


class Crawl:
    def __init__(self, client: Any, validators: dict[str, Draft7Validator]) -> None:
        self.client = client
        self.validators = validators
        self.objects: dict[str, dict[str, Any]] = {}
        self.lists: dict[str, list[dict[str, Any]]] = {}
        self.texts: list[str] = []

    def get(self, url: str) -> Any:
        got = self.client.get(url)
        assert got.status_code == 200, (url, got.text)
        assert got.headers["access-control-allow-origin"] == "*", url
        assert got.headers["content-type"].startswith("application/json"), url
        self.texts.append(got.text)
        return got.json()

    def check(self, obj: dict[str, Any], where: str) -> None:
        match = TYPE.match(obj.get("type", ""))
        assert match, (where, obj)
        errors = [e.message for e in self.validators[match.group(1)].iter_errors(obj)]
        assert errors == [], (where, obj["id"], errors)
        for stamp in ("created", "modified"):
            assert DATE_TIME.match(obj[stamp]), (where, obj["id"], stamp, obj[stamp])
        if not obj.get("deleted"):
            assert obj.get("web", "").startswith("http://testserver/oeffentlich"), obj["id"]
        for value in obj.values():
            assert value not in (None, "", []) or obj["type"].endswith(("/Body", "/Paper")), obj

    def walk_list(self, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page_url: str | None = url
        total = None
        while page_url:
            page = self.get(page_url)
            assert set(page) >= {"data", "pagination", "links"}, page_url
            total = page["pagination"]["totalElements"]
            for obj in page["data"]:
                self.check(obj, page_url)
                items.append(obj)
            page_url = page["links"].get("next")
        assert total == len(items), url
        assert len({o["id"] for o in items}) == len(items), url  # stable order, no repeats
        self.lists[url] = items
        return items

    def run(self) -> None:
        queue: deque[str] = deque([ROOT])
        seen: set[str] = set()
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            if url.endswith(("/content", "/download")):
                continue
            data = self.get(url)
            if "data" in data and "pagination" in data:
                found = self.walk_list(url)
            else:
                assert data["id"] == url, "id is the URL the object was fetched from"
                self.check(data, url)
                self.objects[url] = data
                found = [data]
            for obj in found:
                queue.extend(u for u in _urls(obj) if u not in seen)


def _urls(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node] if node.startswith("http://testserver/oparl/") else []
    if isinstance(node, dict):
        return [u for v in node.values() for u in _urls(v)]
    if isinstance(node, list):
        return [u for v in node for u in _urls(v)]
    return []


def test_the_whole_endpoint_validates_and_resolves(
    world: World, client: Any, as_user: Any, validators: dict[str, Draft7Validator]
) -> None:
    ids = published_session(world, client, as_user)
    crawl = Crawl(client, validators)
    crawl.run()
    types = {TYPE.match(o["type"]).group(1) for o in crawl.objects.values()}  # type: ignore[union-attr]
    assert types >= {
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "LegislativeTerm",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
        "Location",
    }
    everything = "\n".join(crawl.texts)
    assert SECRET_TITLE not in everything  # § 35 Abs. 1 GemO
    assert HIDDEN_ATTACHMENT not in everything  # § 41b Abs. 2 S. 2 GemO
    # Withheld (§ 41b Abs. 2 S. 3): no Paper, though the agenda (Abs. 1) keeps its item.
    papers = [o for o in crawl.objects.values() if o["type"].endswith("/Paper")]
    assert all("Zurückgezogene" not in o.get("name", "") for o in papers)
    assert "@example.org" not in everything  # no e-mail without consent (OParl 1.6)

    system = crawl.objects[ROOT]
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    ilsfeld = world.data.ilsfeld.municipality.id
    body = crawl.objects[f"http://testserver/oparl/v1/body/{ilsfeld}"]
    # What Meine Stadt Transparent needs to import.
    assert body["system"] == ROOT
    for key in ("agendaItem", "consultation", "file", "membership", "locationList"):
        assert body[key].startswith("http://testserver/oparl/v1/body/")
    assert all(len(o.get("ags", "")) <= 8 for o in crawl.objects.values())
    assert all(t["startDate"] for t in body["legislativeTerm"])
    meeting = crawl.objects[f"http://testserver/oparl/v1/meeting/{ids['meeting']}"]
    assert meeting["start"].startswith("2024-04-23T18:00:00+02:00")
    assert meeting["meetingState"] == "läuft"  # in session, no longer "eingeladen"
    names = {o.get("name") for o in crawl.objects.values() if o.get("type", "").endswith("/File")}
    assert "Einladung zur Sitzung am 23.04.2024" in names  # the meeting's day, not "vom"
    [invitation] = [
        o for o in crawl.objects.values() if o.get("name") == "Einladung zur Sitzung am 23.04.2024"
    ]
    assert invitation["date"] == "2024-04-08"  # File.date: the day it went out (flow.DAY)
    assert [i["name"] for i in meeting["agendaItem"]] == [
        "Sanierung der Festhalle (Vorlage 1/2024)",
        "Zurückgezogene Vorlage Kindergarten (Vorlage 2/2024)",
    ]
    assert [i["order"] for i in meeting["agendaItem"]] == [0, 1]
    assert "consultation" in meeting["agendaItem"][0]
    assert "consultation" not in meeting["agendaItem"][1]  # its Paper is withheld
    assert meeting["agendaItem"][0]["result"] == "Beschlossen"
    assert meeting["agendaItem"][0]["resolutionText"]  # published (§ 41b Abs. 5 GemO)
    people = [o for o in crawl.objects.values() if o["type"].endswith("/Person")]
    assert people
    assert all(m["organization"] for p in people for m in p.get("membership", []))
    paper = crawl.objects[f"http://testserver/oparl/v1/paper/{ids['adopted']}"]
    assert paper["reference"] == "1/2024"
    assert len(paper["reference"]) <= 50
    assert paper["consultation"][0]["authoritative"] is True
    assert paper["consultation"][0]["role"] == "Entscheidung"
    assert [f["fileName"] for f in paper["auxiliaryFile"]] == ["Lageplan.pdf"]

    main = paper["mainFile"]
    access = client.get(main["accessUrl"])
    assert access.status_code == 200
    assert "attachment" not in access.headers.get("content-disposition", "")
    assert len(access.content) == main["size"]
    assert hashlib.sha1(access.content, usedforsecurity=False).hexdigest() == main["sha1Checksum"]
    download = client.get(main["downloadUrl"])
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.content == access.content


def test_deleted_objects_modified_and_filters(
    world: World, client: Any, as_user: Any, clock: Any
) -> None:
    ids = published_session(world, client, as_user)
    ilsfeld = world.data.ilsfeld.municipality.id
    papers = f"http://testserver/oparl/v1/body/{ilsfeld}/paper"
    listed = client.get(papers).json()["data"]
    assert [p["name"] for p in listed] == ["Sanierung der Festhalle"]
    since = client.get(papers, params={"modified_since": "2000-01-01T00:00:00+01:00"}).json()
    gone = [p for p in since["data"] if p.get("deleted")]
    assert [p["id"] for p in gone] == [f"http://testserver/oparl/v1/paper/{ids['withdrawn']}"]
    single = client.get(gone[0]["id"])
    assert single.status_code == 200
    assert single.json()["deleted"] is True
    # Non-public: not there at all.
    secret = client.get(f"http://testserver/oparl/v1/paper/{ids['secret']}")
    assert secret.status_code == 404
    assert secret.json()["type"] == "https://schema.oparl.org/1.1/Error"
    # Paging carries the filters.
    paged = client.get(papers, params={"limit": "1", "modified_since": "2000-01-01T00:00:00+01:00"})
    next_url = paged.json()["links"]["next"]
    assert "modified_since=2000-01-01T00%3A00%3A00%2B01%3A00" in next_url
    assert "limit=1" in next_url
    bad = client.get(papers, params={"created_since": "gestern"})
    assert bad.status_code == 400
    assert "Datum und Uhrzeit" in bad.json()["message"]

    # modified moves when the object changes, and the filter sees it.
    url = f"http://testserver/oparl/v1/paper/{ids['adopted']}"
    before = client.get(url).json()["modified"]
    clock.now = datetime.now(UTC) + timedelta(days=1)
    marked = client.put(
        f"/api/v1/proposals/{ids['adopted']}/publication",
        json={"redactions": {"facts": "personal_data"}},
        headers=as_user("ilsfeld.secretary"),
    )
    assert marked.status_code == 200, marked.text
    after = client.get(url).json()["modified"]
    assert datetime.fromisoformat(after) > datetime.fromisoformat(before)
    recent = client.get(papers, params={"modified_since": after}).json()["data"]
    assert [p["id"] for p in recent] == [url]
    omitted = client.get(
        f"http://testserver/oparl/v1/body/{ilsfeld}/meeting", params={"omit_internal": "true"}
    ).json()["data"]
    assert all("agendaItem" not in m for m in omitted)
    assert world.get(Proposal, ids["adopted"]).redactions == {"facts": "personal_data"}
    for odd in (
        "meeting/abc",
        "file/anlage-9999999999",
        "file/vorlage-0",
        "legislativeterm/x-y",
        "legislativeterm/99999999999-2019",
        "body/99999999999/paper",
        f"body/{ilsfeld}/unknown",
        "paper/" + "9" * 30,
    ):
        assert client.get(f"http://testserver/oparl/v1/{odd}").status_code == 404, odd
    assert client.get(papers, params={"limit": "abc"}).status_code == 400
    assert client.get(papers, params={"page": "0"}).status_code == 200
    assert client.get("http://testserver/oparl/v1/meeting/abc").status_code == 404
    assert client.get("http://testserver/oparl/v1/unknown/1").status_code == 404
    assert DAY < MEETING_DAY


def test_the_short_addresses_lead_to_the_system_object(client: Any) -> None:
    """/oparl and /oparl/v1 are what a person types or a client guesses: they redirect to
    the entry point, the System object, for a browser and for another site's script."""
    for path in ("/oparl", "/oparl/", "/oparl/v1", "/oparl/v1/"):
        got = client.get(path, follow_redirects=False)
        assert got.status_code == 302, (path, got.text[:200])
        assert got.headers["location"] == "/oparl/v1/system", path
        assert got.headers["access-control-allow-origin"] == "*", path
    system = client.get("/oparl", follow_redirects=True)
    assert system.status_code == 200
    assert system.json()["type"] == "https://schema.oparl.org/1.1/System"
