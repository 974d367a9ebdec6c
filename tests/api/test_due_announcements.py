"""The ortsübliche Bekanntgabe of a coming public session as a task (§ 34 Abs. 1 S. 7 GemO):
for the Sitzungsdienst and the mayor of its municipality from the agenda's setting until it
is recorded, by the municipality's lead or the day before the session; none for an emergency
session (§ 34 Abs. 2), a session without a public part, or one whose day has passed."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlmodel import Session, col, select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_missed_meetings import with_free_item
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World, berlin
from tests.integration.flow import DAY, MEETING_DAY, invited, new_meeting
from tests.integration.legality_flow import announced
from tests.integration.test_sweep import run_sweep
from workflow.context import Actor
from workflow.models import AgendaItem, Meeting, Municipality, Notification, OutboxMessage, User
from workflow.services import my_tasks
from workflow.services.due_announcements import due_announcements

BEFORE = berlin(date(2024, 4, 16), 9)


def due_of(world: World, actor: Actor, now: datetime = BEFORE) -> list[tuple[int, date]]:
    found = world.run(lambda s: due_announcements(session=s, actor=actor, now=now))
    return [(d.meeting.id or 0, d.latest) for d in found]


def announce(world: World, mid: int, on: date = date(2024, 4, 15)) -> None:
    announced(world, mid, on, 12)


def lead(world: World, period: str) -> None:
    """The Bekanntmachungssatzung's lead (setting ``announcement_days``)."""

    def write(session: Session) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.settings = {**town.settings, "deadline_periods": {"announcement": period}}
        session.add(town)

    world.run(write)


def test_from_the_agenda_until_recorded(world: World) -> None:
    mid = with_free_item(world)
    secretary, mayor = world["ilsfeld.secretary"], world["ilsfeld.mayor"]
    assert due_of(world, secretary) == []  # planned: no agenda to announce yet
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    # no lead set: "rechtzeitig", at the latest the day before the session
    assert due_of(world, secretary) == [(mid, date(2024, 4, 22))]
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    assert due_of(world, mayor) == [(mid, date(2024, 4, 22))]
    for other in ("ilsfeld.clerk", "ilsfeld.council", "flein.clerk", "lra.coordinator"):
        assert due_of(world, world[other]) == [], other
    lead(world, "P5D")  # five days before: 18.04.2024
    (found,) = world.run(lambda s: due_announcements(session=s, actor=secretary, now=BEFORE))
    assert found.latest == date(2024, 4, 18)
    assert "§ 34 Abs. 1 Satz 7 GemO" in found.advice
    assert "(5 Tage vor der Sitzung) spätestens am 18.04.2024" in found.advice
    announce(world, mid)
    assert due_of(world, secretary) == []
    assert due_of(world, mayor) == []


def test_none_for_an_emergency_a_closed_session_or_a_day_gone_by(world: World) -> None:
    secretary = world["ilsfeld.secretary"]
    emergency = with_free_item(world)

    def urgent(session: Session) -> None:
        meeting = session.get(Meeting, emergency)
        assert meeting is not None
        meeting.emergency_reason = "Hochwasser: Sofortmaßnahmen am Bauhof"
        session.add(meeting)

    world.run(urgent)
    invited(world, emergency)
    assert due_of(world, secretary) == []  # § 34 Abs. 2 GemO: none owed

    secret = new_meeting(world, day=date(2024, 4, 25))
    world.run(
        lambda s: s.add(
            AgendaItem(
                meeting_id=secret,
                position=1,
                title="Personalangelegenheit",
                public=False,
                non_public_reason="berechtigte Interessen Einzelner (§ 35 Abs. 1 GemO)",
            )
        )
    )
    invited(world, secret)
    assert due_of(world, secretary) == []  # no public part, nothing to announce

    mid = with_free_item(world)
    invited(world, mid)
    assert due_of(world, secretary) == [(mid, date(2024, 4, 22))]
    assert due_of(world, secretary, berlin(MEETING_DAY, 8)) == [(mid, date(2024, 4, 22))]
    assert due_of(world, secretary, berlin(date(2024, 4, 24), 8)) == []  # a missed meeting


def test_meine_aufgaben_lists_it_and_counts_it(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    mid = with_free_item(world)
    invited(world, mid)
    clock.now = BEFORE
    sign_in(client, "ilsfeld.secretary")
    home = client.get("/").text
    now_section = home.split('id="jetzt"')[1].split("</section>")[0]
    title = "Sitzung des Gemeinderats am 23.04.2024: ortsüblich bekannt geben"
    link = re.search(rf'<a class="kern-link" href="([^"]+)">{title}</a>', now_section)
    assert link is not None
    assert link.group(1) == f"/sitzungen/{mid}#ortsuebliche-bekanntgabe"
    assert "vor dem Sitzungstag, spätestens am 22.04.2024" in now_section
    assert "bis 22.04.2024" in now_section
    deadlines = home.split('id="fristen"')[1].split("</section>")[0]
    assert f'href="/sitzungen/{mid}#ortsuebliche-bekanntgabe">Ortsübliche Bekanntgabe</a>' in (
        deadlines
    )
    assert "22.04.2024" in deadlines
    counted = world.run(
        lambda s: (
            my_tasks.open_work(
                session=s, workflows=world.workflows, actor=world["ilsfeld.secretary"], now=BEFORE
            ).count
        )
    )
    assert re.search(rf'id="aufgaben-zahl">{counted}<', home)
    # the municipality's Fristen list it with the session's deadlines, not under Vorlagen
    fristen = client.get("/fristen").text
    row = fristen.split(">Ortsübliche Bekanntgabe<")[1].split("</tr>")[0]
    assert f'href="/sitzungen/{mid}#ortsuebliche-bekanntgabe"' in row
    assert "22.04.2024" in row
    assert ">Ortsübliche Bekanntgabe<" in client.get("/fristen?art=meeting").text
    assert ">Ortsübliche Bekanntgabe<" not in client.get("/fristen?art=proposal").text
    # the link leads to the form that records it
    page = client.get(f"/sitzungen/{mid}").text
    assert 'id="ortsuebliche-bekanntgabe"' in page
    announce(world, mid)
    assert title not in client.get("/").text
    sign_in(client, "ilsfeld.council")
    assert "ortsüblich bekannt geben" not in client.get("/").text


def reminders(world: World) -> list[tuple[str, str, str]]:
    """The reminders written: (user, title, body)."""

    def read(session: Session) -> list[tuple[str, str, str]]:
        rows = session.exec(
            select(User.username, Notification.title, Notification.body)
            .join(User, col(User.id) == col(Notification.user_id))
            .where(col(Notification.key).startswith("announcement:"))
            .order_by(col(User.username))
        )
        return [(u, t, b) for u, t, b in rows]

    found: list[tuple[str, str, str]] = world.run(read)
    return found


def test_the_sweep_mails_three_days_before_the_last_day_once(world: World) -> None:
    mid = with_free_item(world)
    invited(world, mid)  # last day 22.04.2024: reminded from 19.04.
    assert run_sweep(world, berlin(date(2024, 4, 18), 8)).announcement_reminders == 0
    assert run_sweep(world, berlin(date(2024, 4, 19), 8)).announcement_reminders == 2
    found = reminders(world)
    assert [user for user, _, _ in found] == ["ilsfeld.mayor", "ilsfeld.secretary"]
    _, title, body = found[0]
    assert title == "Ortsübliche Bekanntgabe fällig: Sitzung des Gemeinderats am 23.04.2024"
    assert "noch keine ortsübliche Bekanntgabe erfasst" in body
    assert "vor dem Sitzungstag, spätestens am 22.04.2024" in body
    assert f"/sitzungen/{mid}#ortsuebliche-bekanntgabe" in body
    mails = world.run(
        lambda s: list(
            s.exec(
                select(OutboxMessage.subject).where(
                    col(OutboxMessage.key).startswith("announcement:")
                )
            )
        )
    )
    assert len(mails) == 2  # both have an address and take reminders by e-mail
    # once per session and last day: the next sweeps write nothing more
    assert run_sweep(world, berlin(date(2024, 4, 20), 8)).announcement_reminders == 0
    assert len(reminders(world)) == 2
    # recorded, nothing more is said
    announce(world, mid, date(2024, 4, 19))
    lead(world, "P5D")
    assert run_sweep(world, berlin(date(2024, 4, 20), 9)).announcement_reminders == 0


def test_a_lead_moves_the_reminder_and_a_passed_day_says_overdue(world: World) -> None:
    lead(world, "P5D")  # last day 18.04.2024
    mid = with_free_item(world)
    invited(world, mid)
    assert run_sweep(world, berlin(date(2024, 4, 14), 8)).announcement_reminders == 0
    run_sweep(world, berlin(date(2024, 4, 19), 8))
    ((_, title, body), _) = reminders(world)
    assert title == "Ortsübliche Bekanntgabe überfällig: Sitzung des Gemeinderats am 23.04.2024"
    assert "(5 Tage vor der Sitzung) spätestens am 18.04.2024" in body
