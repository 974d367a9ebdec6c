"""The shapes of a step's form on the pages: its fields, the form, and what was read from it
(``api.ui.actions`` builds them per trigger; the meeting page's actions reuse them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # text | textarea | select | checkbox | checkboxes | number
    required: bool = False
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    # Required only under a condition: that condition, shown instead of "optional".
    needed: str | None = None
    # A required select with no options: why, and (label, path) of what to do instead.
    missing: str | None = None
    missing_link: tuple[str, str] | None = None
    # Values of a select that are not offered for a reason the user should read when he
    # sends one anyway (a form loaded before the Nachtrag period ended): (value, reason).
    refusals: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ActionForm:
    trigger: str
    label: str
    dest_label: str
    fields: tuple[FormField, ...]
    legal: bool
    primary: bool = False

    @property
    def dead_end(self) -> FormField | None:
        """A required choice with nothing to choose: the form cannot succeed, so the page
        says why and what to do instead of an empty select and a button that only earns
        "Bitte wählen …"."""
        return next(
            (f for f in self.fields if f.kind == "select" and f.required and not f.options),
            None,
        )


@dataclass
class ActionInput:
    comment: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
