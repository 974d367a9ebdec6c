"""Building blocks to move a proposal through its lifecycle in tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.conftest import World, berlin, known
from workflow.models import Person, Proposal, User
from workflow.queries import current_agenda_item, voting_members
from workflow.services import meetings as meeting_service
from workflow.services.proposals import ProposalFields, StepInput, create_proposal

DAY = date(2024, 4, 8)
MEETING_DAY = date(2024, 4, 23)
# What a non-public proposal or step carries unless a test says otherwise (§ 35 Abs. 1 GemO).
NON_PUBLIC_REASON = "Grundstücksgeschäft: berechtigte Interessen der Verkäufer (§ 35 Abs. 1 GemO)"


def new_proposal(
    world: World,
    *,
    author: str = "ilsfeld.clerk",
    steps: list[StepInput] | None = None,
    unplanned: Decimal | None = None,
    title: str = "Neubau Bauhof",
    public: bool = True,
    non_public_reason: str | None = None,
    kind: str = "beschluss",
    supplements_id: int | None = None,
) -> int:
    """``non_public_reason`` defaults to ``NON_PUBLIC_REASON`` where something is non-public;
    pass ``""`` for none."""
    plan = steps or [
        StepInput(body_id=world.body_id("Gemeinderat"), planned_date=MEETING_DAY, decides=True)
    ]
    if non_public_reason is None and not (public and all(s.public for s in plan)):
        non_public_reason = NON_PUBLIC_REASON
    content = ProposalFields(
        title=title,
        resolution_text="Der Gemeinderat stimmt zu.",
        proposal_date=DAY,
        unplanned_amount=unplanned,
        unplanned_coverage="Minderausgaben" if unplanned else None,
        public=public,
        non_public_reason=non_public_reason,
        kind=kind,
        supplements_id=supplements_id,
    )
    proposal = world.run(
        lambda s: create_proposal(
            session=s,
            workflows=world.workflows,
            actor=world[author],
            now=berlin(DAY, 8),
            municipality_id=world.data.ilsfeld.municipality.id or 0,
            content=content,
            steps=plan,
        )
    )
    return known(proposal.id)


def submitted(world: World, pid: int) -> None:
    """The clerk submits the draft, the head of department to co-sign it."""
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )


def released(world: World, **kwargs: Any) -> int:
    """A proposal co-signed and released, ready for scheduling."""
    pid = new_proposal(world, **kwargs)
    submitted(world, pid)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(DAY, 11))
    return pid


def new_meeting(
    world: World, body: str = "Gemeinderat", day: date = MEETING_DAY, **kwargs: Any
) -> int:
    meeting = world.run(
        lambda s: meeting_service.create_meeting(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 8),
            body_id=world.body_id(body),
            meeting_date=day,
            **kwargs,
        )
    )
    return known(meeting.id)


def second_secretary(world: World, name: str = "Udo Uhl") -> int:
    """A second Schriftführer of Ilsfeld (``ilsfeld.secretary2``): his person's id."""

    def add(session: Any) -> int:
        person = Person(municipality_id=world.data.ilsfeld.municipality.id or 0, name=name)
        session.add(person)
        session.flush()
        session.add(
            User(
                username="ilsfeld.secretary2",
                full_name=person.name,
                role="secretary",
                municipality_id=person.municipality_id,
                person_id=person.id,
            )
        )
        return known(person.id)

    person_id: int = world.run(add)
    return person_id


def scheduled(world: World, pid: int, mid: int) -> None:
    world.fire(
        "proposal", pid, "schedule", "ilsfeld.secretary", berlin(DAY, 12), data={"meeting_id": mid}
    )


def invited(world: World, mid: int) -> None:
    """Agenda set and invited in time."""
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))


def in_session(world: World, mid: int, *, absent: int = 0, day: date = MEETING_DAY) -> list[int]:
    """Agenda set, invited in time, attendance recorded, session opened; returns present ids."""
    invited(world, mid)
    members = world.run(lambda s: voting_members(s, world.get_meeting(mid).body_id))
    present = members[: len(members) - absent]
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(day, 19),
            meeting_id=mid,
            present=present,
        )
    )
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(day, 19))
    return present


def item_of(world: World, pid: int) -> int:
    def find(session: object) -> int:
        proposal = session.get(Proposal, pid)  # type: ignore[attr-defined]
        item = current_agenda_item(session, proposal)  # type: ignore[arg-type]
        assert item is not None
        return known(item.id)

    return int(world.run(find))


def vote(world: World, pid: int, choices: dict[int, str], day: date = MEETING_DAY) -> None:
    item = item_of(world, pid)
    world.run(
        lambda s: meeting_service.record_votes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(day, 20),
            agenda_item_id=item,
            votes=choices,
        )
    )


def adopted(world: World) -> tuple[int, int, list[int]]:
    """A released Vorlage adopted unanimously in a council session on MEETING_DAY (20:00):
    its id, the meeting's, and who was present."""
    pid = released(world)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    return pid, mid, present
