"""A Vorlage's course through an advising committee and the council, as its documents tell
it: the committee's recommendation reaches the council, dates are those of the sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.conftest import World, berlin
from tests.documents import text_of
from tests.integration.flow import (
    DAY,
    in_session,
    item_of,
    new_meeting,
    released,
    scheduled,
    vote,
)
from workflow.context import SYSTEM
from workflow.documents import service
from workflow.documents.model import FORMATS, Document
from workflow.models import Person
from workflow.outcomes import RECOMMENDED
from workflow.services import meetings as meeting_service
from workflow.services.proposals import StepInput

COMMITTEE_HELD = date(2024, 4, 16)  # planned for 18.04.
COUNCIL_HELD = date(2024, 4, 23)  # planned for 30.04.
BIAS_REASON = "Eigentümer eines Grundstücks am Standort Nord"
RECOMMENDATION = "Der Technische Ausschuss empfiehlt, den Bauhof am Standort Nord zu errichten."


@dataclass(frozen=True)
class Course:
    proposal: int
    committee: int  # the Technischer Ausschuss's meeting, held and the Vorlage recommended
    council: int  # the Gemeinderat's meeting, with the Vorlage on its agenda
    biased: int | None  # the committee member who was excluded for bias (§ 18 GemO)


def advised(
    world: World,
    recommendation: str | None = RECOMMENDATION,
    *,
    public_committee: bool = True,
    to_council: bool = True,
    biased: bool = False,
) -> Course:
    plan = [
        StepInput(
            body_id=world.body_id("Technischer Ausschuss"),
            planned_date=date(2024, 4, 18),
            advises=True,
            public=public_committee,
        ),
        StepInput(
            body_id=world.body_id("Gemeinderat"), planned_date=date(2024, 4, 30), decides=True
        ),
    ]
    pid = released(world, steps=plan)
    committee = new_meeting(world, "Technischer Ausschuss", COMMITTEE_HELD)
    scheduled(world, pid, committee)
    present = in_session(world, committee, absent=1, day=COMMITTEE_HELD)
    excluded = present[1] if biased else None
    if excluded is not None:
        world.run(
            lambda s: meeting_service.declare_bias(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(COMMITTEE_HELD, 19, 30),
                agenda_item_id=item_of(world, pid),
                person_id=excluded,
                reason=BIAS_REASON,
            )
        )
        present.remove(excluded)
    vote(world, pid, {**dict.fromkeys(present, "yes"), present[-1]: "abstain"}, COMMITTEE_HELD)
    data = {"recommendation": recommendation} if recommendation else {}
    world.fire(
        "proposal", pid, "recommend", "ilsfeld.secretary", berlin(COMMITTEE_HELD, 20), data=data
    )
    council = new_meeting(world, "Gemeinderat", COUNCIL_HELD)
    if to_council:
        scheduled(world, pid, council)
    return Course(pid, committee, council, excluded)


def text(document: Document, fmt: str) -> str:
    return text_of(service.render(document, fmt), fmt)


def vorlage(world: World, pid: int) -> Document:
    return world.run(
        lambda s: service.proposal_document(
            session=s, actor=SYSTEM, proposal_id=pid, kind="vorlage"
        )
    )


def minutes(world: World, mid: int) -> Document:
    return world.run(
        lambda s: service.meeting_document(
            session=s, actor=SYSTEM, meeting_id=mid, kind="niederschrift"
        )
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_committees_minutes_give_the_wording_of_its_recommendation(
    world: World, fmt: str
) -> None:
    """§ 38 Abs. 1 GemO: the minutes hold the wording of the resolutions; an advising
    committee's resolution is its recommendation. Its outcome reads as on the session
    screen: "Empfehlung beschlossen" (§ 39 Abs. 4 GemO), not "vorberaten"."""
    course = advised(world)
    printed = text(minutes(world, course.committee), fmt)
    assert f"Ergebnis {RECOMMENDED}" in printed
    assert RECOMMENDED == "Empfehlung beschlossen"
    assert "vorberaten" not in printed
    assert f"Empfehlung an den Gemeinderat: {RECOMMENDATION}" in printed


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_council_reads_the_committees_recommendation_in_the_vorlage(
    world: World, fmt: str
) -> None:
    course = advised(world)
    printed = text(vorlage(world, course.proposal), fmt)
    assert (
        "Empfehlung der Vorberatung Technischer Ausschuss am 16.04.2024 "
        f"(7 Ja, 0 Nein, 1 Enthaltung): {RECOMMENDATION}" in printed
    )


def test_a_recommendation_without_wording_says_which_way(world: World) -> None:
    """Recorded without a text, the recommendation follows the vote."""
    course = advised(world, recommendation=None)
    assert "(7 Ja, 0 Nein, 1 Enthaltung): Zustimmung empfohlen" in text(
        vorlage(world, course.proposal), "html"
    )
    assert "Empfehlung an den Gemeinderat: Zustimmung empfohlen" in text(
        minutes(world, course.committee), "html"
    )


def test_a_recommendation_of_a_non_public_session_stays_internal(world: World) -> None:
    """§ 35 Abs. 1 GemO: the published rendition of the Vorlage leaves out what a committee
    recommended behind closed doors; the members read it."""
    course = advised(world, public_committee=False)
    world.fire("meeting", course.council, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", course.council, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    published = world.run(
        lambda s: service.proposal_document(
            session=s, actor=None, proposal_id=course.proposal, kind="vorlage"
        )
    )
    assert "Empfehlung der Vorberatung" not in text(published, "html")
    assert RECOMMENDATION in text(vorlage(world, course.proposal), "html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_beratungsfolge_gives_the_days_of_the_sessions(world: World, fmt: str) -> None:
    """Ticked with the day of the meeting that deliberated (or has it on its agenda), not
    the day planned when the Vorlage was written; the plan until it is on an agenda."""
    course = advised(world, to_council=False)
    before = text(vorlage(world, course.proposal), fmt)
    assert "☒ Technischer Ausschuss am 16.04.2024 ☐ Technischer Ausschuss am" in before
    assert "☒ Gemeinderat am 30.04.2024 ☒ Gemeinderat am 30.04.2024" in before
    scheduled(world, course.proposal, course.council)
    after = text(vorlage(world, course.proposal), fmt)
    assert "☒ Gemeinderat am 23.04.2024 ☒ Gemeinderat am 23.04.2024" in after
    assert "18.04.2024" not in after
    assert "30.04.2024" not in after


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_vorlage_names_who_was_excluded_for_bias(world: World, fmt: str) -> None:
    """An empty bias field does not claim "keine" once a member was recorded as biased in a
    session (§ 18 GemO): the Vorlage names him as the minutes do."""
    course = advised(world, biased=True)
    name = world.get(Person, course.biased).name
    printed = text(vorlage(world, course.proposal), fmt)
    line = (
        f"Befangenheit Technischer Ausschuss am 16.04.2024: {name} hat an Beratung und "
        f"Beschlussfassung nicht mitgewirkt (§ 18 GemO). Grund: {BIAS_REASON}."
    )
    assert line in printed
    assert "Befangenheit keine" not in printed


def test_an_empty_bias_field_claims_nothing(world: World) -> None:
    course = advised(world)
    printed = text(vorlage(world, course.proposal), "html")
    assert "Befangenheit – Beschlussvorschlag" in printed
