"""One Schriftführer signs the Niederschrift (§ 38 Abs. 2 S. 1 GemO: "vom Vorsitzenden, zwei
Gemeinderäten … und dem Schriftführer"): a second one is refused by the engine, the API and
the meeting screen, and the screen does not offer him."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_http import assert_problem
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_meetings import _post_current
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, adopted, second_secretary
from workflow.errors import InvalidInput
from workflow.models import MinutesSignature
from workflow.services import meetings as meeting_service

SIGNED = berlin(MEETING_DAY.replace(day=25), 10)
REFUSAL = "Als Schriftführung hat bereits Sabine Schreiber unterzeichnet"


def closed(world: World) -> int:
    """A closed Gemeinderat session, its minutes not yet signed."""
    _, mid, _ = adopted(world)
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 20, 5))
    return mid


@pytest.fixture
def second(world: World) -> int:
    """Udo Uhl, a second Schriftführer of Ilsfeld: his person id."""
    return second_secretary(world)


def first(world: World) -> int:
    return world.data.users["ilsfeld.secretary"].person_id or 0


def sign(world: World, mid: int, person: int) -> MinutesSignature:
    signature: MinutesSignature = world.run(
        lambda s: meeting_service.sign_minutes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=SIGNED,
            meeting_id=mid,
            person_id=person,
            capacity="secretary",
        )
    )
    return signature


def signatures(world: World) -> int:
    return len(world.run(lambda s: list(s.exec(select(MinutesSignature)))))


def test_the_engine_refuses_a_second_schriftfuehrer(world: World, second: int) -> None:
    mid = closed(world)
    sign(world, mid, first(world))
    with pytest.raises(InvalidInput, match=REFUSAL) as refused:
        sign(world, mid, second)
    assert refused.value.field == "person_id"
    assert "§ 38 Abs. 2 Satz 1 GemO" in str(refused.value)


def test_either_may_sign_while_none_has(world: World, second: int) -> None:
    """Who kept the minutes signs them: the second Schriftführer as well as the first."""
    mid = closed(world)
    assert sign(world, mid, second).person_id == second
    with pytest.raises(InvalidInput, match="Als Schriftführung hat bereits Udo Uhl"):
        sign(world, mid, first(world))


def test_the_api_refuses_a_second_schriftfuehrer(
    world: World, client: Any, as_user: Any, second: int, clock: FixedClock
) -> None:
    mid = closed(world)
    clock.now = SIGNED
    url = f"/api/v1/meetings/{mid}"
    secretary = as_user("ilsfeld.secretary")

    def post(person: int) -> Any:
        version = int(client.get(url, headers=secretary).json()["version"])
        return client.post(
            f"{url}/minutes-signatures",
            json={"expected_version": version, "person_id": person, "capacity": "secretary"},
            headers=secretary,
        )

    assert post(first(world)).status_code == 201
    problem = assert_problem(post(second), 422)
    assert REFUSAL in problem["detail"]
    assert signatures(world) == 1


def test_the_screen_offers_one_schriftfuehrer_and_refuses_a_second(
    world: World, client: TestClient, clock: FixedClock, second: int
) -> None:
    mid = closed(world)
    clock.now = SIGNED
    sign_in(client, "ilsfeld.secretary")
    screen = f"/sitzungen/{mid}/durchfuehren"
    page = client.get(screen).text
    offered = re.findall(r'<option value="(\d+):secretary">', page)
    assert sorted(offered) == sorted([str(first(world)), str(second)])
    _post_current(
        client,
        f"{screen}/niederschrift",
        page,
        signer=f"{first(world)}:secretary",
    )
    page = client.get(screen).text
    assert not re.findall(r'<option value="\d+:secretary">', page)
    # a form kept open from before the first signature, sent anyway
    refused = _post_current(
        client,
        f"{screen}/niederschrift",
        page,
        signer=f"{second}:secretary",
    )
    assert refused.status_code == 422
    summary = refused.text.split('id="fehler"')[1].split("</ul>")[0]
    assert REFUSAL in summary
    assert signatures(world) == 1
