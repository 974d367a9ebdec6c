"""Kinds of Vorlage and their Fassungen over HTTP: the JSON API, the draft editor, the
Vorlage pages (links both ways), the Fassungen and their comparison, and the meeting screen
taking note of an Informationsvorlage."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.api.test_ui_meetings import _version
from tests.conftest import World, berlin
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    in_session,
    new_meeting,
    new_proposal,
    released,
)
from workflow.models import AgendaItem, Proposal, Resolution
from workflow.services.proposals import update_proposal


def _create(client: TestClient, as_user: Any, world: World, **fields: Any) -> Any:
    body = {
        "title": "Bericht Kinderbetreuung",
        "resolution_text": "Der Gemeinderat nimmt den Bericht zur Kenntnis.",
        "proposal_date": "2024-04-08",
        "steps": [{"body_id": world.body_id("Gemeinderat"), "decides": True}],
        **fields,
    }
    return client.post("/api/v1/proposals", json=body, headers=as_user("ilsfeld.clerk"))


def test_api_creates_reads_and_filters_kinds(
    world: World, client: TestClient, as_user: Any
) -> None:
    info = _create(client, as_user, world, kind="information")
    assert info.status_code == 201
    assert (info.json()["kind"], info.json()["kind_label"]) == (
        "information",
        "Informationsvorlage",
    )
    main = _create(client, as_user, world, title="Neubau Bauhof").json()
    assert (main["kind"], main["supplements_id"]) == ("beschluss", None)
    supplement = _create(
        client, as_user, world, kind="ergaenzung", supplements_id=main["id"], title="PV-Anlage"
    )
    assert supplement.status_code == 201
    assert supplement.json()["supplements_id"] == main["id"]
    headers = as_user("ilsfeld.clerk")
    listed = client.get("/api/v1/proposals?kind=information", headers=headers).json()
    assert [p["id"] for p in listed["data"]] == [info.json()["id"]]
    linked = client.get(f"/api/v1/proposals?supplements_id={main['id']}", headers=headers).json()
    assert [p["id"] for p in linked["data"]] == [supplement.json()["id"]]
    assert client.get("/api/v1/proposals?kind=umlauf", headers=headers).status_code == 422


def test_api_refuses_a_supplement_without_its_vorlage(
    world: World, client: TestClient, as_user: Any
) -> None:
    refused = _create(client, as_user, world, kind="ergaenzung")
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "muss die Vorlage nennen" in refused.json()["detail"]
    wrong = _create(client, as_user, world, kind="information", supplements_id=1)
    assert wrong.status_code == 422
    assert "Nur eine Ergänzungsvorlage" in wrong.json()["detail"]
    pid = _create(client, as_user, world).json()["id"]
    changed = client.patch(
        f"/api/v1/proposals/{pid}",
        json={"kind": "information"},
        headers=as_user("ilsfeld.clerk"),
    )
    assert changed.status_code == 422, "kind is not among the fields of an edit"


def _resubmitted(world: World) -> int:
    """A Vorlage submitted, returned by the head of department, revised and submitted again."""
    pid = new_proposal(world)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9), data={"cosigners": []})
    world.fire(
        "proposal", pid, "return_to_author", "ilsfeld.head", berlin(DAY, 10), comment="Kosten?"
    )
    world.run(
        lambda s: update_proposal(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 11),
            proposal_id=pid,
            expected_version=world.get(Proposal, pid).version,
            changes={
                "resolution_text": "Der Gemeinderat stimmt dem Neubau für 1,2 Mio. Euro zu.",
                "facts": "Kosten laut Schätzung des Architekten.",
            },
        )
    )
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 12), data={"cosigners": []})
    return pid


def test_api_lists_and_reads_revisions(world: World, client: TestClient, as_user: Any) -> None:
    pid = _resubmitted(world)
    headers = as_user("ilsfeld.head")
    listed = client.get(f"/api/v1/proposals/{pid}/revisions", headers=headers)
    assert listed.status_code == 200
    assert [(r["number"], r["created_by"]) for r in listed.json()] == [
        (1, "ilsfeld.clerk"),
        (2, "ilsfeld.clerk"),
    ]
    second = client.get(f"/api/v1/proposals/{pid}/revisions/2", headers=headers).json()
    assert second["content"]["resolution_text"].endswith("für 1,2 Mio. Euro zu.")
    assert second["content"]["consultation_plan"][0]["body"] == "Gemeinderat"
    missing = client.get(f"/api/v1/proposals/{pid}/revisions/9", headers=headers)
    assert missing.status_code == 404
    assert "keine Fassung 9" in missing.json()["detail"]
    assert client.get(f"/api/v1/proposals/{pid}/revisions").status_code == 401
    foreign = client.get(f"/api/v1/proposals/{pid}/revisions", headers=as_user("flein.clerk"))
    assert foreign.status_code == 404


def test_a_single_revision_is_linked_without_a_count(world: World, client: TestClient) -> None:
    """ "Fassung ansehen", not "1 Fassung ansehen"; several are counted (below)."""
    pid = released(world)
    sign_in(client, "ilsfeld.head")
    page = client.get(f"/vorlagen/{pid}").text
    assert f'href="/vorlagen/{pid}/fassungen">Fassung ansehen</a>' in page
    assert "1 Fassung" not in page


def test_revision_pages_list_and_compare(world: World, client: TestClient) -> None:
    pid = _resubmitted(world)
    sign_in(client, "ilsfeld.head")
    page = client.get(f"/vorlagen/{pid}").text
    assert f'href="/vorlagen/{pid}/fassungen"' in page
    assert "2 Fassungen ansehen und vergleichen" in page
    listing = client.get(f"/vorlagen/{pid}/fassungen")
    assert listing.status_code == 200
    assert "Fassung 1" in listing.text
    assert f'href="/vorlagen/{pid}/fassungen/1/2"' in listing.text
    clerk = world.data.users["ilsfeld.clerk"].full_name
    assert f'<td role="cell" data-label="von" class="kern-table__cell">{clerk}</td>' in (
        listing.text
    ), "names, not usernames"
    assert "1. Gemeinderat (beschließend, öffentlich, geplant am 23.04.2024)" in listing.text
    chosen = client.get(f"/vorlagen/{pid}/fassungen/vergleich?a=1&b=2", follow_redirects=False)
    assert chosen.headers["location"] == f"/vorlagen/{pid}/fassungen/1/2"
    compared = client.get(f"/vorlagen/{pid}/fassungen/2/1")
    assert compared.status_code == 200
    text = compared.text
    assert "Fassung 1 und Fassung 2" in text
    assert "2 Angaben wurden geändert." in text
    assert (
        '<h2 class="kern-heading-small" id="feld-resolution_text">Beschlussvorschlag</h2>' in text
    )
    assert "stimmt <ins>dem Neubau für 1,2 Mio. Euro </ins>zu." in text
    assert "<ins>Kosten laut Schätzung des Architekten.</ins>" in text
    assert "Unverändert: Betreff" in text
    missing = client.get(f"/vorlagen/{pid}/fassungen/1/7")
    assert missing.status_code == 404
    assert "keine Fassung 7" in missing.text


def test_draft_editor_creates_a_supplement_linked_both_ways(
    world: World, client: TestClient
) -> None:
    main = released(world)
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{main}").text
    assert f'href="/vorlagen/neu?ergaenzt={main}"' in page
    form = client.get(f"/vorlagen/neu?ergaenzt={main}").text
    assert "Art der Vorlage" in form
    assert 'id="kind-ergaenzung" name="kind" value="ergaenzung" checked' in form
    assert f'<option value="{main}" selected' in form
    data = {
        "csrf_token": csrf_of(form),
        "kind": "ergaenzung",
        "supplements_id": str(main),
        "title": "Neubau Bauhof: Photovoltaik",
        "proposal_date": "2024-04-09",
        "resolution_text": "Der Gemeinderat beschließt die PV-Anlage.",
        "public": "ja",
        "steps-0-body_id": str(world.body_id("Gemeinderat")),
        "steps-0-role": "decides",
        "steps-0-public": "ja",
    }
    created = client.post("/vorlagen/neu", data=data, follow_redirects=False)
    assert created.status_code == 303
    supplement = int(created.headers["location"].rsplit("/", 1)[1])
    stored = world.get(Proposal, supplement)
    assert (stored.kind, stored.supplements_id) == ("ergaenzung", main)
    label = world.get(Proposal, main).label
    own = client.get(f"/vorlagen/{supplement}").text
    assert "Ergänzungsvorlage" in own
    assert f'Ergänzt die Vorlage <a class="kern-link" href="/vorlagen/{main}">{label}' in own
    amended = client.get(f"/vorlagen/{main}").text
    assert f'href="/vorlagen/{supplement}">Ergänzungsvorlage {stored.label}' in amended
    # Editing the draft keeps its kind and link.
    edit = client.get(f"/vorlagen/{supplement}/bearbeiten").text
    assert 'name="kind" value="ergaenzung"' in edit
    saved = client.post(
        f"/vorlagen/{supplement}/bearbeiten",
        data={**data, "csrf_token": csrf_of(edit), "kind": "information", "title": "PV neu"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert world.get(Proposal, supplement).kind == "ergaenzung"
    # A supplement without the amended Vorlage is refused at the field.
    missing = client.post(
        "/vorlagen/neu",
        data={**data, "csrf_token": csrf_of(form), "supplements_id": ""},
        follow_redirects=False,
    )
    assert missing.status_code == 422
    assert "Bitte wählen Sie die Vorlage, die ergänzt wird." in missing.text


def test_list_filters_by_kind(world: World, client: TestClient) -> None:
    decision = released(world, title="Neubau Bauhof")
    information = released(world, kind="information", title="Bericht Kinderbetreuung")
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/vorlagen?art=information").text
    assert f'href="/vorlagen/{information}"' in page
    assert f'href="/vorlagen/{decision}"' not in page
    assert "(Informationsvorlage)" in page
    assert '<option value="information" selected' in page
    everything = client.get("/vorlagen?art=unsinn").text
    assert f'href="/vorlagen/{decision}"' in everything


def test_meeting_screen_takes_note_of_an_informationsvorlage(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid = released(world, kind="information", title="Bericht Kinderbetreuung")
    meeting = new_meeting(world)
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(DAY, 12),
        data={"meeting_id": meeting},
    )
    in_session(world, meeting)
    item = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.proposal_id == pid)).one().id
    )
    clock.now = berlin(MEETING_DAY, 19, 30)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}/durchfuehren?top={item}").text
    assert "Informationsvorlage, zur Kenntnis:" in page
    assert "Über eine Informationsvorlage wird nicht abgestimmt" in page
    assert "Abstimmung speichern" not in page
    assert "Stimmenzahlen speichern" not in page
    assert f"/durchfuehren/{item}/ergebnis/take_note" in page
    assert "/ergebnis/adopt" not in page
    # Counts sent anyway (a form of another item) are refused in words, nothing is stored.
    refused = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/stimmenzahlen",
        data={"csrf_token": csrf_of(page), "version": _version(page), "ja": "3", "nein": "0",
              "enthaltung": "0"},
    )  # fmt: skip
    assert "wird nicht abgestimmt; sie wird zur Kenntnis genommen" in refused.text
    assert world.get(AgendaItem, item).vote_yes is None
    # The Vorlage's page offers the Kenntnisnahme, and no vote of a Beschlussvorlage.
    detail = client.get(f"/vorlagen/{pid}").text
    assert f'action="/vorlagen/{pid}/aktionen/take_note"' in detail
    assert f'action="/vorlagen/{pid}/aktionen/adopt"' not in detail
    assert "<strong>Beschluss gefasst</strong>" not in detail, "no blocked vote either"
    assert "nicht beschlossen" not in detail
    shown = re.search(r'name="proposal_version" value="(\d+)"', page)
    assert shown is not None
    check = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/ergebnis/take_note",
        data={"csrf_token": csrf_of(page), "proposal_version": shown.group(1)},
    )
    assert "Bitte prüfen: Zur Kenntnis genommen" in check.text
    assert "Widerspruchsfrist des Bürgermeisters läuft" not in check.text
    new_state = '__value">Zur Kenntnis genommen</dd>'
    assert (
        f'Neuer Stand der Vorlage</dt><dd class="kern-description-list-item{new_state}'
        in check.text
    )
    version = re.search(r'name="proposal_version" value="(\d+)"', check.text)
    assert version is not None
    done = client.post(
        f"/sitzungen/{meeting}/durchfuehren/{item}/ergebnis/take_note",
        data={"csrf_token": csrf_of(check.text), "bestaetigt": "ja",
              "proposal_version": version.group(1)},
    )  # fmt: skip
    assert "Ergebnis „zur Kenntnis genommen“ ist festgestellt" in done.text
    assert world.get(Proposal, pid).state == "noted"
    assert world.get(AgendaItem, item).outcome == "noted"
    assert (
        world.run(lambda s: list(s.exec(select(Resolution).where(Resolution.proposal_id == pid))))
        == []
    )
    detail = client.get(f"/vorlagen/{pid}").text
    assert "Zur Kenntnis genommen" in detail
    assert "nimmt Kenntnis" in detail


def test_actions_of_an_informationsvorlage_in_session(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    """No vote is pending and the allowed outcome is the Kenntnisnahme (issue 10 item 8's
    ``open_steps`` stay truthful for the new kind)."""
    pid = released(world, kind="information")
    meeting = new_meeting(world)
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(DAY, 12),
        data={"meeting_id": meeting},
    )
    in_session(world, meeting)
    clock.now = berlin(MEETING_DAY, 19, 30)
    actions = client.get(
        f"/api/v1/proposals/{pid}/actions", headers=as_user("ilsfeld.secretary")
    ).json()
    assert "take_note" in [a["trigger"] for a in actions["allowed"]]
    assert "votes" not in [s["kind"] for s in actions["open_steps"]]
    # The votes of a Beschlussvorlage are no action of this Vorlage: not even blocked ones.
    listed = {
        a["trigger"]
        for a in [*actions["allowed"], *actions["blocked"], *actions["not_possible"]["actions"]]
    }
    assert not listed & {"adopt", "reject", "recommend"}
    fired = client.post(
        f"/api/v1/proposals/{pid}/transitions",
        json={"trigger": "take_note", "expected_version": actions["version"]},
        headers=as_user("ilsfeld.secretary"),
    )
    assert fired.status_code == 200
    assert (fired.json()["state"], fired.json()["state_label"]) == (
        "noted",
        "Zur Kenntnis genommen",
    )


def test_revisions_stay_within_the_municipality(
    world: World, client: TestClient, as_user: Any
) -> None:
    """Another municipality may read a published Vorlage (on the agenda of an invited
    meeting), not how it came about."""
    pid = released(world)
    meeting = new_meeting(world)
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(DAY, 12),
        data={"meeting_id": meeting},
    )
    in_session(world, meeting)
    flein = as_user("flein.clerk")
    assert client.get(f"/api/v1/proposals/{pid}", headers=flein).status_code == 200
    refused = client.get(f"/api/v1/proposals/{pid}/revisions", headers=flein)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "Diese Beschlussvorlage wurde nicht gefunden."
    own = client.get(f"/api/v1/proposals/{pid}/revisions", headers=as_user("ilsfeld.council"))
    assert [r["number"] for r in own.json()] == [1]


def test_a_beschlussvorlage_lists_no_kenntnisnahme(
    world: World, client: TestClient, as_user: Any
) -> None:
    """The other way round: a Beschlussvorlage is voted on, so the Kenntnisnahme of an
    Informationsvorlage is neither allowed nor blocked nor "not possible in this state"."""
    pid = released(world)
    actions = client.get(
        f"/api/v1/proposals/{pid}/actions", headers=as_user("ilsfeld.secretary")
    ).json()
    listed = {
        a["trigger"]
        for a in [*actions["allowed"], *actions["blocked"], *actions["not_possible"]["actions"]]
    }
    assert "schedule" in listed
    assert not listed & {"take_note", "take_note_forward"}
