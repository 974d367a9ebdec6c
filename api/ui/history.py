"""What one audit event says on a page, one way for the Verlauf of a Vorlage, a Sitzung or an
Antrag and the home page's "Neu seit": the step's label, else the event's (``EVENT_LABELS``), with
what it names ("Bearbeitet: Betreff und Beratungsfolge", "Vollzugsaufgabe angelegt
„Bauantrag stellen“", "Anlage hinzugefügt „Lageplan.pdf“")."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from api.ui.drafts import changed_fields
from workflow.context import Actor
from workflow.definitions.machines import Workflows
from workflow.event_labels import EVENT_LABELS, item_named
from workflow.meeting_titles import meeting_title
from workflow.models import AuditEvent, Body, CouncilRequest, Meeting, Municipality, Proposal
from workflow.queries import full_names
from workflow.services import listing
from workflow.services.council_requests import terms as request_terms
from workflow.wording import actor_role, wording_for

# Who signed the minutes, in the capacity § 38 Abs. 2 Satz 1 GemO names: four signatures
# read as four lines, not four times the same one.
SIGNED_AS = {
    "chair": "Unterschrift des Vorsitzes unter die Niederschrift erfasst",
    "councillor": "Unterschrift eines Mitglieds unter die Niederschrift erfasst",
    "secretary": "Unterschrift der Schriftführung unter die Niederschrift erfasst",
}

# Events named by what they are about: the data's field that names it.
NAMED = {"add_execution_task": "title", "add_attachment": "name", "delete_attachment": "name"}


def event_label(event: AuditEvent, step_label: str | None = None) -> str:
    """``step_label``: the definition's label where the event is one of its transitions."""
    words = step_label or EVENT_LABELS.get(event.trigger, "Geändert")
    data = event.data or {}
    if event.trigger == "update":
        words += changed_fields(data)
    capacity = data.get("capacity")
    if event.trigger == "sign_minutes" and isinstance(capacity, str) and capacity in SIGNED_AS:
        return SIGNED_AS[capacity]
    named = data.get(NAMED.get(event.trigger, ""))
    if isinstance(named, str):
        words += f" „{named}“"
    return words


def acted_for(event: AuditEvent) -> str | None:
    """The holder a deputy acted for ("in Vertretung", ``audit.in_representation``), if any."""
    acted = (event.data or {}).get("in_vertretung")
    return str(acted.get("name")) if isinstance(acted, dict) else None


def history_entries(
    workflows: Workflows, session: Session, actor: Actor, instance: Proposal | Meeting
) -> list[dict[str, object]]:
    """The Verlauf of a Vorlage or a Sitzung as its page shows it, newest first: what
    happened, who in which role (the mayor by the municipality's title), in whose stead,
    the state after. Raises NotFound where the caller may not read the history
    (``listing.history``); the events are read in one query, their people and the meetings
    they name in one each."""
    assert instance.id is not None
    kind = "proposal" if isinstance(instance, Proposal) else "meeting"
    events = listing.history(session=session, actor=actor, kind=kind, instance_id=instance.id)
    spec = workflows.get(instance.definition_name, instance.definition_version).spec
    names = full_names(session, {e.actor for e in events})
    own = instance.id if isinstance(instance, Meeting) else None
    meetings = _meetings_named(session, events, own)
    # the municipality's mayor; the body an Eilentscheidung was reported to (§ 43 Abs. 4 GemO)
    wording = wording_for(instance, session)
    town = session.get(Municipality, instance.municipality_id)
    return [
        _entry(
            e,
            names,
            town,
            what=event_label(e, wording.step(spec, e.trigger, e.source, e.dest))
            + item_named(e.trigger, e.data)
            + meetings.get(_meeting_of(e), ""),
            dest=wording.state(spec, e.dest),
        )
        for e in reversed(events)
    ]


def request_history_entries(
    session: Session, request: CouncilRequest, events: Sequence[AuditEvent]
) -> list[dict[str, object]]:
    """The Verlauf of an Antrag or Verlangen (``events``: its chain, oldest first), shaped as
    ``history_entries``: it has no definition, its steps and states are worded by
    ``council_requests.terms``."""
    names = full_names(session, {e.actor for e in events})
    town = session.get(Municipality, request.municipality_id)
    return [
        _entry(
            e,
            names,
            town,
            what=request_terms.EVENT_LABELS.get(e.trigger, "Geändert"),
            dest=request_terms.STATES.get(e.dest or "", e.dest or ""),
        )
        for e in reversed(events)
    ]


def _entry(
    event: AuditEvent,
    names: dict[str, str],
    town: Municipality | None,
    *,
    what: str,
    dest: str,
) -> dict[str, object]:
    return {
        "event": event,
        "who": names.get(event.actor, event.actor),
        "role": actor_role(event.actor_role, town),
        "what": what,
        "dest": dest,
        "for_whom": acted_for(event),
        "comment": _comment(event),
    }


def _comment(event: AuditEvent) -> str | None:
    """The remark of a step; the reason of an Absetzung, which its record keeps in its data."""
    given = event.comment or (event.data or {}).get("comment")
    return given if isinstance(given, str) and given else None


def _meeting_of(event: AuditEvent) -> int | None:
    value = (event.data or {}).get("meeting_id")
    return value if isinstance(value, int) else None


def _meetings_named(
    session: Session, events: Sequence[AuditEvent], own: int | None
) -> dict[int | None, str]:
    """ " (Sitzung des Gemeinderats am 23.04.2024)" for each step that names its meeting:
    "Auf Tagesordnung setzen" three times said nothing of where. A Sitzung's own page need
    not name itself (``own``)."""
    ids = {m for m in map(_meeting_of, events) if m is not None} - {own}
    if not ids:
        return {}
    rows = session.exec(
        select(Meeting, Body)
        .join(Body, col(Body.id) == col(Meeting.body_id))
        .where(col(Meeting.id).in_(ids))
    )
    return {m.id: f" ({meeting_title(b.name, m.meeting_date)})" for m, b in rows}
