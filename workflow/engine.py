"""Pure decisions over a definition: which triggers an actor may fire, and why not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workflow.context import Actor, FiringContext
from workflow.errors import UnmetGuard
from workflow.registry import Registry
from workflow.spec import DefinitionSpec, TransitionSpec

ROLE_LABELS = {
    "clerk": "Sachbearbeitung",
    "cosigner": "Mitzeichnung",
    "mayor": "Bürgermeister/in",
    "secretary": "Schriftführung",
    "council_member": "Ratsmitglied",
    "district_coordinator": "Landratsamt",
    "admin": "Administration",
    "system": "System",
}


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


def role_allows(transition: TransitionSpec, actor: Actor) -> bool:
    return actor.role in transition.roles


def role_reason(transition: TransitionSpec) -> str:
    names = ", ".join(ROLE_LABELS.get(r, r) for r in transition.roles)
    return f"nur für: {names}"


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
) -> list[ActionOption]:
    """Every manual trigger of the definition, allowed or with the reason it is blocked."""
    options: list[ActionOption] = []
    state_label = spec.state_label(state)
    for trigger in spec.triggers:
        transition = spec.transition_for(trigger, state)
        if transition is None:
            any_t = next(t for t in spec.transitions if t.trigger == trigger)
            if any_t.automatic:
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
        if transition.automatic:
            continue
        if not role_allows(transition, actor):
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
                )
            )
            continue
        unmet = unmet_guards(transition, registry, make_ctx(transition))
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
            )
        )
    return options
