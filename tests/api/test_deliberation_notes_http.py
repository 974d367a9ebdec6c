"""The essential content of the deliberation per agenda item (§ 38 Abs. 1 GemO): written on
the meeting screen or over the API during and after the session, in the Niederschrift as
HTML, PDF and DOCX, fixed once the minutes carry a signature."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.api.conftest import FixedClock
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.documents import text_of
from tests.integration.flow import MEETING_DAY, in_session, item_of, new_meeting, released, vote
from tests.integration.flow import scheduled as put_on_agenda

API_NOTES = "Gemeinderat Keller fragt nach den Folgekosten; die Verwaltung nennt 12.000 € jährlich."
SCREEN_NOTES = "Die Kämmerin erläutert die Finanzierung.\r\n\r\nKeine weiteren Wortmeldungen."


def test_notes_from_api_and_screen_reach_the_minutes_until_signed(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid = released(world)
    mid = new_meeting(world)
    put_on_agenda(world, pid, mid)
    present = in_session(world, mid)
    item = item_of(world, pid)
    secretary = as_user("ilsfeld.secretary")
    url = f"/api/v1/meetings/{mid}/agenda-items/{item}/deliberation-notes"

    def version() -> int:
        return int(client.get(f"/api/v1/meetings/{mid}", headers=secretary).json()["version"])

    clock.now = berlin(MEETING_DAY, 19, 30)
    refused = client.put(
        url,
        json={"expected_version": version(), "deliberation_notes": "x"},
        headers=as_user("ilsfeld.council"),
    )
    assert refused.status_code == 403
    stale = client.put(
        url, json={"expected_version": 1, "deliberation_notes": "x"}, headers=secretary
    )
    assert stale.status_code == 409
    saved = client.put(
        url,
        json={"expected_version": version(), "deliberation_notes": API_NOTES},
        headers=secretary,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["deliberation_notes"] == API_NOTES

    # On the meeting screen the current item carries the field, prefilled.
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    assert "Wesentlicher Inhalt der Beratung" in page
    assert "Gemeinderat Keller fragt nach den Folgekosten" in page
    # Discussion first, then the vote: the notes stand above the vote form.
    assert page.index(f"/{item}/beratung") < page.index(f"/{item}/abstimmung")
    clock.now += timedelta(minutes=1)
    posted = client.post(
        f"/sitzungen/{mid}/durchfuehren/{item}/beratung",
        data={
            "csrf_token": csrf_of(page),
            "version": str(version()),
            "deliberation_notes": SCREEN_NOTES,
        },
    )
    assert posted.status_code == 200
    assert "Der Verlauf der Beratung ist gespeichert." in posted.text
    assert "Die Kämmerin erläutert die Finanzierung." in posted.text

    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("meeting", mid, "close_session", "ilsfeld.secretary", berlin(MEETING_DAY, 22))
    clock.now = berlin(date(2024, 4, 24), 9)
    # After the session, before any signature: still editable, on the screen's closed view too.
    page = client.get(f"/sitzungen/{mid}/durchfuehren").text
    assert "Verlauf der Beratung" in page
    for fmt in ("html", "pdf", "docx"):
        got = client.get(f"/api/v1/meetings/{mid}/documents/niederschrift.{fmt}", headers=secretary)
        assert got.status_code == 200, fmt
        text = " ".join(text_of(got.content, fmt).split())
        assert "Wesentlicher Inhalt der Beratung" in text, fmt
        assert "Die Kämmerin erläutert die Finanzierung." in text, fmt
        assert "Keine weiteren Wortmeldungen." in text, fmt
        assert "Folgekosten" not in text, fmt  # replaced by the screen's text

    chair = world.get_meeting(mid).chair_person_id
    assert chair is not None
    signed = client.post(
        f"/api/v1/meetings/{mid}/minutes-signatures",
        json={"expected_version": version(), "person_id": chair, "capacity": "chair"},
        headers=secretary,
    )
    assert signed.status_code == 201, signed.text
    clock.now += timedelta(minutes=1)
    late = client.put(
        url, json={"expected_version": version(), "deliberation_notes": "neu"}, headers=secretary
    )
    assert late.status_code == 409
    assert "bereits unterzeichnet" in late.json()["detail"]
    assert 'id="beratungsverlauf"' not in client.get(f"/sitzungen/{mid}/durchfuehren").text


def test_notes_wait_for_the_session(world: World, client: Any, as_user: Any) -> None:
    pid = released(world)
    mid = new_meeting(world)
    put_on_agenda(world, pid, mid)
    secretary = as_user("ilsfeld.secretary")
    version = client.get(f"/api/v1/meetings/{mid}", headers=secretary).json()["version"]
    got = client.put(
        f"/api/v1/meetings/{mid}/agenda-items/{item_of(world, pid)}/deliberation-notes",
        json={"expected_version": version, "deliberation_notes": "zu früh"},
        headers=secretary,
    )
    assert got.status_code == 409
    assert "ab Beginn der Sitzung" in got.json()["detail"]
    missing = client.put(
        f"/api/v1/meetings/{mid}/agenda-items/999999/deliberation-notes",
        json={"expected_version": version, "deliberation_notes": "x"},
        headers=secretary,
    )
    assert missing.status_code == 404
