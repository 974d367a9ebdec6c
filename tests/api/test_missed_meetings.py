"""A Sitzung whose day passed without being held or cancelled (§ 34 Abs. 1, § 37 Abs. 1 S. 1
GemO: it can no longer open): a task for the Sitzungsdienst and the mayor of its municipality
until it is moved or cancelled, and a warning on its page."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session

from tests.api.conftest import FixedClock, TestClient, demo_hash
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_meetings import _post_current
from tests.conftest import World, berlin
from tests.integration.flow import DAY, MEETING_DAY, invited, new_meeting
from workflow.context import Actor
from workflow.models import AgendaItem, Meeting, User
from workflow.services import meetings as meeting_service
from workflow.services import my_tasks
from workflow.services.deadline_service import reschedule_meeting
from workflow.services.missed_meetings import missed_meetings
from workflow.services.setup import actor_for

DAY_AFTER = berlin(MEETING_DAY + timedelta(days=1), 8)
TASK = "Sitzung des Gemeinderats am 23.04.2024 nicht durchgeführt"


@pytest.fixture
def flein_secretary(world: World) -> Actor:
    """The Sitzungsdienst of another municipality (the demo has none)."""

    def add(session: Session) -> Actor:
        user = User(
            username="flein.secretary",
            full_name="Frieda Feder",
            role="secretary",
            municipality_id=world.data.flein.municipality.id,
            password_hash=demo_hash(),
        )
        session.add(user)
        session.flush()
        return actor_for(user)

    actor: Actor = world.run(add)
    return actor


def with_free_item(world: World, day: date = MEETING_DAY) -> int:
    """A Gemeinderat meeting with Bekanntgaben on its agenda, still planned."""
    mid = new_meeting(world, day=day)
    world.run(lambda s: s.add(AgendaItem(meeting_id=mid, position=1, title="Bekanntgaben")))
    return mid


def missed_of(world: World, actor: Actor, now: datetime) -> list[int]:
    found = world.run(lambda s: missed_meetings(session=s, actor=actor, now=now))
    return [m.meeting.id or 0 for m in found]


def test_an_invited_meeting_becomes_a_task_the_day_after(
    world: World, flein_secretary: Actor
) -> None:
    mid = with_free_item(world)
    invited(world, mid)
    secretary, mayor = world["ilsfeld.secretary"], world["ilsfeld.mayor"]
    assert missed_of(world, secretary, berlin(MEETING_DAY, 23, 30)) == []  # its day
    assert missed_of(world, secretary, DAY_AFTER) == [mid]
    assert missed_of(world, mayor, DAY_AFTER) == [mid]  # he convenes and cancels
    for other in ("ilsfeld.clerk", "ilsfeld.council", "flein.clerk", "lra.coordinator"):
        assert missed_of(world, world[other], DAY_AFTER) == [], other
    assert missed_of(world, flein_secretary, DAY_AFTER) == []  # another municipality's
    (found,) = world.run(lambda s: missed_meetings(session=s, actor=secretary, now=DAY_AFTER))
    assert found.task == "nicht durchgeführt: absagen und neu einberufen"
    assert "war für den 23.04.2024 einberufen und wurde nicht eröffnet" in found.advice
    assert "§ 34 Abs. 1, § 37 Abs. 1 Satz 1 GemO" in found.advice
    # who cancels: the municipality's mayor as it titles her, not "Bürgermeister/in"
    assert "sondern abgesagt (durch die Bürgermeisterin; Vorlagen" in found.advice

    # cancelled, it is no task any more
    world.fire(
        "meeting", mid, "cancel", "ilsfeld.mayor", DAY_AFTER, comment="Beschlussunfähig erwartet"
    )
    assert missed_of(world, secretary, DAY_AFTER) == []
    assert missed_of(world, mayor, DAY_AFTER) == []


def test_the_other_municipalitys_missed_meeting_is_its_own(
    world: World, flein_secretary: Actor
) -> None:
    flein = world.run(
        lambda s: (
            meeting_service.create_meeting(
                session=s,
                workflows=world.workflows,
                actor=flein_secretary,
                now=berlin(DAY, 8),
                body_id=world.body_id("Gemeinderat", town="flein"),
                meeting_date=MEETING_DAY,
            ).id
        )
    )
    ilsfeld = with_free_item(world)
    assert missed_of(world, flein_secretary, DAY_AFTER) == [flein]
    assert missed_of(world, world["ilsfeld.secretary"], DAY_AFTER) == [ilsfeld]


def test_a_planned_meeting_is_moved_and_its_steps_are_no_task_meanwhile(world: World) -> None:
    """Before the invitation a missed meeting is moved (verlegt); until then "Tagesordnung
    festlegen" for a day gone by is no task of its own beside the missed meeting."""
    mid = with_free_item(world)
    secretary = world["ilsfeld.secretary"]

    def steps(now: datetime) -> list[int]:
        found = world.run(
            lambda s: my_tasks.tasks(session=s, workflows=world.workflows, actor=secretary, now=now)
        )
        return [t.instance_id for t in found if t.kind == "meeting"]

    assert steps(berlin(MEETING_DAY, 8)) == [mid]  # its agenda, on its day
    assert steps(DAY_AFTER) == []
    (found,) = world.run(lambda s: missed_meetings(session=s, actor=secretary, now=DAY_AFTER))
    assert found.task == "nicht durchgeführt: verlegen oder absagen"
    assert "Verlegen Sie sie auf einen neuen Tag" in found.advice
    assert found.advice.endswith("oder sagen Sie sie ab (Absage durch die Bürgermeisterin).")

    def move(session: Session) -> Meeting:
        return reschedule_meeting(
            session=session,
            workflows=world.workflows,
            actor=secretary,
            now=DAY_AFTER,
            meeting_id=mid,
            meeting_date=date(2024, 5, 14),
            reason="Der Sitzungssaal war nicht verfügbar",
        )

    world.run(move)
    assert missed_of(world, secretary, DAY_AFTER) == []
    assert steps(DAY_AFTER) == [mid]  # its agenda again, for the new day


def test_meine_aufgaben_and_the_meeting_page_say_it(
    world: World, client: TestClient, clock: FixedClock, flein_secretary: Actor
) -> None:
    mid = with_free_item(world)
    invited(world, mid)
    clock.now = DAY_AFTER
    sign_in(client, "ilsfeld.secretary")
    home = client.get("/").text
    now_section = home.split('id="jetzt"')[1].split("</section>")[0]
    task = re.search(r'<a class="kern-link" href="([^"]+)">([^<]+)</a>', now_section)
    assert task is not None
    assert task.groups() == (
        f"/sitzungen/{mid}#nicht-durchgefuehrt",
        f"{TASK}: absagen und neu einberufen",
    )
    assert "überfällig" in now_section
    assert re.search(r'id="aufgaben-zahl">1<', home)

    page = client.get(f"/sitzungen/{mid}").text
    warning = page.split('id="nicht-durchgefuehrt"')[1].split("</div>\n</div>")[0]
    assert "Sitzung nicht durchgeführt" in warning
    assert "war für den 23.04.2024 einberufen und wurde nicht eröffnet" in warning
    assert f'href="/sitzungen/{mid}/durchfuehren"' not in page  # it can no longer open

    sign_in(client, "flein.secretary")
    assert TASK not in client.get("/").text
    sign_in(client, "ilsfeld.council")
    assert TASK not in client.get("/").text

    world.fire("meeting", mid, "cancel", "ilsfeld.mayor", DAY_AFTER, comment="Verlegt")
    sign_in(client, "ilsfeld.secretary")
    assert TASK not in client.get("/").text
    assert 'id="nicht-durchgefuehrt"' not in client.get(f"/sitzungen/{mid}").text


def test_before_its_day_passes_nothing_is_said(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    mid = with_free_item(world)
    invited(world, mid)
    clock.now = berlin(MEETING_DAY, 22)
    sign_in(client, "ilsfeld.secretary")
    assert TASK not in client.get("/").text
    page = client.get(f"/sitzungen/{mid}").text
    assert 'id="nicht-durchgefuehrt"' not in page
    assert f'href="/sitzungen/{mid}/durchfuehren"' in page


def test_the_meeting_page_moves_a_planned_meeting(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The Verlegung on the page (as ``POST …/reschedule``): refusals in ``#fehler`` with
    the input kept; moved, the task is gone."""
    mid = with_free_item(world)
    clock.now = DAY_AFTER
    sign_in(client, "ilsfeld.secretary")
    assert f"{TASK}: verlegen oder absagen" in client.get("/").text
    page = client.get(f"/sitzungen/{mid}").text
    assert 'id="verlegen"' in page
    assert "Einladungsfrist" not in page  # no "Sie können trotzdem einladen" to a past day
    url = f"/sitzungen/{mid}/verlegen"

    empty = _post_current(client, url, page, meeting_date="", reason="")
    assert empty.status_code == 422
    summary = empty.text.split('id="fehler"')[1].split("</ul>")[0]
    assert "Bitte geben Sie den neuen Sitzungstag als Datum ein" in summary
    assert "Bitte geben Sie den Grund der Verlegung an." in summary

    reason = "Der Sitzungssaal war nicht verfügbar"
    past = _post_current(client, url, page, meeting_date="2024-04-22", reason=reason)
    assert past.status_code == 422
    summary = past.text.split('id="fehler"')[1].split("</ul>")[0]
    assert "Der neue Sitzungstag liegt in der Vergangenheit" in summary
    assert f">{reason}</textarea>" in past.text
    assert world.get_meeting(mid).meeting_date == MEETING_DAY

    moved = _post_current(client, url, page, meeting_date="14.05.2024", reason=reason)
    assert moved.status_code == 303
    assert world.get_meeting(mid).meeting_date == date(2024, 5, 14)
    page = client.get(f"/sitzungen/{mid}").text
    assert "Die Sitzung ist auf den 14.05.2024 verlegt." in page
    assert 'id="nicht-durchgefuehrt"' not in page
    assert "nicht durchgeführt" not in client.get("/").text


def test_an_invited_meeting_is_not_moved_on_the_page(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    mid = with_free_item(world)
    invited(world, mid)
    clock.now = DAY_AFTER
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}").text
    assert 'id="verlegen"' not in page
    refused = _post_current(
        client,
        f"/sitzungen/{mid}/verlegen",
        page,
        meeting_date="14.05.2024",
        reason="Neuer Termin",
    )
    assert refused.status_code == 422
    summary = refused.text.split('id="fehler"')[1].split("</ul>")[0]
    assert "Nach der Einladung wird eine Sitzung abgesagt und neu einberufen" in summary
    assert world.get_meeting(mid).meeting_date == MEETING_DAY
    sign_in(client, "ilsfeld.council")
    page = client.get(f"/sitzungen/{mid}").text
    assert 'id="verlegen"' not in page


def test_the_move_form_takes_its_example_day_from_the_meeting(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """The hint of "Neuer Sitzungstag" is a day a week after the meeting (after today for a
    missed one), as the page writes dates, not a fixed day in 2024."""
    mid = with_free_item(world, day=date(2024, 6, 11))
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{mid}").text
    assert 'id="verlegen"' in page
    assert "z. B. 18.06.2024" in page
    assert "14.05.2024" not in page
    refused = _post_current(client, f"/sitzungen/{mid}/verlegen", page, meeting_date="bald")
    assert refused.status_code == 422
    summary = refused.text.split('id="fehler"')[1].split("</ul>")[0]
    assert "Bitte geben Sie den neuen Sitzungstag als Datum ein, z. B. 18.06.2024." in summary

    missed = with_free_item(world)  # 23.04.2024, a day before the clock's
    clock.now = DAY_AFTER
    page = client.get(f"/sitzungen/{missed}").text
    assert "z. B. 01.05.2024" in page  # a week after today, the 24.04.
