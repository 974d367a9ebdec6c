"""The Niederschrift's head and signatures (§ 38 GemO): chair, Schriftführer, members and
times as recorded; a signature is printed as given only where it was given."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import World, berlin
from tests.documents import text_of
from tests.integration.flow import (
    MEETING_DAY,
    adopted,
    in_session,
    item_of,
    new_meeting,
    released,
    scheduled,
    second_secretary,
)
from workflow.context import SYSTEM
from workflow.documents import service
from workflow.documents.model import FORMATS, Document
from workflow.models import Person, Resolution
from workflow.services import meetings as meeting_service
from workflow.services.proposals import StepInput

SIGNED_ON = date(2024, 4, 25)


def minutes(world: World, mid: int) -> Document:
    return world.run(
        lambda s: service.meeting_document(
            session=s, actor=SYSTEM, meeting_id=mid, kind="niederschrift"
        )
    )


def text(document: Document, fmt: str) -> str:
    return text_of(service.render(document, fmt), fmt)


def held(world: World) -> int:
    """A Gemeinderat session with one adopted Vorlage, closed at 20:05."""
    _, mid, _ = adopted(world)
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 20, 5))
    return mid


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_head_names_chair_schriftfuehrer_members_and_times(world: World, fmt: str) -> None:
    """The chair first and apart, the members after (the chair, a member counted among
    those present, first among them); the session's actual times once it was held; the
    Schriftführer by name before anybody signed."""
    mid = held(world)
    councillors = sorted(p.name for p in world.data.ilsfeld.councillors)
    printed = text(minutes(world, mid), fmt)
    assert (
        "Datum Dienstag, 23.04.2024, Beginn: 19:00 Uhr, Ende: 20:05 Uhr Ort Rathaus, "
        "Sitzungssaal Vorsitz Bürgermeisterin Beate Beispiel Schriftführung Sabine Schreiber "
        f"Anwesend {len(councillors) + 1} von {len(councillors) + 1} Mitgliedern "
        "Anwesende Ratsmitglieder Bürgermeisterin Beate Beispiel (Vorsitz), "
        f"{', '.join(councillors)} Abwesend –"
    ) in printed
    assert "18:00 Uhr" not in printed  # the planned time
    assert "Schriftführung –" not in printed


def test_before_the_session_the_planned_time_and_a_line_for_an_unknown_schriftfuehrer(
    world: World,
) -> None:
    """Two may keep the minutes and neither has recorded the session yet: a line to fill in."""

    second_secretary(world)
    printed = text(minutes(world, new_meeting(world)), "html")
    assert "Datum Dienstag, 23.04.2024, 18:00 Uhr" in printed
    assert "Schriftführung ____________________ Anwesend" in printed


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_committees_members_are_ausschussmitglieder(world: World, fmt: str) -> None:
    committee = world.body_id("Technischer Ausschuss")
    pid = released(world, steps=[StepInput(body_id=committee, decides=True)])
    mid = new_meeting(world, "Technischer Ausschuss")
    scheduled(world, pid, mid)
    in_session(world, mid)
    printed = text(minutes(world, mid), fmt)
    assert "Anwesende Ausschussmitglieder" in printed
    assert "die Unterschriften: Vorsitz, 2 teilnehmende Ausschussmitglieder" in printed
    assert printed.count("Ausschussmitglied") == 4  # the head, the note, two lines to sign
    assert "Ratsmitglied" not in printed


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_members_named_present_add_up_to_the_number_present(world: World, fmt: str) -> None:
    """The mayor chairs the committee and is one of its members (§ 25 Abs. 1, § 40 Abs. 4
    GemO): counted among those present, and named among them, as the chair."""
    committee = world.body_id("Technischer Ausschuss")
    pid = released(world, steps=[StepInput(body_id=committee, decides=True)])
    mid = new_meeting(world, "Technischer Ausschuss")
    scheduled(world, pid, mid)
    present = in_session(world, mid, absent=2)
    assert len(present) == 7
    printed = text(minutes(world, mid), fmt)
    assert "Vorsitz Bürgermeisterin Beate Beispiel " in printed
    assert "Anwesend 7 von 9 Mitgliedern Anwesende Ausschussmitglieder " in printed
    listed = printed.split("Anwesende Ausschussmitglieder ", 1)[1].split(" Abwesend ", 1)[0]
    assert listed.startswith("Bürgermeisterin Beate Beispiel (Vorsitz), ")
    assert len(listed.split(", ")) == 7


def sign(world: World, mid: int, person: int, capacity: str) -> None:
    world.run(
        lambda s: meeting_service.sign_minutes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(SIGNED_ON, 10),
            meeting_id=mid,
            person_id=person,
            capacity=capacity,
        )
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_gez_only_for_a_signature_given_and_a_draft_until_all_have_signed(
    world: World, fmt: str
) -> None:
    """§ 38 Abs. 2 GemO: chair, two members who took part and the Schriftführer sign; until
    then the minutes are a draft that says who has yet to sign."""
    mid = held(world)
    sign(world, mid, world.data.ilsfeld.mayor.id or 0, "chair")
    printed = text(minutes(world, mid), fmt)
    assert printed.startswith("Gemeinde Ilsfeld ENTWURF Niederschrift")
    assert (
        "Entwurf; es fehlen noch die Unterschriften: 2 teilnehmende Ratsmitglieder, "
        "Schriftführung." in printed
    )
    assert printed.count("gez.") == 1
    assert "gez. am 25.04.2024 Beate Beispiel Vorsitz" in printed
    councillors = [p.id or 0 for p in world.data.ilsfeld.councillors[:2]]
    for person in councillors:
        sign(world, mid, person, "councillor")
    sign(world, mid, world.data.users["ilsfeld.secretary"].person_id or 0, "secretary")
    world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", berlin(SIGNED_ON, 11))
    final = text(minutes(world, mid), fmt)
    assert "ENTWURF" not in final
    assert "Entwurf" not in final
    assert final.count("gez. am 25.04.2024") == 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_beschlussauszug_is_certified_only_from_signed_minutes(world: World, fmt: str) -> None:
    """While the Niederschrift is a draft, so is the Auszug taken from it: it says the minutes
    are not yet signed and certifies nothing; from the signed minutes the Schriftführer
    certifies it (§ 38 Abs. 2 GemO)."""
    pid, mid, _ = adopted(world)

    def auszug() -> Document:
        return world.run(
            lambda s: service.proposal_document(
                session=s, actor=SYSTEM, proposal_id=pid, kind="beschlussauszug"
            )
        )

    draft = auszug()
    assert draft.draft
    assert draft.filename.endswith("-entwurf")
    printed = text(draft, fmt)
    assert printed.startswith("Gemeinde Ilsfeld ENTWURF Beschlussauszug")
    assert (
        "Entwurf – Auszug aus der noch nicht unterzeichneten Niederschrift (§ 38 Abs. 2 GemO)."
        in printed
    )
    assert "Richtigkeit" not in printed
    assert "Schriftführung" not in printed
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 20, 5))
    assert text(auszug(), fmt) == printed  # closed, but not yet signed
    for person in [p.id or 0 for p in world.data.ilsfeld.councillors[:2]]:
        sign(world, mid, person, "councillor")
    sign(world, mid, world.data.ilsfeld.mayor.id or 0, "chair")
    sign(world, mid, world.data.users["ilsfeld.secretary"].person_id or 0, "secretary")
    world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", berlin(SIGNED_ON, 11))
    certified = auszug()
    assert not certified.draft
    assert not certified.filename.endswith("-entwurf")
    final = text(certified, fmt)
    assert "ENTWURF" not in final
    assert "Entwurf" not in final
    assert "unterzeichnet" not in final
    assert "Für die Richtigkeit des Auszugs:" in final
    assert "Sabine Schreiber Schriftführung" in final


def test_a_free_item_dealt_with_shows_no_vote(world: World) -> None:
    """ "behandelt" without a vote: the minutes say "keine", not "0 Ja, 0 Nein …"."""
    from tests.integration.council import version
    from workflow.services import agenda

    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    free = world.run(
        lambda s: agenda.add_item(
            session=s, workflows=world.workflows, actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY.replace(day=10), 9), meeting_id=mid,
            expected_version=version(world, mid), title="Anfragen aus dem Gemeinderat",
        )
    )  # fmt: skip
    in_session(world, mid)
    world.run(
        lambda s: agenda.record_item_outcome(
            session=s, actor=world["ilsfeld.secretary"], now=berlin(MEETING_DAY, 19, 30),
            meeting_id=mid, item_id=free.id or 0, expected_version=version(world, mid),
            outcome="handled",
        )
    )  # fmt: skip
    printed = text(minutes(world, mid), "html")
    part = printed.split("Anfragen aus dem Gemeinderat")[1]
    assert "Abstimmung keine" in part
    assert "0 Ja, 0 Nein" not in part


def declare(world: World, mid: int, item: int, person: int, reason: str, hour: int) -> None:
    world.run(
        lambda s: meeting_service.declare_bias(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, hour, 30),
            agenda_item_id=item,
            person_id=person,
            reason=reason,
        )
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bias_reason_reads_as_its_own_sentence_without_double_brackets(
    world: World, fmt: str
) -> None:
    """§ 18 Abs. 5 GemO, recorded by § 38 Abs. 1: who left and why. A reason typed in
    brackets, or ending in a bracket, is not put in brackets again ("((…))")."""
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    item = item_of(world, pid)
    first, second = (world.get(Person, p).name for p in present[3:5])
    declare(world, mid, item, present[3], "(Eigentümer des Nachbargrundstücks)", 19)
    declare(world, mid, item, present[4], "Ehefrau ist Pächterin (§ 18 Abs. 1 Nr. 2 GemO)", 19)
    printed = text(minutes(world, mid), fmt)
    assert (
        f"Befangenheit {first} hat an Beratung und Beschlussfassung nicht mitgewirkt "
        f"(§ 18 GemO). Grund: Eigentümer des Nachbargrundstücks. {second} hat an Beratung "
        "und Beschlussfassung nicht mitgewirkt (§ 18 GemO). Grund: Ehefrau ist Pächterin "
        "(§ 18 Abs. 1 Nr. 2 GemO)."
    ) in printed
    assert "((" not in printed
    assert "))" not in printed


def test_a_bias_found_after_the_vote_names_its_reason_after_the_consequence(
    world: World,
) -> None:
    """§ 18 Abs. 6 GemO: found afterwards, the member took part; the minutes and the
    resolution's note say so, the reason as a sentence of its own."""
    pid, mid, present = adopted(world)
    person = present[4]
    name = world.get(Person, person).name
    declare(world, mid, item_of(world, pid), person, "(Bruder des Bauherrn)", 20)
    printed = text(minutes(world, mid), "html")
    assert (
        f"Befangenheit {name} hat mitgewirkt, obwohl befangen (nachträglich festgestellt; "
        "§ 18 Abs. 6 GemO: der Beschluss ist rechtswidrig). Grund: Bruder des Bauherrn."
    ) in printed
    assert "((" not in printed
    reason = world.run(lambda s: s.exec(select(Resolution.unlawful_reason)).one())
    assert reason is not None
    assert reason.endswith(
        "der Beschluss ist rechtswidrig (§ 18 Abs. 6 Satz 1 GemO). Grund: Bruder des Bauherrn."
    )
