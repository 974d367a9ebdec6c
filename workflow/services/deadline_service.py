"""Deadlines as users see them: list with status, waive with a reason, move with a meeting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflow import audit
from workflow.access import meeting_read_clause, proposal_read_clause, within_tenant
from workflow.context import Actor, FiringContext, local_date
from workflow.deadlines.acts import schedule_acts, skip_pending
from workflow.deadlines.addressees import readable_clause, readable_kinds
from workflow.deadlines.lifecycle import (
    StartingDeadline,
    compute_due,
    open_deadlines,
    starting_deadlines,
)
from workflow.deadlines.standing import rule_for
from workflow.definitions.machines import Workflows
from workflow.documents import german
from workflow.errors import (
    Conflict,
    DeadlineNotWaivable,
    InvalidInput,
    StaleVersion,
    not_found,
)
from workflow.limits import require_reason
from workflow.loaded_rows import bump_version
from workflow.models import (
    CouncilRequest,
    Deadline,
    DecisionRequest,
    DecisionResponse,
    Meeting,
    Proposal,
)
from workflow.services.common import require_role
from workflow.services.transition import load_instance

WAIVE_ROLES = ("mayor", "secretary")
STATUSES = ("open", "met", "missed", "elapsed", "waived", "cancelled")
STILL_TO_DO = ("open", "missed")  # what a deadline list shows first, and whole
# What the district coordinator's lists hold: the deadlines of its decision requests and of
# the municipalities' answers to them.
DISTRICT_KINDS = frozenset({"decision_request", "decision_response"})


def still_to_do() -> ColumnElement[bool]:
    """Open, or missed and not done yet: the work at hand. A missed deadline done late (its
    instance moved on, e.g. the Landratsamt's default applied to a silent municipality) is
    closed and settled: it stays "missed" in the record, but nobody has to act on it."""
    return and_(col(Deadline.status).in_(STILL_TO_DO), col(Deadline.closed_at).is_(None))


def done_late() -> ColumnElement[bool]:
    """A missed deadline closed afterwards: settled (done late, or no longer to be done)."""
    return and_(col(Deadline.status) == "missed", col(Deadline.closed_at).is_not(None))


def list_deadlines(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    instance_type: str | None = None,
    instance_id: int | None = None,
    status: str | None = None,
    due_before: date | None = None,
) -> list[Deadline]:
    """The actor's municipality's deadlines, oldest due first (ties by id); for the district
    coordinator those of the district's decision requests and of the answers to them; for a
    councillor only those that concern him (``deadlines.addressees``)."""
    query = deadlines_query(
        actor=actor,
        workflows=workflows,
        instance_type=instance_type,
        instance_id=instance_id,
        statuses=None if status is None else (status,),
        due_before=due_before,
    )
    return list(session.exec(query))


def deadlines_query(
    *,
    actor: Actor,
    workflows: Workflows,
    instance_type: str | None = None,
    instance_id: int | None = None,
    statuses: Sequence[str] | None = None,
    due_before: date | None = None,
    to_do: bool = False,
) -> SelectOfScalar[Deadline]:
    """``list_deadlines`` as a query (``listing.page_of`` pages it); ``statuses``: any of
    them; ``to_do``: only what is still to do (``still_to_do``).

    The administration reads every deadline of its municipality; a councillor only those
    that concern him or his body: the administration's internal deadlines (Mitzeichnung,
    Einladung, Niederschrift, Veröffentlichung) are no step of his
    (``deadlines.addressees.readable_clause``)."""
    unknown = sorted(set(statuses or ()) - set(STATUSES))
    if unknown:
        raise InvalidInput(f"Unbekannter Status {unknown[0]!r}", field="status")
    query = select(Deadline)
    if actor.role == "district_coordinator" and actor.district_id is not None:
        requests = select(DecisionRequest.id).where(
            DecisionRequest.district_id == actor.district_id
        )
        responses = select(DecisionResponse.id).where(
            col(DecisionResponse.request_id).in_(requests)
        )
        query = query.where(
            or_(
                and_(
                    col(Deadline.instance_type) == "decision_request",
                    col(Deadline.instance_id).in_(requests),
                ),
                and_(
                    col(Deadline.instance_type) == "decision_response",
                    col(Deadline.instance_id).in_(responses),
                ),
            )
        )
    elif not actor.is_system:
        if actor.municipality_id is None:
            query = query.where(false())
        else:
            query = query.where(
                Deadline.municipality_id == actor.municipality_id,
                _readable(actor),
                readable_clause(workflows, actor.role, actor.user_id),
            )
    if instance_type is not None:
        query = query.where(Deadline.instance_type == instance_type)
    if instance_id is not None:
        query = query.where(Deadline.instance_id == instance_id)
    if statuses is not None:
        query = query.where(col(Deadline.status).in_(statuses))
    if to_do:
        query = query.where(still_to_do())
    if due_before is not None:
        query = query.where(col(Deadline.due_date) <= due_before)
    return query.order_by(col(Deadline.due_date), col(Deadline.id))


def listed_kinds(*, actor: Actor, workflows: Workflows) -> frozenset[str] | None:
    """The kinds of instance whose deadlines ``deadlines_query`` can list for the actor (a
    list's "Art" filter offers only these); None: every kind."""
    if actor.is_system:
        return None
    if actor.role == "district_coordinator" and actor.district_id is not None:
        return DISTRICT_KINDS
    if actor.municipality_id is None:
        return frozenset()
    return readable_kinds(workflows, actor.role)


def _readable(actor: Actor) -> ColumnElement[bool]:
    """A deadline is read under the rule of the proposal or meeting it belongs to.

    Only a municipality's deadlines are listed here, and a deadline carries the municipality
    of its instance (``deadlines.lifecycle``), so the proposals are those of that
    municipality: an index finds them, where the whole district's published ones would not.
    """
    proposals = select(Proposal.id).where(proposal_read_clause(actor, actor.municipality_id))
    meetings = select(Meeting.id).where(meeting_read_clause(actor))
    return or_(
        col(Deadline.instance_type).not_in(("proposal", "meeting")),
        and_(col(Deadline.instance_type) == "proposal", col(Deadline.instance_id).in_(proposals)),
        and_(col(Deadline.instance_type) == "meeting", col(Deadline.instance_id).in_(meetings)),
    )


def waive_deadline(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    deadline_id: int,
    reason: str,
) -> Deadline:
    """A soft rule's deadline may be waived, with the reason recorded (DOMAIN.md "soft").

    Hard ones may not: the objection week (§ 43 Abs. 2 GemO), the re-decision (§ 43 Abs. 2
    S. 4), the report of an urgent decision (§ 43 Abs. 4) and the minutes (§ 38 Abs. 2) are
    statutory musts, and waiving the objection week would also cancel its finalize.
    """
    # Locked, so that of two waiving at once the second sees the deadline closed (409).
    deadline = session.get(Deadline, deadline_id, with_for_update=True)
    if deadline is None or not within_tenant(session, actor, deadline.municipality_id):
        raise not_found("Frist")
    require_role(actor, "waive_deadline", WAIVE_ROLES)
    if not reason.strip():
        raise InvalidInput("Für den Verzicht ist eine Begründung nötig", field="reason")
    require_reason(reason, what="Die Begründung des Verzichts", field="reason")
    if deadline.status not in ("open", "missed") or deadline.closed_at is not None:
        raise Conflict("Die Frist ist bereits abgeschlossen")
    rule = rule_for(deadline)  # a council request's standing rule (§ 34 Abs. 1 S. 3 GemO)
    if rule is not None:
        instance: Any = session.get(CouncilRequest, deadline.instance_id)
    else:
        instance = load_instance(session, deadline.instance_type, deadline.instance_id, actor)
        spec = workflows.get(instance.definition_name, instance.definition_version).spec
        _, rule = spec.deadline_rules.get(deadline.rule, (None, None))
    if rule is None or not rule.soft:
        raise DeadlineNotWaivable(
            rule=deadline.rule,
            label=deadline.label,
            legal_basis=rule.legal_basis if rule is not None else None,
        )
    deadline.status = "waived"
    deadline.waived_reason = reason
    deadline.closed_at = now
    session.add(deadline)
    skip_pending(session, deadline_id, note="Frist erlassen")
    audit.note(
        session,
        deadline.instance_type,
        instance,
        actor,
        now,
        "waive_deadline",
        comment=reason,
        data={"deadline_id": deadline_id, "rule": deadline.rule},
    )
    session.flush()
    return deadline


def reschedule_meeting(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    meeting_date: date,
    reason: str,
    expected_version: int | None = None,
) -> Meeting:
    """Move a meeting; deadlines counted from its day move with it (and their reminders)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, "reschedule_meeting", ("mayor", "secretary"))
    require_reason(reason, what="Der Grund der Verlegung", field="reason")
    if expected_version is not None and meeting.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=meeting.version)
    if meeting.state not in ("planned", "agenda"):
        raise Conflict(
            "Nach der Einladung wird eine Sitzung abgesagt und neu einberufen, nicht verschoben"
        )
    if meeting_date < local_date(now):
        raise InvalidInput("Der neue Sitzungstag liegt in der Vergangenheit", field="meeting_date")
    earlier = session.get(Meeting, meeting.second_session_of) if meeting.second_session_of else None
    if earlier is not None and meeting_date <= earlier.meeting_date:
        raise InvalidInput(  # § 37 Abs. 3 GemO: the second session follows the first
            f"Die zweite Sitzung muss nach der Sitzung vom {german.day(earlier.meeting_date)} "
            "stattfinden",
            field="meeting_date",
        )
    old = meeting.meeting_date
    meeting.meeting_date = meeting_date
    bump_version(session, meeting, now)  # a concurrent writer fails here, not later
    spec = workflows.get(meeting.definition_name, meeting.definition_version).spec
    rules = spec.deadline_rules
    for deadline in session.exec(
        select(Deadline).where(
            Deadline.instance_type == "meeting",
            Deadline.instance_id == meeting_id,
            Deadline.status == "open",
        )
    ):
        _, rule = rules[deadline.rule]
        if rule.anchor != "meeting_day":
            continue
        deadline.due_date, deadline.explanation = compute_due(
            session,
            meeting.municipality_id,
            rule,
            meeting_date,
            workflows.registry.anchors[rule.anchor].day_label,
        )
        session.add(deadline)
        session.flush()
        schedule_acts(session, deadline, rule, now=now)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "reschedule",
        data={"from": old, "to": meeting_date},
        comment=reason,
    )
    session.flush()
    return meeting


def deadlines_on_entry(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    kind: str,
    instance: Any,
    trigger: str,
    now: datetime,
) -> list[StartingDeadline]:
    """The deadlines ``trigger`` would open on ``instance`` if fired now, with their due
    dates, computed by the engine's own ``starting_deadlines`` (the function the firing
    stores them with) and nothing written: so a page can say before "Zur Mitzeichnung geben"
    that the co-signing would already be overdue. The caller has read ``instance`` under the
    actor's rights. A rule with a deadline still active is left out (it stays open, as in
    the firing); none for a trigger not possible in the instance's state."""
    wf = workflows.get(instance.definition_name, instance.definition_version)
    transition = wf.spec.transition_for(trigger, instance.state)
    if transition is None or transition.dest == instance.state:
        return []
    ctx = FiringContext(
        session=session,
        kind=kind,
        instance=instance,
        actor=actor,
        now=now,
        trigger=trigger,
        source=instance.state,
        dest=transition.dest,
        workflows=workflows,
    )
    active = {d.rule for d in open_deadlines(session, kind, int(instance.id))}
    with session.no_autoflush:
        return starting_deadlines(ctx, wf.spec, workflows.registry, still_open=active)
