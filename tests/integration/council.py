"""Building blocks for motions, counted votes and attendance per item in tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import World, berlin, known
from tests.integration.flow import MEETING_DAY
from workflow.law.voting import Tally
from workflow.models import Meeting, Motion
from workflow.services import item_votes, motions

SECRETARY = "ilsfeld.secretary"


def version(world: World, mid: int) -> int:
    return int(world.get(Meeting, mid).version)


def propose(world: World, mid: int, item: int, kind: str, **kwargs: Any) -> int:
    fields: dict[str, Any] = {"mover": "Fraktion FWV", "text": "", **kwargs}
    recorded = world.run(
        lambda s: motions.propose_motion(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 19, 30),
            meeting_id=mid,
            item_id=item,
            expected_version=version(world, mid),
            kind=kind,
            **fields,
        )
    )
    return known(recorded.record.id)


def vote_on(world: World, mid: int, item: int, motion: int, yes: int, no: int) -> Motion:
    recorded = world.run(
        lambda s: motions.vote_motion(
            session=s,
            workflows=world.workflows,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 19, 45),
            meeting_id=mid,
            item_id=item,
            motion_id=motion,
            expected_version=version(world, mid),
            counted=Tally(yes, no, 0),
        )
    )
    motion_row: Motion = recorded.record
    return motion_row


def counts(
    world: World, mid: int, item: int, yes: int, no: int, abstain: int = 0, secret: bool = False
) -> Any:
    return world.run(
        lambda s: item_votes.record_vote_counts(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 20),
            meeting_id=mid,
            item_id=item,
            expected_version=version(world, mid),
            counted=Tally(yes, no, abstain),
            secret=secret,
        )
    ).record


def leaves(
    world: World, mid: int, item: int, person: int, *, present: bool = False, **kwargs: Any
) -> None:
    world.run(
        lambda s: item_votes.record_item_attendance(
            session=s,
            actor=world[SECRETARY],
            now=berlin(MEETING_DAY, 19, 40),
            meeting_id=mid,
            item_id=item,
            expected_version=version(world, mid),
            person_id=person,
            present=present,
            **kwargs,
        )
    )
