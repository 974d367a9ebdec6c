"""iCalendar feeds over HTTP, parsed with an independent library (icalendar)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.api.conftest import SECRET
from tests.api.helpers import SECRET_TITLE, secret_proposal
from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_meeting, released, scheduled
from workflow.services.agenda import add_item
from workflow.services.deadline_service import reschedule_meeting
from workflow.settings import Settings

BASE = "https://rat.example/ratsflow"
BERLIN = ZoneInfo("Europe/Berlin")
ICS = "text/calendar; charset=utf-8"


@pytest.fixture
def settings() -> Settings:
    """A base URL with a path, as behind a reverse proxy: feed URLs must keep it."""
    return Settings(secret_key=SECRET, base_url=BASE)


def parse(response: Any) -> icalendar.Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ICS
    return icalendar.Calendar.from_ical(response.text)


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): cast(icalendar.Event, e) for e in cal.walk("VEVENT")}


def sequence(event: icalendar.Event) -> int:
    value = event["SEQUENCE"]
    assert isinstance(value, int)  # a vInt
    return int(value)


def unfolded(response: Any) -> str:
    return str(response.text).replace("\r\n ", "")


def feed_path(url: str) -> str:
    assert url.startswith(BASE + "/calendar/users/")
    return url.removeprefix(BASE)


def subscribe(client: Any, headers: dict[str, str], *, rotate: bool = False) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/me/calendar-token", params={"rotate": rotate}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def assert_problem(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_body_feed_is_public_with_invited_meetings_and_public_items_only(
    world: World, client: Any
) -> None:
    public = released(world)
    secret = secret_proposal(world, committee="Gemeinderat")
    mid = new_meeting(world)
    scheduled(world, public, mid)

    def add(**item: Any) -> None:
        world.run(
            lambda s: add_item(
                session=s,
                workflows=world.workflows,
                actor=world["ilsfeld.secretary"],
                now=berlin(DAY, 12),
                meeting_id=mid,
                expected_version=world.get_meeting(mid).version,
                **item,
            )
        )

    add(proposal_id=secret)
    add(title="Bekanntgaben")
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    planned = new_meeting(world, day=date(2024, 5, 14))

    response = client.get(f"/calendar/bodies/{world.body_id('Gemeinderat')}.ics")  # anonymous
    cal = parse(response)
    assert str(cal["X-WR-CALNAME"]) == "Sitzungen Gemeinderat"
    [timezone] = cal.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Berlin"
    found = events(cal)
    assert set(found) == {f"meeting-{mid}@rat.example"}  # the planned one is not public yet
    assert f"meeting-{planned}@rat.example" not in found
    event = found[f"meeting-{mid}@rat.example"]
    assert str(event["SUMMARY"]) == "Sitzung des Gemeinderats Ilsfeld"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == datetime(2024, 4, 23, 18, 0, tzinfo=BERLIN)
    description = str(event["DESCRIPTION"])
    assert description.startswith("Tagesordnung:")
    assert "Neubau Bauhof" in description
    assert SECRET_TITLE not in description
    assert "nichtöffentlich" not in description
    assert SECRET_TITLE not in unfolded(response)
    # numbered as the public agenda prints it: no gap where the non-public item is
    assert "TOP 2: Bekanntgaben" in description
    assert "TOP 3" not in description


def test_unknown_or_malformed_body_is_a_problem(client: Any) -> None:
    missing = client.get("/calendar/bodies/999999.ics")
    assert_problem(missing, 404)
    assert missing.json()["detail"] == "Dieses Gremium wurde nicht gefunden."
    assert_problem(client.get("/calendar/bodies/abc.ics"), 422)
    assert_problem(client.get("/calendar/bodies/0.ics"), 422)


def test_personal_feed_by_token_lists_the_users_deadlines(
    world: World, client: Any, as_user: Any
) -> None:
    mid = new_meeting(world)
    secretary = as_user("ilsfeld.secretary")
    issued = subscribe(client, secretary)
    assert issued["url"] == f"{BASE}/calendar/users/{issued['token']}.ics"
    assert subscribe(client, secretary) == issued  # stable until rotated

    response = client.get(feed_path(issued["url"]))  # no bearer: the token is the secret
    cal = parse(response)
    assert response.headers["cache-control"] == "private, no-store"
    found = events(cal)
    assert f"meeting-{mid}@rat.example" in found
    [deadline] = [e for uid, e in found.items() if uid.startswith("deadline-")]
    assert str(deadline["SUMMARY"]).startswith("Frist: Einladung")
    assert deadline.decoded("DTSTART") == date(2024, 4, 16)  # 7 days before, § 34 GemO


def test_rotation_revokes_the_old_url(client: Any, as_user: Any) -> None:
    mayor = as_user("ilsfeld.mayor")
    old = subscribe(client, mayor)
    new = subscribe(client, mayor, rotate=True)
    assert new["token"] != old["token"]
    assert_problem(client.get(feed_path(old["url"])), 404)
    parse(client.get(feed_path(new["url"])))


def test_bad_tokens_and_anonymous_subscription_are_refused(
    world: World, client: Any, as_user: Any
) -> None:
    unknown = client.get(f"/calendar/users/{'A' * 32}.ics")
    assert_problem(unknown, 404)
    for malformed in ("kurz", "x" * 65, "mit%20leerzeichen-und-mehr-zeichen", "a.b" * 8):
        response = client.get(f"/calendar/users/{malformed}.ics")
        assert response.status_code in (404, 422), (malformed, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    anonymous = client.post("/api/v1/auth/me/calendar-token")
    assert_problem(anonymous, 401)
    assert anonymous.headers["www-authenticate"] == "Bearer"

    clerk = subscribe(client, as_user("ilsfeld.clerk"))
    clerk_id = world["ilsfeld.clerk"].user_id
    disabled = client.post(f"/api/v1/users/{clerk_id}/disable", headers=as_user("admin"))
    assert disabled.status_code == 200, disabled.text
    assert_problem(client.get(feed_path(clerk["url"])), 404)  # a disabled account's feed ends


def test_moved_meeting_keeps_its_uid_and_shows_the_new_start(
    world: World, client: Any, as_user: Any
) -> None:
    mid = new_meeting(world)
    path = feed_path(subscribe(client, as_user("ilsfeld.secretary"))["url"])
    uid = f"meeting-{mid}@rat.example"
    before = events(parse(client.get(path)))
    world.run(
        lambda s: reschedule_meeting(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 9),
            meeting_id=mid,
            meeting_date=date(2024, 4, 30),
            reason="Saal belegt",
        )
    )
    after = events(parse(client.get(path)))
    assert set(after) == set(before)  # the entry moves, no duplicate
    assert before[uid].decoded("DTSTART") == datetime(2024, 4, 23, 18, 0, tzinfo=BERLIN)
    assert after[uid].decoded("DTSTART") == datetime(2024, 4, 30, 18, 0, tzinfo=BERLIN)
    assert sequence(after[uid]) > sequence(before[uid])


def test_feed_token_never_reaches_the_access_log(
    client: Any, as_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The token is the feed's only protection: the log names the route, not the path."""
    token = subscribe(client, as_user("ilsfeld.mayor"))["token"]
    with caplog.at_level("INFO", logger="api.access"):
        parse(client.get(f"/calendar/users/{token}.ics"))
    access = [r for r in caplog.records if r.name == "api.access"]
    assert [getattr(r, "path", None) for r in access] == ["/calendar/users/{token}.ics"]
    assert all(token not in r.getMessage() for r in caplog.records)
