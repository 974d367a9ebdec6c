"""What the caller can do with one instance now: its actions with their form fields, who
still has to co-sign, and the steps done outside the transitions that are still open."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from workflow.context import Actor, local_date
from workflow.db import pinned
from workflow.definitions.machines import Workflows
from workflow.deputies import substitutions
from workflow.engine import ActionOption, PendingStep
from workflow.errors import NotFound
from workflow.models import Proposal, User
from workflow.queries import cosignatures, current_agenda_item
from workflow.services.listing import Instance, readable
from workflow.services.transition import available_actions, load_instance, open_steps


@dataclass(frozen=True)
class PendingCosigner:
    username: str
    name: str
    mandatory: bool  # the finance office, where money is spent outside the budget plan


@dataclass(frozen=True)
class Actions:
    instance: Instance
    options: list[ActionOption]
    steps: list[PendingStep]
    cosigners_pending: list[PendingCosigner]


def pending_cosigners(session: Session, proposal: Proposal) -> list[PendingCosigner]:
    """Requested co-signers who have not signed yet, while co-signing runs."""
    if proposal.state != "cosigning" or proposal.id is None:
        return []
    pending: list[PendingCosigner] = []
    for row in cosignatures(session, proposal.id):
        user = session.get(User, row.user_id)
        if row.signed_at is None and user is not None:
            pending.append(PendingCosigner(user.username, user.full_name, row.mandatory))
    return pending


def _located(session: Session, instance: Instance, steps: list[PendingStep]) -> list[PendingStep]:
    """Votes are recorded on the agenda item: say which one."""
    item = current_agenda_item(session, instance) if isinstance(instance, Proposal) else None
    if item is None:
        return steps
    return [
        replace(s, meeting_id=item.meeting_id, agenda_item_id=item.id) if s.kind == "votes" else s
        for s in steps
    ]


def _viewer(session: Session, actor: Actor, kind: str, instance_id: int, now: datetime) -> Actor:
    """Who reads the instance: the caller, or, where he cannot, the absent holder he acts
    for in Vertretung (workflow.deputies)."""
    try:
        readable(session, actor, kind, instance_id)
        return actor
    except NotFound:
        for deputy in substitutions(session, actor, local_date(now)):
            try:
                readable(session, deputy, kind, instance_id)
                return deputy
            except NotFound:
                continue
        raise


def actions(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    kind: str,
    instance_id: int,
    now: datetime,
    guards_for_holders: bool = False,
) -> Actions:
    """The triggers the caller may fire now and the blocked ones with their reasons, with the
    instance's state and version (so a client can fire with ``expected_version``).

    Only for what the caller may read: acting rights alone (the coordinator's reach into the
    district) do not reveal an instance. ``guards_for_holders``: see
    ``workflow.engine.action_options`` (the pages' "Nur für …" hints).
    """
    with pinned(session):  # one firing's worth of reads: each row once (issue 14)
        return _actions(session, workflows, actor, kind, instance_id, now, guards_for_holders)


def _actions(
    session: Session,
    workflows: Workflows,
    actor: Actor,
    kind: str,
    instance_id: int,
    now: datetime,
    guards_for_holders: bool,
) -> Actions:
    # The firing's first query (workflow.services.transition): the row with its
    # municipality (whose configuration version lets bodies, roles and absences come from
    # the cache), plan, co-signatures and deadlines in one statement; the read check and the
    # guards then find them loaded (issue 14: five statements were sent before).
    with suppress(NotFound):
        load_instance(session, kind, instance_id, actor, for_firing=True)
    viewer = _viewer(session, actor, kind, instance_id, now)
    options = available_actions(
        session=session,
        workflows=workflows,
        kind=kind,
        instance_id=instance_id,
        actor=actor,
        now=now,
        guards_for_holders=guards_for_holders,
    )
    steps = open_steps(
        session=session,
        workflows=workflows,
        kind=kind,
        instance_id=instance_id,
        actor=viewer,
        now=now,
    )
    instance = load_instance(session, kind, instance_id, viewer)
    pending = pending_cosigners(session, instance) if isinstance(instance, Proposal) else []
    return Actions(
        instance=instance,
        options=options,
        steps=_located(session, instance, steps),
        cosigners_pending=pending,
    )
