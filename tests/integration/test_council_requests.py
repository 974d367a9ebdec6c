"""Anträge an den Gemeinderat on the database: quorums counted from the body's seats, the
Fristen of § 34 Abs. 1 S. 3, 4, § 20b and § 41a GemO, escalation through the sweep, the
six-month rule, and what a request becomes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests.conftest import World, berlin, known
from tests.integration.flow import new_meeting
from tests.integration.test_sweep import run_sweep
from workflow import audit
from workflow.errors import Conflict, InvalidInput, NotFound, RoleRefused
from workflow.models import (
    AgendaItem,
    AuditEvent,
    CouncilRequest,
    Deadline,
    Membership,
    Notification,
    Proposal,
)
from workflow.services import agenda
from workflow.services import council_requests as service

DAY = date(2024, 4, 8)


def councillor_ids(world: World, n: int) -> list[int]:
    return [p.id or 0 for p in world.data.ilsfeld.councillors[:n]]


def create(world: World, actor: str = "ilsfeld.secretary", **kw: Any) -> CouncilRequest:
    fields: dict[str, Any] = {
        "body_id": world.body_id("Gemeinderat"),
        "kind": "agenda_request",
        "subject": "Tempo 30 in der Hauptstraße",
        "text": "Die Verwaltung wird beauftragt, Tempo 30 zu prüfen.",
        "received_on": DAY,
    }
    fields.update(kw)
    return world.run(
        lambda s: service.create_request(
            session=s, actor=world[actor], now=berlin(DAY, 9), **fields
        )
    )


def deadlines(world: World, request_id: int) -> list[Deadline]:
    return world.run(
        lambda s: list(
            s.exec(
                select(Deadline).where(
                    Deadline.instance_type == "council_request", Deadline.instance_id == request_id
                )
            )
        )
    )


def test_a_sixth_forces_the_item_onto_the_next_but_one_session(world: World) -> None:
    new_meeting(world, day=date(2024, 4, 23))
    new_meeting(world, day=date(2024, 5, 14))
    new_meeting(world, day=date(2024, 6, 4))
    new_meeting(world, "Technischer Ausschuss", day=date(2024, 4, 16))  # another body
    request = create(world, signer_person_ids=councillor_ids(world, 3))  # 3 of 18 = a sixth
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.rule == "council_request_agenda"
    assert deadline.due_date == date(2024, 5, 14)
    assert "übernächsten Sitzung" in deadline.explanation


def test_below_a_sixth_no_statutory_deadline_but_a_fraktion_suffices(world: World) -> None:
    weak = create(world, kind="councillor_motion", signer_person_ids=councillor_ids(world, 2))
    assert deadlines(world, weak.id or 0) == []
    assert (
        known(world.run(lambda s: service.quorum(s, known(s.get(CouncilRequest, weak.id))))).needed
        == 3
    )
    faction = create(world, kind="faction_motion", faction="Freie Wähler", signer_person_ids=[])
    [deadline] = deadlines(world, faction.id or 0)
    # No two sessions planned: the fallback period from the receipt (two months).
    assert deadline.due_date == date(2024, 6, 10)  # 08.06.2024 is a Saturday (§ 193 BGB)
    assert deadline.explanation.startswith("Noch keine zwei Sitzungen")


def test_departed_members_do_not_count_and_cannot_sign(world: World) -> None:
    ids = councillor_ids(world, 5)

    def leave(session: Session) -> None:
        seat = session.exec(select(Membership).where(Membership.person_id == ids[0])).first()
        assert seat is not None
        seat.end_date = date(2024, 3, 31)
        session.add(seat)

    world.run(leave)
    with pytest.raises(InvalidInput) as refused:
        create(world, kind="session_request", signer_person_ids=ids)
    assert refused.value.field == "signer_person_ids"
    assert "kein Mitglied" in refused.value.message
    # 17 councillors remain: a quarter is 5, four signers are not enough.
    request = create(world, kind="session_request", signer_person_ids=ids[1:])
    weight = known(world.run(lambda s: service.quorum(s, known(s.get(CouncilRequest, request.id)))))
    assert (weight.reached, weight.signers, weight.needed) == (False, 4, 5)
    assert deadlines(world, request.id or 0) == []


def test_session_request_escalates_to_the_mayor_through_the_sweep(world: World) -> None:
    request = create(world, kind="session_request", signer_person_ids=councillor_ids(world, 5))
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.rule == "council_request_session"
    assert deadline.due_date == date(2024, 4, 15)
    run_sweep(world, berlin(date(2024, 4, 13), 8))  # reminder two days before
    report = run_sweep(world, berlin(date(2024, 4, 16), 8))  # expiry, escalation next day
    assert report.acts.get("expiry") == 1
    assert report.acts.get("escalation") == 1
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.status == "missed"

    def notices(session: Session) -> list[tuple[str, str]]:
        rows = session.exec(
            select(Notification).where(Notification.instance_type == "council_request")
        )
        return [(n.kind, n.title) for n in rows]

    got = world.run(notices)
    assert any(k == "escalation" and "Tempo 30" in t for k, t in got)
    mayor = world.data.users["ilsfeld.mayor"].id
    escalated = world.run(
        lambda s: s.exec(
            select(Notification).where(
                Notification.kind == "escalation", Notification.user_id == mayor
            )
        ).first()
    )
    assert escalated is not None
    assert "/antraege/" in (escalated.link or "")
    # Convened late: the deadline stays missed and stops escalating.
    meeting = new_meeting(world, day=date(2024, 4, 30))
    world.run(
        lambda s: service.schedule(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(date(2024, 4, 17), 9),
            request_id=request.id or 0,
            meeting_id=meeting,
        )
    )
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.status == "missed"
    assert deadline.closed_at is not None
    assert run_sweep(world, berlin(date(2024, 4, 18), 9)).acts.get("escalation") is None


def test_scheduling_in_time_meets_the_deadline_and_adds_the_item(world: World) -> None:
    first = new_meeting(world, day=date(2024, 4, 23))
    new_meeting(world, day=date(2024, 5, 14))
    request = create(world, signer_person_ids=councillor_ids(world, 3))
    done = world.run(
        lambda s: service.schedule(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 11),
            request_id=request.id or 0,
            meeting_id=first,
        )
    )
    assert done.state == "scheduled"
    item = world.get(AgendaItem, done.agenda_item_id)
    assert item.meeting_id == first
    assert item.title == "Tagesordnungsantrag: Tempo 30 in der Hauptstraße"
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.status == "met"
    with pytest.raises(Conflict) as late:
        world.run(
            lambda s: service.refuse(
                session=s,
                actor=world["ilsfeld.mayor"],
                now=berlin(DAY, 12),
                request_id=request.id or 0,
                ground="other",
                reason="zu spät",
            )
        )
    assert "im Stand „Auf der Tagesordnung“" in late.value.message
    settled = world.run(
        lambda s: service.settle(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 12),
            request_id=request.id or 0,
            note="Beschlossen am 23.04.2024",
        )
    )
    assert settled.state == "done"


def test_six_month_rule_refuses_with_the_earlier_item(world: World) -> None:
    earlier = new_meeting(world, day=date(2024, 1, 16))
    old = new_meeting(world, day=date(2023, 9, 12))

    def item_in(meeting: int) -> int:
        return known(
            world.run(
                lambda s: agenda.add_item(
                    session=s,
                    workflows=world.workflows,
                    actor=world["ilsfeld.secretary"],
                    now=berlin(date(2023, 9, 1), 9),
                    meeting_id=meeting,
                    expected_version=world.get_meeting(meeting).version,
                    title="Tempo 30 in der Hauptstraße",
                )
            ).id
        )

    recent, stale = item_in(earlier), item_in(old)
    request = create(world, signer_person_ids=councillor_ids(world, 3))

    def refuse(
        previous: int | None, ground: str = "six_months", actor: str = "ilsfeld.mayor"
    ) -> Any:
        return world.run(
            lambda s: service.refuse(
                session=s,
                actor=world[actor],
                now=berlin(DAY, 12),
                request_id=request.id or 0,
                ground=ground,
                previous_agenda_item_id=previous,
            )
        )

    with pytest.raises(InvalidInput) as too_old:
        refuse(stale)
    assert "12.09.2023" in too_old.value.message
    with pytest.raises(InvalidInput):
        refuse(None)
    with pytest.raises(InvalidInput) as has_quorum:
        refuse(None, "quorum")
    assert "erreicht" in has_quorum.value.message
    with pytest.raises(RoleRefused):
        refuse(recent, actor="ilsfeld.clerk")
    refused = refuse(recent)
    assert refused.state == "refused"
    assert "16.01.2024" in (refused.refusal_reason or "")
    assert "§ 34 Abs. 1 Satz 6 GemO" in (refused.refusal_reason or "")
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.status == "cancelled"
    events = world.run(
        lambda s: [
            (e.trigger, e.dest)
            for e in s.exec(
                select(AuditEvent)
                .where(AuditEvent.instance_type == "council_request")
                .order_by(col(AuditEvent.seq))
            )
        ]
    )
    assert events == [("create", "received"), ("refuse", "refused")]
    assert world.run(audit.verify) == []  # the request's chain is intact


def test_take_over_as_vorlage_then_the_sweep_follows_it_onto_the_agenda(world: World) -> None:
    request = create(world, kind="youth_motion", submitted_by="Jugendgemeinderat Ilsfeld")
    [deadline] = deadlines(world, request.id or 0)
    assert (deadline.rule, deadline.due_date) == ("council_request_youth", date(2024, 7, 8))
    with pytest.raises(RoleRefused):
        world.run(
            lambda s: service.take_over(
                session=s,
                workflows=world.workflows,
                actor=world["ilsfeld.secretary"],
                now=berlin(DAY, 10),
                request_id=request.id or 0,
            )
        )
    taken = world.run(
        lambda s: service.take_over(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 10),
            request_id=request.id or 0,
        )
    )
    proposal = world.get(Proposal, taken.proposal_id)
    assert proposal.state == "draft"
    assert proposal.title == "Tempo 30 in der Hauptstraße"
    assert "Antrag der Jugendvertretung" in proposal.facts
    # The Vorlage goes its way; once it is on the council's agenda the request follows.
    pid = proposal.id
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 11),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 12))
    world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(DAY, 13))
    meeting = new_meeting(world, day=date(2024, 5, 14))
    world.run(
        lambda s: agenda.add_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 14),
            meeting_id=meeting,
            expected_version=world.get_meeting(meeting).version,
            proposal_id=pid,
        )
    )
    assert run_sweep(world, berlin(DAY, 15)).requests_scheduled == 1
    followed = world.get(CouncilRequest, request.id)
    assert (followed.state, followed.meeting_id) == ("scheduled", meeting)
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.status == "met"


def test_einwohnerantrag_quorum_and_tenant_isolation(world: World) -> None:
    short = create(
        world,
        kind="residents_motion",
        submitted_by="Vertrauenspersonen: A. Muster, B. Beispiel",
        signature_count=120,
        required_signatures=200,
    )
    assert deadlines(world, short.id or 0) == []
    enough = create(world, kind="residents_motion", signature_count=240, required_signatures=200)
    [deadline] = deadlines(world, enough.id or 0)
    assert (deadline.rule, deadline.due_date) == ("council_request_residents", date(2024, 7, 8))
    refused = world.run(
        lambda s: service.refuse(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 12),
            request_id=short.id or 0,
            ground="quorum",
        )
    )
    assert "120 gültige Unterschriften" in (refused.refusal_reason or "")
    with pytest.raises(NotFound):
        world.run(lambda s: service.get_request(s, world["flein.clerk"], enough.id or 0))
    assert world.run(lambda s: service.list_requests(s, world["flein.clerk"])) == []
    with pytest.raises(InvalidInput):
        create(world, actor="ilsfeld.council", kind="residents_motion", signature_count=1)
    mine = create(world, actor="ilsfeld.council", kind="councillor_motion", signer_person_ids=[])
    assert world.data.users["ilsfeld.council"].person_id in mine.signer_person_ids


def test_a_councillor_signs_only_for_himself_on_the_day_he_files(world: World) -> None:
    """One councillor cannot claim a quarter (§ 34 Abs. 1 S. 3 GemO) by ticking colleagues,
    nor date his request back into an overdue Frist; the administration records both."""
    ids = councillor_ids(world, 6)
    me = world.data.users["ilsfeld.council"].person_id
    assert me == ids[0]
    with pytest.raises(InvalidInput) as colleagues:
        create(world, actor="ilsfeld.council", kind="session_request", signer_person_ids=ids)
    assert colleagues.value.field == "signer_person_ids"
    with pytest.raises(InvalidInput) as backdated:
        create(
            world,
            actor="ilsfeld.council",
            kind="session_request",
            signer_person_ids=[me],
            received_on=date(2024, 1, 10),
        )
    assert backdated.value.field == "received_on"
    assert world.run(lambda s: list(s.exec(select(CouncilRequest)))) == []
    mine = create(world, actor="ilsfeld.council", kind="session_request", received_on=None)
    assert (mine.signer_person_ids, mine.received_on) == ([me], DAY)
    weight = known(world.run(lambda s: service.quorum(s, known(s.get(CouncilRequest, mine.id)))))
    assert (weight.reached, weight.signers) == (False, 1)
    assert deadlines(world, mine.id or 0) == []
    # The paper with six signatures, received on 10.01., recorded by the administration.
    paper = create(
        world, kind="session_request", signer_person_ids=ids, received_on=date(2024, 1, 10)
    )
    assert paper.received_on == date(2024, 1, 10)
    [deadline] = deadlines(world, paper.id or 0)
    assert deadline.rule == "council_request_session"


def test_the_fallback_day_follows_the_sessions_planned_later(world: World) -> None:
    request = create(world, kind="faction_motion", faction="Freie Wähler")
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.due_date == date(2024, 6, 10)  # fallback: two months, § 193 BGB
    new_meeting(world, day=date(2024, 4, 23))
    new_meeting(world, day=date(2024, 5, 7))
    report = run_sweep(world, berlin(DAY, 18))
    assert report.request_deadlines_moved == 1
    [deadline] = deadlines(world, request.id or 0)
    assert deadline.due_date == date(2024, 5, 7)
    assert "übernächsten Sitzung" in deadline.explanation
    assert run_sweep(world, berlin(DAY, 19)).request_deadlines_moved == 0


def test_a_cancelled_session_puts_the_request_back_with_its_deadline(world: World) -> None:
    first = new_meeting(world, day=date(2024, 4, 23))
    new_meeting(world, day=date(2024, 5, 14))
    request = create(world, signer_person_ids=councillor_ids(world, 3))
    world.run(
        lambda s: service.schedule(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 11),
            request_id=request.id or 0,
            meeting_id=first,
        )
    )
    assert run_sweep(world, berlin(DAY, 12)).requests_unscheduled == 0
    world.fire("meeting", first, "cancel", "ilsfeld.mayor", berlin(DAY, 13), comment="Erkrankung")
    assert run_sweep(world, berlin(DAY, 14)).requests_unscheduled == 1
    back = world.get(CouncilRequest, request.id)
    assert (back.state, back.meeting_id, back.agenda_item_id) == ("received", None, None)
    met, reopened = sorted(deadlines(world, request.id or 0), key=lambda d: d.id or 0)
    assert met.status == "met"
    assert reopened.status == "open"
    # The cancelled session no longer counts: one session left, the fallback applies.
    assert reopened.due_date == date(2024, 6, 10)
    history = world.run(lambda s: [(e.trigger, e.comment) for e in service.history(s, back.id)])
    assert history[-1] == ("unschedule", "Sitzung abgesagt")


def test_neu_seit_tells_the_administration_of_an_antrag_and_the_councillor_of_its_fate(
    world: World,
) -> None:
    """A councillor files his own Antrag: the Sitzungsdienst finds it in "Neu seit"; what
    the administration makes of it (a Vorlage) reaches the councillor there; another
    municipality and the Landratsamt see neither."""
    from workflow.services import news_since

    mine = create(world, actor="ilsfeld.council", kind="councillor_motion", received_on=None)
    world.run(
        lambda s: service.take_over(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 10),
            request_id=mine.id or 0,
        )
    )

    def changes(username: str) -> list[tuple[str, str | None, str | None]]:
        found: list[news_since.Change] = world.run(
            lambda s: news_since.changes_since(
                session=s,
                workflows=world.workflows,
                actor=world[username],
                since=berlin(DAY, 8),
            )
        )
        return [(c.title, c.step_label, c.new_state) for c in found if c.kind == "council_request"]

    title = "Antrag von Gemeinderäten: Tempo 30 in der Hauptstraße"
    assert changes("ilsfeld.secretary") == [
        (title, "Als Vorlage übernommen", None),  # the step says it: no "jetzt …" again
        (title, "Erfasst", "Eingegangen"),  # a state, capitalised like the others
    ]
    assert changes("ilsfeld.council") == [(title, "Als Vorlage übernommen", None)]
    assert changes("flein.clerk") == changes("lra.coordinator") == []


def test_the_mayors_stellvertretung_handles_requests_only_while_he_is_away(world: World) -> None:
    """§ 48 GemO: while the mayor is away, his Stellvertreter takes the mayor's steps on a
    received Antrag – refusing, scheduling, taking over – in his own name "in Vertretung",
    and finds them in his tasks; once the mayor is back, he is a councillor again."""
    from tests.integration.test_deputies import absent, deputies
    from workflow.deputies import substitutions

    deputies(world, "ilsfeld.mayor", "ilsfeld.council")
    absent(world, "ilsfeld.mayor", DAY, date(2024, 4, 12))
    meeting = new_meeting(world, day=date(2024, 4, 23))
    refused, placed, taken, left = (
        create(world, subject=f"Antrag {n}", signer_person_ids=councillor_ids(world, 3))
        for n in range(4)
    )
    stand_in = world["ilsfeld.council"]
    mayor = world.data.users["ilsfeld.mayor"]

    def handled(username: str, day: date) -> list[tuple[int, str | None]]:
        rows = world.run(
            lambda s: service.to_handle(session=s, actor=world[username], now=berlin(day, 9))
        )
        return [(r.request.id or 0, r.acting.on_behalf_of) for r in rows]

    assert [i for i, _ in handled("ilsfeld.council", DAY)] == [
        r.id for r in (refused, placed, taken, left)
    ]
    assert {whom for _, whom in handled("ilsfeld.council", DAY)} == {"ilsfeld.mayor"}
    world.run(
        lambda s: service.refuse(
            session=s,
            actor=stand_in,
            now=berlin(DAY, 10),
            request_id=refused.id or 0,
            ground="remit",
            reason="Keine Angelegenheit des Gemeinderats",
        )
    )
    world.run(
        lambda s: service.schedule(
            session=s,
            workflows=world.workflows,
            actor=stand_in,
            now=berlin(DAY, 10),
            request_id=placed.id or 0,
            meeting_id=meeting,
        )
    )
    world.run(
        lambda s: service.take_over(
            session=s,
            workflows=world.workflows,
            actor=stand_in,
            now=berlin(DAY, 10),
            request_id=taken.id or 0,
        )
    )
    vertretung = {"username": "ilsfeld.mayor", "name": mayor.full_name}
    last = world.run(
        lambda s: [service.history(s, r.id or 0)[-1] for r in (refused, placed, taken)]
    )
    assert [(e.trigger, e.actor, e.actor_role) for e in last] == [
        (trigger, "ilsfeld.council", "mayor") for trigger in ("refuse", "schedule", "take_over")
    ]
    assert [e.data["in_vertretung"] for e in last] == [vertretung] * 3
    # the agenda's own record of the new item names both as well
    item_event = world.run(
        lambda s: s.exec(
            select(AuditEvent)
            .where(AuditEvent.instance_type == "meeting", AuditEvent.instance_id == meeting)
            .order_by(col(AuditEvent.seq).desc())
        ).first()
    )
    assert item_event is not None
    assert item_event.actor == "ilsfeld.council"
    assert item_event.data["in_vertretung"] == vertretung
    assert handled("ilsfeld.council", DAY) == [(left.id or 0, "ilsfeld.mayor")]
    # The mayor is back: the councillor neither finds nor takes the step any more.
    back = date(2024, 4, 15)
    assert world.run(lambda s: substitutions(s, stand_in, back)) == []
    assert handled("ilsfeld.council", back) == []
    with pytest.raises(RoleRefused):
        world.run(
            lambda s: service.refuse(
                session=s,
                actor=stand_in,
                now=berlin(back, 10),
                request_id=left.id or 0,
                ground="other",
                reason="zu spät",
            )
        )
    with pytest.raises(RoleRefused):
        world.run(
            lambda s: service.schedule(
                session=s,
                workflows=world.workflows,
                actor=stand_in,
                now=berlin(back, 10),
                request_id=left.id or 0,
                meeting_id=meeting,
            )
        )
    # the mayor himself still handles it, with no one named for him
    assert handled("ilsfeld.mayor", back) == [(left.id or 0, None)]
