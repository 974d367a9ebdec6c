"""Whom a deadline addresses: the roles its rule reminds, and the instance's owner where the
rule says so (a rule that reminds nobody: whom it escalates to). The personal calendar feed
and "Meine Fristen" list only these, so a councillor does not find the administration's
deadlines among his own."""

from __future__ import annotations

from sqlmodel import Session

from workflow.deadlines.standing import rule_for
from workflow.definitions.machines import Workflows
from workflow.models import CouncilRequest, Deadline


def concerns(
    session: Session, workflows: Workflows, deadline: Deadline, role: str, user_id: int | None
) -> bool:
    """Whether the deadline's reminders (or, where it has none, its escalation) go to a user
    of ``role`` (or to ``user_id`` as the instance's owner)."""
    from workflow.services.transition import KINDS

    standing = rule_for(deadline)  # a council request's (workflow.deadlines.standing)
    model = CouncilRequest if standing is not None else KINDS.get(deadline.instance_type)
    instance = session.get(model, deadline.instance_id) if model is not None else None
    if instance is None:
        return False
    if standing is not None:
        rule = standing
    else:
        spec = workflows.get(instance.definition_name, instance.definition_version).spec  # type: ignore[attr-defined]
        found = spec.deadline_rules.get(deadline.rule)
        if found is None:  # a rule its version does not name (written by hand): cannot tell
            return True
        _, rule = found
    who = rule.remind
    if not who.roles and not who.owner and rule.escalation is not None:
        who = rule.escalation.to  # nobody is reminded: it is the concern of whom it escalates to
    owner = who.owner and getattr(instance, "author_id", None) == user_id
    return role in who.roles or bool(owner)
