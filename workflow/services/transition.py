"""Fire one trigger as one unit of work: role, guards, machine, state, audit, deadlines."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, SQLModel, select

from workflow import audit
from workflow.access import instance_visible, request_visible
from workflow.context import SYSTEM, Actor, FiringContext, local_date
from workflow.db import pinned
from workflow.deadlines.lifecycle import (
    DeadlineEffect,
    apply_transition,
    close_ending,
    open_starting,
)
from workflow.definitions.machines import LightModel, Workflow, Workflows
from workflow.definitions.spec import DefinitionSpec, TransitionSpec
from workflow.deputies import substitutions
from workflow.engine import ActionOption, PendingStep, action_options, pending_steps, unmet_guards
from workflow.errors import (
    GuardsUnmet,
    NotFound,
    RoleRefused,
    StaleVersion,
    TriggerNotAllowed,
    UnknownTrigger,
    not_found,
)
from workflow.limits import require_reason
from workflow.models import (
    DecisionRequest,
    DecisionResponse,
    Meeting,
    Proposal,
)
from workflow.services.firing_load import load_for_firing
from workflow.wording import wording_for

logger = logging.getLogger(__name__)

KINDS: dict[str, type[SQLModel]] = {
    "proposal": Proposal,
    "meeting": Meeting,
    "decision_request": DecisionRequest,
    "decision_response": DecisionResponse,
}
KIND_LABELS = {
    "proposal": "Beschlussvorlage",
    "meeting": "Sitzung",
    "decision_request": "Abfrage",
    "decision_response": "Antwort",
}
MAX_AUTOMATIC_STEPS = 10


@dataclass(frozen=True)
class Fired:
    """One transition as it happened, for the caller to report (demo, API)."""

    kind: str
    instance_id: int
    trigger: str
    actor: str
    source: str
    dest: str
    dest_label: str
    label: str  # the transition's words, e.g. "Zur Mitzeichnung geben"
    done_label: str  # what happened, e.g. "Zur Mitzeichnung gegeben" (TransitionSpec.done)
    version: int
    seq: int
    deadlines: tuple[DeadlineEffect, ...] = ()
    followed_by: tuple[Fired, ...] = field(default_factory=tuple)


def load_instance(
    session: Session, kind: str, instance_id: int, actor: Actor, *, for_firing: bool = False
) -> Any:
    """The row, or NotFound when missing or outside the actor's tenant (no existence leak).

    ``for_firing``: what every firing reads comes along in the same query: the audit head
    (the firing appends to it), the municipality (tenant check, calendar, periods) and a
    proposal's author (four eyes, notifications); ``pinned`` keeps them for the firing."""
    model = KINDS.get(kind)
    if model is None:
        instance = None
    elif for_firing and session.identity_map.get(identity_key(model, instance_id)) is None:
        instance = load_for_firing(session, kind, model, instance_id)
    else:
        instance = session.get(model, instance_id)
    if instance is None or not _visible(session, actor, instance):
        raise (
            not_found(KIND_LABELS[kind])
            if kind in KIND_LABELS
            else NotFound("Der Eintrag wurde nicht gefunden.")
        )
    return instance


def _load_as_self_or_deputy(
    session: Session,
    kind: str,
    instance_id: int,
    actor: Actor,
    now: datetime,
    *,
    for_firing: bool = False,
) -> Any:
    """A deputy sees what the absent holder he acts for may see (workflow.deputies)."""
    try:
        return load_instance(session, kind, instance_id, actor, for_firing=for_firing)
    except NotFound:
        for deputy in substitutions(session, actor, local_date(now)):
            try:
                return load_instance(session, kind, instance_id, deputy)
            except NotFound:
                continue
        raise


def _visible(session: Session, actor: Actor, instance: Any) -> bool:
    if isinstance(instance, DecisionRequest):
        return request_visible(session, actor, instance)
    return instance_visible(session, actor, instance)


def open_initial_deadlines(
    *,
    session: Session,
    workflows: Workflows,
    kind: str,
    instance: Any,
    actor: Actor,
    now: datetime,
    seq: int = 1,
) -> list[DeadlineEffect]:
    """A new instance enters its initial state: open that state's deadlines, as any
    transition into it would."""
    wf = workflow_of(workflows, instance)
    ctx = FiringContext(
        session=session,
        kind=kind,
        instance=instance,
        actor=actor,
        now=now,
        trigger="create",
        source="",
        dest=instance.state,
    )
    effects = apply_transition(ctx, wf.spec, workflows.registry, seq=seq)
    session.flush()
    return effects


def workflow_of(workflows: Workflows, instance: Any) -> Workflow:
    return workflows.get(instance.definition_name, instance.definition_version)


def _listing_context(
    session: Session, kind: str, instance: Any, actor: Actor, now: datetime
) -> Callable[[TransitionSpec], FiringContext]:
    def make_ctx(t: TransitionSpec) -> FiringContext:
        return FiringContext(
            session=session,
            kind=kind,
            instance=instance,
            actor=actor,
            now=now,
            trigger=t.trigger,
            source=instance.state,
            dest=t.dest,
        )

    return make_ctx


def available_actions(
    *,
    session: Session,
    workflows: Workflows,
    kind: str,
    instance_id: int,
    actor: Actor,
    now: datetime,
    guards_for_holders: bool = False,
) -> list[ActionOption]:
    with pinned(session):
        return _available_actions(
            session, workflows, kind, instance_id, actor, now, guards_for_holders
        )


def _available_actions(
    session: Session,
    workflows: Workflows,
    kind: str,
    instance_id: int,
    actor: Actor,
    now: datetime,
    guards_for_holders: bool,
) -> list[ActionOption]:
    instance = _load_as_self_or_deputy(session, kind, instance_id, actor, now, for_firing=True)
    wf = workflow_of(workflows, instance)
    make_ctx = _listing_context(session, kind, instance, actor, now)
    with session.no_autoflush:
        options = action_options(
            wf.spec,
            workflows.registry,
            instance.state,
            actor,
            make_ctx,
            guards_for_holders=guards_for_holders,
        )
        # Stellvertretung: what the actor may do for an absent holder is offered too, marked
        # "in Vertretung" (workflow.deputies).
        for deputy in substitutions(session, actor, local_date(now)):
            make = _listing_context(session, kind, instance, deputy, now)
            theirs = action_options(wf.spec, workflows.registry, instance.state, deputy, make)
            by_trigger = {o.trigger: o for o in theirs}
            for i, own in enumerate(options):
                other = by_trigger.get(own.trigger)
                if other is not None and not own.allowed and other.allowed:
                    label = f"{other.label} (in Vertretung für {deputy.on_behalf_of_name})"
                    options[i] = replace(other, label=label)
        return options


def open_steps(
    *,
    session: Session,
    workflows: Workflows,
    kind: str,
    instance_id: int,
    actor: Actor,
    now: datetime,
) -> list[PendingStep]:
    """The non-transition steps a transition from the current state waits for."""
    instance = load_instance(session, kind, instance_id, actor)
    wf = workflow_of(workflows, instance)
    make_ctx = _listing_context(session, kind, instance, actor, now)
    with session.no_autoflush, pinned(session):
        return pending_steps(wf.spec, workflows.registry, instance.state, make_ctx)


def fire(
    *,
    session: Session,
    workflows: Workflows,
    kind: str,
    instance_id: int,
    trigger: str,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
    comment: str | None = None,
    data: Mapping[str, Any] | None = None,
    base_url: str = "",
) -> Fired:
    """Fire ``trigger``; the caller owns the transaction (services flush, never commit).

    ``base_url`` is where links in notifications written by the transition's actions point.
    Everything the firing loads stays pinned in the session until it ends, so guards,
    actions and deadline rules read each row once (issue 14).
    """
    require_reason(comment, what="Der Kommentar", field="comment")
    for key, value in (data or {}).items():  # emergency_reason, late_reason, urgent_reason …
        if key.endswith("_reason") and isinstance(value, str):
            require_reason(value, what="Die Begründung", field=f"data.{key}")
    with pinned(session):
        return _fire(
            session=session,
            workflows=workflows,
            kind=kind,
            instance_id=instance_id,
            trigger=trigger,
            actor=actor,
            now=now,
            expected_version=expected_version,
            comment=comment,
            data=data,
            base_url=base_url,
        )


def _fire(
    *,
    session: Session,
    workflows: Workflows,
    kind: str,
    instance_id: int,
    trigger: str,
    actor: Actor,
    now: datetime,
    expected_version: int | None,
    comment: str | None,
    data: Mapping[str, Any] | None,
    base_url: str,
) -> Fired:
    instance = _load_as_self_or_deputy(session, kind, instance_id, actor, now, for_firing=True)
    wf = workflow_of(workflows, instance)

    def as_(who: Actor) -> Fired:
        transition = check_trigger(wf.spec, trigger, instance.state, who)
        if expected_version is not None and instance.version != expected_version:
            raise StaleVersion(expected=expected_version, actual=instance.version)
        if transition is None or (transition.automatic and not who.is_system):
            raise TriggerNotAllowed(
                trigger=trigger,
                state=instance.state,
                state_label=wording_for(instance, session).state(wf.spec, instance.state),
            )
        return _run(
            session,
            workflows,
            wf,
            kind,
            instance,
            transition,
            who,
            now,
            comment,
            data or {},
            base_url=base_url,
        )

    try:
        return as_(actor)
    except GuardsUnmet as unmet:
        # Guards read what others committed since the instance was loaded: a refusal that
        # follows from a concurrent change is that change's conflict, not a bad request.
        _raise_if_stale(session, kind, instance, expected_version)
        refused: RoleRefused | GuardsUnmet = unmet
    except RoleRefused as role_refused:
        refused = role_refused
    # Stellvertretung (§ 48 GemO, workflow.deputies): the step is not the actor's own, but
    # may be that of an absent holder he acts for. Role and guards are checked before
    # anything is written, so trying again is safe.
    for deputy in substitutions(session, actor, local_date(now)):
        try:
            return as_(deputy)
        except (RoleRefused, GuardsUnmet):
            continue
    raise refused


def check_trigger(
    spec: DefinitionSpec, trigger: str, state: str, actor: Actor
) -> TransitionSpec | None:
    """The checks that hold whatever the client's version: the trigger exists, and the
    actor's role may fire it (here, or anywhere when it is not possible here); so a role
    refusal is reported before a stale version, and an unknown trigger as unknown."""
    same = [t for t in spec.transitions if t.trigger == trigger]
    if not same:
        raise UnknownTrigger(trigger=trigger, known=spec.triggers)
    transition = spec.transition_for(trigger, state)
    manual = [t for t in same if actor.is_system or not t.automatic]
    if transition is not None and (actor.is_system or not transition.automatic):
        roles = transition.roles
    else:
        # Not possible here: refuse by role only when the role could fire it nowhere.
        roles = tuple(dict.fromkeys(r for t in manual for r in t.roles))
        if not manual or actor.role in roles:
            return transition
    if actor.role not in roles:
        raise RoleRefused(
            trigger=trigger, role=actor.role, allowed_roles=roles, label=same[0].label
        )
    return transition


def _run(
    session: Session,
    workflows: Workflows,
    wf: Workflow,
    kind: str,
    instance: Any,
    transition: TransitionSpec,
    actor: Actor,
    now: datetime,
    comment: str | None,
    data: Mapping[str, Any],
    depth: int = 0,
    *,
    base_url: str = "",
) -> Fired:
    source = instance.state
    ctx = FiringContext(
        session=session,
        kind=kind,
        instance=instance,
        actor=actor,
        now=now,
        trigger=transition.trigger,
        source=source,
        dest=transition.dest,
        data=data,
        comment=comment,
        workflows=workflows,
        base_url=base_url,
    )
    with session.no_autoflush:
        unmet = unmet_guards(transition, workflows.registry, ctx)
    if unmet:
        raise GuardsUnmet(trigger=transition.trigger, unmet=unmet)
    model = LightModel(source, ctx)
    wf.machine.events[transition.trigger].trigger(model)
    instance.state = model.state
    with session.no_autoflush:  # the instance's change goes out in its versioned UPDATE
        ending = close_ending(ctx, wf.spec, riding=ctx.riding)
        # The deadlines the new state opens ride too, unless an action left rows unwritten
        # that their rules may read (e.g. a resolution's date): then they open after the
        # UPDATE and the flush that follows it, as they always did.
        riding_opens = _only_instance_changed(session, instance)
        if riding_opens:
            next_seq = audit.next_seq(session, kind, instance.id)
            opening = open_starting(
                ctx, wf.spec, workflows.registry, seq=next_seq, ending=ending, riding=ctx.riding
            )
    # The versioned UPDATE goes out first, the audit event, the task messages and the closed
    # and opened deadlines riding on it (one statement on PostgreSQL): a concurrent writer of
    # the same version loses here, before anything else of this firing is written.
    event = audit.append_bumping(
        session,
        instance,
        instance_type=kind,
        actor=actor,
        trigger=transition.trigger,
        source=source,
        now=now,
        comment=comment,
        data={**dict(data), **ctx.audit_data},
        riding=ctx.riding,
    )
    ctx.riding.clear()
    if not riding_opens:
        opening = open_starting(ctx, wf.spec, workflows.registry, seq=event.seq, ending=ending)
    effects = [*ending.effects, *opening]
    for rider in ctx.riding:  # none expected after the UPDATE; never dropped
        rider.write_apart(session)
    session.flush()
    dest, version = instance.state, instance.version
    logger.info(
        "fired %s %s on %s %s: %s -> %s",
        actor.username,
        transition.trigger,
        kind,
        instance.id,
        source,
        dest,
    )
    followed = _automatic(session, workflows, wf, kind, instance, now, depth, base_url)
    # the words the user reads: the municipality's mayor, the body of an Eilentscheidung
    wording = wording_for(instance, session)
    return Fired(
        kind=kind,
        instance_id=instance.id,
        trigger=transition.trigger,
        actor=actor.username,
        source=source,
        dest=dest,
        dest_label=wording.state(wf.spec, dest),
        label=wording.label(transition),
        done_label=wording.done(transition),
        version=version,
        seq=event.seq,
        deadlines=tuple(effects),
        followed_by=followed,
    )


def _only_instance_changed(session: Session, instance: Any) -> bool:
    """Nothing pending in the session but the firing's own instance."""
    return not session.new and not session.deleted and all(o is instance for o in session.dirty)


def _raise_if_stale(
    session: Session, kind: str, instance: Any, expected_version: int | None
) -> None:
    if expected_version is None:
        return
    model = KINDS[kind]
    current = session.exec(
        select(model.version).where(model.id == instance.id)  # type: ignore[attr-defined]
    ).first()
    if current is not None and current != expected_version:
        raise StaleVersion(expected=expected_version, actual=current)


def _automatic(
    session: Session,
    workflows: Workflows,
    wf: Workflow,
    kind: str,
    instance: Any,
    now: datetime,
    depth: int,
    base_url: str,
) -> tuple[Fired, ...]:
    """Automatic transitions (co-signing complete) fire as ``system`` once their guards pass."""
    if depth >= MAX_AUTOMATIC_STEPS:
        return ()
    for transition in wf.spec.transitions_from(instance.state):
        if not transition.automatic:
            continue
        ctx = FiringContext(
            session=session,
            kind=kind,
            instance=instance,
            actor=SYSTEM,
            now=now,
            trigger=transition.trigger,
            source=instance.state,
            dest=transition.dest,
        )
        with session.no_autoflush:
            if unmet_guards(transition, workflows.registry, ctx):
                continue
        fired = _run(
            session,
            workflows,
            wf,
            kind,
            instance,
            transition,
            SYSTEM,
            now,
            None,
            {},
            depth + 1,
            base_url=base_url,
        )
        return (fired,)
    return ()
