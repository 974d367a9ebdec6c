"""Motions within an agenda item: order, wording, Vertagung and Verweisung (§ 39 Abs. 3 GemO)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from tests.conftest import World, berlin, known
from tests.integration.council import SECRETARY, counts, propose, vote_on
from tests.integration.flow import MEETING_DAY, in_session, item_of, vote
from tests.integration.test_meetings import planned
from workflow.errors import Conflict, InvalidInput
from workflow.models import (
    AgendaItem,
    AuditEvent,
    Body,
    ConsultationStep,
    Motion,
    Municipality,
    Proposal,
    Resolution,
)

AMENDED = "Der Gemeinderat stimmt zu, mit einem Bauhof aus Holz."
COUNTER = "Der Gemeinderat lehnt den Neubau ab und lässt den Bestand sanieren."


def _session(world: World, body: str = "Gemeinderat") -> tuple[int, int, int, list[int]]:
    pid, mid = planned(world, body)
    present = in_session(world, mid)
    return pid, mid, item_of(world, pid), present


def _adopt(world: World, pid: int) -> Resolution:
    world.fire("proposal", pid, "adopt", SECRETARY, berlin(MEETING_DAY, 20, 30))

    def latest(s: object) -> Resolution:
        return s.exec(  # type: ignore[attr-defined, no-any-return]
            select(Resolution).where(Resolution.proposal_id == pid)
        ).one()

    return world.run(latest)


def test_motions_are_voted_furthest_reaching_first_and_make_the_wording(world: World) -> None:
    pid, mid, item, present = _session(world)
    amendment = propose(world, mid, item, "amendment", text=AMENDED)
    counter = propose(world, mid, item, "counter", text=COUNTER, mover="Fraktion SPD")
    adjourn = propose(world, mid, item, "procedural", procedure="adjourn")

    with pytest.raises(Conflict, match="Antrag auf Vertagung"):
        vote_on(world, mid, item, amendment, 10, 2)
    with pytest.raises(Conflict, match="nach den Anträgen"):
        counts(world, mid, item, 10, 2)
    assert vote_on(world, mid, item, adjourn, 2, 10).adopted is False
    with pytest.raises(Conflict, match="Gegenantrag"):
        vote_on(world, mid, item, amendment, 10, 2)
    assert vote_on(world, mid, item, counter, 3, 9).adopted is False
    assert vote_on(world, mid, item, amendment, 9, 3).adopted is True
    with pytest.raises(Conflict, match="bereits abgestimmt"):
        vote_on(world, mid, item, amendment, 9, 3)

    counts(world, mid, item, 10, 2, 1)
    resolution = _adopt(world, pid)
    assert (resolution.text, resolution.yes, resolution.no, resolution.abstain) == (
        AMENDED,
        10,
        2,
        1,
    )
    triggers = world.run(
        lambda s: [
            e.trigger
            for e in s.exec(
                select(AuditEvent)
                .where(AuditEvent.instance_type == "meeting", AuditEvent.instance_id == mid)
                .order_by(col(AuditEvent.seq))
            )
        ]
    )
    assert triggers.count("propose_motion") == 3
    assert triggers.count("vote_motion") == 3
    assert "record_vote_counts" in triggers


def test_an_adopted_counter_motion_is_the_vote_and_settles_the_amendments(world: World) -> None:
    pid, mid, item, _ = _session(world)
    amendment = propose(world, mid, item, "amendment", text=AMENDED)
    counter = propose(world, mid, item, "counter", text=COUNTER)
    assert vote_on(world, mid, item, counter, 8, 4).adopted
    assert world.get(Motion, amendment).withdrawn
    resolution = _adopt(world, pid)
    assert (resolution.text, resolution.yes, resolution.no) == (COUNTER, 8, 4)


def test_the_order_is_configurable_per_municipality(world: World) -> None:
    def amendments_first(s: object) -> None:
        town = s.get(Municipality, world.data.ilsfeld.municipality.id)  # type: ignore[attr-defined]
        town.settings = {**town.settings, "motion_order": ["amendment", "counter"]}
        s.add(town)  # type: ignore[attr-defined]

    world.run(amendments_first)
    _, mid, item, _ = _session(world)
    propose(world, mid, item, "counter", text=COUNTER)
    amendment = propose(world, mid, item, "amendment", text=AMENDED)
    assert vote_on(world, mid, item, amendment, 7, 5).adopted


def test_an_adopted_adjournment_defers_the_item(world: World) -> None:
    pid, mid, item, _ = _session(world)
    adjourn = propose(world, mid, item, "procedural", procedure="adjourn", mover="Herr Maier")
    assert vote_on(world, mid, item, adjourn, 8, 4).adopted
    assert world.get(Proposal, pid).state == "ready"
    assert world.get(AgendaItem, item).outcome == "deferred"


def test_referral_to_a_committee_adds_its_step_and_returns_to_the_council(world: World) -> None:
    pid, mid, item, _ = _session(world)
    committee = world.body_id("Technischer Ausschuss")
    with pytest.raises(InvalidInput):
        propose(world, mid, item, "procedural", procedure="refer")
    refer = propose(world, mid, item, "procedural", procedure="refer", target_body_id=committee)
    assert vote_on(world, mid, item, refer, 8, 4).adopted
    proposal = world.get(Proposal, pid)
    assert proposal.state == "ready"
    assert world.get(AgendaItem, item).outcome == "referred"
    plan = world.run(
        lambda s: [
            (st.position, st.body_id, st.decides, st.outcome)
            for st in s.exec(
                select(ConsultationStep)
                .where(ConsultationStep.proposal_id == pid)
                .order_by(col(ConsultationStep.position))
            )
        ]
    )
    council = world.body_id("Gemeinderat")
    assert plan[-2:] == [(2, committee, False, None), (3, council, True, None)]
    assert plan[0][3] == "referred"
    assert proposal.current_step == 2


@pytest.mark.parametrize("allowed", [True, False])
def test_a_quarter_of_a_deciding_committee_refers_up_where_the_hauptsatzung_allows(
    world: World, allowed: bool
) -> None:
    committee = world.body_id("Technischer Ausschuss")

    def hauptsatzung(s: object) -> None:
        body = s.get(Body, committee)  # type: ignore[attr-defined]
        body.settings = {"quarter_referral": allowed}
        s.add(body)  # type: ignore[attr-defined]

    world.run(hauptsatzung)
    pid, mid, item, present = _session(world, "Technischer Ausschuss")
    council = world.body_id("Gemeinderat")
    refer = propose(world, mid, item, "procedural", procedure="refer", target_body_id=council)
    # 3 of 9 members: a quarter (§ 39 Abs. 3 S. 3 GemO), no majority
    assert vote_on(world, mid, item, refer, 3, 6).adopted is allowed
    proposal = world.get(Proposal, pid)
    assert proposal.state == ("ready" if allowed else "scheduled")
    if allowed:
        step = world.run(
            lambda s: s.exec(
                select(ConsultationStep).where(
                    ConsultationStep.proposal_id == pid,
                    ConsultationStep.position == proposal.current_step,
                )
            ).one()
        )
        assert (step.body_id, step.decides) == (council, True)


def test_only_a_deciding_committee_refers_up_and_free_items_take_no_amendments(
    world: World,
) -> None:
    _, mid, item, _ = _session(world)
    council = world.body_id("Gemeinderat")
    other = world.body_id("Technischer Ausschuss")
    with pytest.raises(InvalidInput, match="anderes Gremium"):
        propose(world, mid, item, "procedural", procedure="refer", target_body_id=council)
    with pytest.raises(InvalidInput):
        propose(world, mid, item, "amendment", text="")
    with pytest.raises(InvalidInput):
        propose(world, mid, item, "amendment", text="x", procedure="adjourn")
    with pytest.raises(InvalidInput):
        propose(world, mid, item, "procedural", procedure="adjourn", target_body_id=other)


def test_by_name_after_motions_still_works(world: World) -> None:
    pid, mid, item, present = _session(world)
    close = propose(world, mid, item, "procedural", procedure="close_debate")
    assert vote_on(world, mid, item, close, 9, 3).adopted
    vote(world, pid, dict.fromkeys(present, "yes"))
    assert _adopt(world, pid).yes == len(present)


def test_the_minutes_list_motions_attendance_changes_and_absence_reasons(world: World) -> None:
    from tests.integration.council import leaves
    from workflow.documents.sitzung import build_niederschrift
    from workflow.models import Meeting

    pid, mid, item, present = _session(world)

    leaves(world, mid, item, present[-1], reason="Krankheit")
    amendment = propose(world, mid, item, "amendment", text=AMENDED, mover="Fraktion CDU")
    vote_on(world, mid, item, amendment, 8, 3)
    counts(world, mid, item, 9, 2, secret=True)
    _adopt(world, pid)

    def text(s: object) -> str:
        meeting = s.get(Meeting, mid)  # type: ignore[attr-defined]
        items = list(
            s.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid))  # type: ignore[attr-defined]
        )
        return repr(build_niederschrift(s, meeting, items, public=True))  # type: ignore[arg-type]

    minutes = world.run(text)
    assert "Änderungsantrag von Fraktion CDU" in minutes
    assert "angenommen (8 Ja, 3 Nein, 0 Enthaltungen)" in minutes
    assert "hat die Sitzung verlassen: Krankheit" in minutes
    assert "geheime Abstimmung: 9 Ja, 2 Nein" in minutes
    assert AMENDED in minutes


def test_referral_is_only_by_the_bodys_vote(world: World) -> None:
    from workflow.errors import GuardsUnmet

    pid, mid, item, _ = _session(world)
    committee = world.body_id("Technischer Ausschuss")
    with pytest.raises(GuardsUnmet, match="Verweisungsantrag"):
        world.fire(
            "proposal",
            pid,
            "refer",
            SECRETARY,
            berlin(MEETING_DAY, 20),
            data={"body_id": committee},
        )


def test_an_adopted_removal_takes_the_vorlage_off_and_a_free_item_is_adjourned(
    world: World,
) -> None:
    from workflow.services import agenda

    pid, mid, item, _ = _session(world)
    removal = propose(world, mid, item, "procedural", procedure="remove", mover="Frau Roth")
    assert vote_on(world, mid, item, removal, 7, 5).adopted
    assert world.get(Proposal, pid).state == "ready"
    assert world.get(AgendaItem, item).outcome == "removed"

    from tests.integration.council import version

    free = known(
        world.run(
            lambda s: (
                agenda.add_item(
                    session=s,
                    workflows=world.workflows,
                    actor=world[SECRETARY],
                    now=berlin(MEETING_DAY, 20),
                    meeting_id=mid,
                    expected_version=version(world, mid),
                    title="Sachstand Breitband",
                    urgent_reason="Förderfrist endet morgen",
                ).id
            )
        )
    )
    with pytest.raises(InvalidInput, match="nur zu einer Vorlage"):
        propose(world, mid, free, "amendment", text="x")
    adjourn = propose(world, mid, free, "procedural", procedure="adjourn")
    assert vote_on(world, mid, free, adjourn, 9, 3).adopted
    assert world.get(AgendaItem, free).outcome == "deferred"


def test_no_motion_vote_while_a_doubtful_bias_is_undecided(world: World) -> None:
    from workflow.services import meetings as meeting_service

    pid, mid, item, present = _session(world)
    adjourn = propose(world, mid, item, "procedural", procedure="adjourn")
    world.run(
        lambda s: meeting_service.declare_bias(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 19, 40),
            agenda_item_id=item,
            person_id=present[2],
            reason="Schwager ist Anlieger",
            doubtful=True,
        )
    )
    with pytest.raises(Conflict, match="zweifelhafte Befangenheit"):
        vote_on(world, mid, item, adjourn, 9, 3)


def test_a_motion_names_a_member_or_a_fraktion_chosen_from_the_lists(world: World) -> None:
    """The mover chosen from the lists is kept as a reference and by name (the minutes read
    as before); free text stays for anyone else, a dissolved Fraktion moves nothing."""
    from workflow.documents.proceedings import motion_lines
    from workflow.models import Faction, Meeting, Person
    from workflow.services import factions

    pid, mid, item, present = _session(world)
    when = berlin(MEETING_DAY, 9)

    def form(name: str, short: str) -> int:
        def run(s: object) -> int:
            made = factions.create_faction(
                session=s,  # type: ignore[arg-type]
                actor=world[SECRETARY],
                now=when,
                name=name,
                short_name=short,
            )
            return known(made.id)

        return world.run(run)

    fw, gone = form("Freie Wähler", "FW"), form("Bürgerliste", "")
    world.run(
        lambda s: factions.dissolve_faction(
            session=s, actor=world[SECRETARY], now=when, faction_id=gone, expected_version=1
        )
    )
    by_faction = propose(world, mid, item, "amendment", text=AMENDED, mover="",
                         mover_faction_id=fw)  # fmt: skip
    by_member = propose(world, mid, item, "procedural", procedure="close_debate", mover=" ",
                        mover_person_id=present[1])  # fmt: skip
    by_admin = propose(world, mid, item, "procedural", procedure="adjourn", mover="Verwaltung")
    motion = world.get(Motion, by_faction)
    assert (motion.mover, motion.mover_faction_id, motion.mover_person_id) == (
        "Freie Wähler (FW)", fw, None,
    )  # fmt: skip
    member = world.get(Motion, by_member)
    assert member.mover == world.get(Person, present[1]).name
    assert member.mover_person_id == present[1]
    assert member.mover_faction_id is None
    admin = world.get(Motion, by_admin)
    assert (admin.mover, admin.mover_person_id, admin.mover_faction_id) == (
        "Verwaltung",
        None,
        None,
    )

    refusals = {
        "mover": {"mover": "", "mover_person_id": present[1], "mover_faction_id": fw},
        "mover_faction_id": {"mover": "", "mover_faction_id": gone},
    }
    for field, given in refusals.items():
        with pytest.raises(InvalidInput) as refused:
            propose(world, mid, item, "amendment", text=AMENDED, **given)
        assert refused.value.field == field
    assert "aufgelöst" in str(refused.value.message)
    elsewhere = Faction(municipality_id=known(world.data.flein.municipality.id), name="FW")

    def add(s: object) -> int:
        s.add(elsewhere)  # type: ignore[attr-defined]
        s.flush()  # type: ignore[attr-defined]
        return known(elsewhere.id)

    other = world.run(add)
    with pytest.raises(InvalidInput, match="Unbekannte Fraktion"):
        propose(world, mid, item, "amendment", text=AMENDED, mover="", mover_faction_id=other)

    lines = world.run(
        lambda s: motion_lines(s, s.get(Meeting, mid), s.get(AgendaItem, item))  # type: ignore[arg-type]
    )
    assert any(line.startswith("Änderungsantrag von Freie Wähler (FW): „") for line in lines)
    assert any(" von Verwaltung: " in line for line in lines)
