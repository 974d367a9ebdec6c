"""District decision requests across all 46 municipalities of Landkreis Heilbronn."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from tests.conftest import World, berlin, known
from tests.integration.flow import in_session, new_meeting, new_proposal, scheduled, vote
from workflow.context import SYSTEM
from workflow.deadlines.sweep import sweep
from workflow.errors import GuardsUnmet, NotFound, RoleRefused
from workflow.models import (
    AuditEvent,
    DecisionRequest,
    DecisionResponse,
    Municipality,
    Notification,
    OutboxMessage,
    Proposal,
    Resolution,
)
from workflow.services import decision_overview, decisions, news_since
from workflow.services.transition import fire

OPTIONS = [
    {"key": "belassen", "label": "belassen", "description": "beim Landkreis"},
    {"key": "eigene_regie", "label": "eigene Regie", "description": "selbst"},
]
SENT = berlin(date(2024, 3, 15))
REPLY = date(2024, 5, 31)


def send(world: World, **kwargs: object) -> int:
    def run(session: Session) -> int:
        request = decisions.create_request(
            session=session,
            workflows=world.workflows,
            actor=world["lra.coordinator"],
            now=SENT,
            title="Integrationsmanagement ab 01.01.2025",
            explanation="Bitte entscheiden.",
            options=OPTIONS,
            default_option="belassen",
            reply_deadline=REPLY,
            effective_date=date(2025, 1, 1),
            amounts={"Ilsfeld": Decimal("30387.20")},
            **kwargs,  # type: ignore[arg-type]
        )
        fire(
            session=session,
            workflows=world.workflows,
            kind="decision_request",
            instance_id=request.id or 0,
            trigger="send",
            actor=world["lra.coordinator"],
            now=SENT,
            base_url="https://rat.example",
        )
        return request.id or 0

    return int(world.run(run))


def response(world: World, request_id: int, town: str) -> DecisionResponse:
    with Session(world.engine) as session:
        municipality = session.exec(select(Municipality).where(Municipality.name == town)).one()
        return decisions.response_for(session, request_id, municipality.id or 0)


def states(world: World, request_id: int) -> dict[str, int]:
    with Session(world.engine) as session:
        rows = session.exec(
            select(DecisionResponse.state).where(DecisionResponse.request_id == request_id)
        ).all()
    counts: dict[str, int] = {}
    for state in rows:
        counts[state] = counts.get(state, 0) + 1
    return counts


def adopt_in_council(world: World, request_id: int, option: str) -> tuple[int, int]:
    """Ilsfeld's way: a proposal from the request, adopted by the Gemeinderat on 23.04.2024;
    returns (response id, proposal id). The mayor's objection week runs until 30.04.2024."""
    rid = response(world, request_id, "Ilsfeld").id or 0
    proposal = world.run(
        lambda s: decisions.create_proposal_from_request(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2024, 4, 7)),
            response_id=rid,
            option=option,
            body_id=world.body_id("Gemeinderat"),
        )
    )
    pid = known(proposal.id)
    day = date(2024, 4, 8)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(day, 9), data={"required": 1})
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(day, 10))
    world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(day, 11))
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(date(2024, 4, 23), 20))
    return rid, pid


def decide_in_council(world: World, request_id: int, option: str) -> int:
    """Adopted, and final once the objection week (§ 43 Abs. 2 GemO) has passed: the sweep
    finalizes the resolution just after 30.04.2024."""
    rid, pid = adopt_in_council(world, request_id, option)
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 5, 1), 0, 5),
        mailer=None,
        base_url="",
    )
    assert world.get(Proposal, pid).state == "final"
    return rid


def test_sending_creates_one_response_per_municipality(world: World) -> None:
    request_id = send(world)
    assert states(world, request_id) == {"open": 46}
    ilsfeld = response(world, request_id, "Ilsfeld")
    assert ilsfeld.amount == Decimal("30387.20")
    with Session(world.engine) as session:
        told = session.exec(
            select(Notification).where(col(Notification.key).like("request:%"))
        ).all()
    # Ilsfeld has a mayor and a clerk, Flein a clerk: the only towns with users in the demo
    assert sorted(n.user_id for n in told) == sorted(
        known(world.data.users[u].id) for u in ("ilsfeld.mayor", "ilsfeld.clerk", "flein.clerk")
    )
    ilsfeld_mayor = world.data.users["ilsfeld.mayor"].id
    body = next(n.body for n in told if n.user_id == ilsfeld_mayor)
    assert "Betrag bei eigener Durchführung: 30.387,20 €" in body  # German, not 30387.20
    assert "Welche E-Mails Sie erhalten, stellen Sie unter" in body


def test_proposal_from_request_is_prefilled(world: World) -> None:
    request_id = send(world)
    rid = response(world, request_id, "Ilsfeld").id or 0
    proposal = world.run(
        lambda s: decisions.create_proposal_from_request(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2024, 4, 7)),
            response_id=rid,
            option="belassen",
            body_id=world.body_id("Gemeinderat"),
        )
    )
    p = world.get(Proposal, proposal.id)
    assert p.title == "Integrationsmanagement ab 01.01.2025"
    assert "Bitte entscheiden." in p.facts
    assert "30.387,20 Euro" in p.facts
    assert "belassen" in p.facts
    assert "eigene Regie" in p.facts
    assert p.decision_option == "belassen"
    assert response(world, request_id, "Ilsfeld").state == "in_preparation"


def test_whole_request_answers_defaults_and_overview(world: World) -> None:
    request_id = send(world)
    rid = decide_in_council(world, request_id, "belassen")
    world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 2)))
    answered = response(world, request_id, "Ilsfeld")
    assert (answered.state, answered.option, answered.decided_by) == (
        "answered",
        "belassen",
        "Gemeinderat",
    )
    assert answered.decided_on == date(2024, 4, 23)
    resolution = world.get(Resolution, answered.resolution_id)
    assert resolution.option == "belassen"
    report = sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 6, 1), 0, 5),
        mailer=None,
        base_url="",
    )
    assert len([f for f in report.fired if f.startswith("decision_response")]) == 45
    assert states(world, request_id) == {"answered": 1, "defaulted": 45}
    with Session(world.engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.trigger == "apply_default")).all()
    assert len(events) == 45
    assert all(e.actor == "system" and e.data["deadline_rule"] == "reply" for e in events)
    result = world.run(
        lambda s: decision_overview.overview(
            session=s,
            workflows=world.workflows,
            actor=world["lra.coordinator"],
            now=berlin(date(2024, 6, 2)),
            request_id=request_id,
        )
    )
    assert result.totals == {"belassen": 46, "eigene_regie": 0}
    assert result.overdue == []
    rows = list(csv.reader(io.StringIO(decision_overview.overview_csv(result)), delimiter=";"))
    assert rows[0][0] == "Gemeinde"
    ilsfeld_row = next(r for r in rows if r and r[0] == "Ilsfeld")
    assert ilsfeld_row[1:6] == ["Beantwortet", "belassen", "Gemeinderat", "23.04.2024", "1/2024"]
    assert ["Summe belassen", "46"] in rows


def test_answer_reports_the_resolution_not_a_later_option(world: World) -> None:
    request_id = send(world)
    rid = decide_in_council(world, request_id, "belassen")
    pid = response(world, request_id, "Ilsfeld").proposal_id
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "decision_response",
            rid,
            "link_proposal",
            "ilsfeld.clerk",
            berlin(date(2024, 5, 2)),
            data={"proposal_id": pid, "option": "eigene_regie"},
        )
    assert [g.name for g in refused.value.unmet] == ["not_yet_resolved"]
    assert "Beschluss vom 23.04.2024" in refused.value.message
    assert world.get(Proposal, pid).decision_option == "belassen"

    def change_option(session: Session) -> None:  # however the proposal's option changes
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.decision_option = "eigene_regie"
        session.add(proposal)

    world.run(change_option)
    world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 2)))
    answered = response(world, request_id, "Ilsfeld")
    assert (answered.state, answered.option) == ("answered", "belassen")
    assert world.get(Resolution, answered.resolution_id).option == "belassen"


def test_answer_waits_until_the_resolution_is_final(world: World) -> None:
    """§ 43 Abs. 2 GemO: within the week the mayor's objection can still suspend it."""
    request_id = send(world)
    rid, pid = adopt_in_council(world, request_id, "eigene_regie")
    with pytest.raises(GuardsUnmet) as early:
        world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 4, 25)))
    assert [g.name for g in early.value.unmet] == ["answer_basis"]
    assert "noch nicht bestandskräftig" in early.value.message
    assert "(§ 43 Abs. 2 GemO) läuft bis 30.04.2024" in early.value.message
    with pytest.raises(GuardsUnmet) as unswept:
        world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 1)))
    assert "endete am 30.04.2024" in unswept.value.message
    assert response(world, request_id, "Ilsfeld").state == "in_preparation"
    world.fire("proposal", pid, "finalize", SYSTEM, berlin(date(2024, 5, 1), 0, 5))
    world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 2)))
    answered = response(world, request_id, "Ilsfeld")
    assert (answered.state, answered.option, answered.decided_on) == (
        "answered",
        "eigene_regie",
        date(2024, 4, 23),
    )


def test_objected_resolution_is_no_answer(world: World) -> None:
    request_id = send(world)
    rid, pid = adopt_in_council(world, request_id, "eigene_regie")
    world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 26)),
        comment="Nachteilig für die Gemeinde",
        data={"ground": "detrimental"},
    )
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 5, 1), 0, 5),
        mailer=None,
        base_url="",
    )
    assert world.get(Proposal, pid).state == "objected"
    with pytest.raises(GuardsUnmet) as suspended:
        world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 2)))
    assert "Widerspruch der Bürgermeisterin ausgesetzt" in suspended.value.message
    assert response(world, request_id, "Ilsfeld").state == "in_preparation"


def test_urgent_decision_is_answered_once_reported(world: World) -> None:
    """§ 43 Abs. 4 GemO: the mayor decides instead of the council and informs it."""
    request_id = send(world)
    rid = response(world, request_id, "Ilsfeld").id or 0
    proposal = world.run(
        lambda s: decisions.create_proposal_from_request(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2024, 4, 7)),
            response_id=rid,
            option="eigene_regie",
            body_id=world.body_id("Gemeinderat"),
        )
    )
    pid = known(proposal.id)
    day = date(2024, 4, 8)
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(day, 9), data={"required": 1})
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(day, 10))
    world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(day, 11))
    world.fire(
        "proposal", pid, "urgent_decision", "ilsfeld.mayor", berlin(day, 12), comment="eilig"
    )
    with pytest.raises(GuardsUnmet) as unreported:
        world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(day, 13))
    assert "Unterrichtung des Gemeinderats (§ 43 Abs. 4 GemO)" in unreported.value.message
    with pytest.raises(GuardsUnmet) as relink:
        world.fire(
            "decision_response",
            rid,
            "link_proposal",
            "ilsfeld.clerk",
            berlin(day, 13),
            data={"proposal_id": pid, "option": "belassen"},
        )
    assert [g.name for g in relink.value.unmet] == ["not_yet_resolved"]
    world.fire("proposal", pid, "report_urgent_decision", "ilsfeld.mayor", berlin(day, 14))
    world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(day, 15))
    answered = response(world, request_id, "Ilsfeld")
    assert (answered.option, answered.decided_by) == (
        "eigene_regie",
        "Bürgermeisterin (Eilentscheidung)",  # Ilsfeld's mayor_title
    )


def test_expiry_applies_default_exactly_once(world: World) -> None:
    request_id = send(world)
    first = sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 6, 1), 0, 5),
        mailer=None,
        base_url="",
    )
    second = sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 6, 2), 0, 5),
        mailer=None,
        base_url="",
    )
    assert (len(first.fired), len(second.fired)) == (46, 0)
    assert states(world, request_id) == {"defaulted": 46}


def test_a_municipality_cannot_answer_for_another(world: World) -> None:
    request_id = send(world)
    rid = response(world, request_id, "Ilsfeld").id or 0
    with pytest.raises(NotFound):
        world.fire(
            "decision_response",
            rid,
            "answer",
            "flein.clerk",
            berlin(date(2024, 4, 1)),
            data={"option": "eigene_regie"},
        )
    flein_rid = response(world, request_id, "Flein").id or 0
    ilsfeld_proposal = world.run(
        lambda s: decisions.create_proposal_from_request(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2024, 4, 1)),
            response_id=rid,
            option="belassen",
            body_id=world.body_id("Gemeinderat"),
        )
    )
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "decision_response",
            flein_rid,
            "link_proposal",
            "flein.clerk",
            berlin(date(2024, 4, 1)),
            data={"proposal_id": ilsfeld_proposal.id, "option": "belassen"},
        )
    assert [g.name for g in refused.value.unmet] == ["proposal_of_municipality"]


def test_mayor_answers_only_with_delegation(world: World) -> None:
    request_id = send(world)
    rid = response(world, request_id, "Ilsfeld").id or 0
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "decision_response",
            rid,
            "answer",
            "ilsfeld.mayor",
            berlin(date(2024, 4, 1)),
            data={"option": "eigene_regie"},
        )
    assert "Hauptsatzung" in refused.value.message
    municipality_id = world.data.ilsfeld.municipality.id

    def delegate(session: Session) -> None:
        town = session.get(Municipality, municipality_id)
        assert town is not None
        town.settings = {**town.settings, "decision_requests_delegated_to_mayor": True}
        session.add(town)

    world.run(delegate)
    world.fire(
        "decision_response",
        rid,
        "answer",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 1)),
        data={"option": "eigene_regie"},
    )
    answered = response(world, request_id, "Ilsfeld")
    assert (answered.option, answered.resolution_id) == ("eigene_regie", None)
    assert answered.decided_by is not None
    assert "Bürgermeister" in answered.decided_by


def test_late_answer_needs_the_coordinators_acceptance(world: World) -> None:
    request_id = send(world)
    rid = decide_in_council(world, request_id, "eigene_regie")
    with pytest.raises(GuardsUnmet):
        world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 6, 3)))
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 6, 1), 0, 5),
        mailer=None,
        base_url="",
    )
    assert response(world, request_id, "Ilsfeld").state == "defaulted"
    world.fire("decision_response", rid, "answer_late", "ilsfeld.clerk", berlin(date(2024, 6, 3)))
    late = response(world, request_id, "Ilsfeld")
    assert (late.state, late.late, late.option) == ("late_pending", True, "eigene_regie")
    with pytest.raises(RoleRefused):
        world.fire(
            "decision_response", rid, "accept_late", "ilsfeld.mayor", berlin(date(2024, 6, 4))
        )
    world.fire("decision_response", rid, "accept_late", "lra.coordinator", berlin(date(2024, 6, 4)))
    assert response(world, request_id, "Ilsfeld").state == "answered"


def test_a_closed_request_takes_no_late_answer(world: World) -> None:
    """Closed once every answer is settled; a municipality that got the default can no
    longer answer late, nor link a Vorlage (definition decision_response v2)."""
    request_id = send(world)
    rid = decide_in_council(world, request_id, "eigene_regie")
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 6, 1), 0, 5),
        mailer=None,
        base_url="",
    )
    assert states(world, request_id) == {"defaulted": 46}
    world.fire("decision_request", request_id, "close", "lra.coordinator", berlin(date(2024, 6, 2)))
    assert world.get(DecisionRequest, request_id).state == "closed"
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "decision_response", rid, "answer_late", "ilsfeld.clerk", berlin(date(2024, 6, 3))
        )
    assert [g.name for g in refused.value.unmet] == ["request_running"]
    assert "abgeschlossen" in refused.value.unmet[0].message
    assert response(world, request_id, "Ilsfeld").state == "defaulted"


def test_cancellation_withdraws_every_open_response(world: World) -> None:
    request_id = send(world)
    world.fire(
        "decision_request",
        request_id,
        "cancel",
        "lra.coordinator",
        berlin(date(2024, 4, 1)),
        comment="VwV geändert",
    )
    assert world.get(DecisionRequest, request_id).state == "cancelled"
    assert states(world, request_id) == {"withdrawn": 46}
    report = sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 6, 1), 0, 5),
        mailer=None,
        base_url="",
    )
    assert report.fired == []


def test_proposal_without_a_timely_meeting_is_flagged_in_reminders(world: World) -> None:
    request_id = send(world)
    rid = response(world, request_id, "Ilsfeld").id or 0
    world.run(
        lambda s: decisions.create_proposal_from_request(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2024, 4, 7)),
            response_id=rid,
            option="belassen",
            body_id=world.body_id("Gemeinderat"),
        )
    )
    new_meeting(world, day=date(2024, 6, 11))  # the council meets only after the deadline
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 5, 3), 7, 30),
        mailer=None,
        base_url="",
    )
    ilsfeld_users = [world.data.users[u].id for u in ("ilsfeld.mayor", "ilsfeld.clerk")]
    with Session(world.engine) as session:
        reminders = session.exec(
            select(Notification).where(
                col(Notification.key).like("deadline:%"),
                col(Notification.user_id).in_(ilsfeld_users),
            )
        ).all()
    assert len(reminders) == 2
    assert all("frühestens am 11.06.2024" in n.body for n in reminders)
    assert all("nach der Antwortfrist" in n.body for n in reminders)


def test_the_towns_are_told_of_a_withdrawal_and_of_their_linked_vorlage(world: World) -> None:
    """Withdrawn, the Abfrage is no task any more: every asked town is told why, and a town
    that linked a Vorlage is reminded that it still stands (to withdraw or take off)."""
    request_id = send(world)
    ilsfeld = response(world, request_id, "Ilsfeld").id or 0
    pid = new_proposal(world, title="Integrationsmanagement")
    world.fire(
        "decision_response",
        ilsfeld,
        "link_proposal",
        "ilsfeld.clerk",
        berlin(date(2024, 4, 9)),
        data={"proposal_id": pid, "option": "belassen"},
    )
    world.fire(
        "decision_request",
        request_id,
        "cancel",
        "lra.coordinator",
        berlin(date(2024, 4, 10)),
        comment="VwV geändert",
    )
    with Session(world.engine) as session:
        told = session.exec(
            select(Notification).where(
                col(Notification.key).like(f"request:{request_id}:cancelled:%")
            )
        ).all()
    users = world.data.users
    assert sorted(n.user_id for n in told) == sorted(
        known(users[u].id) for u in ("ilsfeld.mayor", "ilsfeld.clerk", "flein.clerk")
    )
    label = world.get(Proposal, pid).label
    mayor = next(n for n in told if n.user_id == users["ilsfeld.mayor"].id)
    assert mayor.title.startswith("Abfrage des Landratsamts zurückgezogen: ")
    assert "Begründung: VwV geändert" in mayor.body
    assert f"Die verknüpfte Vorlage {label} („Integrationsmanagement“) bleibt bestehen" in (
        mayor.body
    )
    flein = next(n for n in told if n.user_id == users["flein.clerk"].id)
    assert "Begründung: VwV geändert" in flein.body
    assert "verknüpfte Vorlage" not in flein.body


def test_neu_seit_follows_answers_for_the_landratsamt_not_the_towns_sessions(
    world: World,
) -> None:
    """The coordinator's "Neu seit" lists the municipalities' answers to his Abfragen, not
    the sessions and Vorlagen of the district's towns, public as they are; a town's staff
    see what happened to their own answer, never another town's."""
    request_id = send(world)
    rid = decide_in_council(world, request_id, "belassen")
    world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 2)))

    def changes(username: str) -> list[news_since.Change]:
        found: list[news_since.Change] = world.run(
            lambda s: news_since.changes_since(
                session=s,
                workflows=world.workflows,
                actor=world[username],
                since=SENT - timedelta(days=1),
            )
        )
        return found

    coordinator = changes("lra.coordinator")
    assert {c.kind for c in coordinator} == {"decision_response"}
    answer = next(c for c in coordinator if c.event.trigger == "answer")
    assert answer.title == "Antwort Ilsfeld: Integrationsmanagement ab 01.01.2025"
    assert answer.instance.id == rid
    assert {c.kind for c in changes("ilsfeld.secretary")} >= {"meeting", "decision_response"}
    flein = [c.title for c in changes("flein.clerk") if c.kind == "decision_response"]
    assert flein == ["Antwort Flein: Integrationsmanagement ab 01.01.2025"]  # the Abfrage came


def test_the_reminder_names_options_default_and_amount_in_german(world: World) -> None:
    """The reply deadline's reminder (four weeks ahead) tells the town what it decides:
    the options, what applies without an answer, and its amount as a German sum."""
    send(world)
    sweep(
        engine=world.engine,
        workflows=world.workflows,
        now=berlin(date(2024, 5, 3), 12),
        mailer=None,
        base_url="",
    )
    clerk = world.data.users["ilsfeld.clerk"].id
    with Session(world.engine) as session:
        bodies = session.exec(
            select(OutboxMessage.body).where(
                OutboxMessage.user_id == clerk, col(OutboxMessage.subject).startswith("Erinnerung")
            )
        ).all()
    [body] = bodies
    assert "Ohne Antwort gilt: " in body
    assert "Betrag bei eigener Durchführung: 30.387,20 €" in body
