"""The meeting screen says who chairs the current item where it is not the session's chair
(workflow.chairs), refuses a vote while nobody does, and records the eldest member the
secretary names (§ 48 Abs. 1 Satz 8 GemO); a handover only in a committee (§ 40 Abs. 4 GemO)."""

from __future__ import annotations

import html
import re

from sqlmodel import select

from api.ui.citations import unbroken
from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_meetings import _post_current
from tests.api.test_ui_sitting_record import _follow, _running
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, in_session, item_of
from tests.integration.test_item_chair import declare, stellvertreter
from tests.integration.test_meetings import planned
from workflow.models import AgendaItem, Person, Vote


def test_the_screen_names_the_stellvertreter_who_chairs_for_a_befangen_mayor(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    deputy, _ = stellvertreter(world)
    _, mid, item, _ = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    assert "Vorsitz bei diesem Punkt" not in page, "the session's chair: nothing to say"
    declare(world, item, world["ilsfeld.mayor"].person_id or 0)
    page = html.unescape(client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text)
    name = world.get(Person, deputy).name
    assert (
        unbroken(
            f"Vorsitz bei diesem Punkt:</strong> {name} "
            "(Bürgermeisterin Beate Beispiel befangen, § 18 GemO)"
        )
        in page
    )
    assert f'action="/sitzungen/{mid}/durchfuehren/{item}/vorsitz"' not in page


def test_without_a_chair_the_vote_is_refused_until_the_member_is_recorded(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, mid, item, present = _running(world, clock)
    mayor = world["ilsfeld.mayor"].person_id or 0
    declare(world, item, mayor)
    sign_in(client, "ilsfeld.secretary")
    page = html.unescape(client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text)
    assert "Kein Vorsitz bei diesem Punkt" in page
    assert (
        unbroken(
            "Bitte erfassen Sie unter „Vorsitz bei diesem Punkt“ das an Lebensjahren älteste "
            "anwesende Mitglied, das nicht befangen ist (§ 48 Abs. 1 Satz 8 GemO)"
        )
        in page
    )
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    assert f'action="{base}/vorsitz"' in page
    # the field's hint names Ilsfeld's mayor by her title, not "die Bürgermeisterin oder …"
    assert "Sind die Bürgermeisterin und alle Stellvertreter verhindert" in page
    voters = [p for p in present if p != mayor]
    refused = _post_current(
        client, f"{base}/abstimmung", page, **{f"vote-{p}": "yes" for p in voters}
    )
    page = html.unescape(_follow(client, refused))
    assert "Bei diesem Tagesordnungspunkt führt niemand den Vorsitz" in page
    assert world.run(lambda s: s.exec(select(Vote)).all()) == []

    befangen = _post_current(client, f"{base}/vorsitz", page, person_id=str(mayor))
    page = html.unescape(_follow(client, befangen))
    assert unbroken("kann den Vorsitz bei diesem Punkt nicht führen (§ 18 Abs. 1 GemO)") in page

    member = voters[2]
    name = world.get(Person, member).name
    chosen = _post_current(client, f"{base}/vorsitz", page, person_id=str(member))
    page = html.unescape(_follow(client, chosen))
    assert f"Vorsitz bei diesem Punkt: {name}." in page  # the flash
    shown = unbroken(
        f"Vorsitz bei diesem Punkt:</strong> {name} (Bürgermeisterin Beate Beispiel befangen, "
        "§ 18 GemO; an Lebensjahren ältestes anwesendes, nicht befangenes Mitglied, § 48 Abs. 1 "
        "Satz 8 GemO)"
    )
    assert shown in page
    assert world.get(AgendaItem, item).chair_person_id == member
    clock.now = berlin(MEETING_DAY, 19, 50)
    voted = _post_current(
        client, f"{base}/abstimmung", page, **{f"vote-{p}": "yes" for p in voters}
    )
    page = html.unescape(_follow(client, voted))
    assert "Abstimmung gespeichert" in page


def test_the_council_screen_offers_no_handover_and_refuses_one(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The mayor present and not befangen chairs the council's item herself (§ 42 Abs. 1,
    § 48 Abs. 1 Satz 4 GemO): no form; a handover sent anyway is refused at the field."""
    stellvertreter(world)
    _, mid, item, present = _running(world, clock)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    assert f'action="{base}/vorsitz"' not in page
    member = present[3]
    sent = _post_current(client, f"{base}/vorsitz", page, person_id=str(member))
    assert sent.status_code == 422
    page = html.unescape(_follow(client, sent))
    assert (
        "Bürgermeisterin Beate Beispiel kann den Vorsitz bei diesem Punkt führen und kann ihn "
        "nicht übergeben"
    ) in page
    assert world.get(AgendaItem, item).chair_person_id is None


def test_a_committee_screen_offers_the_handover_to_a_stellvertreter(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 40 Abs. 4 GemO: the mayor may have a Stellvertreter chair a committee's item."""
    deputy, _ = stellvertreter(world)
    pid, mid = planned(world, "Technischer Ausschuss")
    in_session(world, mid)
    clock.now = berlin(MEETING_DAY, 19, 30)
    item = item_of(world, pid)
    sign_in(client, "ilsfeld.secretary")
    page = html.unescape(client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text)
    base = f"/sitzungen/{mid}/durchfuehren/{item}"
    assert f'action="{base}/vorsitz"' in page
    assert (
        unbroken(
            "beauftragt: eine Stellvertretung oder ein Mitglied des Ausschusses, das Gemeinderat "
            "ist (§ 40 Abs. 4, § 41 Abs. 2 GemO)"
        )
        in page
    )
    chosen = _post_current(client, f"{base}/vorsitz", page, person_id=str(deputy))
    page = html.unescape(_follow(client, chosen))
    name = world.get(Person, deputy).name
    assert (
        f"Vorsitz bei diesem Punkt:</strong> {name} (Vorsitz von Bürgermeisterin Beate "
        "Beispiel übergeben)"
    ) in page
    assert world.get(AgendaItem, item).chair_person_id == deputy


def test_without_a_chair_each_outcome_is_refused_in_its_own_words(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Not the vote's "dann kann abgestimmt werden" for every action: each blocked outcome
    says what can be done once a chair is recorded."""
    _, mid, item, _ = _running(world, clock)
    declare(world, item, world["ilsfeld.mayor"].person_id or 0)
    sign_in(client, "ilsfeld.secretary")
    page = html.unescape(client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text)
    assert "dann kann der Punkt behandelt werden." in page  # the screen's warning
    assert "dann kann abgestimmt werden" not in page
    blocked = re.findall(r"<li><strong>([^<]+)</strong> – noch nicht möglich\. ([^<]+)</li>", page)
    why = dict(blocked)
    assert why["Vertagen"].endswith("GemO); dann kann vertagt werden.")
    assert "GemO); dann kann der Beschluss festgestellt werden." in why["Beschluss gefasst"]
    assert "GemO); dann kann die Ablehnung festgestellt werden." in why["Abgelehnt"]
