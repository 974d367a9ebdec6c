"""§ 43 Abs. 2 GemO: the objection's ground, a rejection objected to, § 119 authority."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import World, berlin
from tests.integration.flow import (
    MEETING_DAY,
    in_session,
    new_meeting,
    released,
    scheduled,
    vote,
)
from workflow.errors import GuardsUnmet
from workflow.models import AuditEvent, Municipality, Resolution
from workflow.supervision import supervisory_authority


def decided(world: World, choice: str = "yes", day: date = MEETING_DAY) -> tuple[int, int]:
    pid = released(world)
    mid = new_meeting(world, day=day)
    scheduled(world, pid, mid)
    present = in_session(world, mid, day=day)
    vote(world, pid, dict.fromkeys(present, choice), day=day)
    trigger = "adopt" if choice == "yes" else "reject"
    world.fire("proposal", pid, trigger, "ilsfeld.secretary", berlin(day, 20))
    return pid, mid


def redecide(world: World, pid: int, mid: int, choice: str) -> None:
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    second = new_meeting(world, day=date(2024, 5, 7))
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(date(2024, 4, 26)),
        data={"meeting_id": second},
    )
    present = in_session(world, second, day=date(2024, 5, 7))
    vote(world, pid, dict.fromkeys(present, choice), day=date(2024, 5, 7))
    trigger = "adopt" if choice == "yes" else "reject"
    world.fire("proposal", pid, trigger, "ilsfeld.secretary", berlin(date(2024, 5, 7), 20))


def test_objection_without_ground_is_refused(world: World) -> None:
    pid, _ = decided(world)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "proposal", pid, "object", "ilsfeld.mayor", berlin(date(2024, 4, 25)), comment="x"
        )
    assert [g.name for g in refused.value.unmet] == ["objection_ground_given"]
    with pytest.raises(GuardsUnmet):
        world.fire(
            "proposal",
            pid,
            "object",
            "ilsfeld.mayor",
            berlin(date(2024, 4, 25)),
            comment="x",
            data={"ground": "egal"},
        )


def test_ground_is_recorded_on_the_resolution_and_in_the_audit(world: World) -> None:
    pid, _ = decided(world)
    world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 25)),
        comment="Haushalt überfordert",
        data={"ground": "detrimental"},
    )
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert resolution.objection_ground == "detrimental"
    event = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(AuditEvent.instance_id == pid, AuditEvent.trigger == "object")
        ).one()
    )
    assert event.data["ground"] == "detrimental"


def test_after_a_detrimental_objection_the_new_resolution_stands(world: World) -> None:
    """§ 43 Abs. 2 S. 5 GemO covers only unlawfulness."""
    pid, mid = decided(world)
    world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 25)),
        comment="nachteilig",
        data={"ground": "detrimental"},
    )
    redecide(world, pid, mid, "yes")
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "proposal",
            pid,
            "refer_to_supervision",
            "ilsfeld.mayor",
            berlin(date(2024, 5, 8)),
            comment="immer noch nachteilig",
        )
    assert [g.name for g in refused.value.unmet] == ["earlier_objection_unlawful"]


def test_unlawful_objection_goes_to_the_landratsamt(world: World) -> None:
    pid, mid = decided(world)
    world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 25)),
        comment="Verstoß gegen § 39 Abs. 2 GemO",
        data={"ground": "unlawful"},
    )
    redecide(world, pid, mid, "yes")
    fired = world.fire(
        "proposal",
        pid,
        "refer_to_supervision",
        "ilsfeld.mayor",
        berlin(date(2024, 5, 8)),
        comment="weiterhin rechtswidrig",
    )
    assert fired.dest == "supervision"
    event = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_id == pid, AuditEvent.trigger == "refer_to_supervision"
            )
        ).one()
    )
    assert event.data["ground"] == "unlawful"
    authority = event.data["supervisory_authority"]
    assert isinstance(authority, str)
    assert authority.startswith("Landratsamt")


def test_a_rejection_can_be_objected_to(world: World) -> None:
    """A rejection is a resolution: the mayor must object when it is unlawful (§ 43 Abs. 2)."""
    pid, mid = decided(world, "no")
    fired = world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 25)),
        comment="Pflichtaufgabe: die Ablehnung ist rechtswidrig",
        data={"ground": "unlawful"},
    )
    assert fired.dest == "objected"
    redecide(world, pid, mid, "no")
    fired = world.fire(
        "proposal",
        pid,
        "refer_to_supervision",
        "ilsfeld.mayor",
        berlin(date(2024, 5, 8)),
        comment="weiterhin rechtswidrig",
    )
    assert fired.dest == "supervision"


def test_a_rejection_is_objected_to_only_as_unlawful(world: World) -> None:
    pid, _ = decided(world, "no")
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "proposal",
            pid,
            "object",
            "ilsfeld.mayor",
            berlin(date(2024, 4, 25)),
            comment="nachteilig",
            data={"ground": "detrimental"},
        )
    assert "nur wegen Rechtswidrigkeit" in refused.value.message


def test_a_rejection_is_archived_after_the_objection_week(world: World) -> None:
    pid, _ = decided(world, "no")
    with pytest.raises(GuardsUnmet):
        world.fire(
            "proposal", pid, "archive_rejection", "ilsfeld.secretary", berlin(date(2024, 4, 26))
        )
    fired = world.fire(
        "proposal", pid, "archive_rejection", "ilsfeld.secretary", berlin(date(2024, 5, 2))
    )
    assert fired.dest == "archived"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (None, "landratsamt"),
        ("gemeinde", "landratsamt"),
        ("grosse_kreisstadt", "regierungspraesidium"),
        ("stadtkreis", "regierungspraesidium"),
    ],
)
def test_supervisory_authority_by_status(world: World, status: str | None, kind: str) -> None:
    """§ 119 GemO: Landratsamt, or the Regierungspräsidium for Große Kreisstädte and
    Stadtkreise."""

    def check(session: object) -> None:
        municipality = session.get(Municipality, world.data.ilsfeld.municipality.id)  # type: ignore[attr-defined]
        municipality.settings = {"municipal_status": status} if status else {}
        authority = supervisory_authority(session, municipality)  # type: ignore[arg-type]
        assert authority.kind == kind
        assert authority.name.startswith(
            "Landratsamt" if kind == "landratsamt" else "Regierungspräsidium"
        )

    world.run(check)
