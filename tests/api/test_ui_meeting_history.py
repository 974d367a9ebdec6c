"""The Sitzung's Verlauf over HTTP: who set the agenda, who invited when, who added an item
after the invitation (§ 34 Abs. 1 GemO) and who took one off, as a Vorlage's page tells its
own (``api.ui.history.history_entries``); the JSON history names every event in German."""

from __future__ import annotations

from typing import Any

from api.ui.history import history_entries
from tests.api.conftest import FixedClock, TestClient
from tests.api.helpers import SECRET_TITLE
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_mayor_title import _titled
from tests.api.test_ui_meetings import _post_current
from tests.api.test_visibility import REMOVAL_REASON, _committee_meeting_with_secret_items
from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, invited, new_meeting, released, scheduled
from tests.integration.test_statement_budget import counted
from workflow.models import Meeting
from workflow.queries import agenda


def _verlauf(page: str) -> str:
    assert 'id="verlauf-titel"' in page, "the page has a Verlauf"
    return page.split('id="verlauf-titel"')[1]


def _invited_with_supplement(world: World, client: TestClient, clock: FixedClock) -> int:
    """A Gemeinderat meeting with a Vorlage, invited by the mayor, then a Nachtrag added and
    taken off again by the Sitzungsdienst on the meeting's page."""
    pid = released(world)
    meeting = new_meeting(world)
    scheduled(world, pid, meeting)
    invited(world, meeting)
    clock.now = berlin(DAY, 15)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    added = _post_current(
        client,
        f"/sitzungen/{meeting}/tagesordnung/punkt",
        page,
        title="Kindergartengebühren 2025",
    )
    assert added.status_code == 303, added.text
    return meeting


def test_the_sitzung_page_tells_who_invited_and_who_added_a_nachtrag(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _titled(world, world.data.ilsfeld.municipality.id or 0, "Oberbürgermeisterin")
    meeting = _invited_with_supplement(world, client, clock)
    mayor = world.data.users["ilsfeld.mayor"].full_name
    secretary = world.data.users["ilsfeld.secretary"].full_name
    history = _verlauf(client.get(f"/sitzungen/{meeting}").text)
    assert "Verlauf anzeigen (4 Einträge)" in history  # angelegt, festgelegt, eingeladen, Nachtrag
    assert f"Eingeladen – Oberbürgermeisterin ({mayor})" in history
    nachtrag = (
        "Tagesordnungspunkt aufgenommen (Nachtrag, TOP 2: Kindergartengebühren 2025) – "
        f"Sitzungsdienst ({secretary})"
    )
    assert nachtrag in history
    assert history.index(nachtrag) < history.index("Eingeladen –"), "newest first"
    assert f"Angelegt – Sitzungsdienst ({secretary})" in history
    assert "Geändert" not in history
    assert "Bürgermeister/in" not in history

    # Taken off again: the item by its number and title then, with the reason given.
    item = world.run(
        lambda s: next(i.id for i in agenda(s, meeting) if i.title == "Kindergartengebühren 2025")
    )
    page = client.get(f"/sitzungen/{meeting}").text
    removed = _post_current(
        client,
        f"/sitzungen/{meeting}/tagesordnung/{item}/absetzen",
        page,
        comment="Beratung im Ausschuss abwarten",
    )
    assert removed.status_code == 303, removed.text
    history = _verlauf(client.get(f"/sitzungen/{meeting}").text)
    assert (
        "Tagesordnungspunkt abgesetzt (TOP 2: Kindergartengebühren 2025) – Sitzungsdienst "
        f"({secretary}); Stand danach: "
    ) in history
    assert "Anmerkung: „Beratung im Ausschuss abwarten“" in history

    # The mayor reads it too; the public portal never.
    sign_in(client, "ilsfeld.mayor")
    assert "Kindergartengebühren 2025) – Sitzungsdienst" in _verlauf(
        client.get(f"/sitzungen/{meeting}").text
    )
    town = world.get_meeting(meeting).municipality_id
    public = client.get(f"/oeffentlich/{town}/sitzungen/{meeting}")
    assert public.status_code == 200
    assert 'id="verlauf-titel"' not in public.text
    assert secretary not in public.text


def test_a_councillor_reads_the_verlauf_without_items_he_may_not_open(
    world: World, client: TestClient, as_user: Any
) -> None:
    """As on a Vorlage's page, the municipality's councillors read the Verlauf, each event
    under the rule of its item (§ 35 Abs. 1 GemO); the Landratsamt reads none."""
    meeting = _committee_meeting_with_secret_items(world, client, as_user)
    sign_in(client, "ilsfeld.secretary")
    staff = _verlauf(client.get(f"/sitzungen/{meeting}").text)
    assert "Tagesordnungspunkt aufgenommen (TOP 1: Bekanntgaben)" in staff
    assert "Tagesordnungspunkt abgesetzt (TOP NÖ 1: Personalangelegenheit)" in staff
    assert SECRET_TITLE in staff
    sign_in(client, "ilsfeld.council")  # no member of the Verwaltungsausschuss
    council = _verlauf(client.get(f"/sitzungen/{meeting}").text)
    assert "Tagesordnungspunkt aufgenommen (TOP 1: Bekanntgaben)" in council
    assert "Eingeladen – " in council
    for secret in ("Personalangelegenheit", SECRET_TITLE, REMOVAL_REASON):
        assert secret not in council
    sign_in(client, "lra.coordinator")
    district = client.get(f"/sitzungen/{meeting}")
    assert district.status_code == 200
    assert 'id="verlauf-titel"' not in district.text


def test_the_json_history_names_events_that_are_no_step_in_german(
    world: World, client: TestClient, clock: FixedClock, as_user: Any
) -> None:
    """``done_label`` of a service's record from the table the pages read (EVENT_LABELS);
    ``label`` stays the action's, which such a record has none of."""
    meeting = _invited_with_supplement(world, client, clock)
    history = client.get(
        f"/api/v1/meetings/{meeting}/history", headers=as_user("ilsfeld.secretary")
    )
    assert history.status_code == 200
    events = {e["trigger"]: e for e in history.json()}
    added = events["add_agenda_item"]
    assert (added["label"], added["done_label"]) == (None, "Tagesordnungspunkt aufgenommen")
    assert (added["data"]["top"], added["data"]["title"]) == ("2", "Kindergartengebühren 2025")
    assert events["create"]["done_label"] == "Angelegt"
    assert (events["invite"]["label"], events["invite"]["done_label"]) == ("Einladen", "Eingeladen")
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    described = schema["HistoryEventRead"]["properties"]["done_label"]["description"]
    assert "Tagesordnungspunkt aufgenommen" in described


def test_the_verlauf_reads_its_events_in_one_query_however_many(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The statements of a Sitzung's Verlauf do not grow with its events: the events in one
    query, their people and the meetings they name in one each (``history_entries``)."""
    meeting = _invited_with_supplement(world, client, clock)
    actor = world["ilsfeld.secretary"]

    def statements() -> tuple[int, int]:
        with counted(world) as seen:
            entries = world.run(
                lambda s: history_entries(world.workflows, s, actor, known(s.get(Meeting, meeting)))
            )
        return len(seen), len(entries)

    few, before = statements()
    for title in ("Bekanntgaben", "Anfragen aus dem Gemeinderat", "Verschiedenes"):
        page = client.get(f"/sitzungen/{meeting}").text
        added = _post_current(
            client,
            f"/sitzungen/{meeting}/tagesordnung/punkt",
            page,
            title=title,
        )
        assert added.status_code == 303, added.text
    many, after = statements()
    assert after == before + 3
    assert many == few
