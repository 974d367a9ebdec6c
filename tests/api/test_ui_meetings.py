"""Sitzungen pages over HTTP: list and calendar, a new meeting, the agenda, the invitation
with its period explained before the click, and refusals in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from api.ui import formatting
from api.ui.citations import unbroken
from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import HTML, csrf_of, field_of, sign_in
from tests.conftest import World, berlin, known
from tests.integration.flow import invited, new_meeting, released, scheduled
from workflow.context import local_date
from workflow.models import AgendaItem, AuditEvent, Meeting, Person, User
from workflow.queries import voting_members


def _version(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "forms carry the meeting's version"
    return match.group(1)


def _post(client: TestClient, path: str, page: str, **data: str) -> Any:
    """A form sent a minute after the last one: the meeting's version moves with its
    ``updated_at``, which a frozen clock would leave unchanged."""
    clock: FixedClock = client.app.state.clock  # type: ignore[attr-defined]
    clock.now += timedelta(minutes=1)
    return client.post(path, data={"csrf_token": csrf_of(page), **data}, follow_redirects=False)


def _post_current(client: TestClient, path: str, page: str, **data: str) -> Any:
    """``_post`` with the version the page shows: a form sent from the page just read."""
    return _post(client, path, page, version=_version(page), **data)


def test_list_shows_upcoming_first_and_filters_by_body(world: World, client: TestClient) -> None:
    council = new_meeting(world, day=date(2024, 4, 23))
    committee = new_meeting(world, body="Technischer Ausschuss", day=date(2024, 4, 16))
    old = new_meeting(world, day=date(2024, 3, 5))
    sign_in(client, "ilsfeld.secretary")
    page = client.get("/sitzungen?zeitraum=alle").text
    assert "<title>Sitzungen – Ratsflow</title>" in page
    upcoming, past = page.split("Vergangene Sitzungen (")
    assert upcoming.index(f"/sitzungen/{committee}") < upcoming.index(f"/sitzungen/{council}")
    assert f"/sitzungen/{old}" in past
    assert "Dienstag, 23.04.2024" in upcoming
    assert "18:00 Uhr" in upcoming
    assert "planned" not in page
    body = world.body_id("Technischer Ausschuss")
    only = client.get(f"/sitzungen?gremium={body}").text
    assert f"/sitzungen/{committee}" in only
    assert f"/sitzungen/{council}" not in only
    assert f"/sitzungen/{old}" not in only, "upcoming is the default period"
    assert "Sitzungen" in client.get("/").text.split("Hauptnavigation")[1][:400]


def test_a_session_held_today_is_past_not_upcoming(world: World, client: TestClient) -> None:
    """Today's session, once closed, is no longer "anstehend" (as on the public portal);
    today's session not yet held still is."""
    held = new_meeting(world, day=date(2024, 4, 8))
    coming = new_meeting(world, body="Technischer Ausschuss", day=date(2024, 4, 8))

    def close(session: Any) -> None:
        meeting = session.get(Meeting, held)
        meeting.state = "minutes_signed"
        session.add(meeting)

    world.run(close)
    sign_in(client, "ilsfeld.secretary")
    default = client.get("/sitzungen").text
    assert f"/sitzungen/{coming}" in default
    assert f"/sitzungen/{held}" not in default
    upcoming, past = client.get("/sitzungen?zeitraum=alle").text.split("Vergangene Sitzungen (")
    assert f"/sitzungen/{coming}" in upcoming
    assert f"/sitzungen/{held}" in past
    earlier = client.get("/sitzungen?zeitraum=vergangen").text
    assert f"/sitzungen/{held}" in earlier
    assert f"/sitzungen/{coming}" not in earlier


def test_month_calendar_places_meetings_on_their_day(world: World, client: TestClient) -> None:
    meeting = new_meeting(world, day=date(2024, 4, 23))
    sign_in(client, "ilsfeld.council")
    page = client.get("/sitzungen/kalender?monat=2024-04").text
    assert "Sitzungskalender April 2024" in page
    cell = page.split("Dienstag, 23.04.2024")[1].split("</td>")[0]
    assert f"/sitzungen/{meeting}" in cell
    assert "18:00 Uhr Gemeinderat" in cell
    assert "März 2024" in page
    assert "Mai 2024" in page
    empty = client.get("/sitzungen/kalender?monat=2024-05").text
    assert f"/sitzungen/{meeting}" not in empty
    # nonsense months fall back to the current one, never an error
    assert client.get("/sitzungen/kalender?monat=2024-13").status_code == 200


def test_without_a_municipality_the_list_explains_and_links_no_calendar(
    client: TestClient,
) -> None:
    """The Landratsamt reaches single meetings from its tasks; its /sitzungen says why there
    is no list, and offers no Monatskalender (which exists only for a municipality)."""
    sign_in(client, "lra.coordinator")
    page = client.get("/sitzungen")
    assert page.status_code == 200
    assert "Sitzungen führen die Gemeinden" in page.text
    assert "/sitzungen/kalender" not in page.text
    sign_in(client, "ilsfeld.secretary")
    assert 'href="/sitzungen/kalender"' in client.get("/sitzungen").text


def test_create_meeting_with_errors_in_words_then_success(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.secretary")
    form = client.get("/sitzungen/neu").text
    bad = _post(
        client,
        "/sitzungen/neu",
        form,
        body_id="",
        meeting_date="31.02.2024",
        start_time="25:00",
        location="Rathaus",
    )
    assert bad.status_code == 422
    assert "Bitte wählen Sie das Gremium aus." in bad.text
    assert "Bitte geben Sie den Sitzungstag als Datum ein" in bad.text
    assert 'href="#start_time"' in bad.text
    body = world.body_id("Gemeinderat")
    made = _post(
        client,
        "/sitzungen/neu",
        form,
        body_id=str(body),
        meeting_date="2024-04-23",
        start_time="18:30",
        location="Rathaus, Sitzungssaal",
    )
    assert made.status_code == 303
    page = client.get(made.headers["location"]).text
    assert "Sitzung des Gemeinderats am 23.04.2024" in page
    assert "18:30 Uhr" in page
    assert "Die Sitzung des Gemeinderats am 23.04.2024 ist angelegt." in page


def test_the_new_meeting_form_takes_its_example_day_from_today(
    client: TestClient, clock: FixedClock
) -> None:
    """A clerk in December 2026 reads an example three weeks ahead (Europe/Berlin: the
    evening of the 6th in UTC is already the 7th), not "23.04.2024"."""
    clock.now = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    sign_in(client, "ilsfeld.secretary")
    form = client.get("/sitzungen/neu").text
    assert "z. B. 28.12.2026" in field_of(form, "meeting_date")
    assert "2024" not in form
    # Ilsfeld's mayor is a Bürgermeisterin (mayor_title, workflow.wording)
    assert unbroken("Die Bürgermeisterin beruft die Sitzung ein (§ 34 Abs. 1 GemO)") in form
    bad = _post(client, "/sitzungen/neu", form, meeting_date="bald", start_time="18:30")
    assert bad.status_code == 422
    summary = bad.text.split('id="fehler"')[1].split("</ul>")[0]
    assert "Bitte geben Sie den Sitzungstag als Datum ein, z. B. 28.12.2026." in summary


def test_council_members_cannot_create_meetings(client: TestClient) -> None:
    sign_in(client, "ilsfeld.council")
    assert client.get("/sitzungen/neu").status_code == 404
    assert "Neue Sitzung" not in client.get("/sitzungen").text


def test_agenda_is_built_ordered_and_items_removed(world: World, client: TestClient) -> None:
    pid = released(world)
    meeting = new_meeting(world)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    assert "Neubau Bauhof" in page.split("Vorlage aufnehmen")[1], "the released Vorlage is offered"
    unchosen = _post(client, f"/sitzungen/{meeting}/tagesordnung/vorlage", page, proposal_id="")
    # a refusal goes to the banners, not to the agenda's anchor below them
    assert unchosen.headers["location"] == f"/sitzungen/{meeting}#meldungen"
    assert 'id="meldungen"' in client.get(unchosen.headers["location"]).text
    added = _post_current(
        client,
        f"/sitzungen/{meeting}/tagesordnung/vorlage",
        page,
        proposal_id=str(pid),
    )
    assert added.status_code == 303
    page = client.get(f"/sitzungen/{meeting}").text
    assert "steht als TOP 1 auf der Tagesordnung" in page
    _post_current(
        client,
        f"/sitzungen/{meeting}/tagesordnung/punkt",
        page,
        title="Bekanntgaben",
        public="ja",
    )
    page = client.get(f"/sitzungen/{meeting}").text
    missing = client.post(
        f"/sitzungen/{meeting}/tagesordnung/punkt",
        data={
            "csrf_token": csrf_of(page),
            "title": "Personalsache",
            "public": "nein",
            "version": _version(page),
        },
    )
    assert missing.status_code == 422
    assert "Bitte begründen Sie die nichtöffentliche Behandlung" in missing.text
    items = world.run(
        lambda s: list(s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting)))
    )
    bekanntgaben = next(i.id for i in items if i.title == "Bekanntgaben")
    up = _post_current(
        client,
        f"/sitzungen/{meeting}/tagesordnung/{bekanntgaben}/hoch",
        page,
    )
    assert up.status_code == 303
    page = client.get(f"/sitzungen/{meeting}").text
    assert "„Bekanntgaben“ ist jetzt TOP 1." in page
    assert page.index("Bekanntgaben") < page.index("Neubau Bauhof (Vorlage")
    # Only the moves that can happen: the first goes down, the last up.
    assert 'Nach oben<span class="kern-sr-only">: TOP 1<' not in page
    assert 'Nach unten<span class="kern-sr-only">: TOP 1<' in page
    assert 'Nach oben<span class="kern-sr-only">: TOP 2<' in page
    assert 'Nach unten<span class="kern-sr-only">: TOP 2<' not in page
    # a stale version is refused in words, not overwritten
    stale = _post(
        client, f"/sitzungen/{meeting}/tagesordnung/{bekanntgaben}/runter", page, version="1"
    )
    assert stale.status_code == 303
    assert "von jemand anderem geändert" in client.get(f"/sitzungen/{meeting}").text
    page = client.get(f"/sitzungen/{meeting}").text
    vorlage_item = next(i.id for i in items if i.proposal_id == pid)
    _post_current(
        client,
        f"/sitzungen/{meeting}/tagesordnung/{vorlage_item}/absetzen",
        page,
    )
    page = client.get(f"/sitzungen/{meeting}").text
    assert "wurde von der Tagesordnung abgesetzt" in page
    assert "Abgesetzt" in page
    events = select(AuditEvent.trigger).where(
        AuditEvent.instance_id == meeting, AuditEvent.instance_type == "meeting"
    )
    trail = world.run(lambda s: s.exec(events).all())
    assert {"add_agenda_item", "reorder_agenda", "remove_agenda_item"} <= set(trail)


def _invited_vorlage(world: World) -> tuple[int, int]:
    """A released Vorlage on the agenda of an invited Gemeinderat meeting."""
    pid = released(world)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    invited(world, meeting)
    return pid, meeting


def test_an_item_removed_after_the_invitation_needs_a_reason(
    world: World, client: TestClient
) -> None:
    pid, meeting = _invited_vorlage(world)
    item = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting)).one()
    )
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    check_url = f"/sitzungen/{meeting}/tagesordnung/{item.id}/absetzen"
    assert f'href="{check_url}"' in page  # a check page, not a one-click removal
    check = client.get(check_url).text
    assert "Grund der Absetzung" in check
    assert unbroken("§ 34 Abs. 1 GemO") in check
    bare = _post(client, check_url, check, version="1")
    assert bare.status_code == 422
    assert "warum der Punkt nach der Einladung abgesetzt wird" in bare.text
    assert 'name="version" value="1"' in bare.text  # the version seen, not the newest
    assert not known(world.run(lambda s: s.get(AgendaItem, item.id))).removed
    done = _post(client, check_url, check, version=_version(page), comment="Beratungsbedarf")
    assert done.status_code == 303
    assert known(world.run(lambda s: s.get(AgendaItem, item.id))).removed
    comments = world.run(
        lambda s: s.exec(
            select(AuditEvent.data).where(
                AuditEvent.instance_id == meeting, AuditEvent.trigger == "remove_agenda_item"
            )
        ).all()
    )
    assert any((c or {}).get("comment") == "Beratungsbedarf" for c in comments)
    assert client.get(check_url).status_code == 409  # removed: nothing more to remove
    for outsider in ("flein.clerk", "ilsfeld.council"):
        sign_in(client, outsider)
        assert client.get(check_url).status_code == 404, outsider


def _without_address(session: Any, person_id: int) -> str:
    person = session.get(Person, person_id)
    person.email = None
    for user in session.exec(select(User).where(User.person_id == person_id)):
        user.email = None
    return str(person.name)


def test_the_invitation_check_names_who_must_be_invited_in_writing(
    world: World, client: TestClient
) -> None:
    """§ 34 Abs. 1 Satz 1 GemO: "schriftlich oder elektronisch"; whom no e-mail reaches is
    said before the click, not only after sending."""
    pid = released(world)
    meeting = new_meeting(world)
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(date(2024, 4, 8), 9),
        data={"meeting_id": meeting},
    )
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(date(2024, 4, 8), 9))
    council = world.body_id("Gemeinderat")
    members = world.run(lambda s: voting_members(s, council))
    name = world.run(lambda s: _without_address(s, members[-1]))
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    form = client.get(f"/sitzungen/{meeting}/aktionen/invite").text
    check = _post_current(client, f"/sitzungen/{meeting}/aktionen/invite", page)
    listed: list[str] = []
    for shown in (form, check.text):
        warning = shown.split("Einladung in Schriftform")[1].split("</div>\n</div>")[0]
        named = re.search(r"die Einladung nicht elektronisch: ([^<]*?)\. Laden", warning)
        assert named is not None
        assert name in named.group(1).split(", ")
        listed.append(named.group(1))
        assert f"von {len(members)} Mitgliedern" in warning
        assert (
            unbroken("schriftlich ein (§ 34 Abs. 1 Satz 1 GemO: schriftlich oder elektronisch)")
            in warning
        )
    done = _post(
        client,
        f"/sitzungen/{meeting}/aktionen/invite",
        check.text,
        version=_version(check.text),
        bestaetigt="ja",
    )
    assert done.status_code == 303
    after = client.get(f"/sitzungen/{meeting}").text
    # the same people as the message after sending names
    unreached = re.search(r"bitte auf anderem Weg einladen: ([^<]*)\.", after)
    assert unreached is not None
    assert [unreached.group(1)] * 2 == listed


def test_invitation_explains_the_period_before_the_click(world: World, client: TestClient) -> None:
    pid = released(world)
    meeting = new_meeting(world)
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(date(2024, 4, 8), 9),
        data={"meeting_id": meeting},
    )
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(date(2024, 4, 8), 9))
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    # nothing sent yet: the period can still be kept, not "is kept"
    assert "Die Einladungsfrist ist gewahrt" not in page
    assert (
        "Die Einladungsfrist kann noch gewahrt werden (bis 16.04.2024): Die Einladung muss "
        "spätestens am 16.04.2024"
    ) in page
    check = _post_current(client, f"/sitzungen/{meeting}/aktionen/invite", page)
    assert check.status_code == 200
    assert "Bitte prüfen" in check.text
    assert "Einladung mit Tagesordnung und Unterlagen versenden: gewahrt" in check.text
    assert world.get_meeting(meeting).state == "agenda", "the check changes nothing"
    done = _post(
        client,
        f"/sitzungen/{meeting}/aktionen/invite",
        check.text,
        version=_version(check.text),
        bestaetigt="ja",
    )
    assert done.status_code == 303
    assert world.get_meeting(meeting).state == "invited"
    after = client.get(f"/sitzungen/{meeting}").text
    # what happened, once: the done label and the new state are the same words here
    assert "Sitzung des Gemeinderats am " in after
    assert re.search(r"Sitzung des Gemeinderats am [\d.]+: Eingeladen\.", after)
    assert "Neuer Stand: Eingeladen" not in after
    members = len(world.run(lambda s: voting_members(s, world.body_id("Gemeinderat"))))
    assert members > 2
    reached = re.findall(r"Die Einladung ging per E-Mail an (\d+) Mitglieder?\.", after)
    assert len(reached) == 1
    unreached = re.findall(r"bitte auf anderem Weg einladen: ([^<]*)\.", after)
    named = unreached[0].split(", ") if unreached else []
    assert int(reached[0]) + len(named) == members  # every member, by mail or otherwise
    # sent: now the period is kept, by the day the invitation went out
    assert "Die Einladungsfrist kann noch gewahrt werden" not in after
    invited_at = world.get_meeting(meeting).invited_at
    assert invited_at is not None
    sent = formatting.date_de(local_date(invited_at))
    assert (
        f"Die Einladungsfrist ist gewahrt: Die Einladung wurde am {sent} versandt, "
        "spätestens war es der 16.04.2024."
    ) in after


def test_late_invitation_needs_a_reason_or_an_emergency(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    meeting = new_meeting(world, day=date(2024, 4, 12))
    world.run(lambda s: s.add(AgendaItem(meeting_id=meeting, position=1, title="Bekanntgaben")))
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(date(2024, 4, 8), 9))
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/sitzungen/{meeting}").text
    assert "Die Einladungsfrist ist nicht mehr gewahrt" in page
    assert "spätestens am 05.04.2024" in page
    bare = _post_current(client, f"/sitzungen/{meeting}/aktionen/invite", page)
    assert bare.status_code == 422
    assert "Bitte begründen Sie die kürzere Frist" in bare.text
    check = _post_current(
        client,
        f"/sitzungen/{meeting}/aktionen/invite",
        page,
        emergency_reason="Hochwasser: Sofortmaßnahmen am Schozach-Ufer",
    )
    assert unbroken("Notsitzung: Grund (§ 34 Abs. 2 GemO)") in check.text
    confirm = check.text.split('id="pruefen"')[1]
    assert "Hochwasser: Sofortmaßnahmen am Schozach-Ufer" in confirm
    # the invitation shows that it works and is not sent twice (static/ratsflow.js)
    assert "data-rf-lange-aktion" in confirm.split("<form")[1].split(">")[0]
    assert "Die Einladungen und Unterlagen werden erstellt" in confirm
    _post(
        client,
        f"/sitzungen/{meeting}/aktionen/invite",
        check.text,
        version=_version(check.text),
        bestaetigt="ja",
        emergency_reason="Hochwasser: Sofortmaßnahmen am Schozach-Ufer",
    )
    stored: Meeting = world.get_meeting(meeting)
    assert stored.state == "invited"
    assert stored.emergency
    page = client.get(f"/sitzungen/{meeting}").text
    assert "Notsitzung" in page
    # § 34 Abs. 2 GemO: no ortsübliche Bekanntgabe owed, none asked for "rechtzeitig"
    notice = page.split('id="ortsuebliche-bekanntgabe"')[1].split("<form")[0]
    assert unbroken("Eine ortsübliche Bekanntgabe ist nicht vorgeschrieben (§ 34 Abs. 2 GemO)") in (
        notice
    )
    assert "rechtzeitig" not in notice
    assert "spätestens am" not in notice


@pytest.mark.parametrize(
    "path", ["/sitzungen/999999", "/sitzungen/abc", "/sitzungen/0", "/sitzungen/1/aktionen/x"]
)
def test_unknown_meetings_are_not_found_in_german(client: TestClient, path: str) -> None:
    sign_in(client, "ilsfeld.secretary")
    response = client.get(path, headers=HTML)
    assert response.status_code == 404
    assert "Nicht gefunden" in response.text


def test_another_town_reads_an_invited_meeting_on_its_public_page(
    world: World, client: TestClient
) -> None:
    pid, meeting = _invited_vorlage(world)
    town = world.get_meeting(meeting).municipality_id
    sign_in(client, "flein.council")
    # published (invited), but Ilsfeld's co-signatures, history and actions stay Ilsfeld's
    for path in (f"/sitzungen/{meeting}", f"/vorlagen/{pid}"):
        moved = client.get(path, follow_redirects=False)
        assert moved.status_code == 303, path
        assert moved.headers["location"] == f"/oeffentlich/{town}{path}"
        assert client.get(moved.headers["location"]).status_code == 200, path
    sign_in(client, "ilsfeld.council")
    assert client.get(f"/vorlagen/{pid}", follow_redirects=False).status_code == 200
    sign_in(client, "lra.coordinator")
    assert client.get(f"/sitzungen/{meeting}", follow_redirects=False).status_code == 200


def test_another_town_does_not_see_a_planned_meeting(world: World, client: TestClient) -> None:
    meeting = new_meeting(world)
    sign_in(client, "flein.council")
    assert client.get(f"/sitzungen/{meeting}").status_code == 404
    assert f"/sitzungen/{meeting}" not in client.get("/sitzungen?zeitraum=alle").text
    page = client.get("/sitzungen").text
    forged = client.post(
        f"/sitzungen/{meeting}/tagesordnung/punkt",
        data={"csrf_token": csrf_of(page), "title": "x", "version": "1"},
    )
    assert forged.status_code in (303, 404)
    assert not world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting)).all()
    )


def test_the_agenda_numbers_each_part_as_the_papers_do(world: World, client: TestClient) -> None:
    from tests.api.test_documents_http import mixed_meeting

    meeting, _, _ = mixed_meeting(world)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    secret_part = page.split("Nichtöffentlicher Teil")[1]
    cell = '<td role="cell" data-label="TOP" class="kern-table__cell rf-numeric rf-nowrap">'
    assert f"{cell}NÖ 1</td>" in secret_part
    assert f"{cell}2</td>" not in secret_part


def test_reasons_required_only_under_a_condition_say_when_not_optional(
    world: World, client: TestClient
) -> None:
    meeting = new_meeting(world, day=date(2024, 4, 12))
    world.run(lambda s: s.add(AgendaItem(meeting_id=meeting, position=1, title="Bekanntgaben")))
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    reason = field_of(page, "non_public_reason")
    assert "optional" not in reason
    assert "Pflicht bei nichtöffentlicher Behandlung" in reason
    assert " required" not in reason  # a public item goes without
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(date(2024, 4, 8), 9))
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/sitzungen/{meeting}").text
    assert "Die Einladungsfrist ist nicht mehr gewahrt" in page
    [late_id] = re.findall(r'for="([\w-]*late_reason)"', page)
    late = field_of(page, late_id)
    assert "optional" not in late
    assert "Pflicht bei verkürzter Frist, außer bei einer Notsitzung" in late
    assert " required" not in late  # an emergency's reason does instead


def test_the_printed_invitation_names_where_the_sitzungsmappe_is(
    world: World, client: TestClient
) -> None:
    meeting = new_meeting(world)
    world.run(lambda s: s.add(AgendaItem(meeting_id=meeting, position=1, title="Bekanntgaben")))
    invited(world, meeting)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}/dokumente/einladung.html")
    assert page.status_code == 200
    # printed for a member without e-mail: an address to look at, not "zu dieser Sitzung"
    assert (
        "Die Sitzungsunterlagen finden Sie in der Sitzungsmappe zu dieser Sitzung: "
        f"http://testserver/sitzungen/{meeting}/sitzungsmappe.pdf"
    ) in page.text
    api = client.get(f"/api/v1/meetings/{meeting}/documents/einladung.html")
    assert f"/sitzungen/{meeting}/sitzungsmappe.pdf" in api.text


def test_a_councillor_reads_the_befangenheit_hint_before_the_session(
    world: World, client: TestClient
) -> None:
    """§ 18 Abs. 4 GemO: a member discloses a bias to the chair before the item is discussed.
    The invited meeting's page says what to do (the notice itself: test_bias_notice_http);
    staff, who record it in the session, are not told."""
    meeting = new_meeting(world)
    scheduled(world, released(world), meeting)
    invited(world, meeting)
    sign_in(client, "ilsfeld.council")
    page = unbroken(client.get(f"/sitzungen/{meeting}").text)
    assert 'id="befangenheit"' in page
    assert unbroken("Befangenheit (§ 18 GemO):") in page
    assert "vor Beginn der Beratung" in page
    sign_in(client, "ilsfeld.secretary")
    assert 'id="befangenheit"' not in client.get(f"/sitzungen/{meeting}").text


def test_the_papers_before_the_invitation_are_offered_as_drafts(
    world: World, client: TestClient
) -> None:
    """A member reads the meeting's page before the invitation: its Einladung and Mappe are
    drafts (the PDF says "ENTWURF"), and the link says so too; after the invitation not."""
    meeting = new_meeting(world)
    scheduled(world, released(world), meeting)
    sign_in(client, "ilsfeld.council")
    before = client.get(f"/sitzungen/{meeting}").text
    assert "Einladung mit Tagesordnung (Entwurf, noch nicht versandt):" in before
    assert "Sitzungsmappe (Entwurf: Einladung, Vorlagen und Anlagen):" in before
    invited(world, meeting)
    after = client.get(f"/sitzungen/{meeting}").text
    assert "Einladung mit Tagesordnung:" in after
    assert "Sitzungsmappe (Einladung, Vorlagen und Anlagen):" in after
    assert "Entwurf" not in after.split('id="dokumente"')[1].split("</section>")[0]


def test_a_member_opens_each_item_s_vorlage_from_the_agenda(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """A councillor reading the agenda on a tablet: each item's Vorlage as PDF and its
    Anlagen one touch away, not only the whole Sitzungsmappe."""
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    invited(world, mid)
    item = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.proposal_id == pid)).one().id
    )
    sign_in(client, "ilsfeld.council")
    page = client.get(f"/sitzungen/{mid}").text
    row = page.split(f'href="/vorlagen/{pid}"')[1].split("</tr>")[0]
    pdf = f"/sitzungen/{mid}/top/{item}/dokumente/vorlage.pdf"
    assert f'href="{pdf}"' in row
    assert f'href="/vorlagen/{pid}#dokumente"' in row
    assert "rf-touch" in row
    answer = client.get(pdf)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
