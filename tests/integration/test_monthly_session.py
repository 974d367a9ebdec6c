"""§ 34 Abs. 1 S. 2 GemO: the council "soll" meet once a month – a soft reminder."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from tests.conftest import World, berlin
from tests.integration.flow import new_meeting
from tests.integration.test_sweep import run_sweep
from workflow.models import Municipality, Notification


def notices(world: World) -> list[Notification]:
    return world.run(
        lambda s: list(
            s.exec(select(Notification).where(Notification.key.startswith("monthly-session")))
        )
    )


def test_no_reminder_before_the_day_of_the_month(world: World) -> None:
    assert run_sweep(world, berlin(date(2024, 4, 14), 8)).monthly_reminders == 0
    assert notices(world) == []


def test_month_without_council_session_reminds_the_mayors_once(world: World) -> None:
    report = run_sweep(world, berlin(date(2024, 4, 15), 8))
    assert report.monthly_reminders == 1  # Ilsfeld's mayor (Flein's has no login)
    titles = {n.title for n in notices(world)}
    assert titles == {"Im April 2024 ist keine Sitzung des Gemeinderats geplant"}
    assert "§ 34 Abs. 1 Satz 2 GemO" in notices(world)[0].body
    assert "für die Gemeinde Ilsfeld ist im April 2024" in notices(world)[0].body
    assert "Diese Nachricht wurde von Ratsflow automatisch erstellt." in notices(world)[0].body
    assert run_sweep(world, berlin(date(2024, 4, 16), 8)).monthly_reminders == 0


def test_planned_council_session_or_setting_keeps_it_quiet(world: World) -> None:
    new_meeting(world, "Gemeinderat", date(2024, 4, 30))
    assert run_sweep(world, berlin(date(2024, 4, 20), 8)).monthly_reminders == 0
    # A committee session is no council session.
    new_meeting(world, "Technischer Ausschuss", date(2024, 5, 6))
    assert run_sweep(world, berlin(date(2024, 5, 20), 8)).monthly_reminders == 1

    def switch_off(session: object) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)  # type: ignore[attr-defined]
        town.settings = {"monthly_session_reminder_day": 0}

    world.run(switch_off)
    assert run_sweep(world, berlin(date(2024, 6, 20), 8)).monthly_reminders == 0
