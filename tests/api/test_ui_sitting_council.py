"""The meeting screen's counts form, attendance per item and motions over HTTP (issue 10)."""

from __future__ import annotations

from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_meetings import _post, _post_current
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, in_session, item_of
from tests.integration.test_meetings import planned
from workflow.models import AgendaItem, Motion, Person, Proposal
from workflow.queries import voting_members


def _running(world: World, clock: FixedClock) -> tuple[int, int, int, list[int]]:
    pid, mid = planned(world)
    present = in_session(world, mid)
    clock.now = berlin(MEETING_DAY, 19, 30)
    return pid, mid, item_of(world, pid), present


def _screen(client: TestClient, mid: int, item: int) -> str:
    page: str = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    return page


def test_the_vote_is_recorded_as_counts_and_a_secret_ballot_only_so(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, mid, item, present = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, mid, item)
    assert "Abstimmung als Stimmenzahlen" in page
    assert f"({len(present)} stimmberechtigt anwesend)" in page
    url = f"/sitzungen/{mid}/durchfuehren/{item}/stimmenzahlen"
    too_many = _post_current(client, url, page, ja="99", nein="0")
    # the screen again (422) with the counts as typed, to correct them
    assert too_many.status_code == 422
    page = too_many.text
    assert "stimmberechtigt" in page
    assert 'id="counts-ja" name="ja" type="number" value="99"' in page
    nonsense = _post_current(client, url, page, ja="viele", nein="0")
    page = nonsense.text
    assert "ganze Zahlen" in page
    saved = _post_current(client, url, page, ja="9", nein="2", enthaltung="1", geheim="ja")
    page = client.get(saved.headers["location"]).text
    assert "Geheime Abstimmung gespeichert. Mehrheit erreicht: 9 Ja, 2 Nein, 1 Enthaltung." in page
    assert "nur als Stimmenzahlen erfasst" in page
    assert 'name="vote-' not in page  # no vote by name for a secret ballot
    item_row = world.get(AgendaItem, item)
    assert (item_row.vote_yes, item_row.secret_ballot) == (9, True)
    assert world.get(Proposal, pid).state == "scheduled"


def test_members_leave_and_arrive_at_an_item(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, present = _running(world, clock)
    name = world.get(Person, present[-1]).name
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, mid, item)
    url = f"/sitzungen/{mid}/durchfuehren/{item}/kommen-gehen"
    left = _post_current(
        client,
        url,
        page,
        person_id=str(present[-1]),
        richtung="geht",
        reason="Termin",
    )
    page = client.get(left.headers["location"]).text
    assert f"{name} hat die Sitzung verlassen (ab TOP 1)." in page
    assert f"{name} hat die Sitzung verlassen: Termin" in page
    assert f"nicht anwesend: {name}" in page
    missing = _post_current(client, url, page, richtung="geht", reason="Arzt")
    assert missing.status_code == 422  # the screen again, the reason kept
    assert "Bitte wählen Sie das Mitglied." in missing.text
    assert ">Arzt</textarea>" in missing.text


def test_motions_are_made_and_voted_on_the_screen(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, _ = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, mid, item)
    url = f"/sitzungen/{mid}/durchfuehren/{item}/antraege"
    made = _post_current(
        client,
        url,
        page,
        art="amendment",
        mover="Fraktion FWV",
        text="Der Gemeinderat stimmt zu, ohne Carport.",
    )
    page = client.get(made.headers["location"]).text
    assert "Antrag erfasst." in page
    assert (
        "Änderungsantrag: „Der Gemeinderat stimmt zu, ohne Carport.“ (Antragsteller/in: "
        "Fraktion FWV)" in page
    )
    motion = world.run(lambda s: s.exec(select(Motion)).one().id)
    voted = _post_current(client, f"{url}/{motion}", page, ja="8", nein="4")
    page = client.get(voted.headers["location"]).text
    assert "Der Antrag ist angenommen." in page
    assert (
        "Wortlaut nach den angenommenen Anträgen:</strong> Der Gemeinderat stimmt zu, ohne Carport."
        in page
    )
    refer = _post_current(client, url, page, art="refer", mover="Herr Maier", text="")
    assert refer.status_code == 422  # the form again, with what was typed
    assert "Das Gremium, an das verwiesen wird, fehlt" in refer.text
    assert 'id="motion-mover" name="mover" type="text" value="Herr Maier"' in refer.text
    members = world.run(lambda s: voting_members(s, world.get_meeting(mid).body_id))
    assert members


def test_the_council_member_cannot_post_counts(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, _ = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = _screen(client, mid, item)
    sign_in(client, "ilsfeld.council")
    refused = _post(
        client, f"/sitzungen/{mid}/durchfuehren/{item}/stimmenzahlen", page, version="1", ja="1"
    )
    assert refused.status_code in (403, 404)


def test_a_supplement_is_added_on_the_meeting_page_after_the_invitation(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    from tests.api.test_ui_meetings import _version as version_of
    from tests.integration.flow import DAY
    from tests.integration.test_meetings import invited

    _, mid = planned(world)
    invited(world, mid)
    clock.now = berlin(DAY, 15)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}").text
    assert "Nachtrag zur Tagesordnung" in page
    added = _post(
        client,
        f"/sitzungen/{mid}/tagesordnung/punkt",
        page,
        version=version_of(page),
        title="Anfragen",
        late_paper="ja",
    )
    page = client.get(added.headers["location"]).text
    assert "„Anfragen“ steht als TOP 2 auf der Tagesordnung." in page
    assert "Nachtrag" in page
    assert "Tischvorlage" in page
    clock.now = berlin(MEETING_DAY, 9)
    late = _post(
        client, f"/sitzungen/{mid}/tagesordnung/punkt", page, version=version_of(page), title="X"
    )
    assert "Notfall" in client.get(late.headers["location"]).text


def test_absence_reasons_are_entered_with_the_attendance(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    from tests.integration.test_meetings import invited, members_of

    _, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    clock.now = berlin(MEETING_DAY, 18)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren").text
    assert "Gründe der Abwesenheit" in page
    saved = _post_current(
        client,
        f"/sitzungen/{mid}/durchfuehren/anwesenheit",
        page,
        present=[str(m) for m in members[:-1]],  # type: ignore[arg-type]
        **{f"grund-{members[-1]}": "Urlaub", "grund-x": "ignoriert"},
    )
    page = client.get(saved.headers["location"]).text
    assert 'value="Urlaub"' in page
