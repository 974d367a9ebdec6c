"""Schriftliche Einladung: the members no e-mail invitation reached are invited in writing
(§ 34 Abs. 1 S. 1 GemO); the Sitzungsdienst records the day, and the Rechtmäßigkeitsnachweis
shows it at the Einberufung, failing it when it was later than the period allows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_invitations_http import invite, prepare
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import DAY, MEETING_DAY
from tests.integration.legality_flow import decided, report_of
from workflow.legality.model import FAILED, MET
from workflow.models import Meeting
from workflow.queries import latest_resolution
from workflow.services import written_invitations


def _record(client: TestClient, meeting: int, page: str, people: Sequence[object], on: str) -> Any:
    return client.post(
        f"/sitzungen/{meeting}/schriftlich-eingeladen",
        data={"csrf_token": csrf_of(page), "person_id": [str(p) for p in people], "on": on},
    )


def test_the_sitzungsdienst_records_the_written_invitation(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    bernd, claudia, dieter = world.data.ilsfeld.councillors[1:4]  # Bernd has an address
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)
    clock.now = berlin(DAY, 16)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    section = page.split('id="schriftlich"')[1].split("</section>")[0]
    assert f'value="{claudia.id}"' in section
    assert f'value="{bernd.id}"' not in section  # his e-mail is on its way
    assert f'value="{world.data.ilsfeld.councillors[0].id}"' not in section  # by account
    for people, on, message in (
        ([], "2024-04-08", "Bitte wählen Sie die Mitglieder, die schriftlich eingeladen wurden."),
        (
            [claudia.id],
            "",
            "Bitte geben Sie den Tag an, an dem die Einladung schriftlich versandt wurde.",
        ),
        ([claudia.id], "2024-04-09", "weder in der Zukunft noch nach dem Sitzungstag"),
        ([bernd.id], "2024-04-08", "die keine Einladung per E-Mail erreicht hat"),
    ):
        refused = _record(client, meeting, page, people, on)
        assert refused.status_code == 422, (people, on)
        assert message in refused.text
    done = _record(client, meeting, page, [claudia.id, dieter.id], "08.04.2024")
    assert "Die schriftliche Einladung vom 08.04.2024 ist erfasst." in done.text
    section = done.text.split('id="schriftlich"')[1].split("</section>")[0]
    assert f"{claudia.name}: schriftlich eingeladen am 08.04.2024" in section
    assert f'value="{claudia.id}"' not in section
    assert world.run(lambda s: written_invitations.recorded(s, meeting)) == {
        claudia.id: DAY,
        dieter.id: DAY,
    }
    sign_in(client, "ilsfeld.council")
    councillor = client.get(f"/sitzungen/{meeting}").text
    assert 'id="schriftlich"' not in councillor
    assert _record(client, meeting, councillor, [claudia.id], "2024-04-08").status_code == 403


def _written(world: World, days_before: int) -> Any:
    """A hook for ``decided``: the members without an address invited in writing that many
    days before the session."""

    def hook(session: Session, pid: int) -> None:
        resolution = latest_resolution(session, pid)
        assert resolution is not None
        assert resolution.meeting_id is not None
        meeting = session.get(Meeting, resolution.meeting_id)
        assert meeting is not None
        people = written_invitations.to_invite_in_writing(session, meeting)
        written_invitations.record(
            session=session,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 9),
            meeting_id=resolution.meeting_id,
            person_ids=[p.id or 0 for p in people[:2]],
            on=MEETING_DAY - timedelta(days=days_before),
        )

    return hook


def test_the_report_shows_the_written_invitation_in_time(world: World) -> None:
    report = report_of(world, decided(world, after_adoption=_written(world, 15)))
    check = next(c for c in report.checks if c.key == "einberufung")
    assert check.result == MET
    assert any(
        e.text.startswith("Schriftliche Einladung an ") and " am 08.04.2024" in e.text
        for e in check.evidence
    )


def test_a_written_invitation_later_than_the_period_fails_the_einberufung(world: World) -> None:
    report = report_of(world, decided(world, after_adoption=_written(world, 2)))
    check = next(c for c in report.checks if c.key == "einberufung")
    assert check.result == FAILED
    assert "erst am 21.04.2024" in check.explanation
    assert check.consequence is not None


def unrecorded_for(
    world: World, username: str, clock: FixedClock
) -> list[written_invitations.Unrecorded]:
    found: list[written_invitations.Unrecorded] = world.run(
        lambda s: written_invitations.unrecorded(session=s, actor=world[username], now=clock.now)
    )
    return found


def test_meine_aufgaben_asks_for_the_record_until_it_is_made(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    meeting, _ = prepare(world)
    invite(client, as_user, meeting)
    clock.now = berlin(DAY, 16)
    (due,) = unrecorded_for(world, "ilsfeld.secretary", clock)
    open_ids = {p.id for p in due.people}
    claudia = world.data.ilsfeld.councillors[2]
    assert claudia.id in open_ids
    assert world.data.ilsfeld.councillors[1].id not in open_ids  # Bernd: by e-mail
    assert due.latest == MEETING_DAY - timedelta(days=7)
    sign_in(client, "ilsfeld.secretary")
    home = client.get("/").text.split('id="jetzt"')[1].split("</section>")[0]
    title = "Sitzung des Gemeinderats am 23.04.2024: schriftliche Einladung erfassen"
    assert f'<a class="kern-link" href="/sitzungen/{meeting}#schriftlich">{title}</a>' in home
    assert f"Keine Einladung per E-Mail erreicht: {', '.join(p.name for p in due.people)}" in (home)
    deadlines = client.get("/").text.split('id="fristen"')[1].split("</section>")[0]
    assert f'href="/sitzungen/{meeting}#schriftlich">Schriftliche Einladung erfassen</a>' in (
        deadlines
    )
    fristen = client.get("/fristen").text
    assert ">Schriftliche Einladung erfassen<" in fristen
    for other in ("ilsfeld.council", "ilsfeld.clerk"):
        assert unrecorded_for(world, other, clock) == [], other
    # some recorded: the task names the rest; all recorded: it is gone
    page = client.get(f"/sitzungen/{meeting}").text
    _record(client, meeting, page, [claudia.id], "2024-04-08")
    (rest,) = unrecorded_for(world, "ilsfeld.secretary", clock)
    assert claudia.id not in {p.id for p in rest.people}
    page = client.get(f"/sitzungen/{meeting}").text
    _record(client, meeting, page, [p.id for p in rest.people], "2024-04-08")
    assert title not in client.get("/").text
