"""Second sessions (§ 37 Abs. 3 GemO) and the chair who signs the minutes (§ 38 GemO) over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from tests.api.conftest import FixedClock
from tests.api.test_http import assert_problem
from tests.conftest import World, berlin
from tests.integration.flow import DAY, MEETING_DAY, in_session, new_meeting, vote
from tests.integration.test_history_done_labels import PRESENTED, presented
from tests.integration.test_meetings import invited, members_of, not_quorate, planned
from workflow.models import AgendaItem


def _create(client: Any, as_user: Any, **body: Any) -> Any:
    return client.post(
        "/api/v1/meetings",
        json={"meeting_date": "2024-05-07", **body},
        headers=as_user("ilsfeld.secretary"),
    )


def _field(response: Any) -> str:
    return str(assert_problem(response, 422)["errors"][0]["field"])


def test_second_session_names_a_session_of_the_same_body_that_was_not_quorate(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    council = world.body_id("Gemeinderat")
    committee = world.body_id("Technischer Ausschuss")
    _, failed = not_quorate(world)
    _, quorate = planned(world, day=date(2024, 4, 30))
    in_session(world, quorate, day=date(2024, 4, 30))
    clock.now = berlin(date(2024, 5, 2), 9)

    flag_only = _create(client, as_user, body_id=council, second_session=True)
    assert _field(flag_only) == "second_session_of"
    after_quorate = _create(client, as_user, body_id=council, second_session_of=quorate)
    assert _field(after_quorate) == "second_session_of"
    assert "beschlussfähig" in after_quorate.json()["detail"]
    other_body = _create(client, as_user, body_id=committee, second_session_of=failed)
    assert _field(other_body) == "second_session_of"
    assert other_body.json()["detail"].startswith(
        "Die gewählte Sitzung ist eine Sitzung eines anderen Gremiums"
    )

    created = _create(client, as_user, body_id=council, second_session_of=failed)
    assert created.status_code == 201, created.json()
    meeting = created.json()
    assert (meeting["second_session"], meeting["second_session_of"]) == (True, failed)
    notice = meeting["second_session_notice"]
    assert "§ 37 Abs. 3 GemO" in notice
    assert "23.04.2024" in notice
    read = client.get(f"/api/v1/meetings/{meeting['id']}", headers=as_user("ilsfeld.secretary"))
    assert read.json()["second_session_notice"] == notice


def test_the_deputy_who_chaired_signs_the_minutes_not_the_absent_mayor(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    mayor, present = members[0], members[1:]
    deputy = present[0]
    clock.now = berlin(MEETING_DAY, 18)
    url = f"/api/v1/meetings/{mid}"
    secretary = as_user("ilsfeld.secretary")

    def version() -> int:
        return int(client.get(url, headers=secretary).json()["version"])

    absent_chair = client.put(
        f"{url}/attendance",
        json={"expected_version": version(), "present": present, "chair_person_id": mayor},
        headers=secretary,
    )
    assert _field(absent_chair) == "chair_person_id"
    recorded = client.put(
        f"{url}/attendance",
        json={"expected_version": version(), "present": present, "chair_person_id": deputy},
        headers=secretary,
    )
    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["chair_person_id"] == deputy
    assert client.get(url, headers=secretary).json()["chair_person_id"] == deputy

    world.fire("meeting", mid, "open_session", "ilsfeld.secretary", berlin(MEETING_DAY, 19))
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("meeting", mid, "close_session", "ilsfeld.secretary", berlin(MEETING_DAY, 22))
    clock.now = berlin(date(2024, 5, 2), 9)

    def sign(person: int, capacity: str) -> Any:
        return client.post(
            f"{url}/minutes-signatures",
            json={"expected_version": version(), "person_id": person, "capacity": capacity},
            headers=secretary,
        )

    assert _field(sign(mayor, "chair")) == "person_id"
    signed = sign(deputy, "chair")
    assert signed.status_code == 201, signed.json()
    assert (signed.json()["person_id"], signed.json()["capacity"]) == (deputy, "chair")


def test_the_public_agenda_tells_nothing_of_the_non_public_items(
    world: World, client: Any, as_user: Any
) -> None:
    """Anonymous readers get the public items counted without gaps, and the TOP numbers of
    the pages and papers (workflow.agenda_numbers); the administration the real order."""
    mid = new_meeting(world, day=date(2024, 4, 25))

    def agenda(session: Session) -> None:
        for position, title, public in (
            (1, "Bekanntgaben", True),
            (2, "Grundstücksangelegenheit", False),
            (3, "Bebauungsplan Schozachtal", True),
            (4, "Personalangelegenheit", False),
            (5, "Anfragen", True),
        ):
            session.add(
                AgendaItem(
                    meeting_id=mid,
                    position=position,
                    title=title,
                    public=public,
                    non_public_reason=None if public else "§ 35 Abs. 1 GemO",
                )
            )

    world.run(agenda)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    public = client.get(f"/api/v1/meetings/{mid}")
    assert public.status_code == 200, public.text
    shown = [(i["position"], i["number"], i["title"]) for i in public.json()["agenda"]]
    assert shown == [
        (1, "1", "Bekanntgaben"),
        (2, "2", "Bebauungsplan Schozachtal"),
        (3, "3", "Anfragen"),
    ]
    staff = client.get(f"/api/v1/meetings/{mid}", headers=as_user("ilsfeld.secretary")).json()
    assert [(i["position"], i["number"]) for i in staff["agenda"]] == [
        (1, "1"),
        (2, "NÖ 1"),
        (3, "2"),
        (4, "NÖ 2"),
        (5, "3"),
    ]


def test_a_meeting_on_version_3_reads_its_history_in_version_3s_words(
    world: World, client: Any, as_user: Any
) -> None:
    """done_label per definition version: meeting v3 says "dem Gemeinderat", not v4's
    "dem Gremium" (definitions/display/done_labels.yaml)."""
    mid = presented(world, 3)
    history = client.get(f"/api/v1/meetings/{mid}/history", headers=as_user("ilsfeld.clerk"))
    assert history.status_code == 200
    steps = {e["trigger"]: (e["label"], e["done_label"]) for e in history.json()}
    assert steps["present_minutes"] == (PRESENTED[3], PRESENTED[3])


def test_no_stellvertreter_chairs_the_council_session_while_the_mayor_is_present(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    """The JSON API refuses what the screen refuses (workflow.chairs.session_chair_refusal):
    "die Stellvertretung beschränkt sich auf die Fälle der Verhinderung" (§ 48 Abs. 1 Satz 4
    GemO); a committee's chair may be commissioned (§ 40 Abs. 4 GemO)."""
    for body in ("Gemeinderat", "Technischer Ausschuss"):
        _, mid = planned(world, body)
        invited(world, mid)
        members = members_of(world, mid)
        clock.now = berlin(MEETING_DAY, 18)
        url = f"/api/v1/meetings/{mid}"
        secretary = as_user("ilsfeld.secretary")
        version = int(client.get(url, headers=secretary).json()["version"])
        sent = client.put(
            f"{url}/attendance",
            json={"expected_version": version, "present": members, "chair_person_id": members[1]},
            headers=secretary,
        )
        if body == "Technischer Ausschuss":  # no Stellvertreter appointed: any member
            assert sent.status_code == 200, sent.json()
            assert sent.json()["chair_person_id"] == members[1]
            continue
        assert _field(sent) == "chair_person_id"
        detail = assert_problem(sent, 422)["detail"]
        assert detail.startswith(
            "Bürgermeisterin Beate Beispiel kann den Vorsitz in dieser Sitzung führen"
        )
        assert "§ 48 Abs. 1 Satz 4, 6 GemO" in detail
        assert client.get(url, headers=secretary).json()["chair_person_id"] is None
