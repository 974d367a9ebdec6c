"""Guards, actions and deadline anchors by name: definitions refer to these, never to code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from workflow.context import FiringContext

GuardCheck = Callable[[FiringContext], str | None]
ActionRun = Callable[[FiringContext], None]
AnchorResolve = Callable[[FiringContext], date | None]


@dataclass(frozen=True)
class Guard:
    """A named condition; ``check`` returns None when met, else the German refusal reason."""

    name: str
    check: GuardCheck
    legal_basis: str | None = None


@dataclass(frozen=True)
class Action:
    name: str
    run: ActionRun


@dataclass(frozen=True)
class Anchor:
    """Where a deadline is counted from (meeting day, resolution date, ...)."""

    name: str
    resolve: AnchorResolve
    # The anchor is itself the due date (a fixed date set by an authority): no period needed.
    is_due_date: bool = False


@dataclass
class Registry:
    guards: dict[str, Guard] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    anchors: dict[str, Anchor] = field(default_factory=dict)

    def add(self, items: Iterable[Guard | Action | Anchor]) -> Registry:
        for item in items:
            table: dict[str, Guard] | dict[str, Action] | dict[str, Anchor]
            if isinstance(item, Guard):
                table = self.guards
            elif isinstance(item, Action):
                table = self.actions
            else:
                table = self.anchors
            if item.name in table:
                raise ValueError(f"duplicate registry name: {item.name}")
            table[item.name] = item  # type: ignore[assignment]
        return self

    def has_guard(self, name: str) -> bool:
        return name in self.guards

    def has_action(self, name: str) -> bool:
        return name in self.actions

    def has_anchor(self, name: str) -> bool:
        return name in self.anchors

    def anchor_is_due_date(self, name: str) -> bool:
        return self.anchors[name].is_due_date


def default_registry() -> Registry:
    """The registry of this codebase, wired explicitly (no import-time registration)."""
    from workflow.documents import mailing  # invitations and extracts by e-mail
    from workflow.rules import (
        anchors,
        circulation,
        council_substitute,
        decision_rules,
        meeting_rules,
        proposal_actions,
        proposal_guards,
    )
    from workflow.services import decisions  # actions that open and fire other instances

    return (
        Registry()
        .add(proposal_guards.GUARDS)
        .add(proposal_actions.ACTIONS)
        .add(meeting_rules.GUARDS)
        .add(meeting_rules.ACTIONS)
        .add(anchors.ANCHORS)
        .add(decision_rules.GUARDS)
        .add(decision_rules.ACTIONS)
        .add(decision_rules.ANCHORS)
        .add(decisions.ACTIONS)
        .add(circulation.GUARDS)
        .add(circulation.ACTIONS)
        .add(council_substitute.GUARDS)
        .add(council_substitute.ACTIONS)
        .add(mailing.ACTIONS)
    )
