"""Data for the access tests: public and non-public proposals, a meeting with a secret TOP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, new_meeting, new_proposal
from workflow.models import Proposal
from workflow.services.agenda import add_item
from workflow.services.proposals import ProposalFields, StepInput, create_proposal

SECRET_TITLE = "Geheim: Grundstücksankauf Flurstück 4711"
USERS = (
    "ilsfeld.clerk",
    "ilsfeld.head",
    "ilsfeld.mayor",
    "ilsfeld.secretary",
    "ilsfeld.council",
    "admin",
    "lra.coordinator",
    "flein.clerk",
    "flein.council",
    None,
)


def secret_proposal(world: World, committee: str = "Technischer Ausschuss") -> int:
    """A released, non-public proposal (§ 35 GemO) deliberated by ``committee``."""
    content = ProposalFields(
        title=SECRET_TITLE,
        resolution_text="Der Ausschuss stimmt dem Ankauf zu.",
        proposal_date=DAY,
        public=False,
        non_public_reason="Grundstücksgeschäft (§ 35 Abs. 1 GemO)",
    )

    def create(session: Session) -> Proposal:
        return create_proposal(
            session=session,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 8),
            municipality_id=world.data.ilsfeld.municipality.id or 0,
            content=content,
            steps=[StepInput(body_id=world.body_id(committee), decides=True, public=False)],
        )

    pid = known(world.run(create).id)
    world.fire(
        "proposal",
        pid,
        "submit",
        "ilsfeld.clerk",
        berlin(DAY, 9),
        data={"cosigners": ["ilsfeld.head"]},
    )
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    world.fire("proposal", pid, "release", "ilsfeld.mayor", berlin(DAY, 11))
    return pid


@dataclass(frozen=True)
class Scene:
    draft: int  # public draft of Ilsfeld
    secret: int  # non-public, released, on the agenda of an invited meeting
    meeting: int  # Technischer Ausschuss, invited, with the secret TOP
    secret_item: int
    planned: int  # Gemeinderat meeting, still planned (not public yet)


def scene(world: World) -> Scene:
    draft = new_proposal(world)
    secret = secret_proposal(world)
    meeting = new_meeting(world, body="Technischer Ausschuss", day=date(2024, 4, 25))
    item = world.run(
        lambda s: add_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 12),
            meeting_id=meeting,
            expected_version=1,
            proposal_id=secret,
        )
    )
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    planned = new_meeting(world)
    return Scene(
        draft=draft, secret=secret, meeting=meeting, secret_item=known(item.id), planned=planned
    )
