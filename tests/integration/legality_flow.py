"""The lawful path of a council resolution, with hooks to put exactly one violation in
(tests of the Rechtmäßigkeitsnachweis, issue 15)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import Session

from tests.conftest import World, berlin
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    in_session,
    new_meeting,
    released,
    scheduled,
    vote,
)
from workflow.legality.model import Report
from workflow.legality.report import check_resolution
from workflow.queries import latest_resolution
from workflow.services import meetings as meeting_service
from workflow.services import written_invitations
from workflow.services.notices import record_announcement
from workflow.services.proposals import StepInput

TODAY = date(2024, 7, 1)
PUBLISHED = berlin(date(2024, 4, 24), 10)
SIGNED = berlin(date(2024, 4, 29), 10)
Hook = Callable[[Session, int], None]


def sign_minutes(world: World, mid: int, present: list[int], when: datetime) -> None:
    mayor = world.data.ilsfeld.mayor.id or 0
    secretary = world.data.users["ilsfeld.secretary"].person_id or 0
    councillors = [p for p in present if p != mayor][:2]
    signers = [(mayor, "chair"), *((p, "councillor") for p in councillors)]
    signers.append((secretary, "secretary"))

    def sign(session: Session) -> None:
        for person_id, capacity in signers:
            meeting_service.sign_minutes(
                session=session,
                actor=world["ilsfeld.secretary"],
                now=when,
                meeting_id=mid,
                person_id=person_id,
                capacity=capacity,
            )

    world.run(sign)
    world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", when)


def announced(world: World, mid: int, on: date, hour: int = 15) -> None:
    """The secretary records the ortsübliche Bekanntgabe in the Mitteilungsblatt of ``on``."""
    world.run(
        lambda s: record_announcement(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(on, hour),
            meeting_id=mid,
            announced_on=on,
            medium="Mitteilungsblatt",
        )
    )


def invited_in_writing(world: World, mid: int, on: date = DAY) -> None:
    """The secretary records the written invitation of the members no e-mail reached."""
    world.run(
        lambda s: written_invitations.record_all(
            session=s, actor=world["ilsfeld.secretary"], now=berlin(on, 16), meeting_id=mid, on=on
        )
    )


def decided(
    world: World,
    *,
    body: str = "Gemeinderat",
    after_release: Hook | None = None,
    announce: bool = True,
    in_writing: bool = True,
    in_the_session: Callable[[int, int, list[int]], None] | None = None,
    after_adoption: Hook | None = None,
    publish_at: datetime | None = PUBLISHED,
    sign_at: datetime = SIGNED,
    trigger: str = "adopt",
    public: bool = True,
) -> int:
    """The lawful path: released, invited in time (by e-mail, or in writing), announced,
    quorate vote, adopted, closed, published the next day, minutes signed within a week.
    Hooks put one violation in."""
    plan = [StepInput(body_id=world.body_id(body), planned_date=MEETING_DAY, decides=True)]
    pid = released(world, steps=plan, public=public)
    if after_release is not None:
        world.run(lambda s: after_release(s, pid))
    mid = new_meeting(world, body)
    scheduled(world, pid, mid)
    present = in_session(world, mid)
    if in_writing:
        invited_in_writing(world, mid)
    if announce:
        announced(world, mid, DAY)
    if in_the_session is not None:
        in_the_session(pid, mid, present)
    else:
        vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, trigger, "ilsfeld.secretary", berlin(MEETING_DAY, 20, 30))
    if after_adoption is not None:
        world.run(lambda s: after_adoption(s, pid))
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    if publish_at is not None:
        world.fire("proposal", pid, "publish", "ilsfeld.secretary", publish_at)
    sign_minutes(world, mid, present, sign_at)
    return pid


def report_of(world: World, pid: int, today: date = TODAY) -> Report:
    def run(session: Session) -> Report:
        resolution = latest_resolution(session, pid)
        assert resolution is not None
        return check_resolution(session, resolution, today)

    result: Report = world.run(run)
    return result
