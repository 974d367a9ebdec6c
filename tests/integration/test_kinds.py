"""Kinds of Vorlage (issue 10, item 5): the Informationsvorlage taken note of without a vote,
the Ergänzungsvorlage linked to the Vorlage it amends, and the Fassungen kept at each
submission."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest
from sqlmodel import col, select

from tests.conftest import REPO, World, berlin
from tests.documents import flat, text_of
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    in_session,
    item_of,
    new_meeting,
    new_proposal,
    released,
    scheduled,
    vote,
)
from workflow.context import SYSTEM
from workflow.definitions.machines import load_workflows
from workflow.definitions.state_map import load_state_map, map_path
from workflow.documents import service as documents
from workflow.documents.model import FORMATS
from workflow.errors import Conflict, GuardsUnmet, InvalidInput
from workflow.law.voting import Tally
from workflow.models import (
    AgendaItem,
    AuditEvent,
    ConsultationStep,
    Deadline,
    Proposal,
    Resolution,
)
from workflow.models.proposal import ProposalRevision
from workflow.revisions import compare, word_diff
from workflow.services import item_votes, migration, motions
from workflow.services.proposals import StepInput, update_proposal


def _proposal(world: World, pid: int) -> Proposal:
    found: Proposal = world.get(Proposal, pid)
    return found


def _resolutions(world: World, pid: int) -> list[Resolution]:
    return list(
        world.run(lambda s: list(s.exec(select(Resolution).where(Resolution.proposal_id == pid))))
    )


def _deadline_rules(world: World, pid: int) -> set[str]:
    rows = world.run(
        lambda s: list(
            s.exec(
                select(Deadline).where(
                    Deadline.instance_type == "proposal", Deadline.instance_id == pid
                )
            )
        )
    )
    return {d.rule for d in rows}


def test_information_is_taken_note_of_without_vote_objection_week_or_publication(
    world: World,
) -> None:
    pid = released(world, kind="information", title="Bericht über die Kinderbetreuung")
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    # No vote on an Informationsvorlage: neither by name nor as counts.
    with pytest.raises(Conflict, match="wird nicht abgestimmt"):
        vote(world, pid, dict.fromkeys(present, "yes"))
    with pytest.raises(Conflict, match="zur Kenntnis genommen"):
        world.run(
            lambda s: item_votes.record_vote_counts(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20),
                meeting_id=mid,
                item_id=item_of(world, pid),
                expected_version=world.get_meeting(mid).version,
                counted=Tally(len(present), 0, 0),
            )
        )
    # ... nor an Änderungsantrag: there is no Beschlussvorschlag to amend.
    with pytest.raises(InvalidInput, match="keine Änderungs"):
        world.run(
            lambda s: motions.propose_motion(
                session=s,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 20),
                meeting_id=mid,
                item_id=item_of(world, pid),
                expected_version=world.get_meeting(mid).version,
                kind="amendment",
                mover="Fraktion A",
                text="Der Bericht wird ergänzt.",
            )
        )
    with pytest.raises(GuardsUnmet, match="Informationsvorlage wird zur Kenntnis genommen"):
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    item_id = item_of(world, pid)
    fired = world.fire("proposal", pid, "take_note", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert (fired.dest, fired.dest_label) == ("noted", "Zur Kenntnis genommen")
    assert not [e for e in fired.deadlines if e.change == "opened"]
    assert _proposal(world, pid).state == "noted"
    item = world.get(AgendaItem, item_id)
    assert item.outcome == "noted"
    # No Beschluss: nothing to object to (§ 43 Abs. 2 GemO) or to publish (§ 41b Abs. 5).
    assert _resolutions(world, pid) == []
    assert not {"objection_window", "publication"} & _deadline_rules(world, pid)
    minutes = world.run(
        lambda s: documents.meeting_document(
            session=s, actor=SYSTEM, meeting_id=mid, kind="niederschrift"
        )
    )
    text = flat(text_of(documents.render(minutes, "html"), "html"))
    assert "Abstimmung keine (Kenntnisnahme) Ergebnis zur Kenntnis genommen" in text
    for trigger, actor in (("object", "ilsfeld.mayor"), ("publish", "ilsfeld.secretary")):
        with pytest.raises(Exception, match="nicht möglich|nicht zulässig"):
            world.fire("proposal", pid, trigger, actor, berlin(date(2024, 4, 24)), comment="Grund")


def test_information_passes_each_body_of_its_plan(world: World) -> None:
    """Taken note of by the committee, it goes on to the council; there it ends. No body
    needs the competence to decide (an advising committee may be the last)."""
    committee, council = world.body_id("Technischer Ausschuss"), world.body_id("Gemeinderat")
    plan = [
        StepInput(body_id=committee, planned_date=date(2024, 4, 16), advises=True),
        StepInput(body_id=council, planned_date=MEETING_DAY, decides=True),
    ]
    pid = released(world, kind="information", steps=plan)
    first = new_meeting(world, "Technischer Ausschuss", date(2024, 4, 16))
    scheduled(world, pid, first)
    in_session(world, first, day=date(2024, 4, 16))
    with pytest.raises(GuardsUnmet, match="weitere"):
        world.fire("proposal", pid, "take_note", "ilsfeld.secretary", berlin(date(2024, 4, 16), 20))
    fired = world.fire(
        "proposal", pid, "take_note_forward", "ilsfeld.secretary", berlin(date(2024, 4, 16), 20)
    )
    assert fired.dest == "ready"
    assert _proposal(world, pid).current_step == 2
    second = new_meeting(world)
    scheduled(world, pid, second)
    in_session(world, second)
    world.fire("proposal", pid, "take_note", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    outcomes = world.run(
        lambda s: [
            st.outcome
            for st in s.exec(
                select(ConsultationStep)
                .where(ConsultationStep.proposal_id == pid)
                .order_by(col(ConsultationStep.position))
            )
        ]
    )
    assert outcomes == ["noted", "noted"]
    assert _proposal(world, pid).state == "noted"


def test_a_beschlussvorlage_is_not_taken_note_of(world: World) -> None:
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    with pytest.raises(GuardsUnmet, match="Beschlussvorlage: über sie wird abgestimmt"):
        world.fire("proposal", pid, "take_note", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    vote(world, pid, dict.fromkeys(present, "yes"))
    fired = world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert fired.dest == "decided"


def test_no_urgent_decision_or_circulation_for_information(world: World) -> None:
    pid = released(world, kind="information")
    with pytest.raises(GuardsUnmet, match="Informationsvorlage"):
        world.fire(
            "proposal", pid, "urgent_decision", "ilsfeld.mayor", berlin(DAY, 15), comment="Eilig"
        )


def test_supplement_is_linked_and_placed_after_the_amended_item(world: World) -> None:
    main = released(world, title="Neubau Bauhof")
    other = released(world, title="Sanierung Rathausdach")
    mid = new_meeting(world)
    scheduled(world, main, mid)
    scheduled(world, other, mid)
    supplement = released(
        world, kind="ergaenzung", supplements_id=main, title="Neubau Bauhof: Photovoltaik"
    )
    assert _proposal(world, supplement).supplements_id == main
    scheduled(world, supplement, mid)

    def order(session: object) -> list[int | None]:
        items = session.exec(  # type: ignore[attr-defined]
            select(AgendaItem)
            .where(AgendaItem.meeting_id == mid)
            .order_by(col(AgendaItem.position))
        )
        return [i.proposal_id for i in items]

    assert world.run(order) == [main, supplement, other]
    created = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "proposal",
                AuditEvent.instance_id == supplement,
                AuditEvent.trigger == "create",
            )
        ).one()
    )
    assert created.data["kind"] == "ergaenzung"
    assert created.data["supplements"] == _proposal(world, main).label
    # An Ergänzungsvorlage is decided like a Beschlussvorlage.
    present = in_session(world, mid)
    vote(world, supplement, dict.fromkeys(present, "yes"))
    fired = world.fire(
        "proposal", supplement, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20)
    )
    assert fired.dest == "decided"


@pytest.mark.parametrize(
    ("kind", "supplements", "message"),
    [
        ("ergaenzung", None, "muss die Vorlage nennen"),
        ("beschluss", "self", "Nur eine Ergänzungsvorlage"),
        ("ergaenzung", 999_999, "Die zu ergänzende Vorlage gibt es in dieser Gemeinde nicht"),
        ("umlauf", None, "Unbekannte Art der Vorlage"),
    ],
)
def test_kind_and_link_are_checked(
    world: World, kind: str, supplements: object, message: str
) -> None:
    existing = new_proposal(world)
    target = existing if supplements == "self" else supplements
    with pytest.raises(InvalidInput, match=message):
        new_proposal(world, kind=kind, supplements_id=target)  # type: ignore[arg-type]


def test_supplement_of_another_municipality_is_refused(world: World) -> None:
    def flein_proposal(session: object) -> int:
        from workflow.services.proposals import ProposalFields, create_proposal

        created = create_proposal(
            session=session,  # type: ignore[arg-type]
            workflows=world.workflows,
            actor=world["flein.clerk"],
            now=berlin(DAY, 8),
            municipality_id=world.data.flein.municipality.id or 0,
            content=ProposalFields(title="Flein", resolution_text="Zustimmung.", proposal_date=DAY),
            steps=[StepInput(body_id=world.body_id("Gemeinderat", "flein"), decides=True)],
        )
        return int(created.id or 0)

    foreign = world.run(flein_proposal)
    with pytest.raises(InvalidInput, match="gibt es in dieser Gemeinde nicht"):
        new_proposal(world, kind="ergaenzung", supplements_id=foreign)


def test_kind_is_fixed_at_creation(world: World) -> None:
    pid = new_proposal(world)
    with pytest.raises(InvalidInput, match="beim Anlegen festgelegt"):
        world.run(
            lambda s: update_proposal(
                session=s,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY, 9),
                proposal_id=pid,
                expected_version=_proposal(world, pid).version,
                changes={"kind": "information"},
            )
        )


def _revisions(world: World, pid: int) -> list[ProposalRevision]:
    return list(
        world.run(
            lambda s: list(
                s.exec(
                    select(ProposalRevision)
                    .where(ProposalRevision.proposal_id == pid)
                    .order_by(col(ProposalRevision.number))
                )
            )
        )
    )


def test_each_submission_keeps_a_revision_and_they_compare(world: World) -> None:
    pid = new_proposal(world, title="Neubau Bauhof")
    world.fire("proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 9), data={"cosigners": []})
    world.fire(
        "proposal",
        pid,
        "return_to_author",
        "ilsfeld.head",
        berlin(DAY, 10),
        comment="Bitte die Kosten nennen.",
    )
    world.run(
        lambda s: update_proposal(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 11),
            proposal_id=pid,
            expected_version=_proposal(world, pid).version,
            changes={
                "title": "Neubau Bauhof mit Photovoltaik",
                "resolution_text": "Der Gemeinderat stimmt dem Neubau zu.",
            },
        )
    )
    fired = world.fire(
        "proposal", pid, "submit", "ilsfeld.clerk", berlin(DAY, 12), data={"cosigners": []}
    )
    assert fired.dest == "cosigning"
    first, second = _revisions(world, pid)
    assert (first.number, second.number) == (1, 2)
    assert first.created_by == second.created_by == "ilsfeld.clerk"
    assert first.content["title"] == "Neubau Bauhof"
    assert second.content["title"] == "Neubau Bauhof mit Photovoltaik"
    plan = cast(list[dict[str, object]], first.content["consultation_plan"])
    assert plan[0]["body"] == "Gemeinderat"
    changed = {d.name: d for d in compare(first.content, second.content)}
    assert changed["title"].changed
    assert not changed["facts"].changed
    assert [(p.op, p.text) for p in changed["resolution_text"].pieces] == [
        ("equal", "Der Gemeinderat stimmt "),
        ("insert", "dem Neubau "),
        ("equal", "zu."),
    ]
    submits = world.run(
        lambda s: [
            e.data.get("revision")
            for e in s.exec(
                select(AuditEvent)
                .where(
                    AuditEvent.instance_type == "proposal",
                    AuditEvent.instance_id == pid,
                    AuditEvent.trigger == "submit",
                )
                .order_by(col(AuditEvent.seq))
            )
        ]
    )
    assert submits == [1, 2]


def test_word_diff_keeps_line_breaks_and_marks_replacements() -> None:
    pieces = word_diff("Erstens\nzweitens alt", "Erstens\nzweitens neu")
    assert [(p.op, p.text) for p in pieces] == [
        ("equal", "Erstens\nzweitens "),
        ("delete", "alt"),
        ("insert", "neu"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_documents_name_the_kind(world: World, fmt: str) -> None:
    main = new_proposal(world, title="Neubau Bauhof")
    information = new_proposal(world, kind="information", title="Bericht Kinderbetreuung")
    supplement = new_proposal(world, kind="ergaenzung", supplements_id=main, title="PV-Anlage")

    def text(pid: int) -> str:
        document = world.run(
            lambda s: documents.proposal_document(
                session=s, actor=SYSTEM, proposal_id=pid, kind="vorlage"
            )
        )
        return flat(text_of(documents.render(document, fmt), fmt))

    def number(pid: int) -> str:
        return str(_proposal(world, pid).label)  # 8/2024, as everywhere else

    label = number(main)
    plain = text(main)
    assert f"Vorlage Nr. {label}" in plain
    assert "Beratung Beschluss" in plain
    assert "Informationsvorlage" not in plain
    assert "Ergänzungsvorlage" not in plain
    info = text(information)
    assert f"Informationsvorlage Nr. {number(information)}" in info
    assert "Beratung Kenntnisnahme" in info
    assert "Zur Kenntnisnahme" in info
    supplemented = text(supplement)
    assert f"Ergänzungsvorlage Nr. {number(supplement)}" in supplemented
    assert f"Ergänzungsvorlage zu Nr. {label} (Neubau Bauhof)" in supplemented


def test_v3_instances_migrate_to_v4_and_keep_their_state(world: World) -> None:
    """Version 3 knew no kinds: its instances are Beschlussvorlagen and map state for state;
    after the migration their next submission keeps a Fassung."""
    v3 = load_workflows([REPO / "definitions" / "proposal" / "v3.yaml"], world.workflows.registry)
    old = new_proposal(World(world.engine, v3, world.data, world.actors))
    world.fire("proposal", old, "submit", "ilsfeld.clerk", berlin(DAY, 9), data={"cosigners": []})
    assert _revisions(world, old) == [], "version 3 keeps no Fassung"
    world.fire(
        "proposal", old, "return_to_author", "ilsfeld.head", berlin(DAY, 10), comment="Kosten?"
    )
    mapping = load_state_map(
        map_path(REPO / "definitions", "proposal", 3, 4),
        world.workflows.get("proposal", 3).spec,
        world.workflows.get("proposal", 4).spec,
    )
    moves = world.run(
        lambda s: migration.plan(session=s, workflows=world.workflows, state_map=mapping)
    )
    assert [(m.instance_id, m.source, m.dest) for m in moves] == [(old, "draft", "draft")]
    world.run(
        lambda s: migration.migrate_instance(
            session=s,
            workflows=world.workflows,
            state_map=mapping,
            move=moves[0],
            now=berlin(DAY, 11),
        )
    )
    migrated = _proposal(world, old)
    assert (migrated.definition_version, migrated.state, migrated.kind) == (4, "draft", "beschluss")
    world.fire("proposal", old, "submit", "ilsfeld.clerk", berlin(DAY, 12), data={"cosigners": []})
    assert [r.number for r in _revisions(world, old)] == [1]


def test_word_diff_reads_a_rewritten_phrase_as_one_change() -> None:
    pieces = word_diff(
        "Die Gebühren für Urnenbaumgräber werden ergänzt.",
        "Die Gebühr für ein Urnenbaumgrab beträgt 1.200 Euro.",
    )
    assert [(p.op, p.text) for p in pieces] == [
        ("equal", "Die "),
        ("delete", "Gebühren"),
        ("insert", "Gebühr"),
        ("equal", " für "),
        ("delete", "Urnenbaumgräber werden ergänzt."),
        ("insert", "ein Urnenbaumgrab beträgt 1.200 Euro."),
    ]
