"""Task messages: whoever must act next is told in the app (badge) and by e-mail through the
outbox, delivered to a real SMTP server (aiosmtpd); each kind can be switched off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, in_session, item_of, new_proposal
from tests.integration.test_bias import adopt
from tests.integration.test_meetings import planned, record_votes
from tests.smtp import Inbox, smtp_server
from workflow.deadlines.mail import SmtpMailer
from workflow.deadlines.notify import MAIL_KINDS
from workflow.deadlines.sweep import SweepReport, deliver
from workflow.models import Notification, User, UserDeputy

PROPOSALS = "/api/v1/proposals"


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as server:
        yield server


def delivered(world: World, smtp: tuple[str, Inbox], now: datetime) -> list[Any]:
    url, inbox = smtp
    deliver(engine=world.engine, now=now, mailer=SmtpMailer(url, timeout=5), report=SweepReport())
    return list(inbox.messages)


def fire(client: Any, headers: dict[str, str], pid: int, trigger: str, **extra: Any) -> Any:
    version = client.get(f"{PROPOSALS}/{pid}", headers=headers).json()["version"]
    answer = client.post(
        f"{PROPOSALS}/{pid}/transitions",
        json={"trigger": trigger, "expected_version": version, **extra},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return answer


def notices(world: World, username: str) -> list[Notification]:
    with Session(world.engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return list(session.exec(select(Notification).where(Notification.user_id == user.id)))


def test_each_next_actor_gets_a_german_mail_with_the_right_link(
    world: World,
    client: TestClient,
    as_user: Any,
    clock: FixedClock,
    smtp: tuple[str, Inbox],
) -> None:
    pid = new_proposal(world)
    fire(client, as_user("ilsfeld.clerk"), pid, "submit", data={"cosigners": ["ilsfeld.head"]})
    [ask] = delivered(world, smtp, clock.now)
    assert ask["To"] == "ilsfeld.head@example.org"
    assert ask["Subject"] == "Bitte um Mitzeichnung: Vorlage 1/2024 – Neubau Bauhof"
    text = ask.get_content()
    assert "bittet Sie, die Vorlage 1/2024 „Neubau Bauhof“ mitzuzeichnen" in text
    assert f"/vorlagen/{pid}" in text
    assert "/einstellungen" in text
    assert "cosign" not in text
    # the badge on "Meine Aufgaben" counts the co-signature
    sign_in(client, "ilsfeld.head")
    home = client.get("/")
    assert 'id="aufgaben-zahl">1<' in home.text
    fire(client, as_user("ilsfeld.head"), pid, "cosign")
    mails = delivered(world, smtp, clock.now)
    release = [m for m in mails if m["To"] == "ilsfeld.mayor@example.org"]
    assert [m["Subject"] for m in release] == ["Zur Freigabe: Vorlage 1/2024 – Neubau Bauhof"]
    assert "wartet auf Ihre Freigabe" in release[0].get_content()
    fire(client, as_user("ilsfeld.mayor"), pid, "return_to_author", comment="Kosten fehlen")
    back = [m for m in delivered(world, smtp, clock.now) if m["To"] == "ilsfeld.clerk@example.org"]
    assert [m["Subject"] for m in back] == ["Zurückgegeben: Vorlage 1/2024 – Neubau Bauhof"]
    assert "Anmerkung: Kosten fehlen" in back[0].get_content()
    assert [n.kind for n in notices(world, "ilsfeld.clerk")] == ["returned"]


def test_a_switched_off_kind_sends_no_mail_but_keeps_the_notice(
    world: World,
    client: TestClient,
    as_user: Any,
    clock: FixedClock,
    smtp: tuple[str, Inbox],
) -> None:
    sign_in(client, "ilsfeld.head")
    page = client.get("/einstellungen")
    assert "ilsfeld.head@example.org" in page.text
    assert 'id="mail-cosign" name="mail" value="cosign" checked' in page.text
    kept = ["release", "returned", "minutes", "deadline", "request"]
    saved = client.post("/einstellungen", data={"csrf_token": csrf_of(page.text), "mail": kept})
    assert "Keine E-Mail mehr für: Bitte um Mitzeichnung einer Vorlage." in saved.text
    assert 'value="cosign" checked' not in saved.text
    pid = new_proposal(world)
    fire(client, as_user("ilsfeld.clerk"), pid, "submit", data={"cosigners": ["ilsfeld.head"]})
    assert delivered(world, smtp, clock.now) == []
    assert [n.kind for n in notices(world, "ilsfeld.head")] == ["cosign"]
    # switched on again, the next occasion mails
    client.post("/einstellungen", data={"csrf_token": csrf_of(saved.text),
                                        "mail": [*kept, "cosign"]})  # fmt: skip
    fire(client, as_user("ilsfeld.head"), pid, "return_to_author", comment="bitte ergänzen")
    fire(client, as_user("ilsfeld.clerk"), pid, "submit", data={"cosigners": ["ilsfeld.head"]})
    to_head = [
        m for m in delivered(world, smtp, clock.now) if m["To"] == "ilsfeld.head@example.org"
    ]
    assert len(to_head) == 1


def test_unknown_kinds_are_ignored_on_the_settings_page(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.head")
    token = csrf_of(client.get("/einstellungen").text)
    saved = client.post("/einstellungen", data={"csrf_token": token, "mail": ["nichts"]})
    assert saved.status_code == 200
    with Session(world.engine) as session:
        user = session.exec(select(User).where(User.username == "ilsfeld.head")).one()
    assert "cosign" in user.mail_off


def test_the_signers_hear_when_the_session_is_closed(
    world: World, clock: FixedClock, smtp: tuple[str, Inbox]
) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    record_votes(world, item_of(world, pid), dict.fromkeys(present, "yes"))
    adopt(world, pid)
    closed = berlin(MEETING_DAY, 22)
    world.fire("meeting", mid, "close_session", "ilsfeld.secretary", closed)
    mails = delivered(world, smtp, closed)
    minutes = [m for m in mails if m["Subject"].startswith("Niederschrift zur Unterzeichnung")]
    assert "ilsfeld.secretary@example.org" in {m["To"] for m in minutes}
    assert minutes[0]["Subject"] == (
        f"Niederschrift zur Unterzeichnung: Sitzung des Gemeinderats am {MEETING_DAY:%d.%m.%Y}"
    )
    assert f"/sitzungen/{mid}" in minutes[0].get_content()
    # the offices as the sitting page names them (Vorsitz, Schriftführung), § 38 Abs. 2 GemO
    assert (
        "Die Niederschrift unterzeichnen der Vorsitz, zwei Ratsmitglieder, die an der Sitzung "
        "teilgenommen haben, und die Schriftführung (§ 38 Abs. 2 GemO)."
    ) in " ".join(minutes[0].get_content().split())
    assert "Vorsitzende" not in minutes[0].get_content()


def offered_kinds(page: str) -> list[str]:
    return re.findall(r'id="mail-(\w+)" name="mail"', page)


def test_each_user_is_offered_only_the_mails_that_can_reach_him(
    world: World, client: TestClient
) -> None:
    sign_in(client, "ilsfeld.council")
    page = client.get("/einstellungen").text
    # a councillor signs minutes and hears of his own Antrag's deadlines, nothing else
    assert offered_kinds(page) == ["minutes", "deadline"]
    assert "Bitte um Mitzeichnung" not in page
    assert "Abfragen des Landratsamts" not in page
    sign_in(client, "ilsfeld.head")
    assert offered_kinds(client.get("/einstellungen").text) == ["cosign", "returned", "deadline"]
    sign_in(client, "ilsfeld.mayor")
    assert offered_kinds(client.get("/einstellungen").text) == [
        k for k in MAIL_KINDS if k != "cosign"
    ]
    sign_in(client, "admin")
    page = client.get("/einstellungen").text
    assert offered_kinds(page) == []
    assert "keine E-Mails, die Sie abbestellen könnten" in page


def test_a_deputy_is_offered_the_mails_of_whom_he_stands_in_for(
    world: World, client: TestClient
) -> None:
    def appoint(session: Session) -> None:
        session.add(
            UserDeputy(
                user_id=world.data.users["ilsfeld.mayor"].id or 0,
                deputy_id=world.data.users["ilsfeld.council"].id or 0,
                rank=1,
            )
        )

    world.run(appoint)
    sign_in(client, "ilsfeld.council")
    # all the mayor's (an absent holder's messages reach his acting deputy)
    assert offered_kinds(client.get("/einstellungen").text) == [
        k for k in MAIL_KINDS if k != "cosign"
    ]


def test_a_stored_choice_for_a_kind_not_offered_is_kept_and_harmless(
    world: World, client: TestClient
) -> None:
    def store(session: Session) -> None:
        user = session.exec(select(User).where(User.username == "ilsfeld.council")).one()
        user.mail_off = ["cosign", "release", "minutes", "weggefallen"]
        session.add(user)

    world.run(store)
    sign_in(client, "ilsfeld.council")
    page = client.get("/einstellungen")
    assert page.status_code == 200
    assert offered_kinds(page.text) == ["minutes", "deadline"]
    assert 'value="minutes" checked' not in page.text
    assert 'value="deadline" checked' in page.text
    saved = client.post(
        "/einstellungen", data={"csrf_token": csrf_of(page.text), "mail": ["minutes"]}
    )
    assert saved.status_code == 200
    assert "Keine E-Mail mehr für: Erinnerungen und Warnungen zu Fristen." in saved.text
    with Session(world.engine) as session:
        user = session.exec(select(User).where(User.username == "ilsfeld.council")).one()
    assert user.mail_off == ["cosign", "release", "deadline"]
