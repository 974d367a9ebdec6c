"""Small helpers the check modules share: evidence from events, dates, the adopting event."""

from __future__ import annotations

from workflow.documents import german
from workflow.legality.facts import Event, Facts
from workflow.legality.model import Evidence
from workflow.supervision import mayor_title
from workflow.wording import for_mayor

# Triggers of definitions/proposal.yaml that record a Beschluss in a meeting.
DECIDING_TRIGGERS = ("adopt", "reject")


def worded(f: Facts, text: str) -> str:
    """The text with the municipality's mayor named by the title it set ("Eilentscheidung
    der Bürgermeisterin"; § 42 Abs. 4 GemO, ``workflow.wording``). Only for the report's
    own words: a comment someone typed keeps what they wrote."""
    return for_mayor(text, mayor_title(f.municipality))


def event_evidence(event: Event, text: str) -> Evidence:
    return Evidence(
        text=f"{text} ({event.where}, {german.day(event.at)} {german.clock(event.at)})",
        instance_type=event.instance_type,
        instance_id=event.instance_id,
        seq=event.seq,
        at=event.at.isoformat(),
    )


def deciding_event(f: Facts) -> Event | None:
    """The transition that recorded this resolution: the last adopt/reject (or other
    deciding trigger) whose day is the resolution's, else the last one at all."""
    triggers = {
        "vote": DECIDING_TRIGGERS,
        "urgent": ("urgent_decision",),
        "circulation": ("circulation_adopted",),
        "mayor": ("decide_instead_of_council",),
    }.get(f.resolution.kind, DECIDING_TRIGGERS)
    found = [e for e in f.proposal_events if e.trigger in triggers]
    same_day = [e for e in found if e.day == f.resolution.decided_on]
    chosen = same_day or found
    if f.resolution.kind == "vote" and f.item is not None:
        of_item = [e for e in chosen if e.data.get("agenda_item_id") in (None, f.item.id)]
        chosen = of_item or chosen
    return chosen[-1] if chosen else None


def vote_event(f: Facts) -> Event | None:
    """The last recording of the votes on the resolution's item before it was decided."""
    if f.item is None:
        return None
    decided = deciding_event(f)
    limit = decided.at if decided is not None else None
    found = [
        e
        for e in f.meeting_with("record_votes")
        if e.data.get("agenda_item_id") == f.item.id and (limit is None or e.at <= limit)
    ]
    return found[-1] if found else None


def in_meeting(f: Facts) -> bool:
    return f.resolution.kind == "vote" and f.meeting is not None
