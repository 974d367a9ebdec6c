"""A meeting's history names its steps in the words of the definition version it runs on:
meeting v4 brings the minutes to the notice of "dem Gremium", v3 of "dem Gemeinderat"
(done_labels per version, definitions/display/done_labels.yaml)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import REPO, World, berlin
from tests.integration.flow import MEETING_DAY, in_session, vote
from tests.integration.test_meetings import planned, sign
from workflow.definitions.machines import load_workflows
from workflow.models import Meeting
from workflow.services import listing, news_since

DEFINITIONS = REPO / "definitions"
PRESENTED = {
    3: "Niederschrift dem Gemeinderat zur Kenntnis gebracht",
    4: "Niederschrift dem Gremium zur Kenntnis gebracht",
}


def on_version(world: World, version: int) -> World:
    """The world as it was while ``version`` of the meeting definition was the latest."""
    if version == world.workflows.latest("meeting").spec.version:
        return world
    files = [DEFINITIONS / "meeting" / f"v{version}.yaml", DEFINITIONS / "proposal.yaml"]
    return World(world.engine, load_workflows(files, world.workflows.registry), world.data,
                 world.actors)  # fmt: skip


def presented(world: World, version: int) -> int:
    """A council meeting on ``version``, held, its minutes signed and brought to notice."""
    pid, mid = planned(on_version(world, version))
    assert world.get(Meeting, mid).definition_version == version
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    chair = world.data.ilsfeld.mayor.id
    secretary = world["ilsfeld.secretary"].person_id
    assert chair is not None
    assert secretary is not None
    sign(world, mid, chair, "chair")
    sign(world, mid, next(p for p in present if p != chair), "councillor")
    sign(world, mid, [p for p in present if p != chair][1], "councillor")
    sign(world, mid, secretary, "secretary")
    signing_day = berlin(date(2024, 5, 2))
    world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", signing_day)
    world.fire("meeting", mid, "present_minutes", "ilsfeld.mayor", berlin(date(2024, 5, 14), 19))
    return mid


def history_words(world: World, mid: int) -> dict[str, str | None]:
    """Each step of the meeting's history as the JSON history and the Verlauf name it."""
    meeting = world.get(Meeting, mid)
    spec = world.workflows.get(meeting.definition_name, meeting.definition_version).spec
    events = world.run(
        lambda s: listing.history(
            session=s, actor=world["ilsfeld.secretary"], kind="meeting", instance_id=mid
        )
    )
    return {e.trigger: spec.step_label(e.trigger, e.source, e.dest) for e in events}


@pytest.mark.parametrize("version", [3, 4])
def test_the_minutes_step_is_named_in_the_words_of_the_meetings_version(
    world: World, version: int
) -> None:
    mid = presented(world, version)
    assert history_words(world, mid)["present_minutes"] == PRESENTED[version]
    # "Neu seit" on Meine Aufgaben, for a member who did not take the step
    changes = world.run(
        lambda s: news_since.changes_since(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            since=berlin(MEETING_DAY, 0),
        )
    )
    steps = {c.event.trigger: c.step_label for c in changes if c.instance_id == mid}
    assert steps["present_minutes"] == PRESENTED[version]
    assert steps["close_session"] == "Sitzung geschlossen"
