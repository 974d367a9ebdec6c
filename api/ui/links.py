"""Where each kind of object lives in the UI (the paths mails and calendars link to)."""

from __future__ import annotations

from typing import Any

from workflow.models import DecisionResponse


def instance_path(kind: str, instance: Any) -> str:
    if kind == "proposal":
        return f"/vorlagen/{instance.id}"
    if kind == "meeting":
        return f"/sitzungen/{instance.id}"
    if kind == "decision_request":
        return f"/abfragen/{instance.id}"
    if kind == "decision_response" and isinstance(instance, DecisionResponse):
        return f"/abfragen/{instance.request_id}/antworten/{instance.id}"
    if kind == "council_request":
        return f"/antraege/{instance.id}"
    return "/"


# Meeting steps done on the meeting screen, where attendance and the items are at hand.
ON_SCREEN = frozenset({"open_session", "close_session", "sign_minutes"})

# Where on its object's page an action of another kind is done (the section's id).
ACTION_SECTIONS = {
    "meeting": "aktionen",
    "decision_request": "beenden",
    "decision_response": "antworten",
}


def action_path(kind: str, instance: Any, trigger: str) -> str:
    """The page where an action is checked and confirmed; proposals have their own, a session's
    opening, closing and signed minutes the meeting screen, other kinds are done on their
    object's page, at the section of its actions."""
    if kind == "proposal":
        return f"/vorlagen/{instance.id}/aktionen/{trigger}"
    if kind == "meeting" and trigger in ON_SCREEN:
        # the meeting's page has no form for them: a task row leads to the screen itself
        return f"/sitzungen/{instance.id}/durchfuehren"
    section = ACTION_SECTIONS.get(kind)
    return instance_path(kind, instance) + (f"#{section}" if section else "")
