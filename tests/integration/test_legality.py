"""Rechtmäßigkeitsnachweis (issue 15): each scenario breaks exactly one GemO requirement and
the report flags exactly that check; the lawful path and the seed's story pass every check.

Some requirements the engine's guards already enforce when a transition fires (an objection
after the week, a reserved matter on a committee's plan, a biased vote counted): those
scenarios write the facts an import, an older definition or a changed record would leave,
since the report must judge what is recorded, not trust that the guards ran.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, item_of, vote
from tests.integration.legality_flow import decided, report_of
from workflow import audit
from workflow.attendance import present_at_session
from workflow.bias_departures import BIAS_LEFT
from workflow.definitions.machines import Workflows
from workflow.legality.model import FAILED, MET, NOT_APPLICABLE, RUNNING, UNKNOWN, Report
from workflow.legality.report import check_resolution
from workflow.models import (
    AgendaItem,
    Body,
    ItemAttendance,
    Meeting,
    Membership,
    Municipality,
    Proposal,
    Resolution,
)
from workflow.queries import latest_resolution
from workflow.services import meetings as meeting_service
from workflow.services.item_votes import record_item_attendance


def flagged(report: Report) -> dict[str, str]:
    return {c.key: c.result for c in report.checks if c.at_risk}


def test_the_lawful_path_passes_every_applicable_check(world: World) -> None:
    report = report_of(world, decided(world))
    assert flagged(report) == {}
    results = {c.key: c.result for c in report.checks}
    for key in ("einberufung", "bekanntgabe", "oeffentlichkeit", "zustaendigkeit"):
        assert results[key] == MET
    for key in ("beschlussfaehigkeit", "befangenheit", "mehrheit", "widerspruch"):
        assert results[key] == MET
    assert results["veroeffentlichung"] == MET
    assert results["niederschrift"] == MET
    assert report.summary() == "Alle anwendbaren Anforderungen erfüllt"
    assert {c.instance_type for c in report.chains} == {"proposal", "meeting"}
    assert {c.label for c in report.chains} == {"Vorlage 1/2024", "Sitzung vom 23.04.2024"}
    # The evidence names people, not logins, and every line says whose signature it is.
    evidence = {c.key: [e.text for e in c.evidence] for c in report.checks}
    mayor = world.data.users["ilsfeld.mayor"].full_name
    assert any(t.startswith(f"Einladung versandt von {mayor}") for t in evidence["einberufung"])
    assert "Niederschrift als unterzeichnet erfasst (" in " ".join(evidence["niederschrift"])
    assert any(f"Unterschrift {mayor} (Vorsitz) (" in t for t in evidence["niederschrift"])
    assert not [t for t in evidence["niederschrift"] if "()" in t or "–" in t]
    assert any(" Ja, 0 Nein, 0 Enthaltungen (" in t for t in evidence["mehrheit"])


def test_late_invitation_without_emergency(world: World) -> None:
    """Invited 15 days ahead, but the municipality's Geschäftsordnung wants 21 days."""

    def longer_period(session: Session, pid: int) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.settings = {**town.settings, "deadline_periods": {"invitation": "P21D"}}
        session.add(town)

    report = report_of(world, decided(world, after_adoption=longer_period))
    assert flagged(report) == {"einberufung": FAILED}
    check = next(c for c in report.checks if c.key == "einberufung")
    assert "Einladung erst am 08.04.2024" in check.explanation
    assert check.evidence[0].seq is not None
    # The event named as a reader knows it, with its place in the chain.
    assert f", Ereignis {check.evidence[0].seq}, " in check.evidence[0].text
    assert "Sitzung vom " in check.evidence[0].text or "Vorlage 1/2024" in check.evidence[0].text
    # Ilsfeld's mayor is a Bürgermeisterin (mayor_title, workflow.wording)
    assert check.consequence is not None
    assert "Widerspruch der Bürgermeisterin (§ 43 Abs. 2 GemO)" in check.consequence
    # case law on curing by appearance is not the GemO's and not verified: a question
    assert "ist rechtlich zu prüfen" in check.consequence
    assert "gilt als geheilt" not in check.consequence
    assert "Bürgermeisters" not in check.consequence


def test_members_without_e_mail_and_without_written_invitation_are_not_shown_invited(
    world: World,
) -> None:
    """§ 34 Abs. 1 S. 1 GemO: every member is invited. Members no e-mail reached (no address)
    are invited in writing and that is recorded; without the record the report cannot show
    the session was convened properly."""
    report = report_of(world, decided(world, in_writing=False))
    assert flagged(report) == {"einberufung": UNKNOWN}
    check = next(c for c in report.checks if c.key == "einberufung")
    assert "ist weder eine E-Mail noch eine schriftliche Einladung erfasst" in check.explanation
    assert "Bernd Keller" in check.explanation  # a councillor without an address
    assert check.consequence is not None


def test_public_session_without_recorded_announcement_is_unknown(world: World) -> None:
    report = report_of(world, decided(world, announce=False))
    assert flagged(report) == {"bekanntgabe": UNKNOWN}


def _lead(world: World, days: int) -> Callable[[Session, int], None]:
    """The Bekanntmachungssatzung: the ortsübliche Bekanntgabe ``days`` before the session."""

    def set_lead(session: Session, pid: int) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.settings = {**town.settings, "deadline_periods": {"announcement": f"P{days}D"}}
        session.add(town)

    return set_lead


def test_an_announcement_after_the_municipality_s_lead_fails(world: World) -> None:
    """§ 34 Abs. 1 S. 7 GemO, "rechtzeitig" as the municipality sets it: announced on
    08.04., a lead of 20 days before the session of 23.04. ended on 03.04."""
    report = report_of(world, decided(world, after_adoption=_lead(world, 20)))
    assert flagged(report) == {"bekanntgabe": FAILED}
    check = next(c for c in report.checks if c.key == "bekanntgabe")
    assert "Bekanntgabe erst am 08.04.2024" in check.explanation
    assert "spätestens am 03.04.2024" in check.explanation


def test_an_announcement_within_the_municipality_s_lead_is_met(world: World) -> None:
    report = report_of(world, decided(world, after_adoption=_lead(world, 7)))
    assert flagged(report) == {}


def test_an_emergency_session_needs_no_announcement(world: World) -> None:
    """§ 34 Abs. 2 GemO: Abs. 1 Satz 7 does not apply to an emergency session."""

    def emergency(session: Session, pid: int) -> None:
        item = session.get(AgendaItem, item_of(world, pid))
        assert item is not None
        meeting = session.get(Meeting, item.meeting_id)
        assert meeting is not None
        meeting.emergency_reason = "Hochwasser am Schozach-Ufer"
        session.add(meeting)

    # convened "ohne Frist und formlos": members without e-mail need no written record either
    report = report_of(
        world, decided(world, announce=False, in_writing=False, after_adoption=emergency)
    )
    assert flagged(report) == {}
    check = next(c for c in report.checks if c.key == "bekanntgabe")
    assert check.result == NOT_APPLICABLE
    assert "Notsitzung" in check.explanation
    convened = next(c for c in report.checks if c.key == "einberufung")
    assert convened.result == MET


def test_non_public_matter_deliberated_in_public(world: World) -> None:
    def personal_data(session: Session, pid: int) -> None:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.public = False
        proposal.non_public_reason = "Personalangelegenheit"
        session.add(proposal)

    report = report_of(world, decided(world, after_adoption=personal_data))
    assert flagged(report) == {"oeffentlichkeit": FAILED}


def test_reserved_matter_decided_by_a_committee(world: World) -> None:
    def reserved(session: Session, pid: int) -> None:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.reserved_matter = "asset_disposal"
        session.add(proposal)

    report = report_of(world, decided(world, body="Technischer Ausschuss", after_release=reserved))
    assert flagged(report) == {"zustaendigkeit": FAILED}
    check = next(c for c in report.checks if c.key == "zustaendigkeit")
    assert "§ 39 Abs. 2 Nr. 10 GemO" in check.explanation


def test_council_decides_without_the_committees_pre_deliberation(world: World) -> None:
    def building(session: Session, pid: int) -> None:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.subject = "bauwesen"
        session.add(proposal)

    report = report_of(world, decided(world, after_release=building))
    assert flagged(report) == {"vorberatung": FAILED}


def test_local_council_not_heard(world: World) -> None:
    def to_be_heard(session: Session, pid: int) -> None:
        town = world.data.ilsfeld
        body = Body(
            municipality_id=town.municipality.id or 0,
            name="Ortschaftsrat Auenstein",
            kind="local_council",
        )
        session.add(body)
        session.flush()
        session.add(Membership(body_id=body.id or 0, person_id=town.mayor.id or 0, role="chair"))
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.hearing_bodies = [body.id or 0]
        session.add(proposal)

    report = report_of(world, decided(world, after_adoption=to_be_heard))
    assert flagged(report) == {"anhoerung": FAILED}
    check = next(c for c in report.checks if c.key == "anhoerung")
    assert check.paragraph == "§ 70 Abs. 1 GemO"


def test_quorum_lost_before_the_vote(world: World) -> None:
    """Most members left before the vote; attendance was completed again before the
    outcome was recorded, so only the audit log shows the vote was not quorate."""

    def members_leave(pid: int, mid: int, present: list[int]) -> None:
        def attendance(who: list[int], when: datetime) -> None:
            world.run(
                lambda s: meeting_service.record_attendance(
                    session=s,
                    actor=world["ilsfeld.secretary"],
                    now=when,
                    meeting_id=mid,
                    present=who,
                )
            )

        attendance(present[:5], berlin(MEETING_DAY, 19, 30))
        vote(world, pid, dict.fromkeys(present[:5], "yes"))
        attendance(present, berlin(MEETING_DAY, 20, 10))

    report = report_of(world, decided(world, in_the_session=members_leave))
    assert flagged(report) == {"beschlussfaehigkeit": FAILED}
    check = next(c for c in report.checks if c.key == "beschlussfaehigkeit")
    assert "5 von 19" in check.explanation


def test_biased_member_voted(world: World) -> None:
    """The bias came to light after the vote: unlawful, cured a year after the resolution
    (§ 18 Abs. 6 S. 2 GemO; its online publication the next day starts no year)."""
    biased: list[int] = []

    def disclosed(session: Session, pid: int) -> None:
        item = item_of(world, pid)
        present = sorted(present_at_session(session, _meeting_of(session, pid)))
        biased.append(present[3])
        meeting_service.declare_bias(
            session=session,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 20, 45),
            agenda_item_id=item,
            person_id=present[3],
            reason="Eigentümer des Nachbargrundstücks",
        )

    report = report_of(world, decided(world, after_adoption=disclosed))
    assert flagged(report) == {"befangenheit": FAILED}
    check = next(c for c in report.checks if c.key == "befangenheit")
    assert check.cure_date == date(2025, 4, 23)
    assert "geheilt am 23.04.2025 (ein Jahr nach der Beschlussfassung)" in (check.consequence or "")
    assert report.cure_date == date(2025, 4, 23)


def test_a_satzung_s_bias_is_cured_a_year_after_its_announcement(world: World) -> None:
    """§ 18 Abs. 6 S. 2 GemO: where an öffentliche Bekanntmachung is required (a Satzung,
    § 4 Abs. 3 GemO), the year runs from it; while it is outstanding, no cure date."""

    def satzung(session: Session, pid: int) -> None:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.requires_announcement = True
        session.add(proposal)

    def disclosed(session: Session, pid: int) -> None:
        item = item_of(world, pid)  # its own session: before this one takes the write lock
        present = sorted(present_at_session(session, _meeting_of(session, pid)))
        meeting_service.declare_bias(
            session=session,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 20, 45),
            agenda_item_id=item,
            person_id=present[3],
            reason="Eigentümer des Nachbargrundstücks",
        )

    report = report_of(world, decided(world, after_release=satzung, after_adoption=disclosed))
    check = next(c for c in report.checks if c.key == "befangenheit")
    assert check.result == FAILED
    assert check.cure_date is None
    assert "ein Jahr nach der öffentlichen Bekanntmachung, die noch aussteht" in (
        check.consequence or ""
    )


def _meeting_of(session: Session, pid: int) -> int:
    resolution = session.exec(select(Resolution).where(Resolution.proposal_id == pid)).first()
    if resolution is not None and resolution.meeting_id is not None:
        return resolution.meeting_id
    proposal = session.get(Proposal, pid)
    assert proposal is not None
    from workflow.queries import current_agenda_item

    item = current_agenda_item(session, proposal)
    assert item is not None
    return item.meeting_id


def test_result_recorded_differently_from_the_vote(world: World) -> None:
    def miscounted(session: Session, pid: int) -> None:
        resolution = latest_resolution(session, pid)
        assert resolution is not None
        resolution.yes -= 1
        resolution.no += 1
        session.add(resolution)

    report = report_of(world, decided(world, after_adoption=miscounted))
    assert flagged(report) == {"mehrheit": FAILED}


def test_objection_after_the_week(world: World) -> None:
    def late_objection(session: Session, pid: int) -> None:
        audit.append(
            session,
            instance_type="proposal",
            instance_id=pid,
            actor=world["ilsfeld.mayor"],
            trigger="object",
            source="decided",
            dest="objected",
            now=berlin(date(2024, 5, 3), 9),
            comment="Gesetzwidrig",
        )

    pid = decided(world)
    world.run(lambda s: late_objection(s, pid))
    report = report_of(world, pid)
    assert flagged(report) == {"widerspruch": FAILED}
    check = next(c for c in report.checks if c.key == "widerspruch")
    assert "Frist endete am 30.04.2024" in check.explanation
    assert check.evidence[0].text.startswith("Widerspruch der Bürgermeisterin: Gesetzwidrig (")


def test_publication_after_eight_days(world: World) -> None:
    report = report_of(world, decided(world, publish_at=berlin(date(2024, 5, 1), 10)))
    assert flagged(report) == {"veroeffentlichung": FAILED}
    check = next(c for c in report.checks if c.key == "veroeffentlichung")
    assert "01.05.2024" in check.explanation
    assert "30.04.2024" in check.explanation


def test_periods_still_running_are_reported_as_running(world: World) -> None:
    """The day after the session neither the objection week (§ 43 Abs. 2 GemO) nor the
    publication week (§ 41b Abs. 5 GemO) has ended: the report says "läuft noch", not
    "nicht anwendbar", and its summary counts them; once the week is over without a
    publication, the same check fails."""
    pid = decided(world, publish_at=None)
    running = report_of(world, pid, today=date(2024, 4, 24))
    results = {c.key: c.result for c in running.checks}
    assert results["widerspruch"] == RUNNING
    assert results["veroeffentlichung"] == RUNNING
    assert flagged(running) == {}
    assert running.summary() == "Bisher alle Anforderungen erfüllt, 2 Fristen laufen noch"
    assert [c.result for c in running.ordered[:2]] == [RUNNING, RUNNING]
    later = report_of(world, pid)
    assert flagged(later) == {"veroeffentlichung": FAILED}
    assert later.summary() == "1 nicht erfüllt"


def test_minutes_signed_after_a_month(world: World) -> None:
    report = report_of(world, decided(world, sign_at=berlin(date(2024, 5, 24), 10)))
    assert flagged(report) == {"niederschrift": FAILED}


def test_executed_before_the_objection_week_ended(world: World) -> None:
    def executed_early(session: Session, pid: int) -> None:
        audit.append(
            session,
            instance_type="proposal",
            instance_id=pid,
            actor=world["ilsfeld.clerk"],
            trigger="close_execution_task",
            source="decided",
            dest="decided",
            now=berlin(date(2024, 4, 25), 9),
            data={"status": "done"},
        )

    pid = decided(world)
    world.run(lambda s: executed_early(s, pid))
    report = report_of(world, pid)
    assert flagged(report) == {"vollzug": FAILED}


def test_the_seed_story_passes_every_applicable_check(db: Engine, workflows: Workflows) -> None:
    from workflow.context import BERLIN
    from workflow.demo.play import play

    pid = play(db, workflows, out=lambda _: None, now=datetime(2026, 12, 2, 10, tzinfo=BERLIN))
    with Session(db) as session:
        resolution = latest_resolution(session, pid)
        assert resolution is not None
        report = check_resolution(session, resolution, date(2026, 12, 2))
    assert report.proposal_label == "8/2024"
    assert flagged(report) == {}
    assert {c.key for c in report.checks if c.result == MET} >= {
        "einberufung",
        "bekanntgabe",
        "oeffentlichkeit",
        "zustaendigkeit",
        "beschlussfaehigkeit",
        "befangenheit",
        "mehrheit",
        "widerspruch",
        "veroeffentlichung",
        "niederschrift",
        "vollzug",
    }


def test_cli_prints_one_line_per_resolution_at_risk(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from api.cli import main
    from workflow.settings import get_settings

    lawful = decided(world)
    late = decided(world, publish_at=berlin(date(2024, 5, 2), 10))
    url = world.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        code = main(["legality", "check", "--municipality", "Ilsfeld", "--stichtag", "2024-07-01"])
        out = capsys.readouterr().out.splitlines()
        assert code == 1
        assert len(out) == 1
        assert out[0].startswith("Ilsfeld, Vorlage ")
        assert "nicht erfüllt: Veröffentlichung im Internet (§ 41b Abs. 5 GemO)" in out[0]
        assert lawful != late
        since = ["legality", "check", "--since", "2024-06-01", "--stichtag", "2024-07-01"]
        assert main(since) == 0
        assert "Alle geprüften Beschlüsse" in capsys.readouterr().out
        assert main(["legality", "check", "--municipality", "Atlantis"]) == 1
        assert "nicht angelegt" in capsys.readouterr().err
        resolution = world.run(lambda s: latest_resolution(s, late))
        assert resolution is not None
        target = tmp_path / "pruefbericht.pdf"
        assert main(["legality", "report", str(resolution.id), "-o", str(target)]) == 0
        assert target.read_bytes().startswith(b"%PDF")
        assert main(["legality", "report", "999999", "-o", str(target)]) == 1
    finally:
        get_settings.cache_clear()


def _rejecting(world: World) -> Callable[[int, int, list[int]], None]:
    def rejecting(pid: int, mid: int, present: list[int]) -> None:
        vote(world, pid, dict.fromkeys(present, "no"))

    return rejecting


def test_a_rejection_is_published_like_any_resolution(world: World) -> None:
    """§ 41b Abs. 5 GemO speaks of "Beschlüsse": a rejection is one, as the workflow's
    deadline (publication_of_rejection) says too."""
    pid = decided(world, in_the_session=_rejecting(world), trigger="reject")
    report = report_of(world, pid)
    assert not report.adopted
    assert flagged(report) == {}
    assert {c.key: c.result for c in report.checks}["veroeffentlichung"] == MET


def test_a_rejection_never_published_is_flagged(world: World) -> None:
    pid = decided(world, in_the_session=_rejecting(world), trigger="reject", publish_at=None)
    report = report_of(world, pid)
    assert flagged(report) == {"veroeffentlichung": FAILED}


def test_a_municipality_exempt_from_online_publication_is_not_flagged(world: World) -> None:
    """§ 41b Abs. 7 GemO: without an electronic system, Abs. 1 to 5 do not apply."""

    def exempt(session: Session, pid: int) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.publishes_online = False
        session.add(town)

    pid = decided(world, after_adoption=exempt, publish_at=None)
    report = report_of(world, pid)
    assert flagged(report) == {}
    check = next(c for c in report.checks if c.key == "veroeffentlichung")
    assert check.result == NOT_APPLICABLE
    assert "§ 41b Abs. 7 GemO" in check.explanation


def test_eilentscheidung_is_judged_without_a_meeting(world: World) -> None:
    from tests.integration.flow import DAY, released

    pid = released(world)
    world.fire(
        "proposal",
        pid,
        "urgent_decision",
        "ilsfeld.mayor",
        berlin(DAY, 15),
        comment="Auftrag muss vor der nächsten Sitzung vergeben werden",
    )
    world.fire("proposal", pid, "report_urgent_decision", "ilsfeld.mayor", berlin(DAY, 16))
    report = report_of(world, pid)
    assert report.kind == "urgent"
    assert flagged(report) == {}
    results = {c.key: c.result for c in report.checks}
    assert results["zustaendigkeit"] == MET
    assert results["einberufung"] == "nicht anwendbar"
    # worded for Ilsfeld's Bürgermeisterin, not the released "des Bürgermeisters"
    explained = {c.key: c.explanation for c in report.checks}
    assert explained["zustaendigkeit"].startswith(
        "Eilentscheidung der Bürgermeisterin anstelle des Gemeinderats (§ 43 Abs. 4 GemO), Grund: "
    )
    assert explained["einberufung"] == (
        "Ohne Sitzung gefasst: Eilentscheidung der Bürgermeisterin (§ 43 Abs. 4 GemO)"
    )

    def city(session: Session) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.settings = {**town.settings, "mayor_title": "Oberbürgermeister"}
        session.add(town)

    world.run(city)
    report = report_of(world, pid)
    explained = {c.key: c.explanation for c in report.checks}
    assert explained["einberufung"] == (
        "Ohne Sitzung gefasst: Eilentscheidung des Oberbürgermeisters (§ 43 Abs. 4 GemO)"
    )


def test_doubtful_bias_decided_without_the_member_before_the_vote(world: World) -> None:
    from workflow.law.voting import Tally
    from workflow.services.bias import decide_bias

    def doubt(pid: int, mid: int, present: list[int]) -> None:
        item = item_of(world, pid)
        member = present[4]

        def declare_and_decide(session: Session) -> None:
            declaration = meeting_service.declare_bias(
                session=session,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 19, 10),
                agenda_item_id=item,
                person_id=member,
                reason="Schwager des Bauherrn",
                doubtful=True,
            )
            decide_bias(
                session=session,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 19, 20),
                declaration_id=declaration.id or 0,
                tally=Tally(yes=12, no=4, abstain=2),
            )

        world.run(declare_and_decide)
        vote(world, pid, {p: "yes" for p in present if p != member})

    report = report_of(world, decided(world, in_the_session=doubt))
    assert flagged(report) == {}
    check = next(c for c in report.checks if c.key == "befangenheit")
    assert check.result == MET
    assert any("Gremium entschied ohne" in e.text for e in check.evidence)
    quorum = next(c for c in report.checks if c.key == "beschlussfaehigkeit")
    assert "(1 befangen)" in quorum.explanation
    # The heading names the Beschlussfähigkeit and its paragraph; the finding the numbers.
    assert quorum.explanation.startswith("18 von 19 Mitgliedern anwesend")


def test_second_session_is_quorate_with_three(world: World) -> None:
    """§ 37 Abs. 3 GemO: the matter carried over from a session that was not quorate."""
    from tests.integration.legality_flow import announced, invited_in_writing, sign_minutes
    from tests.integration.test_meetings import (
        AFTER,
        SECOND_DAY,
        not_quorate,
        schedule_on,
        second_session,
    )
    from workflow.queries import voting_members

    pid, earlier = not_quorate(world)
    mid = second_session(world, earlier)
    schedule_on(world, pid, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(AFTER, 11))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(AFTER, 12))
    announced(world, mid, AFTER, 13)
    invited_in_writing(world, mid, AFTER)
    members = world.run(lambda s: voting_members(s, world.body_id("Gemeinderat")))
    present = members[:4]
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(SECOND_DAY, 19),
            meeting_id=mid,
            present=present,
        )
    )
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(SECOND_DAY, 19))
    vote(world, pid, dict.fromkeys(present, "yes"), day=SECOND_DAY)
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(SECOND_DAY, 20, 30))
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(SECOND_DAY, 21))
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 5, 8), 9))
    sign_minutes(world, mid, present, berlin(date(2024, 5, 10), 9))
    report = report_of(world, pid)
    assert flagged(report) == {}
    quorum = next(c for c in report.checks if c.key == "beschlussfaehigkeit")
    assert quorum.paragraph == "§ 37 Abs. 3 GemO"
    assert "4 von 19" in quorum.explanation


def _biased_in_the_room(world: World, *, leaves: bool) -> Report:
    """A member declares bias before the vote and does not vote; the session records members
    leaving per item, and whether the biased one left for it (§ 18 Abs. 5 GemO). His
    declaration records his leaving (``workflow.bias_departures``); one who stayed is what
    a record written before that, or imported, leaves."""

    def session_with_bias(pid: int, mid: int, present: list[int]) -> None:
        item = item_of(world, pid)
        biased, other = present[3], present[4]
        world.run(
            lambda s: meeting_service.declare_bias(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20, 5),
                agenda_item_id=item,
                person_id=biased,
                reason="Eigentümer des Nachbargrundstücks",
            )
        )
        if not leaves:
            world.run(
                lambda s: s.execute(
                    delete(ItemAttendance).where(
                        col(ItemAttendance.agenda_item_id) == item,
                        col(ItemAttendance.person_id) == biased,
                    )
                )
            )
        world.run(
            lambda s: record_item_attendance(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20, 10),
                meeting_id=mid,
                item_id=item,
                expected_version=world.get_meeting(mid).version,
                person_id=other,
                present=False,
                only_item=True,
            )
        )
        vote(world, pid, {p: "yes" for p in present if p not in (biased, other)})

    return report_of(world, decided(world, in_the_session=session_with_bias))


def test_biased_member_stayed_in_the_room(world: World) -> None:
    report = _biased_in_the_room(world, leaves=False)
    assert flagged(report) == {"befangenheit": FAILED}
    check = next(c for c in report.checks if c.key == "befangenheit")
    assert "nicht verlassen" in check.explanation


def test_biased_member_left_the_room(world: World) -> None:
    """The declaration alone: no second entry by the Sitzungsdienst."""
    report = _biased_in_the_room(world, leaves=True)
    assert flagged(report) == {}
    check = next(c for c in report.checks if c.key == "befangenheit")
    assert any("verlassen" in e.text for e in check.evidence)
    left = world.run(
        lambda s: s.exec(select(ItemAttendance).where(ItemAttendance.reason == BIAS_LEFT)).all()
    )
    assert [(c.present, c.only_item) for c in left] == [(False, True)]
