"""Stellvertretung and the municipality's settings on pages: Verwaltung and Einstellungen;
the objection form asks for the ground."""

from __future__ import annotations

import re
from datetime import date
from typing import cast

from sqlmodel import Session, select

from api.ui.citations import unbroken
from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.api.test_ui_vorlagen import _fire
from tests.conftest import World, berlin
from tests.integration.flow import (
    MEETING_DAY,
    adopted,
    new_meeting,
    released,
)
from workflow.models import (
    Absence,
    BodyDeputy,
    Membership,
    MinutesObjection,
    Municipality,
    Proposal,
    UserDeputy,
)


def _uid(world: World, username: str) -> int:
    return int(world.data.users[username].id or 0)


def test_admin_sets_deputies_and_an_absence(world: World, client: TestClient) -> None:
    sign_in(client, "admin")
    mayor = _uid(world, "ilsfeld.mayor")
    page = client.get(f"/verwaltung/benutzer/{mayor}")
    assert page.status_code == 200
    # the § 48/§ 53 GemO explanation names Ilsfeld's mayor by her title, no "seiner"
    assert (
        unbroken(
            "Bei der Bürgermeisterin sind das die Stellvertreter, die der Gemeinderat aus seiner "
            "Mitte bestellt, in ihrer Reihenfolge (§ 48 GemO); sonst Beschäftigte, die die "
            "Bürgermeisterin mit der Vertretung beauftragt (§ 53 GemO)."
        )
        in page.text
    )
    token = csrf_of(page.text)
    done = client.post(
        f"/verwaltung/benutzer/{mayor}/stellvertretung",
        data={"csrf_token": token, "deputy1": str(_uid(world, "ilsfeld.council")), "deputy2": ""},
    )
    assert "Stellvertretung in dieser Reihenfolge gespeichert" in done.text
    with Session(world.engine) as session:
        rows = session.exec(select(UserDeputy).where(UserDeputy.user_id == mayor)).all()
    assert [r.deputy_id for r in rows] == [_uid(world, "ilsfeld.council")]
    refused = client.post(
        f"/verwaltung/benutzer/{mayor}/abwesenheiten",
        data={"csrf_token": token, "starts_on": "2024-04-12", "ends_on": "2024-04-08"},
    )
    assert refused.status_code == 422
    assert "Ende der Abwesenheit" in refused.text
    done = client.post(
        f"/verwaltung/benutzer/{mayor}/abwesenheiten",
        data={"csrf_token": token, "starts_on": "2024-04-08", "ends_on": "2024-04-12"},
    )
    assert "08.04.2024 bis 12.04.2024" in done.text
    council = world.data.users["ilsfeld.council"].full_name
    assert f"in Vertretung handelt {council}" in done.text  # the first deputy


def test_user_enters_own_absence_in_einstellungen(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.head")
    page = client.get("/einstellungen")
    assert "Abwesenheit und Stellvertretung" in page.text
    token = csrf_of(page.text)
    done = client.post(
        "/einstellungen/abwesenheiten",
        data={"csrf_token": token, "starts_on": "2024-04-15", "ends_on": "2024-04-19"},
    )
    assert "15.04.2024 bis 19.04.2024" in done.text
    assert "Eine Stellvertretung ist nicht benannt" in done.text  # none set for the head
    # A mistake shows the form again, the field marked and the input kept (no redirect).
    wrong = client.post(
        "/einstellungen/abwesenheiten",
        data={"csrf_token": token, "starts_on": "2024-04-19", "ends_on": "", "note": "Kur"},
    )
    assert wrong.status_code == 422
    assert "Bitte geben Sie Beginn und Ende an." in wrong.text
    assert 'id="fehler"' in wrong.text  # the summary at the top links to the field
    assert 'value="2024-04-19"' in wrong.text
    assert 'value="Kur"' in wrong.text
    with Session(world.engine) as session:
        absence = session.exec(select(Absence)).one()
    deleted = client.post(f"/abwesenheiten/{absence.id}/loeschen", data={"csrf_token": token})
    assert "Die Abwesenheit wurde gelöscht." in deleted.text
    # A clerk cannot enter absences of others.
    other = client.post(
        f"/verwaltung/benutzer/{_uid(world, 'ilsfeld.mayor')}/abwesenheiten",
        data={"csrf_token": token, "starts_on": "2024-04-15", "ends_on": "2024-04-19"},
    )
    assert other.status_code == 403


def test_member_dates_and_deputies_on_the_body_page(world: World, client: TestClient) -> None:
    sign_in(client, "admin")
    body = world.body_id("Technischer Ausschuss")
    page = client.get(f"/verwaltung/gremien/{body}")
    assert "Mitgliedszeit und Stellvertretung" in page.text
    token = csrf_of(page.text)
    with Session(world.engine) as session:
        seats = session.exec(
            select(Membership).where(Membership.body_id == body, Membership.role == "member")
        ).all()
    seat = seats[0]
    members = {s.person_id for s in seats}
    outsider = next(p.id for p in world.data.ilsfeld.councillors if p.id not in members)
    done = client.post(
        f"/verwaltung/gremien/{body}/mitglieder/{seat.id}",
        data={"csrf_token": token, "end_date": "2020-01-31", "deputy1": str(outsider)},
    )
    assert "gespeichert" in done.text
    assert "ausgeschieden am 31.01.2020" in done.text
    assert f"Mitglieder ({len(seats)})" in done.text  # the chair counts, the leaver not
    with Session(world.engine) as session:
        deputy = session.exec(
            select(BodyDeputy).where(
                BodyDeputy.body_id == body, BodyDeputy.member_person_id == seat.person_id
            )
        ).one()
    assert deputy.deputy_person_id == outsider
    bad = client.post(
        f"/verwaltung/gremien/{body}/mitglieder/{seat.id}",
        data={"csrf_token": token, "start_date": "2024-05-01", "end_date": "2024-04-01"},
    )
    assert "Ende der Mitgliedschaft liegt vor ihrem Beginn" in bad.text
    # the seat's form again, open, the end marked, what was typed kept; the summary links it
    assert bad.status_code == 422
    assert f'href="#end-{seat.id}"' in bad.text
    assert f'id="end-{seat.id}" name="end_date" type="date" value="2024-04-01"' in bad.text
    assert 'value="2024-05-01"' in bad.text
    assert bad.text.count('<details class="rf-details" open>') == 1
    self_deputy = client.post(
        f"/verwaltung/gremien/{body}/mitglieder/{seat.id}",
        data={"csrf_token": token, "deputy2": str(seat.person_id)},
    )
    assert self_deputy.status_code == 422
    assert f'href="#deputy2-{seat.id}"' in self_deputy.text
    assert "Niemand vertritt sich selbst." in self_deputy.text


def test_municipal_settings_in_verwaltung(world: World, client: TestClient) -> None:
    sign_in(client, "admin")
    page = client.get("/verwaltung")
    assert unbroken("Rechtsaufsichtsbehörde (§ 119 GemO): <strong>Landratsamt") in page.text
    done = client.post(
        "/verwaltung/gemeinde",
        data={
            "csrf_token": csrf_of(page.text),
            "municipal_status": "grosse_kreisstadt",
            "supervisory_authority_name": "",
            "pre_deliberation_on_request": "ja",
            "monthly_session_reminder_day": "10",
            "invitation_days": "8",
            "announcement_days": "5",
        },
    )
    assert "Rechtsaufsichtsbehörde: Regierungspräsidium." in done.text
    with Session(world.engine) as session:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        assert town.settings["municipal_status"] == "grosse_kreisstadt"
        assert town.settings["pre_deliberation_on_request"] is True
        assert town.settings["monthly_session_reminder_day"] == 10
        # seven clear days: the invitation deadlines count eight (§ 34 Abs. 1 S. 1 GemO)
        periods = cast(dict[str, str], town.settings["deadline_periods"])
        assert periods["invitation"] == "P8D"
        assert periods["announcement"] == "P5D"  # the Bekanntmachungssatzung's lead
    assert 'name="invitation_days"' in client.get("/verwaltung").text
    assert 'name="announcement_days"' in client.get("/verwaltung").text
    # A mistake: the page again, the field marked, the input kept, nothing saved.
    page = client.get("/verwaltung")
    wrong = client.post(
        "/verwaltung/gemeinde",
        data={
            "csrf_token": csrf_of(page.text),
            "municipal_status": "gemeinde",
            "supervisory_authority_name": "x" * 201,
            "monthly_session_reminder_day": "29",
            "invitation_days": "8",
        },
    )
    assert wrong.status_code == 422
    assert "Bitte höchstens 200 Zeichen eingeben." in wrong.text
    with Session(world.engine) as session:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        assert town.settings["municipal_status"] == "grosse_kreisstadt"
    late = client.post(
        "/verwaltung/gemeinde",
        data={
            "csrf_token": csrf_of(page.text),
            "municipal_status": "gemeinde",
            "monthly_session_reminder_day": "29",
            "invitation_days": "8",
        },
    )
    assert late.status_code == 422
    assert "Bitte geben Sie einen Tag von 0 bis 28 an (0: keine Erinnerung)." in late.text
    assert 'value="29"' in late.text


def test_objection_form_asks_for_the_ground(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid, _, _ = adopted(world)
    clock.now = berlin(date(2024, 4, 24), 9)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}")
    assert page.status_code == 200
    assert unbroken("Widerspruchsgrund (§ 43 Abs. 2 GemO)") in page.text
    assert "rechtswidrig (§ 43 Abs. 2 Satz 1 GemO" in page.text
    # the check before the Widerspruch repeats the ground chosen, in words
    check = _fire(client, f"/vorlagen/{pid}", "object", ground="detrimental", comment="Zu teuer")
    assert "Bitte prüfen" in check.text
    summary = check.text.split('id="pruefen"')[1].split("<form")[0]
    assert unbroken("Widerspruchsgrund (§ 43 Abs. 2 GemO)") in summary
    assert "für die Gemeinde nachteilig" in summary
    assert "rechtswidrig" not in summary


def test_scheduling_the_re_decision_names_the_three_weeks(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """§ 43 Abs. 2 Satz 4 GemO: after a Widerspruch the council decides again in a session
    at most three weeks after the first; a later one is offered (the decision is owed all
    the same) but named as past that period."""
    pid, mid, _ = adopted(world)
    world.fire(
        "proposal", pid, "object", "ilsfeld.mayor", berlin(date(2024, 4, 25)),
        comment="Verstoß gegen § 39 Abs. 2 GemO", data={"ground": "unlawful"},
    )  # fmt: skip
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    within, after = (
        new_meeting(world, day=date(2024, 5, 7)),
        new_meeting(world, day=date(2024, 5, 21)),
    )
    clock.now = berlin(date(2024, 4, 26), 9)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/vorlagen/{pid}/aktionen/schedule").text
    assert "in einer Sitzung bis spätestens 14.05.2024" in page
    assert re.search(rf'<option value="{within}"[^>]*>[^<]*07\.05\.2024</option>', page)
    assert re.search(
        rf'<option value="{after}"[^>]*>[^<]*21\.05\.2024 – nach der Frist des § 43', page
    )
    fresh = client.get(f"/vorlagen/{released(world)}/aktionen/schedule").text
    assert "nach der Frist des § 43" not in fresh


def test_draft_records_submission_announcement_and_requested_pre_deliberation(
    world: World, client: TestClient
) -> None:
    from tests.api.test_ui_vorlagen import _council, _draft

    sign_in(client, "ilsfeld.clerk")
    location = _draft(
        client,
        requires_submission="ja",
        requires_announcement="ja",
        pre_deliberation_requested_by="Fraktion FWV",
        **{"steps-0-body_id": _council(world)},
    ).headers["location"]
    edit = client.get(f"{location}/bearbeiten").text
    assert unbroken("§ 121 Abs. 2 GemO") in edit
    assert 'value="Fraktion FWV"' in edit
    pid = int(location.rstrip("/").rsplit("/", 1)[-1])
    with Session(world.engine) as session:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        assert proposal.requires_submission
        assert proposal.requires_announcement
        assert proposal.pre_deliberation_requested_by == "Fraktion FWV"


def test_minutes_objection_page(world: World, client: TestClient) -> None:
    pid, mid, _ = adopted(world)
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    sign_in(client, "ilsfeld.secretary")
    detail = client.get(f"/sitzungen/{mid}")
    assert f"/sitzungen/{mid}/einwendungen" in detail.text
    page = client.get(f"/sitzungen/{mid}/einwendungen")
    assert page.status_code == 200
    assert unbroken("§ 38 Abs. 2 Satz 3 GemO") in page.text
    token = csrf_of(page.text)
    member = world.data.ilsfeld.councillors[2]
    empty = client.post(
        f"/sitzungen/{mid}/einwendungen",
        data={"csrf_token": token, "person_id": str(member.id), "text": " "},
    )
    assert "Die Einwendung ist zu begründen." in empty.text
    # the form again, the text marked, the member kept (422), linked from the summary
    assert empty.status_code == 422
    assert 'href="#text"' in empty.text
    assert f'<option value="{member.id}" selected>' in empty.text
    raised = client.post(
        f"/sitzungen/{mid}/einwendungen",
        data={"csrf_token": token, "person_id": str(member.id), "text": "TOP 1 falsch"},
    )
    assert "Die Einwendung ist erfasst" in raised.text
    assert "TOP 1 falsch" in raised.text
    with Session(world.engine) as session:
        objection = session.exec(select(MinutesObjection)).one()
    undecided = client.post(
        f"/sitzungen/{mid}/einwendungen/{objection.id}",
        data={"csrf_token": token, "upheld": "", "decided_in_meeting_id": str(mid),
              "note": "vertagt"},
    )  # fmt: skip
    assert undecided.status_code == 422
    assert f'href="#upheld-{objection.id}"' in undecided.text
    assert "Bitte wählen Sie die Entscheidung." in undecided.text
    assert 'value="vertagt"' in undecided.text
    decided = client.post(
        f"/sitzungen/{mid}/einwendungen/{objection.id}",
        data={"csrf_token": token, "upheld": "ja", "decided_in_meeting_id": str(mid)},
    )
    assert "Die Entscheidung über die Einwendung ist erfasst." in decided.text
    assert "stattgegeben" in decided.text


def test_einstellungen_says_what_an_absence_does_for_each_role(client: TestClient) -> None:
    """A councillor learns that an absence entered here hands on tasks only and does not
    excuse him from a session; the admin, who stands in for nobody and has no deputy, is not
    told of one."""
    sign_in(client, "ilsfeld.council")
    council = client.get("/einstellungen").text
    assert 'id="sitzung-entschuldigen"' in council
    assert "für eine Sitzung entschuldigt sie Sie nicht" in council
    assert "bitte wenden Sie sich an die Administration" not in council
    sign_in(client, "admin")
    admin = client.get("/einstellungen").text
    assert "bitte wenden Sie sich an die Administration" not in admin
    # the admin has no Stellvertretung (workflow.deputies.STAND_IN_ROLES): nothing to set
    assert "keine Stellvertretung eingetragen" not in admin
    assert 'id="sitzung-entschuldigen"' not in admin
    sign_in(client, "ilsfeld.clerk")
    clerk = client.get("/einstellungen").text
    assert "bitte wenden Sie sich an die Administration" in clerk
    assert 'id="sitzung-entschuldigen"' not in clerk


def test_the_deputy_choice_offers_only_who_may_act_for_the_role(
    world: World, client: TestClient
) -> None:
    """The admin is neither offered nor accepted as the mayor's deputy (§ 48 GemO); a
    councillor and the admin himself have no Stellvertretung section; a stored deputy the
    rule forbids is named as never called."""
    sign_in(client, "admin")
    mayor, admin = _uid(world, "ilsfeld.mayor"), _uid(world, "admin")
    page = client.get(f"/verwaltung/benutzer/{mayor}")
    offered = page.text.split('id="stellvertretung"')[1].split("</section>")[0]
    assert f'value="{_uid(world, "ilsfeld.council")}"' in offered
    assert f'value="{admin}"' not in offered
    assert f'value="{_uid(world, "ilsfeld.head")}"' not in offered
    refused = client.post(
        f"/verwaltung/benutzer/{mayor}/stellvertretung",
        data={"csrf_token": csrf_of(page.text), "deputy1": str(admin)},
    )
    assert refused.status_code == 422
    assert 'href="#deputy1"' in refused.text
    assert "Ada Admin (Administration) kann" in refused.text
    with Session(world.engine) as session:
        assert session.exec(select(UserDeputy).where(UserDeputy.user_id == mayor)).all() == []
    for account in ("ilsfeld.council", "admin"):
        other = client.get(f"/verwaltung/benutzer/{_uid(world, account)}").text
        assert 'id="stellvertretung"' not in other
        assert 'id="abwesenheit"' in other
    with Session(world.engine) as session:
        session.add(UserDeputy(user_id=mayor, deputy_id=admin, rank=1))
        session.commit()
    stored = client.get(f"/verwaltung/benutzer/{mayor}").text
    assert "nicht mehr zulässig und daher nie herangezogen" in stored
    assert "Ada Admin (Administration) kann" in stored
