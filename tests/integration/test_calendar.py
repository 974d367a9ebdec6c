"""iCalendar feeds, checked by parsing them with an independent library (icalendar)."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

import icalendar
from sqlmodel import Session

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_meeting, new_proposal, released, scheduled, submitted
from workflow.deadlines.ical import body_feed, ensure_calendar_token, user_by_token, user_feed
from workflow.models import User
from workflow.services.deadline_service import reschedule_meeting

BASE = "https://rat.example"


def events(feed: str) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(feed)
    return {str(e["UID"]): cast(icalendar.Event, e) for e in cal.walk("VEVENT")}


def sequence(event: icalendar.Event) -> int:
    value = event["SEQUENCE"]
    assert isinstance(value, int)  # a vInt
    return int(value)


def test_body_feed_lists_invited_public_meetings(world: World) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    council = world.body_id("Gemeinderat")
    with Session(world.engine) as session:
        before = body_feed(session, council, berlin(DAY), BASE)
    assert before is not None
    assert events(before) == {}  # not yet convened: not public
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    with Session(world.engine) as session:
        feed = body_feed(session, council, berlin(DAY, 15), BASE)
    assert feed is not None
    cal = icalendar.Calendar.from_ical(feed)
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Berlin"
    event = events(feed)[f"meeting-{mid}@rat.example"]
    start = event.decoded("DTSTART")
    assert start == datetime(2024, 4, 23, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert start.utcoffset().total_seconds() == 7200  # summer time
    assert str(event["SUMMARY"]) == "Sitzung des Gemeinderats Ilsfeld"
    assert "TOP 1: Neubau Bauhof (Vorlage 1/2024)" in str(event["DESCRIPTION"])
    assert all(line.endswith("\r") or not line for line in feed.split("\n"))  # CRLF lines
    assert max(len(line.encode()) for line in feed.split("\r\n")) <= 75


def test_user_feed_has_deadlines_and_follows_a_moved_meeting(world: World) -> None:
    mid = new_meeting(world)
    secretary = world.get(User, world["ilsfeld.secretary"].user_id)
    with Session(world.engine) as session:
        first = events(user_feed(session, world.workflows, secretary, berlin(DAY), BASE))
    uid = f"meeting-{mid}@rat.example"
    assert first[uid].decoded("DTSTART").date() == date(2024, 4, 23)
    [deadline_uid] = [k for k in first if k.startswith("deadline-")]
    assert first[deadline_uid].decoded("DTSTART") == date(2024, 4, 16)
    assert str(first[deadline_uid]["SUMMARY"]).startswith("Frist: Einladung")
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
    with Session(world.engine) as session:
        moved = events(user_feed(session, world.workflows, secretary, berlin(DAY, 10), BASE))
    assert set(moved) == set(first)  # stable UIDs: the entries move, no duplicates
    assert moved[uid].decoded("DTSTART").date() == date(2024, 4, 30)
    assert sequence(moved[uid]) > sequence(first[uid])
    assert moved[deadline_uid].decoded("DTSTART") == date(2024, 4, 23)


def test_council_member_sees_only_own_bodies_and_no_staff_deadlines(world: World) -> None:
    new_meeting(world)
    committee = new_meeting(world, "Verwaltungsausschuss", date(2024, 4, 16))
    member = world.get(User, world["ilsfeld.council"].user_id)  # Anna Bauer: council + TA
    with Session(world.engine) as session:
        found = events(user_feed(session, world.workflows, member, berlin(DAY), BASE))
    assert f"meeting-{committee}@rat.example" not in found
    assert not [k for k in found if k.startswith("deadline-")]
    assert len(found) == 1


def test_calendar_token_rotation_revokes_the_old_url(world: World) -> None:
    user_id = world["ilsfeld.mayor"].user_id

    def token(rotate: bool) -> str:
        def run(session: Session) -> str:
            user = session.get(User, user_id)
            assert user is not None
            return ensure_calendar_token(session, user, rotate=rotate)

        return str(world.run(run))

    old = token(False)
    assert token(False) == old
    new = token(True)
    assert new != old
    with Session(world.engine) as session:
        assert user_by_token(session, old) is None
        found = user_by_token(session, new)
        assert found is not None
        assert found.id == user_id


def test_a_non_public_vorlage_s_deadline_keeps_its_title_out_of_the_summary(
    world: World,
) -> None:
    """A calendar entry's summary reaches the calendar service and the lock screen like a
    mail's subject: a non-public Vorlage is named there by its number (§ 35 Abs. 1 GemO);
    the entry's link leads to the title, behind the sign-in."""
    secret = "Grundstücksankauf Flurstück 4711"
    submitted(world, new_proposal(world, title="Neubau Bauhof"))
    submitted(world, new_proposal(world, title=secret, public=False))
    head = world.get(User, world["ilsfeld.head"].user_id)
    with Session(world.engine) as session:
        feed = events(user_feed(session, world.workflows, head, berlin(DAY, 12), BASE))
    summaries = [str(e["SUMMARY"]) for uid, e in feed.items() if uid.startswith("deadline-")]
    assert any("Vorlage 2/2024 (nichtöffentlich)" in s for s in summaries)
    assert any("Vorlage 1/2024 – Neubau Bauhof" in s for s in summaries)
    assert all(secret not in s for s in summaries)
