"""The checks are pure functions of a fact set: built here without a database."""

from __future__ import annotations

from datetime import date

from workflow.law.periods import WorkingCalendar
from workflow.legality.aftermath import minutes
from workflow.legality.facts import Facts
from workflow.legality.model import FAILED, MET, NOT_APPLICABLE, RUNNING, UNKNOWN
from workflow.legality.voting import majority
from workflow.models import (
    Election,
    ElectionRound,
    Meeting,
    MinutesSignature,
    Municipality,
    Proposal,
    Resolution,
)

DAY = date(2024, 4, 23)


def _facts(next_: str, elected: int | None, counts: dict[int, int]) -> Facts:
    resolution = Resolution(
        id=1, proposal_id=1, decided_on=DAY, text="Wahl", adopted=True, meeting_id=1
    )
    proposal = Proposal(
        id=1,
        municipality_id=1,
        year=2024,
        number=1,
        proposal_date=DAY,
        title="Wahl des Ortsbaumeisters",
        resolution_text="",
        state="decided",
        definition_name="proposal",
        definition_version=3,
    )
    round_ = ElectionRound(
        id=7,
        election_id=1,
        number=1,
        kind="first",
        meeting_id=1,
        agenda_item_id=1,
        held_on=DAY,
        mode="secret",
        entitled=15,
        next=next_,
        elected_candidate_id=elected,
    )
    return Facts(
        resolution=resolution,
        proposal=proposal,
        municipality=Municipality(id=1, name="Ilsfeld"),
        calendar=WorkingCalendar(),
        today=DAY,
        bodies={},
        plan=[],
        persons={},
        proposal_events=[],
        elections=[Election(id=1, meeting_id=1, agenda_item_id=1, title="Wahl")],
        election_rounds=[round_],
        election_counts={7: counts},
    )


def test_election_result_counted_again() -> None:
    assert majority(_facts("elected", 1, {1: 8, 2: 7})).result == MET
    wrong = majority(_facts("elected", 1, {1: 7, 2: 6}))  # 7 of 15 is no majority
    assert wrong.result == FAILED
    assert wrong.paragraph == "§ 37 Abs. 7 GemO"
    assert majority(_facts("elected", 1, {})).result == UNKNOWN


def test_no_meeting_no_majority_check() -> None:
    facts = _facts("elected", 1, {1: 8})
    facts.elections = []
    facts.resolution.kind = "urgent"
    assert majority(facts).result == NOT_APPLICABLE


def _unsigned(today: date, *signers: tuple[int, str]) -> Facts:
    """A resolution of the meeting of DAY (chaired by person 1; persons 2 and 3 took part),
    its minutes signed by ``signers`` (person, capacity) only."""
    facts = _facts("elected", 1, {})
    facts.today = today
    facts.meeting = Meeting(
        id=1,
        municipality_id=1,
        body_id=1,
        meeting_date=DAY,
        chair_person_id=1,
        state="closed",
        definition_name="meeting",
        definition_version=2,
    )
    facts.signatures = [
        MinutesSignature(meeting_id=1, person_id=person, capacity=capacity)
        for person, capacity in signers
    ]
    facts.councillor_signers = {2, 3}
    return facts


def test_missing_minutes_signatures_in_singular_and_plural() -> None:
    """§ 38 Abs. 2 GemO: the missing councillors counted in proper German, not "(er)"."""
    pending = minutes(_unsigned(DAY))
    assert pending.result == RUNNING
    assert pending.explanation == (
        "Unterschriften stehen aus (Vorsitz, 2 teilnehmende Ratsmitglieder, Schriftführung); "
        "Frist bis 23.05.2024"
    )
    late = minutes(_unsigned(date(2024, 6, 3), (1, "chair"), (2, "councillor")))
    assert late.result == FAILED
    assert late.explanation == (
        "Es fehlen Unterschriften: 1 teilnehmendes Ratsmitglied, Schriftführung "
        "(Frist endete am 23.05.2024)"
    )
