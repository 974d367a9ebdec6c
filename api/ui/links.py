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


def action_path(kind: str, instance: Any, trigger: str) -> str:
    """The page where an action is checked and confirmed; proposals have their own, other kinds
    are done on their object's page."""
    if kind == "proposal":
        return f"/vorlagen/{instance.id}/aktionen/{trigger}"
    return instance_path(kind, instance)
