"""Pure decisions over a definition: which triggers an actor may fire, and why not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workflow.context import Actor, FiringContext
from workflow.definitions.registry import Choice, FieldSpec, FieldType, Registry
from workflow.definitions.spec import DefinitionSpec, TransitionSpec
from workflow.errors import UnmetGuard
from workflow.roles import ROLE_LABELS as ROLE_LABELS
from workflow.roles import role_labels

COMMENT = FieldSpec("comment", "text", "Kommentar")


@dataclass(frozen=True)
class ActionField:
    """A form field of one action, its options computed for this instance."""

    path: str
    type: FieldType
    label: str
    required: bool
    multiple: bool
    help: str | None
    minimum: int | None
    options: tuple[Choice, ...] | None


@dataclass(frozen=True)
class ActionOption:
    trigger: str
    label: str
    dest: str | None
    allowed: bool
    blocked_by: str | None  # "state" | "role" | "guard"
    reasons: tuple[str, ...]
    unmet_guards: tuple[UnmetGuard, ...]
    roles: tuple[str, ...]
    fields: tuple[ActionField, ...] = ()
    legal_basis: str | None = None
    # A role-refused action's guards unmet as the instance stands, whoever asks: input
    # guards and those about the actor (``Registry.actor_guards``, which in the asker's
    # context say nothing about those who hold the role) aside. Empty: the step is open for
    # them (the pages name someone else's step only then). Not part of the JSON API.
    unmet_for_holders: tuple[UnmetGuard, ...] = ()
    # An unmet guard says the step does not apply to this matter (``Guard.applicability``):
    # the pages leave it out rather than say why. Not part of the JSON API.
    inapplicable: bool = False
    # Refused only by guards that say it is another holder's turn (``Guard.turn``: not
    # asked to co-sign, already co-signed): not this user's step. Not part of the JSON API.
    others_turn: bool = False
    # Refused only because the actor has done his part here (``Guard.done``: co-signed):
    # the pages leave out his exits from the state too. Not part of the JSON API.
    part_done: bool = False
    # The reasons of unmet guards the others presuppose (``Guard.premise``): told alone.
    # Not part of the JSON API.
    premise_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class PendingStep:
    """A non-transition step a transition from this state waits for (attendance, votes)."""

    kind: str
    label: str
    detail: str
    guard: str
    # Where the step is done, when it belongs to an agenda item (votes).
    meeting_id: int | None = None
    agenda_item_id: int | None = None


def offered(transition: TransitionSpec, actor: Actor) -> bool:
    """Automatic and system-only steps (expiry, defaults) are nobody's action to take."""
    if transition.automatic:
        return False
    return actor.is_system or transition.roles != ("system",)


def out_of_scope(
    transition: TransitionSpec,
    registry: Registry,
    make_ctx: Callable[[TransitionSpec], FiringContext],
) -> bool:
    """A scope guard (``Registry.scope_guards``) unmet: the transition is not one of this
    instance's at all (an Informationsvorlage is not adopted), so it is no action to list."""
    scoped = [name for name in transition.guards if name in registry.scope_guards]
    if not scoped:
        return False
    ctx = make_ctx(transition)
    return any(registry.guards[name].check(ctx) is not None for name in scoped)


def role_allows(transition: TransitionSpec, actor: Actor) -> bool:
    return actor.role in transition.roles


def role_reason(transition: TransitionSpec) -> str:
    return f"nur für: {role_labels(transition.roles)}"


def action_fields(
    transition: TransitionSpec, registry: Registry, ctx: FiringContext
) -> tuple[ActionField, ...]:
    """The inputs the transition's guards and actions read; every action takes a comment."""
    specs = registry.fields_for(transition.guards, transition.actions)
    if not any(s.path == COMMENT.path for s in specs):
        specs.append(COMMENT)
    return tuple(
        ActionField(
            path=s.path,
            type=s.type,
            label=s.label,
            required=s.required,
            multiple=s.multiple,
            help=s.help,
            minimum=s.minimum,
            options=tuple(s.options(ctx)) if s.options is not None else None,
        )
        for s in specs
    )


def unmet_guards(
    transition: TransitionSpec, registry: Registry, ctx: FiringContext
) -> list[UnmetGuard]:
    """Evaluate *all* guards (the machine would stop at the first) so refusals list each."""
    unmet: list[UnmetGuard] = []
    for name in transition.guards:
        reason = registry.guards[name].check(ctx)
        if reason is not None:
            unmet.append(UnmetGuard(name=name, message=reason))
    return unmet


def action_options(
    spec: DefinitionSpec,
    registry: Registry,
    state: str,
    actor: Actor,
    make_ctx: Callable[[TransitionSpec], FiringContext],
    *,
    guards_for_holders: bool = False,
) -> list[ActionOption]:
    """Every manual trigger of the definition, allowed or with the reason it is blocked.

    ``guards_for_holders``: also evaluate a role-refused action's guards
    (``unmet_for_holders``); only the pages ask, the API's listing does not pay for it."""
    options: list[ActionOption] = []
    state_label = spec.state_label(state)
    not_for_holders = registry.input_guards | registry.actor_guards
    applicability = registry.applicability_guards
    turn = registry.turn_guards
    done = registry.done_guards
    premise = registry.premise_guards
    for trigger in spec.triggers:
        transition = spec.transition_for(trigger, state)
        if transition is None:
            any_t = next(t for t in spec.transitions if t.trigger == trigger)
            if not offered(any_t, actor) or out_of_scope(any_t, registry, make_ctx):
                continue
            options.append(
                ActionOption(
                    trigger=trigger,
                    label=any_t.label,
                    dest=None,
                    allowed=False,
                    blocked_by="state",
                    reasons=(f'im Zustand "{state_label}" nicht möglich',),
                    unmet_guards=(),
                    roles=any_t.roles,
                )
            )
            continue
        if not offered(transition, actor) or out_of_scope(transition, registry, make_ctx):
            continue
        if not role_allows(transition, actor):
            others = (
                tuple(
                    g
                    for g in unmet_guards(transition, registry, make_ctx(transition))
                    if g.name not in not_for_holders
                )
                if guards_for_holders
                else ()
            )
            options.append(
                ActionOption(
                    trigger=trigger,
                    label=transition.label,
                    dest=transition.dest,
                    allowed=False,
                    blocked_by="role",
                    reasons=(role_reason(transition),),
                    unmet_guards=(),
                    roles=transition.roles,
                    unmet_for_holders=others,
                )
            )
            continue
        ctx = make_ctx(transition)
        # A guard that checks only its input is the form's business, not a blocker.
        unmet = [
            g
            for g in unmet_guards(transition, registry, ctx)
            if g.name not in registry.input_guards
        ]
        options.append(
            ActionOption(
                trigger=trigger,
                label=transition.label,
                dest=transition.dest,
                allowed=not unmet,
                blocked_by="guard" if unmet else None,
                reasons=tuple(g.message for g in unmet),
                unmet_guards=tuple(unmet),
                roles=transition.roles,
                fields=action_fields(transition, registry, ctx),
                legal_basis=transition.legal_basis,
                inapplicable=any(g.name in applicability for g in unmet),
                others_turn=bool(unmet) and all(g.name in turn for g in unmet),
                part_done=bool(unmet) and all(g.name in done for g in unmet),
                premise_reasons=tuple(g.message for g in unmet if g.name in premise),
            )
        )
    return options


def pending_steps(
    spec: DefinitionSpec,
    registry: Registry,
    state: str,
    make_ctx: Callable[[TransitionSpec], FiringContext],
) -> list[PendingStep]:
    """Steps done outside the transitions that a transition from ``state`` waits for,
    whoever may do them: a guard registered as a step and not yet met."""
    found: dict[str, PendingStep] = {}
    for transition in spec.transitions_from(state):
        for name in transition.guards:
            step = registry.steps.get(name)
            if step is None or name in found:
                continue
            reason = registry.guards[name].check(make_ctx(transition))
            if reason is not None:
                found[name] = PendingStep(
                    kind=step.kind, label=step.label, detail=reason, guard=name
                )
    return list(found.values())
