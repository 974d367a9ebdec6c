"""Mitteilung möglicher Befangenheit (§ 18 Abs. 4 S. 1 GemO) over HTTP: a member of the body
tells the chair before the session, from the API or the meeting page, and may take it back
until the session opens; the secretary and the mayor are told (app and outbox), the session
screen shows it at the item with one click to record the bias; the public portal and OParl
never show it."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, select

from api.ui.citations import unbroken
from tests.api.conftest import FixedClock, TestClient
from tests.api.helpers import scene
from tests.api.test_http import assert_problem
from tests.api.test_ui_foundation import HTML, csrf_of, sign_in
from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, MEETING_DAY, invited, new_meeting, released, scheduled
from tests.integration.test_meetings import planned
from workflow.models import (
    AgendaItem,
    AuditEvent,
    BiasDeclaration,
    BiasNotice,
    Meeting,
    Notification,
    OutboxMessage,
    Person,
    User,
)
from workflow.queries import person_names, voting_members
from workflow.services import agenda, item_votes
from workflow.services import deputies as deputy_service
from workflow.services import meetings as meeting_service
from workflow.services.outbox import BIAS_NOTICE_SUBJECT

REASON = "Mein Schwager ist Bieter"
SECRET_REASON = "Meine Tochter verkauft das Grundstück"


def _open(world: World, mid: int) -> None:
    """Attendance of every member recorded and the session opened, on its day."""
    body_id = world.get(Meeting, mid).body_id
    members = world.run(lambda s: voting_members(s, body_id))
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 19),
            meeting_id=mid,
            present=members,
        )
    )
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))


def _invited_council(world: World) -> tuple[int, int]:
    """An invited Gemeinderat meeting with a Vorlage on it: (meeting, item)."""
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    invited(world, mid)
    return mid, _item(world, mid)


def _item(world: World, mid: int) -> int:
    """The meeting's only agenda item."""
    [item] = world.run(
        lambda s: list(s.exec(select(AgendaItem.id).where(AgendaItem.meeting_id == mid)))
    )
    return known(item)


def _take_over(
    client: TestClient, mid: int, item: int, screen: str, notices: str
) -> dict[str, str]:
    """Record the first notice listed on the session screen as a bias at the item, by its
    form's button; the form's fields."""
    form = notices.split("<form")[1].split("</form>")[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    taken = client.post(
        f"/sitzungen/{mid}/durchfuehren/{item}/befangenheit",
        data={
            "csrf_token": csrf_of(screen),
            "version": fields["version"],
            "person_id": fields["person_id"],
            "reason": fields["reason"],
        },
        follow_redirects=False,
    )
    assert taken.status_code == 303, taken.text
    return fields


def _mails(world: World, key: str) -> list[tuple[str, str, str]]:
    return world.run(
        lambda s: [
            (m.to_address, m.subject, m.body)
            for m in s.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.key).startswith(key))
                .order_by(col(OutboxMessage.id))
            )
        ]
    )


def test_a_member_notifies_and_withdraws_over_the_api(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    mid, item = _invited_council(world)
    clock.now = berlin(DAY, 16)
    url = f"/api/v1/meetings/{mid}/agenda-items/{item}/bias-notice"
    council = as_user("ilsfeld.council")
    sent = client.post(url, json={"reason": REASON}, headers=council)
    assert sent.status_code == 201, sent.text
    body = sent.json()
    person = world["ilsfeld.council"].person_id
    assert (body["agenda_item_id"], body["person_id"], body["reason"]) == (item, person, REASON)
    again = assert_problem(client.post(url, json={}, headers=council), 409)
    assert "bereits mitgeteilt" in again["detail"]

    audit = world.run(
        lambda s: [
            (e.trigger, e.data.get("person_id"))
            for e in s.exec(
                select(AuditEvent)
                .where(AuditEvent.instance_type == "meeting", AuditEvent.instance_id == mid)
                .order_by(col(AuditEvent.id))
            )
        ]
    )
    assert ("notify_bias", person) in audit
    # the secretary and the mayor hear of it, in the app and by e-mail
    told = world.run(
        lambda s: {
            s.get(User, n.user_id).username  # type: ignore[union-attr]
            for n in s.exec(select(Notification).where(Notification.kind == "bias_notice"))
        }
    )
    assert {"ilsfeld.secretary", "ilsfeld.mayor"} <= told
    assert "ilsfeld.council" not in told
    mails = _mails(world, f"bias_notice:{body['id']}:sent")
    addresses = world.run(
        lambda s: {
            u.email
            for u in s.exec(
                select(User).where(col(User.username).in_(["ilsfeld.secretary", "ilsfeld.mayor"]))
            )
        }
    )
    assert {m[0] for m in mails} == addresses
    assert all("Mitteilung möglicher Befangenheit" in m[1] for m in mails)
    assert all(f"Grund: {REASON}" in m[2] and "§ 18 Abs. 4 GemO" in m[2] for m in mails)
    # The administration handles delivery: who may be befangen is not its business.
    name = world.get(Person, person).name
    assert all(name in m[1] for m in mails)  # the recipients' subject names him
    listed = client.get("/api/v1/outbox", headers=as_user("admin")).json()["data"]
    shown = [m for m in listed if m["subject"] == BIAS_NOTICE_SUBJECT]
    assert len(shown) == len(mails)
    one = client.get(f"/api/v1/outbox/{shown[0]['id']}", headers=as_user("admin"))
    assert one.json()["subject"] == BIAS_NOTICE_SUBJECT
    assert name not in one.text
    assert name not in str(listed)

    staff = assert_problem(client.delete(url, headers=as_user("ilsfeld.secretary")), 403)
    assert "Gemeinderat" in staff["detail"]
    gone = client.delete(url, headers=council)
    assert gone.status_code == 204, gone.text
    assert world.run(lambda s: list(s.exec(select(BiasNotice)))) == []
    assert_problem(client.delete(url, headers=council), 404)
    assert _mails(world, f"bias_notice:{body['id']}:withdrawn")
    resent = client.post(url, json={}, headers=council)
    assert resent.status_code == 201, resent.text
    assert resent.json()["reason"] == ""


def test_only_members_of_the_body_notify_and_only_until_the_session_opens(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    clock.now = berlin(DAY, 16)
    council = as_user("ilsfeld.council")
    # Ilsfeld's councillor has no seat in the Verwaltungsausschuss
    _, other = planned(world, body="Verwaltungsausschuss")
    invited(world, other)
    foreign_item = _item(world, other)
    refused = assert_problem(
        client.post(
            f"/api/v1/meetings/{other}/agenda-items/{foreign_item}/bias-notice",
            json={"reason": REASON},
            headers=council,
        ),
        403,
    )
    assert "nicht Mitglied des Gremiums Verwaltungsausschuss" in refused["detail"]
    # Flein's councillor does not even see Ilsfeld's meeting
    mid, item = _invited_council(world)
    url = f"/api/v1/meetings/{mid}/agenda-items/{item}/bias-notice"
    assert_problem(client.post(url, json={}, headers=as_user("flein.council")), 404)
    assert_problem(client.post(url, json={"reason": "x" * 5000}, headers=council), 422)
    assert client.post(url, json={"reason": REASON}, headers=council).status_code == 201

    _open(world, mid)
    late = assert_problem(client.post(url, json={}, headers=council), 409)
    assert "vor Beginn der Sitzung" in late["detail"]
    # the chair by the function, not as "dem Vorsitzenden" (Ilsfeld's is a woman)
    assert "In der Sitzung teilen Sie sie dem Vorsitz mit" in late["detail"]
    assert_problem(client.delete(url, headers=council), 409)
    # before the invitation the agenda is not set: nothing to notify yet
    early = new_meeting(world)
    scheduled(world, released(world), early)
    early_item = _item(world, early)
    assert_problem(
        client.post(
            f"/api/v1/meetings/{early}/agenda-items/{early_item}/bias-notice",
            json={},
            headers=council,
        ),
        409,
    )


def test_a_member_notifies_and_withdraws_on_the_meeting_page(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    mid, item = _invited_council(world)
    clock.now = berlin(DAY, 16)
    sign_in(client, "ilsfeld.council")
    pid = world.run(lambda s: s.get(AgendaItem, item).proposal_id)  # type: ignore[union-attr]
    vorlage = client.get(f"/vorlagen/{pid}").text  # the Vorlage's page leads there
    assert f'href="/sitzungen/{mid}#befangenheit-mitteilen"' in vorlage
    page = client.get(f"/sitzungen/{mid}").text
    assert "Mitteilung möglicher Befangenheit" in page
    assert unbroken(
        "vor Beginn der Beratung dieses Punktes dem Vorsitz mit (§ 18 Abs. 4 GemO)"
    ) in (page)
    assert "Die Mitteilung geht an den Vorsitz und den Sitzungsdienst." in page
    assert "Vorsitzende" not in page
    assert f'<option value="{item}">' in page
    # no item chosen: the page comes back with the reason kept
    refused = client.post(
        f"/sitzungen/{mid}/befangenheit-mitteilen",
        data={"csrf_token": csrf_of(page), "item_id": "", "reason": REASON},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "Bitte wählen Sie den Tagesordnungspunkt." in unbroken(refused.text)
    assert REASON in refused.text
    sent = client.post(
        f"/sitzungen/{mid}/befangenheit-mitteilen",
        data={"csrf_token": csrf_of(page), "item_id": str(item), "reason": REASON},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    page = client.get(f"/sitzungen/{mid}").text
    assert "ist an den Vorsitz und den Sitzungsdienst gegangen" in unbroken(page)
    listed = page.split('id="befangenheit-mitgeteilt"')[1].split("</ul>")[0]
    assert 'id="befangenheit-mitteilungen"' not in page  # the staff's list of all members'
    assert f"Grund: {REASON}" in listed
    assert f'<option value="{item}">' not in page  # sent once
    withdrawn = client.post(
        f"/sitzungen/{mid}/befangenheit-mitteilen/{item}/zuruecknehmen",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    page = client.get(f"/sitzungen/{mid}").text
    assert "ist zurückgenommen" in unbroken(page)
    assert 'id="befangenheit-mitgeteilt"' not in page
    assert world.run(lambda s: list(s.exec(select(BiasNotice)))) == []

    # after the opening the page offers nothing and a late post is refused in words
    client.post(
        f"/sitzungen/{mid}/befangenheit-mitteilen",
        data={"csrf_token": csrf_of(page), "item_id": str(item), "reason": REASON},
    )
    _open(world, mid)
    page = client.get(f"/sitzungen/{mid}").text
    assert 'id="befangenheit-mitteilen"' not in page
    late = client.post(
        f"/sitzungen/{mid}/befangenheit-mitteilen/{item}/zuruecknehmen",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert late.status_code == 409
    assert "vor Beginn der Sitzung" in unbroken(late.text)
    assert "#befangenheit-mitteilen" not in client.get(f"/vorlagen/{pid}").text
    # staff do not get the member's form
    sign_in(client, "ilsfeld.secretary")
    assert 'id="befangenheit-mitteilen"' not in client.get(f"/sitzungen/{mid}").text


def test_a_non_member_gets_no_form_and_is_refused_on_the_page(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    _, other = planned(world, body="Verwaltungsausschuss")
    invited(world, other)
    item = _item(world, other)
    clock.now = berlin(DAY, 16)
    sign_in(client, "ilsfeld.council")
    page = client.get(f"/sitzungen/{other}").text
    assert 'id="befangenheit-mitteilen"' not in page
    refused = client.post(
        f"/sitzungen/{other}/befangenheit-mitteilen",
        data={"csrf_token": csrf_of(page), "item_id": str(item), "reason": REASON},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "nicht Mitglied des Gremiums Verwaltungsausschuss" in unbroken(refused.text)
    assert world.run(lambda s: list(s.exec(select(BiasNotice)))) == []


def test_the_secretary_sees_the_notice_at_the_item_and_takes_it_over(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    mid, item = _invited_council(world)
    clock.now = berlin(DAY, 16)
    url = f"/api/v1/meetings/{mid}/agenda-items/{item}/bias-notice"
    sent = client.post(url, json={"reason": REASON}, headers=as_user("ilsfeld.council"))
    assert sent.status_code == 201, sent.text
    person = world["ilsfeld.council"].person_id
    name = world.data.ilsfeld.councillors[0].name
    sign_in(client, "ilsfeld.secretary")  # before the session: on the meeting page
    listed = client.get(f"/sitzungen/{mid}").text.split('id="befangenheit-mitteilungen"')[1]
    assert f"TOP 1: {name} – Grund: {REASON}" in listed.split("</ul>")[0]
    _open(world, mid)
    clock.now = berlin(MEETING_DAY, 19, 5)
    screen = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    notices = unbroken(screen.split('id="befangenheit-mitteilungen"')[1].split("</ul>")[0])
    assert f"Mitteilung vor der Sitzung: {name} hält sich für befangen – Grund: {REASON}" in (
        re.sub(r"\s+", " ", notices)
    )
    fields = _take_over(client, mid, item, screen, notices)
    assert (fields["person_id"], fields["reason"]) == (str(person), REASON)
    declared = world.run(
        lambda s: [
            (d.person_id, d.reason, d.doubtful, d.excludes)
            for d in s.exec(select(BiasDeclaration).where(BiasDeclaration.agenda_item_id == item))
        ]
    )
    assert declared == [(person, REASON, False, True)]
    screen = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    assert 'id="befangenheit-mitteilungen"' not in screen  # taken over: listed as declared


def test_the_portal_and_oparl_never_show_a_notice(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    """A non-public item's reason stays with the body and staff: never on the public portal
    nor in OParl; a public item's notice is no public record either."""
    s = scene(world)  # Technischer Ausschuss, invited, with a non-public item
    clock.now = berlin(DAY, 16)
    council = as_user("ilsfeld.council")
    secret = client.post(
        f"/api/v1/meetings/{s.meeting}/agenda-items/{s.secret_item}/bias-notice",
        json={"reason": SECRET_REASON},
        headers=council,
    )
    assert secret.status_code == 201, secret.text
    mails = _mails(world, f"bias_notice:{secret.json()['id']}:sent")
    assert mails
    assert all(SECRET_REASON not in m[2] for m in mails)
    assert all("Den Grund (nichtöffentlicher Punkt) finden Sie in Ratsflow." in m[2] for m in mails)
    mid, item = _invited_council(world)
    public = client.post(
        f"/api/v1/meetings/{mid}/agenda-items/{item}/bias-notice",
        json={"reason": REASON},
        headers=council,
    )
    assert public.status_code == 201

    town = world.data.ilsfeld.municipality.id
    client.cookies.clear()
    for path in (
        f"/oeffentlich/{town}/sitzungen/{s.meeting}",
        f"/oeffentlich/{town}/sitzungen/{mid}",
        f"/oeffentlich/{town}/sitzungen?jahr=2024",
    ):
        got = client.get(path, headers=HTML)
        assert got.status_code in (200, 404), path
        for words in (SECRET_REASON, REASON, "hält sich für befangen"):
            assert words not in got.text, path
    # every OParl object and list reachable from the entry point
    queue, seen = ["http://testserver/oparl/v1"], set()
    while queue:
        url = queue.pop()
        if url in seen or "/file/" in url:
            continue
        seen.add(url)
        got = client.get(url)
        assert got.status_code == 200, url
        assert SECRET_REASON not in got.text, url
        assert REASON not in got.text, url
        queue += re.findall(r'"(http://testserver/oparl/v1/[^"?]*)"', got.text)
    assert f"http://testserver/oparl/v1/meeting/{s.meeting}" in seen


def test_the_secretary_may_switch_the_notices_mail_off(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    """The notice's e-mail is one of the kinds a user switches off at /einstellungen, offered
    to whom it reaches (the Sitzungsdienst and the mayor, not a councillor); the in-app
    notice stays, and the others are still mailed."""
    mid, item = _invited_council(world)
    clock.now = berlin(DAY, 16)
    sign_in(client, "ilsfeld.council")
    assert 'id="mail-bias_notice"' not in client.get("/einstellungen").text
    sign_in(client, "ilsfeld.secretary")
    page = client.get("/einstellungen").text
    assert 'id="mail-bias_notice" name="mail" value="bias_notice" checked' in page
    kept = re.findall(r'name="mail" value="(\w+)" checked', page)
    saved = client.post(
        "/einstellungen",
        data={"csrf_token": csrf_of(page), "mail": [k for k in kept if k != "bias_notice"]},
    )
    assert (
        "Keine E-Mail mehr für: Mitteilungen möglicher Befangenheit vor einer Sitzung."
        in saved.text
    )
    url = f"/api/v1/meetings/{mid}/agenda-items/{item}/bias-notice"
    sent = client.post(url, json={"reason": REASON}, headers=as_user("ilsfeld.council"))
    assert sent.status_code == 201, sent.text
    addresses = {m[0] for m in _mails(world, f"bias_notice:{sent.json()['id']}:sent")}
    secretary, mayor = (
        world.data.users["ilsfeld.secretary"].email,
        world.data.users["ilsfeld.mayor"].email,
    )
    assert secretary not in addresses
    assert mayor in addresses
    told = world.run(
        lambda s: {
            n.user_id
            for n in s.exec(select(Notification).where(Notification.kind == "bias_notice"))
        }
    )
    assert world.data.users["ilsfeld.secretary"].id in told


def _deputy_in_committee(world: World) -> tuple[int, int, int, int]:
    """An invited Verwaltungsausschuss meeting (no seat for Ilsfeld's councillor) whose
    first ordinary member has that councillor as personal deputy: (meeting, item, member,
    deputy)."""
    _, mid = planned(world, body="Verwaltungsausschuss")
    invited(world, mid)
    body = world.get(Meeting, mid).body_id
    member = next(
        p
        for p in world.run(lambda s: voting_members(s, body, MEETING_DAY))
        if p != world.data.ilsfeld.mayor.id
    )
    deputy = known(world["ilsfeld.council"].person_id)
    world.run(
        lambda s: deputy_service.set_member_deputies(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            body_id=body,
            member_person_id=member,
            deputy_person_ids=[deputy],
        )
    )
    return mid, _item(world, mid), member, deputy


def test_a_personal_deputy_notifies_and_the_screen_offers_it_while_he_stands_in(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """Hauptsatzung, § 40 Abs. 1 S. 2 GemO: invited as Stellvertretung, he tells the chair
    like a member; the staff see whom he deputises for, and the screen records his bias
    only at an item where he sits for his absent member."""
    mid, item, member, deputy = _deputy_in_committee(world)
    names = world.run(lambda s: {p: person_names(s, [p]) for p in (member, deputy)})
    said = f"{names[deputy]} (Stellvertretung für {names[member]})"
    clock.now = berlin(DAY, 16)
    sign_in(client, "ilsfeld.council")
    page = client.get(f"/sitzungen/{mid}").text
    assert f'<option value="{item}">' in page
    assert f"als persönliche Stellvertretung für {names[member]} mit" in unbroken(page)
    sent = client.post(
        f"/sitzungen/{mid}/befangenheit-mitteilen",
        data={"csrf_token": csrf_of(page), "item_id": str(item), "reason": REASON},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    page = client.get(f"/sitzungen/{mid}").text
    assert f"Grund: {REASON}" in page.split('id="befangenheit-mitgeteilt"')[1].split("</ul>")[0]
    sign_in(client, "ilsfeld.secretary")
    listed = client.get(f"/sitzungen/{mid}").text.split('id="befangenheit-mitteilungen"')[1]
    assert f"TOP 1: {said} – Grund: {REASON}" in listed.split("</ul>")[0]

    # everyone at the table, his member too: he does not sit, nothing to record for him
    body = world.get(Meeting, mid).body_id
    members = world.run(lambda s: voting_members(s, body, MEETING_DAY))
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 18),
            meeting_id=mid,
            present=[*members, deputy],
        )
    )
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    clock.now = berlin(MEETING_DAY, 19, 5)
    screen = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    notices = unbroken(screen.split('id="befangenheit-mitteilungen"')[1].split("</ul>")[0])
    flat = re.sub(r"\s+", " ", notices)
    assert f"Mitteilung vor der Sitzung: {said} hält sich für befangen" in flat
    assert "vertritt bei diesem Punkt kein abwesendes Mitglied" in flat
    assert "<form" not in notices
    # his member leaves at the item: he stands in, and the bias is recorded with one click
    world.run(
        lambda s: item_votes.record_item_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 19, 10),
            meeting_id=mid,
            item_id=item,
            expected_version=known(s.get(Meeting, mid)).version,
            person_id=member,
            present=False,
        )
    )
    screen = client.get(f"/sitzungen/{mid}/durchfuehren?top={item}").text
    notices = unbroken(screen.split('id="befangenheit-mitteilungen"')[1].split("</ul>")[0])
    fields = _take_over(client, mid, item, screen, notices)
    assert fields["person_id"] == str(deputy)
    declared = world.run(
        lambda s: [
            d.person_id
            for d in s.exec(select(BiasDeclaration).where(BiasDeclaration.agenda_item_id == item))
        ]
    )
    assert declared == [deputy]


def test_a_deputy_notifies_over_the_api(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    mid, item, member, deputy = _deputy_in_committee(world)
    clock.now = berlin(DAY, 16)
    url = f"/api/v1/meetings/{mid}/agenda-items/{item}/bias-notice"
    sent = client.post(url, json={"reason": REASON}, headers=as_user("ilsfeld.council"))
    assert sent.status_code == 201, sent.text
    assert sent.json()["person_id"] == deputy
    said = world.run(lambda s: f"Stellvertretung für {person_names(s, [member])}")
    mails = _mails(world, f"bias_notice:{sent.json()['id']}:sent")
    assert mails
    assert all(said in subject for _, subject, _ in mails)
    gone = client.delete(url, headers=as_user("ilsfeld.council"))
    assert gone.status_code == 204, gone.text


def test_a_notice_on_an_item_abgesetzt_is_no_longer_open_and_the_member_reads_why(
    world: World, client: TestClient, as_user: Any, clock: FixedClock
) -> None:
    """The secretary takes the item off after the invitation: the notice stays on record
    (and in the audit) but is no open notice for the chair any more, and the member's page
    says it is moot rather than dropping it without a word."""
    mid, gone = _invited_council(world)
    late = released(world, title="Vergabe Winterdienst")
    scheduled(world, late, mid)  # a Nachtrag, which stays on the agenda
    kept = world.run(
        lambda s: known(s.exec(select(AgendaItem.id).where(AgendaItem.proposal_id == late)).one())
    )
    clock.now = berlin(DAY, 16)
    council = as_user("ilsfeld.council")
    for item, reason in ((gone, REASON), (kept, "Ich bin Anlieger")):
        sent = client.post(
            f"/api/v1/meetings/{mid}/agenda-items/{item}/bias-notice",
            json={"reason": reason},
            headers=council,
        )
        assert sent.status_code == 201, sent.text
    world.run(
        lambda s: agenda.remove_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 17),
            meeting_id=mid,
            item_id=gone,
            expected_version=known(s.get(Meeting, mid)).version,
            comment="Unterlagen unvollständig",
        )
    )
    title = world.get(AgendaItem, gone).title
    sign_in(client, "ilsfeld.council")
    page = unbroken(client.get(f"/sitzungen/{mid}").text)
    moot = page.split('id="befangenheit-abgesetzt"')[1].split("</ul>")[0]
    assert f"{title} – abgesetzt: Ihre Mitteilung ist für diese Sitzung gegenstandslos" in moot
    sent_list = page.split('id="befangenheit-mitgeteilt"')[1].split("</ul>")[0]
    assert "Ich bin Anlieger" in sent_list
    assert REASON not in sent_list
    assert f"/befangenheit-mitteilen/{gone}/zuruecknehmen" not in page
    sign_in(client, "ilsfeld.secretary")
    staff = client.get(f"/sitzungen/{mid}").text.split('id="befangenheit-mitteilungen"')[1]
    assert "Ich bin Anlieger" in staff.split("</ul>")[0]
    assert REASON not in staff.split("</ul>")[0]
    assert world.run(
        lambda s: s.exec(select(BiasNotice).where(BiasNotice.agenda_item_id == gone)).one()
    )
