"""Rows and engine results to API shapes (labels come from the pinned definition)."""

from __future__ import annotations

from api.schemas.meetings import AgendaItemRead, MeetingRead, MeetingSummary
from api.schemas.proposals import (
    ActionRead,
    ActionsRead,
    DeadlineChange,
    FiredRead,
    GuardRead,
    ProposalRead,
    TransitionResult,
)
from workflow.engine import ActionOption
from workflow.machines import Workflows
from workflow.models import AgendaItem, Meeting, Proposal
from workflow.services.transition import Fired


def state_label(workflows: Workflows, instance: Proposal | Meeting) -> str:
    try:
        spec = workflows.get(instance.definition_name, instance.definition_version).spec
    except KeyError:
        return instance.state
    return spec.state_label(instance.state)


def proposal_read(workflows: Workflows, proposal: Proposal) -> ProposalRead:
    return ProposalRead.model_validate(
        {
            **proposal.model_dump(),
            "label": proposal.label,
            "state_label": state_label(workflows, proposal),
        }
    )


def meeting_summary(workflows: Workflows, meeting: Meeting) -> MeetingSummary:
    return MeetingSummary.model_validate(
        {**meeting.model_dump(), "state_label": state_label(workflows, meeting)}
    )


def meeting_read(workflows: Workflows, meeting: Meeting, items: list[AgendaItem]) -> MeetingRead:
    return MeetingRead.model_validate(
        {
            **meeting.model_dump(),
            "state_label": state_label(workflows, meeting),
            "agenda": [AgendaItemRead.model_validate(i) for i in items],
        }
    )


def _deadlines(fired: Fired) -> list[DeadlineChange]:
    return [
        DeadlineChange(change=d.change, rule=d.rule, label=d.label, due_date=d.due_date)
        for d in fired.deadlines
    ]


def _fired(fired: Fired) -> FiredRead:
    return FiredRead(
        trigger=fired.trigger,
        actor=fired.actor,
        source=fired.source,
        state=fired.dest,
        state_label=fired.dest_label,
        version=fired.version,
        deadlines=_deadlines(fired),
        followed_by=[_fired(f) for f in fired.followed_by],
    )


def transition_result(fired: Fired) -> TransitionResult:
    last = fired
    while last.followed_by:
        last = last.followed_by[-1]
    return TransitionResult(
        kind=fired.kind,
        id=fired.instance_id,
        trigger=fired.trigger,
        state=last.dest,
        state_label=last.dest_label,
        version=last.version,
        deadlines=_deadlines(fired),
        followed_by=[_fired(f) for f in fired.followed_by],
    )


def _action(option: ActionOption) -> ActionRead:
    return ActionRead(
        trigger=option.trigger,
        label=option.label,
        dest=option.dest,
        allowed=option.allowed,
        blocked_by=option.blocked_by,
        reasons=list(option.reasons),
        unmet_guards=[GuardRead(name=g.name, message=g.message) for g in option.unmet_guards],
        roles=list(option.roles),
    )


def actions_read(
    workflows: Workflows, instance: Proposal | Meeting, options: list[ActionOption]
) -> ActionsRead:
    return ActionsRead(
        state=instance.state,
        state_label=state_label(workflows, instance),
        version=instance.version,
        allowed=[_action(o) for o in options if o.allowed],
        blocked=[_action(o) for o in options if not o.allowed],
    )
