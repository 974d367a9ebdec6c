"""Frozen pydantic model of a workflow definition (``definitions/*.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from workflow.law.periods import Period, PeriodError
from workflow.roles import ROLES as ROLES

_NAME = r"^[a-z][a-z0-9_]*$"


def _check_period(value: str) -> str:
    try:
        return Period.parse(value).iso()
    except PeriodError as exc:
        raise ValueError(str(exc)) from exc


IsoPeriod = Annotated[str, AfterValidator(_check_period)]

DONE_LABEL_MAX = 80


def _check_done_label(value: str) -> str:
    """A past step's name as a record shows it ("Eingereicht"): one short line of text."""
    if not value.strip():
        raise ValueError("darf nicht leer sein")
    if value != value.strip() or "\n" in value or "\r" in value:
        raise ValueError("muss eine Zeile ohne führende oder folgende Leerzeichen sein")
    if len(value) > DONE_LABEL_MAX:
        raise ValueError(f"höchstens {DONE_LABEL_MAX} Zeichen, angegeben: {len(value)}")
    return value


# What happened, for records of a past step (Verlauf, "Neu seit"); ``label`` is the
# infinitive or imperative a button shows ("Einreichen" / "Eingereicht").
DoneLabel = Annotated[str, AfterValidator(_check_done_label)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recipients(_Frozen):
    """Whom a reminder or escalation reaches: roles of the instance's municipality, the owner."""

    roles: tuple[str, ...] = ()
    owner: bool = False


class Escalation(_Frozen):
    after: IsoPeriod = "P1D"
    every: IsoPeriod | None = None
    times: int = Field(default=1, ge=1, le=20)
    to: Recipients


class DeadlineRuleSpec(_Frozen):
    """A Frist opened when its state is entered; the scheduler (sweep) acts on it."""

    rule: str = Field(pattern=_NAME)
    label: str
    legal_basis: str | None = None
    anchor: str = Field(pattern=_NAME)
    period: IsoPeriod | None = None
    direction: Literal["after", "before"] = "after"
    soft: bool = False
    # A window (e.g. the objection week) only bounds an option: its passing is no failure.
    window: bool = False
    closed_by: tuple[str, ...] = ()
    closed_by_triggers: tuple[str, ...] = ()
    reminders: tuple[IsoPeriod, ...] = ()
    # A registered guard that must be met when the state is entered, else the rule does not
    # apply to this instance and no deadline opens (§ 41b Abs. 5 GemO: public resolutions only).
    when: str | None = Field(default=None, pattern=_NAME)
    remind: Recipients = Recipients()
    escalation: Escalation | None = None
    on_expiry: str | None = None


class StateSpec(_Frozen):
    name: str = Field(pattern=_NAME)
    label: str
    final: bool = False
    description: str | None = None
    deadlines: tuple[DeadlineRuleSpec, ...] = ()


class TransitionSpec(_Frozen):
    trigger: str = Field(pattern=_NAME)
    label: str
    # The step as a record names it once it happened ("Eingereicht"); without one, the
    # label. Released versions get theirs from definitions/display/done_labels.yaml.
    done_label: DoneLabel | None = None
    source: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    automatic: bool = False
    # False: an option the user may take but is never asked to (withdrawing a Vorlage,
    # cancelling a meeting): it alone does not make an instance one of his tasks. "owner":
    # the task of the instance's owner only (a draft is its author's to submit, though the
    # mayor may submit it too).
    task: bool | Literal["owner"] = True
    legal_basis: str | None = None

    @property
    def done(self) -> str:
        """The name of this step once taken: its done_label, else its label."""
        return self.done_label or self.label

    @field_validator("source", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value


class DefinitionSpec(_Frozen):
    name: str = Field(pattern=_NAME)
    version: int = Field(ge=1)
    title: str
    applies_to: Literal["proposal", "meeting", "decision_request", "decision_response"]
    initial: str
    states: tuple[StateSpec, ...] = Field(min_length=1)
    transitions: tuple[TransitionSpec, ...] = Field(min_length=1)

    def state(self, name: str) -> StateSpec:
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(name)

    def state_label(self, name: str) -> str:
        try:
            return self.state(name).label
        except KeyError:
            return name

    def step_label(self, trigger: str, source: str | None, dest: str) -> str | None:
        """What the step an audit event records did, in the past tense ("Eingereicht": its
        done_label, else its label); None for an event that only shares its name (one
        signature under the minutes is "sign_minutes" too, staying "closed")."""
        step = self.step(trigger, source, dest)
        return step.done if step is not None else None

    def step(self, trigger: str, source: str | None, dest: str) -> TransitionSpec | None:
        """The transition an audit event records, if it is one (see ``step_label``)."""
        step = self.transition_for(trigger, source) if source else None
        return step if step is not None and step.dest == dest else None

    def transition_for(self, trigger: str, source: str) -> TransitionSpec | None:
        for transition in self.outgoing.get(source, ()):
            if transition.trigger == trigger:
                return transition
        return None

    def transitions_from(self, source: str) -> list[TransitionSpec]:
        return list(self.outgoing.get(source, ()))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy without the cached lookups (``outgoing``, ``deadline_rules``): pydantic
        copies the instance's ``__dict__``, where they are kept, and an update of states or
        transitions would leave them stale."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _CACHED:
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def outgoing(self) -> dict[str, tuple[TransitionSpec, ...]]:
        """The transitions out of each state, in definition order: every firing and every
        list of allowed actions asks, and a spec does not change (frozen)."""
        by_state: dict[str, list[TransitionSpec]] = {}
        for transition in self.transitions:
            for source in dict.fromkeys(transition.source):
                by_state.setdefault(source, []).append(transition)
        return {state: tuple(found) for state, found in by_state.items()}

    @cached_property
    def deadline_rules(self) -> dict[str, tuple[str, DeadlineRuleSpec]]:
        """Each deadline rule by name, with the state that opens it."""
        return {rule.rule: (state.name, rule) for state in self.states for rule in state.deadlines}

    @property
    def triggers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.trigger for t in self.transitions))


_CACHED = tuple(
    name for name, value in vars(DefinitionSpec).items() if isinstance(value, cached_property)
)
