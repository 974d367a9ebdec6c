"""Guards, actions and deadline anchors by name: definitions refer to these, never to code.

The registry only stores what it is given; ``workflow.composition`` assembles the project's
rules into it, so that the rules may use these types without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from sqlalchemy import ColumnElement

from workflow.context import FiringContext

GuardCheck = Callable[[FiringContext], str | None]
# The instance's model (``Proposal``) -> the clause, or None where the guard has none.
GuardCandidates = Callable[[type], ColumnElement[bool] | None]
ActionRun = Callable[[FiringContext], None]
AnchorResolve = Callable[[FiringContext], date | None]


@dataclass(frozen=True)
class Guard:
    """A named condition; ``check`` returns None when met, else the German refusal reason."""

    name: str
    check: GuardCheck
    legal_basis: str | None = None
    # What ``check`` needs as SQL over its instance's table, never narrower than ``check``:
    # a list of a user's tasks skips the rows where the guard cannot hold without loading
    # them (years of archived Vorlagen whose resolution is long published).
    candidates: GuardCandidates | None = None
    # The guard asks who the actor is (the requested co-signer, not the author, a biased
    # mayor): evaluated for another role's step in the asker's context it says nothing about
    # whether that step is open for those who hold the role (``Registry.actor_guards``).
    about_actor: bool = False
    # Of those, one that says whose turn among the role's holders it is (the requested
    # co-signers', not one who has co-signed, the mayor's once all co-signed): refused only
    # by such guards, the step is another holder's, and the pages leave it out as they do
    # another role's (``Registry.turn_guards``). Not a bar of the person (a biased mayor),
    # whose reason the pages tell.
    turn: bool = False
    # Unmet, the guard says the step does not apply to this matter at all, or no longer (not
    # vorlagepflichtig, already published): nothing anyone can do or wait for, so the pages
    # leave such an action out instead of listing it as "noch nicht möglich" with its reason
    # (``Registry.applicability_guards``). Unlike a scope guard it is the matter's facts, not
    # its kind, and the API still lists the action as refused.
    applicability: bool = False
    # Of the turn guards, one refusing because the actor has done his part in this state
    # (co-signed): his exits from the state go with it, a department head who co-signed is
    # no longer the one to return the Vorlage with an Anmerkung (``Registry.done_guards``;
    # the API still lets him, a withdrawal of his consent before the release).
    done: bool = False
    # Unmet, the guard is what the others presuppose, and only its reason is told: before
    # the day of the session (§ 34 Abs. 1 GemO) "Die Anwesenheit ist nicht erfasst. Nicht
    # beschlussfähig – 0 von 9 …" (§ 37 Abs. 2) would read as a fault a week ahead
    # (``ActionOption.premise_reasons``).
    premise: bool = False

    def __post_init__(self) -> None:
        if self.turn and not self.about_actor:
            raise ValueError(f"a turn guard asks who the actor is: {self.name} about_actor")
        if self.done and not self.turn:
            raise ValueError(f"a done guard says whose turn it is: {self.name} turn")


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
    # How a deadline's explanation names the day it counts back from ("Sitzungstag").
    day_label: str = "Bezugstag"


DeadlineWording = Callable[[FiringContext, str], str]


@dataclass(frozen=True)
class DeadlineLabel:
    """A deadline's label for one instance, worded from its definition's label (``name``:
    the deadline rule): the Unterrichtung after an Eilentscheidung names the body whose
    matter it was (§ 43 Abs. 4 Satz 3 GemO), which a released definition cannot."""

    name: str
    word: DeadlineWording


FieldType = Literal["text", "integer", "boolean", "date", "person", "choice"]


@dataclass(frozen=True)
class Choice:
    """One option of a ``choice`` or ``person`` field: the value to send, the German label."""

    value: str | int
    label: str


OptionsFor = Callable[[FiringContext], list[Choice]]


@dataclass(frozen=True)
class FieldSpec:
    """An input a guard checks or an action reads, as a form shows it.

    ``path`` is where the value goes in the transition request: ``comment`` or
    ``data.<name>``. Options depend on the instance (the meetings open for its agenda), so
    they are computed when the actions are listed.
    """

    path: str
    type: FieldType
    label: str
    required: bool = False
    multiple: bool = False
    help: str | None = None
    minimum: int | None = None
    options: OptionsFor | None = None


@dataclass(frozen=True)
class OpenStep:
    """A step done through its own route (attendance, votes, signatures), not a trigger: a
    transition's guard waits for it, so ``/actions`` points to it while the guard is unmet."""

    kind: str
    label: str


@dataclass
class Registry:
    guards: dict[str, Guard] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    anchors: dict[str, Anchor] = field(default_factory=dict)
    # Keyed by guard or action name: the inputs it reads.
    fields: dict[str, tuple[FieldSpec, ...]] = field(default_factory=dict)
    # Guards that check nothing but their declared input: listing actions does not count
    # them as blocking (the form asks for the input); firing still checks them.
    input_guards: frozenset[str] = frozenset()
    # Guards that say whether a transition belongs to the instance at all (e.g. its kind of
    # Vorlage), not whether it may fire now: listing actions leaves such a transition out
    # instead of listing it as blocked; firing still checks them.
    scope_guards: frozenset[str] = frozenset()
    # Keyed by guard name: the non-transition step the guard waits for.
    steps: dict[str, OpenStep] = field(default_factory=dict)
    # Keyed by deadline rule: how its label reads for the instance (``DeadlineLabel``).
    deadline_labels: dict[str, DeadlineLabel] = field(default_factory=dict)

    def add(self, items: Iterable[Guard | Action | Anchor | DeadlineLabel]) -> Registry:
        for item in items:
            table: (
                dict[str, Guard] | dict[str, Action] | dict[str, Anchor] | dict[str, DeadlineLabel]
            )
            if isinstance(item, DeadlineLabel):
                table = self.deadline_labels
            elif isinstance(item, Guard):
                table = self.guards
            elif isinstance(item, Action):
                table = self.actions
            else:
                table = self.anchors
            if item.name in table:
                raise ValueError(f"duplicate registry name: {item.name}")
            table[item.name] = item  # type: ignore[assignment]
        return self

    def describe(
        self,
        fields: Mapping[str, tuple[FieldSpec, ...]],
        *,
        input_guards: Iterable[str] = (),
        scope_guards: Iterable[str] = (),
        steps: Mapping[str, OpenStep] | None = None,
    ) -> Registry:
        """Attach input fields and open steps to registered guards and actions by name."""
        steps = steps or {}
        input_guards = frozenset(input_guards)
        scope_guards = frozenset(scope_guards)
        for name in [*fields, *input_guards, *scope_guards, *steps]:
            if name not in self.guards and name not in self.actions:
                raise ValueError(f"fields or steps for an unregistered name: {name}")
        for name in [*input_guards, *scope_guards, *steps]:
            if name not in self.guards:
                raise ValueError(f"not a guard: {name}")
        self.fields.update(fields)
        self.input_guards = self.input_guards | input_guards
        self.scope_guards = self.scope_guards | scope_guards
        self.steps.update(steps)
        return self

    @property
    def actor_guards(self) -> frozenset[str]:
        """The guards registered ``about_actor``."""
        return frozenset(name for name, guard in self.guards.items() if guard.about_actor)

    @property
    def turn_guards(self) -> frozenset[str]:
        """The guards registered as saying whose ``turn`` it is."""
        return frozenset(name for name, guard in self.guards.items() if guard.turn)

    @property
    def applicability_guards(self) -> frozenset[str]:
        """The guards registered as ``applicability`` of a step to the matter."""
        return frozenset(name for name, guard in self.guards.items() if guard.applicability)

    @property
    def done_guards(self) -> frozenset[str]:
        """The guards registered as saying the actor's part is ``done``."""
        return frozenset(name for name, guard in self.guards.items() if guard.done)

    @property
    def premise_guards(self) -> frozenset[str]:
        """The guards registered as a ``premise`` of the others."""
        return frozenset(name for name, guard in self.guards.items() if guard.premise)

    def fields_for(self, guards: Iterable[str], actions: Iterable[str]) -> list[FieldSpec]:
        """A transition's inputs: those of its guards, then of its actions; one per path,
        required when any of them requires it."""
        merged: dict[str, FieldSpec] = {}
        for name in [*guards, *actions]:
            for spec in self.fields.get(name, ()):
                known = merged.get(spec.path)
                if known is None:
                    merged[spec.path] = spec
                elif spec.required and not known.required:
                    merged[spec.path] = replace(known, required=True)
        return list(merged.values())

    def has_guard(self, name: str) -> bool:
        return name in self.guards

    def has_action(self, name: str) -> bool:
        return name in self.actions

    def has_anchor(self, name: str) -> bool:
        return name in self.anchors

    def anchor_is_due_date(self, name: str) -> bool:
        return self.anchors[name].is_due_date
