"""Ilsfeld's Fraktionen in the demo (§ 32a GemO): fictional, like its councillors, formed
by the Sitzungsdienst after the council was constituted; two councillors stay fraktionslos."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from workflow.context import Actor
from workflow.demo.story import Story
from workflow.models import Faction, Person
from workflow.services import factions
from workflow.services.setup import DemoTown

# (name, short name, the councillors' slice of the town's list; the first one chairs)
ILSFELD_FACTIONS = (
    ("Freie Wähler", "FW", slice(0, 7)),
    ("CDU", "CDU", slice(7, 12)),
    ("SPD/Grüne", "SPD/Grüne", slice(12, 16)),
)


def form_factions(story: Story, town: DemoTown, when: datetime, actor: Actor) -> list[Faction]:
    def form(session: Session) -> list[Faction]:
        formed = []
        for name, short_name, seats in ILSFELD_FACTIONS:
            faction = factions.create_faction(
                session=session, actor=actor, now=when, name=name, short_name=short_name
            )
            people: list[Person] = town.councillors[seats]
            faction = factions.set_members(
                session=session,
                actor=actor,
                now=when,
                faction_id=faction.id or 0,
                expected_version=faction.version,
                members_given=[
                    factions.MemberInput(p.id or 0, "chair" if i == 0 else "member")
                    for i, p in enumerate(people)
                ],
            )
            formed.append(faction)
        return formed

    formed = story.run(when, form)
    for faction in formed:
        story.note(when, f"{actor.username:<18} Fraktion gebildet: {faction.label}")
    return formed
