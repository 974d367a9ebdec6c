"""Vorlagen pages over HTTP: drafting, editing, actions with their checks, Meine Aufgaben."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.ui.citations import unbroken
from api.ui.drafts import FIELD_LABELS
from tests.api.test_ui_foundation import csrf_of, field_of, sign_in
from tests.conftest import World, known
from tests.documents import html_text
from tests.integration.flow import new_meeting, new_proposal, released, scheduled
from workflow.models import AuditEvent, ConsultationStep, Deadline, Proposal
from workflow.services.proposals import StepInput


def _draft(client: TestClient, **fields: str) -> Any:
    token = csrf_of(client.get("/vorlagen/neu").text)
    data = {
        "csrf_token": token,
        "title": "Sanierung Grundschule",
        "proposal_date": "2024-04-08",
        "resolution_text": "Der Gemeinderat beschließt die Sanierung.",
        "remaining_amount": "30.387,20",
        "covered_by_budget": "ja",
        "public": "ja",
        "steps-0-body_id": "",
        "steps-0-role": "decides",
        "steps-0-public": "ja",
        **fields,
    }
    return client.post("/vorlagen/neu", data=data, follow_redirects=False)


def _council(world: World) -> str:
    return str(world.body_id("Gemeinderat"))


def test_a_draft_is_created_with_every_field(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    response = _draft(
        client,
        **{"steps-0-body_id": _council(world), "steps-0-planned_date": "2024-04-23"},
        attachments="Lageplan\nKostenschätzung",
    )
    assert response.status_code == 303
    proposal_id = int(response.headers["location"].rsplit("/", 1)[1])
    proposal = world.get(Proposal, proposal_id)
    assert proposal.title == "Sanierung Grundschule"
    assert str(proposal.remaining_amount) == "30387.20"
    assert proposal.covered_by_budget is True
    assert proposal.attachments == ["Lageplan", "Kostenschätzung"]
    page = client.get(response.headers["location"]).text
    assert "als Entwurf angelegt" in page
    assert "30.387,20 €" in page
    assert "23.04.2024" in page
    clerk = world.data.users["ilsfeld.clerk"].full_name
    assert f"Angelegt – Sachbearbeitung ({clerk}); Stand danach: Entwurf" in page  # a name
    # the flash is shown once
    assert "als Entwurf angelegt" not in client.get(response.headers["location"]).text


def test_mistakes_are_named_at_the_field_and_nothing_is_stored(
    world: World, client: TestClient
) -> None:
    sign_in(client, "ilsfeld.clerk")
    before = world.run(lambda s: len(list(s.exec(select(Proposal)))))
    response = _draft(
        client,
        title="",
        remaining_amount="viel",
        public="nein",
        **{"steps-0-body_id": "999999"},
    )
    assert response.status_code == 422
    text = response.text
    assert 'href="#title"' in text
    assert "Bitte geben Sie den Betreff ein." in text
    assert "Bitte einen Betrag in Euro eingeben" in text
    assert "warum die Vorlage nichtöffentlich beraten wird" in text
    assert "Bitte wählen Sie ein Gremium aus der Liste." in text
    assert 'value="viel"' in text, "the form comes back as it was typed"
    assert world.run(lambda s: len(list(s.exec(select(Proposal))))) == before


def test_engine_refusals_reach_the_field(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    committee = str(world.body_id("Technischer Ausschuss"))
    response = _draft(
        client,
        reserved_matter="appointments",
        **{"steps-0-body_id": committee, "steps-0-role": "decides"},
    )
    assert response.status_code == 422
    assert 'id="steps-0-role-fehler"' in response.text


def test_only_authors_draft(client: TestClient) -> None:
    sign_in(client, "ilsfeld.council")
    page = client.get("/vorlagen/neu")
    assert page.status_code == 403
    assert "Vorlagen verfassen" in page.text
    token = csrf_of(client.get("/").text)
    refused = client.post("/vorlagen/neu", data={"csrf_token": token, "title": "x"})
    assert refused.status_code == 403


def test_editing_a_draft_and_not_after_submission(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    location = _draft(client, **{"steps-0-body_id": _council(world)}).headers["location"]
    edit = client.get(f"{location}/bearbeiten").text
    assert 'value="30.387,20"' in edit
    data = {
        "csrf_token": csrf_of(edit),
        "version": re.search(r'name="version" value="(\d+)"', edit).group(1),  # type: ignore[union-attr]
        "title": "Sanierung Grundschule, 2. Bauabschnitt",
        "proposal_date": "08.04.2024",
        "resolution_text": "Der Gemeinderat beschließt.",
        "public": "ja",
        "steps-0-body_id": _council(world),
        "steps-0-role": "decides",
    }
    saved = client.post(f"{location}/bearbeiten", data=data)
    assert "wurde gespeichert" in saved.text
    assert "2. Bauabschnitt" in saved.text
    # the Verlauf names what the edit changed, in the form's words (not every field sent)
    history = saved.text.split('id="verlauf-titel"')[1]
    assert (
        ": Bearbeitet: Betreff, Beschlussvorschlag, Im Haushaltsplan gedeckt und Verfügbare "
        "Mittel – " in history
    )
    # the labels are the form's own
    shown = {
        k: v
        for k, v in FIELD_LABELS.items()
        # not on this form: fixed at creation, not a form field, no Ortschaften in Ilsfeld
        if k
        not in {"kind", "supplements_id", "previous_sessions", "covered_amount", "hearing_bodies"}
        and not k.startswith("requires_")
    }
    assert [k for k, label in shown.items() if unbroken(label) not in edit] == []
    stale = client.post(f"{location}/bearbeiten", data=data)
    assert stale.status_code == 422
    assert "inzwischen von jemand anderem geändert" in stale.text
    _fire(client, location, "submit", cosigners=["ilsfeld.head"])
    submitted = client.get(f"{location}/bearbeiten")
    assert str(submitted.url).endswith(location)
    assert "kann nur im Entwurf bearbeitet werden" in submitted.text


def test_another_town_edits_nothing(world: World, client: TestClient, app: Any) -> None:
    sign_in(client, "ilsfeld.clerk")
    location = _draft(client, **{"steps-0-body_id": _council(world)}).headers["location"]
    with TestClient(app) as flein:
        sign_in(flein, "flein.clerk")
        assert flein.get(f"{location}/bearbeiten").status_code == 404


def _fire(client: TestClient, location: str, trigger: str, **data: Any) -> Any:
    page = client.get(f"{location}/aktionen/{trigger}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    return client.post(
        f"{location}/aktionen/{trigger}",
        data={"csrf_token": csrf_of(page), "version": version, **data},
    )


def test_submit_cosign_and_release_with_check(world: World, client: TestClient, app: Any) -> None:
    sign_in(client, "ilsfeld.clerk")
    location = _draft(client, **{"steps-0-body_id": _council(world)}).headers["location"]
    bad = _fire(client, location, "submit", cosigners=["ilsfeld.mayor"])
    assert bad.status_code == 422
    assert "Bitte wählen Sie nur aus der Liste." in bad.text
    done = _fire(client, location, "submit", cosigners=["ilsfeld.head"])
    label = world.get(Proposal, int(location.rsplit("/", 1)[1])).label
    # the banner says what happened, in the definition's past-tense words (done_labels)
    assert f"Vorlage {label}: Zur Mitzeichnung gegeben. Neuer Stand: In Mitzeichnung." in done.text
    assert "steht noch aus" in done.text

    with TestClient(app) as head:
        sign_in(head, "ilsfeld.head")
        tasks = head.get("/").text
        assert "Sanierung Grundschule" in tasks
        assert f'href="{location}/aktionen/cosign"' in tasks
        signed = _fire(head, location, "cosign")
        # the automatic step that followed is said too, with Ilsfeld's mayor as she is
        # (municipality setting mayor_title, workflow.wording)
        assert (
            f"Vorlage {label}: Mitgezeichnet; Mitzeichnung abgeschlossen. "
            "Neuer Stand: Zur Freigabe bei der Bürgermeisterin" in signed.text
        )
        assert f'href="{location}/aktionen/cosign"' not in head.get("/").text

    with TestClient(app) as mayor:
        sign_in(mayor, "ilsfeld.mayor")
        page = mayor.get(location).text
        # the forward step first, the return after it (the definition lists it first)
        assert 0 < page.index("/aktionen/release") < page.index("/aktionen/return_to_author")
        check = _fire(mayor, location, "release")
        assert "Bitte prüfen" in check.text
        assert "Beratungsreif – zur Terminierung" in check.text
        # what the release sets going: the body it goes to, and that no period begins
        summary = check.text.split('id="pruefen"')[1].split("</dl>")[0]
        assert "Beratungsfolge" in summary
        assert "Gemeinderat – entscheidet, öffentlich" in summary
        assert "Mit diesem Schritt beginnt keine Frist." in summary
        proposal_id = int(location.rsplit("/", 1)[1])
        assert world.get(Proposal, proposal_id).state == "awaiting_release", "only a preview"
        confirmed = _fire(mayor, location, "release", bestaetigt="ja")
        assert (
            f"Vorlage {label}: Freigegeben. Neuer Stand: Beratungsreif – zur Terminierung."
            in confirmed.text
        )
        assert "wurde ausgeführt" not in confirmed.text
        assert world.get(Proposal, proposal_id).state == "ready"
        events = world.run(
            lambda s: [
                e.trigger
                for e in s.exec(select(AuditEvent).where(AuditEvent.instance_id == proposal_id))
            ]
        )
        assert events.count("release") == 1


def test_refusals_in_words_without_code_names(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    location = _draft(client, **{"steps-0-body_id": _council(world)}).headers["location"]
    stale = client.post(
        f"{location}/aktionen/submit",
        data={"csrf_token": csrf_of(client.get(location).text), "version": "99"},
    )
    assert stale.status_code == 409
    assert "inzwischen von jemand anderem geändert" in stale.text
    not_now = client.get(f"{location}/aktionen/release")
    assert not_now.status_code == 404
    for code in ("awaiting_release", "clerk", "release"):
        assert f">{code}<" not in not_now.text


def test_search_finds_the_number(client: TestClient, as_user: Any) -> None:
    sign_in(client, "ilsfeld.clerk")
    _draft(client)
    page = client.get("/vorlagen?suche=Grundschule").text
    match = re.search(r"<td[^>]*>(\d+/\d{4})</td>", page)
    assert match
    number = match.group(1)
    assert number in client.get(f"/vorlagen?suche={number}").text
    api = client.get(f"/api/v1/proposals?q={number}", headers=as_user("ilsfeld.clerk"))
    assert [p["label"] for p in api.json()["data"]] == [number]


def test_consultation_steps_read_without_a_space_before_the_comma(
    world: World, client: TestClient
) -> None:
    pid = released(world)
    scheduled(world, pid, new_meeting(world))
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}").text
    section = page.split('id="beratungsfolge"', 1)[1].split("</section>", 1)[0]
    text = html_text(section.encode())
    # The planned day is the meeting's: said once, as the link to the meeting.
    assert "Gemeinderat – entscheidet, öffentlich, Sitzung am 23.04.2024" in text
    assert "geplant am 23.04.2024" not in text
    assert " ," not in text


def test_someone_elses_step_is_named_to_the_administration_only(
    world: World, client: TestClient
) -> None:
    pid = released(world)
    sign_in(client, "ilsfeld.clerk")
    staff = client.get(f"/vorlagen/{pid}").text
    assert "Nur für Sitzungsdienst" in staff  # who puts it on an agenda next
    sign_in(client, "ilsfeld.council")
    member = client.get(f"/vorlagen/{pid}")
    assert member.status_code == 200
    assert "Nur für" not in member.text


def test_the_history_names_the_meeting_of_a_step(world: World, client: TestClient) -> None:
    pid = released(world)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}").text
    history = page.split('id="verlauf-titel"')[1]
    assert "(Sitzung des Gemeinderats am 23.04.2024) – Sitzungsdienst" in history
    # A record says what happened (done_label), not what the button said.
    assert "Auf die Tagesordnung gesetzt (Sitzung des Gemeinderats am 23.04.2024)" in history
    assert "Freigegeben – Bürgermeister" in history
    for button in ("Auf Tagesordnung setzen", "Freigeben –", "Zur Mitzeichnung geben"):
        assert button not in history


def test_a_cosigner_who_signed_is_not_told_he_cannot_sign_again(
    world: World, client: TestClient
) -> None:
    from tests.conftest import berlin
    from tests.integration.flow import DAY, new_proposal

    pid = new_proposal(world)
    world.fire(
        "proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head", "ilsfeld.finance"]},
    )  # fmt: skip
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    sign_in(client, "ilsfeld.head")
    page = client.get(f"/vorlagen/{pid}").text
    assert "bereits mitgezeichnet" not in page
    sign_in(client, "ilsfeld.finance")
    assert 'action="/vorlagen/' in client.get(f"/vorlagen/{pid}").text  # his form is there


def test_a_councillor_reads_the_history_from_the_release_on(
    world: World, client: TestClient, as_user: Any
) -> None:
    pid = released(world)
    staff = client.get(f"/api/v1/proposals/{pid}/history", headers=as_user("ilsfeld.clerk"))
    assert {"submit", "cosign", "release"} <= {e["trigger"] for e in staff.json()}
    steps = {e["trigger"]: (e["label"], e["done_label"]) for e in staff.json()}
    assert steps["release"] == ("Freigeben", "Freigegeben")  # the button, what happened
    assert steps["create"] == (None, "Angelegt")  # no step: no button, what happened
    member = client.get(f"/api/v1/proposals/{pid}/history", headers=as_user("ilsfeld.council"))
    triggers = [e["trigger"] for e in member.json()]
    assert "release" in triggers  # where their part begins
    assert not {"submit", "cosign"} & set(triggers)  # the administration's internal work
    sign_in(client, "ilsfeld.council")
    history = client.get(f"/vorlagen/{pid}").text.split('id="verlauf-titel"')[1]
    assert "Mitzeichn" not in history

    def changes(username: str) -> set[str]:
        from datetime import date

        from tests.conftest import berlin
        from workflow.services import news_since

        found = world.run(
            lambda s: news_since.changes_since(
                session=s, workflows=world.workflows, actor=world[username],
                since=berlin(date(2024, 1, 1)),
            )
        )  # fmt: skip
        return {c.event.trigger for c in found if c.kind == "proposal"}

    assert {"submit", "release"} <= changes("ilsfeld.head")
    assert changes("ilsfeld.council") == {"release"}  # Neu seit: from the release on


def test_scheduling_without_an_open_meeting_says_what_to_do(
    world: World, client: TestClient
) -> None:
    """No open agenda of the step's body: the page says so and links to a new meeting
    instead of an empty select whose button only answers "Bitte wählen"."""
    pid = released(world)
    new_meeting(world, "Technischer Ausschuss")  # another body's meeting does not help
    sign_in(client, "ilsfeld.secretary")
    missing = "Keine Sitzung des Gemeinderats mit offener Tagesordnung – "
    link = '<a class="kern-link" href="/sitzungen/neu">neue Sitzung anlegen</a>'
    page = client.get(f"/vorlagen/{pid}").text
    actions = page.split('id="aktionen"')[1].split("</section>")[0]
    assert "Auf Tagesordnung setzen" in actions
    assert missing + link in actions
    assert f'action="/vorlagen/{pid}/aktionen/schedule"' not in actions
    action = client.get(f"/vorlagen/{pid}/aktionen/schedule").text
    assert missing + link in action
    assert 'name="meeting_id"' not in action
    meeting = new_meeting(world)
    offered = client.get(f"/vorlagen/{pid}").text.split('id="aktionen"')[1]
    assert f'<option value="{meeting}">Gemeinderat am 23.04.2024</option>' in offered
    assert "Keine Sitzung des Gemeinderats" not in offered


def test_a_form_without_a_readable_version_is_refused_as_stale(
    world: World, client: TestClient
) -> None:
    pid = released(world)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}").text
    for version in ("²", ""):
        sent = client.post(
            f"/vorlagen/{pid}/aktionen/withdraw",
            data={"csrf_token": csrf_of(page), "version": version, "bestaetigt": "ja",
                  "comment": "zurück"},
        )  # fmt: skip
        assert sent.status_code == 409, version
        assert world.get(Proposal, pid).state == "ready"


def test_the_reason_of_a_return_is_asked_as_required(world: World, client: TestClient) -> None:
    from tests.conftest import berlin
    from tests.integration.flow import DAY, new_proposal, submitted

    pid = new_proposal(world)
    submitted(world, pid)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}/aktionen/return_to_author").text
    label = page.split('for="comment">')[1].split("</label>")[0]
    assert "optional" not in label  # the engine refuses a return without a reason
    # refused empty, the message asks for what the field is called, not for a "Begründung"
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    sent = client.post(
        f"/vorlagen/{pid}/aktionen/return_to_author",
        data={"csrf_token": csrf_of(page), "version": version.group(1), "comment": ""},
    )
    assert sent.status_code == 422
    assert "Bitte geben Sie eine Anmerkung für die Verfasserin oder den Verfasser ein." in sent.text
    assert "Begründung" not in html_text(sent.content)


def test_a_returned_cosigning_round_reads_as_returned(world: World, client: TestClient) -> None:
    """Submitted, returned and submitted again: the first round's deadline was given back,
    not done; the Fristen list says "zurückgegeben" for it beside the new round's."""
    from tests.conftest import berlin
    from tests.integration.flow import DAY, new_proposal, submitted

    pid = new_proposal(world)
    submitted(world, pid)
    sign_in(client, "ilsfeld.head")
    page = client.get(f"/vorlagen/{pid}/aktionen/return_to_author").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    sent = client.post(
        f"/vorlagen/{pid}/aktionen/return_to_author",
        data={"csrf_token": csrf_of(page), "version": version.group(1),
              "comment": "Bitte Kosten ergänzen", "bestaetigt": "ja"},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303, sent.text
    assert world.get(Proposal, pid).state == "draft"
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 11))
    html = client.get(f"/vorlagen/{pid}").text
    section = html.split('id="fristen"', 1)[1].split("</section>", 1)[0]
    lines = [html_text(li.encode()) for li in section.split("<li>")[1:]]
    replies = [line for line in lines if line.startswith("Mitzeichnung erledigen:")]
    assert len(replies) == 2, lines
    assert "zurückgegeben" in replies[0]
    assert "zurückgegeben" not in replies[1]
    assert not [line for line in lines if "erledigt" in line.split(":", 1)[1]], lines

    # A round returned before the engine cancelled such deadlines was stored as "met"; the
    # return's instant still tells it apart.
    def as_before(s: Any) -> None:
        for d in s.exec(select(Deadline).where(Deadline.instance_id == pid)):
            if d.status == "cancelled":
                d.status = "met"
                s.add(d)

    world.run(as_before)
    html = client.get(f"/vorlagen/{pid}").text
    section = html.split('id="fristen"', 1)[1].split("</section>", 1)[0]
    lines = [html_text(li.encode()) for li in section.split("<li>")[1:]]
    replies = [line for line in lines if line.startswith("Mitzeichnung erledigen:")]
    assert ["zurückgegeben" in line for line in replies] == [True, False]
    assert sum("zurückgegeben" in line for line in lines) == 2  # both rules' first round


def test_the_non_public_reason_is_asked_for_a_non_public_vorlage_only(client: TestClient) -> None:
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/vorlagen/neu").text
    reason = field_of(page, "non_public_reason")
    assert "optional" not in reason
    assert "Pflicht bei nichtöffentlicher Beratung" in reason
    assert " required" not in reason
    supplemented = field_of(page, "supplements_id")
    assert "optional" not in supplemented
    assert "Pflicht bei einer Ergänzungsvorlage" in supplemented


def test_the_coordinator_filters_by_the_bodies_of_the_district_towns(
    world: World, client: TestClient
) -> None:
    council = new_proposal(world, title="Hallenbad Ilsfeld")
    committee = new_proposal(
        world,
        title="Feldweg Ilsfeld",
        steps=[StepInput(body_id=world.body_id("Technischer Ausschuss"), decides=True)],
    )
    flein = new_proposal(world, title="Kelter Flein")

    def before_supervision(session: Session) -> None:
        for pid in (council, committee, flein):
            proposal = known(session.get(Proposal, pid))
            proposal.state = "supervision"  # what the Landratsamt reads (§ 121 Abs. 2 GemO)
            session.add(proposal)
        known(session.get(Proposal, flein)).municipality_id = world.data.flein.municipality.id or 0
        step = session.exec(select(ConsultationStep).where(ConsultationStep.proposal_id == flein))
        step.one().body_id = world.body_id("Gemeinderat", "flein")

    world.run(before_supervision)
    sign_in(client, "lra.coordinator")
    page = client.get("/vorlagen").text
    choice = page.split('id="gremium"')[1].split("</select>")[0]
    offered = {
        text: value for value, text in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)<', choice)
    }
    # each town's bodies, named with the town: both have a Gemeinderat
    assert offered["Flein – Gemeinderat"] == str(world.body_id("Gemeinderat", "flein"))
    assert offered["Ilsfeld – Gemeinderat"] == str(world.body_id("Gemeinderat"))
    assert list(offered).index("Flein – Gemeinderat") < list(offered).index("Ilsfeld – Gemeinderat")
    only = client.get(f"/vorlagen?gremium={offered['Ilsfeld – Technischer Ausschuss']}").text
    assert "Feldweg Ilsfeld" in only
    assert "Hallenbad Ilsfeld" not in only
    assert "Kelter Flein" not in only
    assert f'value="{offered["Ilsfeld – Technischer Ausschuss"]}" selected' in only
    flein_only = client.get(f"/vorlagen?gremium={offered['Flein – Gemeinderat']}").text
    assert "Kelter Flein" in flein_only
    assert "Hallenbad Ilsfeld" not in flein_only


def _invited_meeting_with_a_vorlage(world: World) -> int:
    from tests.integration.flow import invited

    meeting = new_meeting(world)
    scheduled(world, released(world), meeting)
    invited(world, meeting)  # 23.04.2024; invited on 08.04.: Nachtrag until 16.04.
    return meeting


def test_an_invited_meeting_takes_the_vorlage_as_a_nachtrag(
    world: World, client: TestClient, clock: Any
) -> None:
    """The Vorlage's own form offers the invited meeting while § 34 Abs. 1 GemO allows a
    Nachtrag, and takes the meeting page's way: recorded on the meeting, mailed out."""
    from sqlmodel import col

    from tests.conftest import berlin
    from tests.integration.flow import DAY
    from workflow.models import AgendaItem, Meeting, OutboxMessage

    meeting = _invited_meeting_with_a_vorlage(world)
    pid = released(world, title="Nachtrag Feuerwehrhaus")
    clock.now = berlin(DAY.replace(day=15), 9)
    sign_in(client, "ilsfeld.secretary")
    form = client.get(f"/vorlagen/{pid}/aktionen/schedule").text
    assert (
        f'<option value="{meeting}">Gemeinderat am 23.04.2024 (Nachtrag zur Tagesordnung)</option>'
        in form
    )
    before = world.run(lambda s: known(s.get(Meeting, meeting)).version)
    done = _fire(client, f"/vorlagen/{pid}", "schedule", meeting_id=str(meeting))
    assert done.status_code == 200
    assert str(done.url).endswith(f"/vorlagen/{pid}")  # back on the Vorlage
    assert "als Nachtrag zur Tagesordnung unter TOP 2" in done.text
    with Session(world.engine) as session:
        assert known(session.get(Proposal, pid)).state == "scheduled"
        item = session.exec(select(AgendaItem).where(AgendaItem.proposal_id == pid)).one()
        assert (item.meeting_id, item.supplement) == (meeting, True)
        assert known(session.get(Meeting, meeting)).version > before
        recorded = session.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "meeting",
                AuditEvent.instance_id == meeting,
                AuditEvent.trigger == "add_agenda_item",
            )
        ).one()
        assert recorded.data["supplement"] is True
        mails = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.key).startswith("supplement:"))
        ).all()
    assert mails
    assert all("Nachtrag Feuerwehrhaus" in m.body for m in mails)


def test_a_nachtrag_after_the_invitation_period_is_refused_naming_the_rule(
    world: World, client: TestClient, clock: Any
) -> None:
    from tests.conftest import berlin
    from tests.integration.flow import DAY

    meeting = _invited_meeting_with_a_vorlage(world)
    pid = released(world, title="Zu spät")
    clock.now = berlin(DAY.replace(day=17), 9)  # the Nachtrag had to go out by 16.04.
    sign_in(client, "ilsfeld.secretary")
    form = client.get(f"/vorlagen/{pid}/aktionen/schedule").text
    assert f'<option value="{meeting}"' not in form
    reason = (
        "Sitzung Gemeinderat am 23.04.2024: bereits eingeladen, kein Nachtrag mehr möglich. "
        "Ein Nachtrag zur Tagesordnung hätte spätestens am 16.04.2024 versandt werden müssen "
        "(§ 34 Abs. 1 Satz 1 GemO"
    )
    text = html_text(form.encode())
    assert reason in text
    assert "auf der Seite der Sitzung (§ 34 Abs. 2 GemO)" in text
    assert "urgent_reason" not in form
    refused = client.post(
        f"/vorlagen/{pid}/aktionen/schedule",
        data={
            "csrf_token": csrf_of(form),
            "version": str(world.run(lambda s: known(s.get(Proposal, pid)).version)),
            "meeting_id": str(meeting),
        },
    )
    assert refused.status_code == 422
    assert reason in html_text(refused.content)
    with Session(world.engine) as session:
        assert known(session.get(Proposal, pid)).state == "ready"


def test_only_the_first_coming_step_of_the_beratungsfolge_is_next(
    world: World, client: TestClient
) -> None:
    """Committee first, council after it: the council's step comes after the committee's,
    it is not "als Nächstes" as well."""
    pid = new_proposal(
        world,
        steps=[
            StepInput(body_id=world.body_id("Technischer Ausschuss"), advises=True),
            StepInput(body_id=world.body_id("Verwaltungsausschuss"), advises=True),
            StepInput(body_id=world.body_id("Gemeinderat"), decides=True),
        ],
    )
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{pid}").text
    section = page.split('id="beratungsfolge"', 1)[1].split("</section>", 1)[0]
    text = html_text(section.encode())
    assert text.count("als Nächstes") == 1
    assert text.index("Technischer Ausschuss") < text.index("als Nächstes")
    assert text.index("als Nächstes") < text.index("Verwaltungsausschuss")
    assert text.count("danach") == 2
