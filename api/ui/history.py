"""What one audit event says on a page, one way for a Vorlage's Verlauf and the home page's
"Neu seit": the step's label, else the event's (``EVENT_LABELS``), with what it names
("Bearbeitet: Betreff und Beratungsfolge", "Vollzugsaufgabe angelegt „Bauantrag stellen“",
"Anlage hinzugefügt „Lageplan.pdf“")."""

from __future__ import annotations

from api.ui.drafts import changed_fields
from workflow.event_labels import EVENT_LABELS
from workflow.models import AuditEvent

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
