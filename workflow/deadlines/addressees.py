"""Whom a deadline addresses: the roles its rule reminds, and the instance's owner where the
rule says so (a rule that reminds nobody: whom it escalates to). The personal calendar feed
and "Meine Fristen" list only these, so a councillor does not find the administration's
deadlines among his own. The deadline lists (``workflow.services.deadline_service``) show a
councillor these and those of requests to the council (``readable_clause``), no other:
Mitzeichnung, Einladung, Niederschrift, Veröffentlichung are the administration's internal
deadlines, no step of the honorary council (§ 32 GemO)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import Session, col, select

from workflow.deadlines.standing import COUNCIL_REQUEST, RULES, rule_for
from workflow.definitions.machines import Workflows
from workflow.definitions.spec import DeadlineRuleSpec, Recipients
from workflow.models import CouncilRequest, Deadline

# The administration keeps the municipality's deadlines and reads all of them (the Rathaus'
# overview on /fristen, a Vorlage's and a Sitzung's page); every other role of a
# municipality reads only those that concern it (``readable_clause``).
DEADLINE_KEEPERS = frozenset({"clerk", "cosigner", "mayor", "secretary"})
# Requests to the council are its own matters: a Sitzungs- or Tagesordnungsverlangen of its
# members (§ 34 Abs. 1 S. 3, 4 GemO), an Einwohnerantrag the council must deal with within
# three months (§ 20b Abs. 3), the youth representation's (§ 41a Abs. 2). Their Frist is
# the time within which the body takes them up; the councillors read it (as on the Anträge
# pages), though the reminders go to the administration that prepares the session.
COUNCIL_MATTERS = frozenset({COUNCIL_REQUEST})


def addressees(rule: DeadlineRuleSpec) -> Recipients:
    """Whom the rule reminds; where it reminds nobody, whom it escalates to (it is their
    concern)."""
    who = rule.remind
    if not who.roles and not who.owner and rule.escalation is not None:
        who = rule.escalation.to
    return who


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
    who = addressees(rule)
    owner = who.owner and getattr(instance, "author_id", None) == user_id
    return role in who.roles or bool(owner)


def _rules(workflows: Workflows) -> Iterator[tuple[str, DeadlineRuleSpec]]:
    """Every deadline rule any loaded definition version names, with the kind of instance
    it opens on, and the council requests' standing rules."""
    for workflow in workflows:
        for _, rule in workflow.spec.deadline_rules.values():
            yield workflow.spec.applies_to, rule
    for rule in RULES.values():
        yield COUNCIL_REQUEST, rule


def _addressed_rules(
    workflows: Workflows, role: str
) -> tuple[dict[str, set[str]], dict[str, tuple[Any, set[str]]]]:
    """The rules by kind of instance that address ``role``, and those that address the
    instance's owner, with the model whose ``author_id`` names him (kinds without one are
    left out: nobody owns their instances)."""
    from workflow.services.transition import KINDS

    models = {**KINDS, COUNCIL_REQUEST: CouncilRequest}
    by_role: dict[str, set[str]] = {}
    by_owner: dict[str, tuple[Any, set[str]]] = {}
    for kind, rule in _rules(workflows):
        who = addressees(rule)
        if role in who.roles:
            by_role.setdefault(kind, set()).add(rule.rule)
        elif who.owner and getattr(models.get(kind), "author_id", None) is not None:
            by_owner.setdefault(kind, (models[kind], set()))[1].add(rule.rule)
    return by_role, by_owner


def addressed_clause(workflows: Workflows, role: str, user_id: int | None) -> ColumnElement[bool]:
    """``concerns`` as SQL, so lists filter and page in the database: deadlines of rules
    that address ``role``, or the owner where ``user_id`` wrote the instance. A rule is
    matched by name over all loaded versions of its definition (a deadline row does not
    carry the version)."""
    by_role, by_owner = _addressed_rules(workflows, role)
    clauses: list[ColumnElement[bool]] = [
        and_(col(Deadline.instance_type) == kind, col(Deadline.rule).in_(sorted(rules)))
        for kind, rules in sorted(by_role.items())
    ]
    if user_id is None:
        return or_(false(), *clauses)
    for kind, (model, rules) in sorted(by_owner.items()):
        owned = select(model.id).where(model.author_id == user_id)
        clauses.append(
            and_(
                col(Deadline.instance_type) == kind,
                col(Deadline.rule).in_(sorted(rules)),
                col(Deadline.instance_id).in_(owned),
            )
        )
    return or_(false(), *clauses)


def readable_kinds(workflows: Workflows, role: str) -> frozenset[str] | None:
    """The kinds of instance (``Deadline.instance_type``) that can hold a deadline
    ``readable_clause`` lets a user of ``role`` read, e.g. to offer only these as a filter;
    None for the administration, which reads every kind."""
    if role in DEADLINE_KEEPERS:
        return None
    by_role, by_owner = _addressed_rules(workflows, role)
    kinds = set(by_role) | set(by_owner)
    if role == "council_member":
        kinds |= COUNCIL_MATTERS
    return frozenset(kinds)


def readable_clause(workflows: Workflows, role: str, user_id: int | None) -> ColumnElement[bool]:
    """The deadlines of his municipality a user of ``role`` reads (beside what he may read
    of the instance): the administration all of them; a councillor those addressed to him
    and those of requests to the council; any other role (the system administration) only
    those addressed to it."""
    if role in DEADLINE_KEEPERS:
        return true()
    clause = addressed_clause(workflows, role, user_id)
    if role == "council_member":
        clause = or_(clause, col(Deadline.instance_type).in_(sorted(COUNCIL_MATTERS)))
    return clause
