"""Rows and engine results to API shapes (labels come from the pinned definition)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from sqlmodel import Session

from api.schemas.actions import (
    ActionFieldRead,
    ActionRead,
    ActionsRead,
    ChoiceRead,
    GuardRead,
    NotPossibleRead,
    OpenStepRead,
    PendingCosignerRead,
    TriggerRead,
)
from api.schemas.decisions import (
    DecisionRequestRead,
    DecisionResponseRead,
    OptionTotal,
    OverviewRead,
    OverviewRowRead,
)
from api.schemas.meetings import AgendaItemRead, MeetingRead, MeetingSummary
from api.schemas.proposals import (
    DeadlineChange,
    FiredRead,
    ProposalRead,
    TransitionResult,
)
from workflow.agenda_numbers import top_number, top_numbers
from workflow.definitions.machines import Workflows
from workflow.engine import ActionField, ActionOption, PendingStep
from workflow.models import AgendaItem, DecisionRequest, Meeting, Proposal
from workflow.models.base import WorkflowInstance
from workflow.models.proposal import DATABASE_MAINTAINED
from workflow.roles import role_label
from workflow.services.actions import Actions
from workflow.services.decision_overview import Overview
from workflow.services.listing import ResponseView
from workflow.services.transition import Fired
from workflow.wording import wording_for


def state_label(workflows: Workflows, instance: WorkflowInstance) -> str:
    """The state's label worded for the instance's municipality (``workflow.wording``)."""
    try:
        spec = workflows.get(instance.definition_name, instance.definition_version).spec
    except KeyError:
        return instance.state
    return wording_for(instance).state(spec, instance.state)


def proposal_read(workflows: Workflows, proposal: Proposal) -> ProposalRead:
    return ProposalRead.model_validate(
        {
            **proposal.model_dump(exclude=set(DATABASE_MAINTAINED)),
            "label": proposal.label,
            "state_label": state_label(workflows, proposal),
            "kind_label": proposal.kind_label,
        }
    )


def meeting_summary(workflows: Workflows, meeting: Meeting) -> MeetingSummary:
    return MeetingSummary.model_validate(
        {**meeting.model_dump(), "state_label": state_label(workflows, meeting)}
    )


def meeting_read(
    workflows: Workflows,
    meeting: Meeting,
    items: list[AgendaItem],
    notice: str | None = None,
    *,
    complete: bool = True,
) -> MeetingRead:
    """The meeting with ``items``, numbered as the pages and papers number them
    (workflow.agenda_numbers); without ``complete`` (some items hidden from the caller) the
    positions count the visible ones only, so no gap tells of a non-public item."""
    numbers = top_numbers(items)
    agenda = [
        AgendaItemRead.model_validate(item).model_copy(
            update={"number": numbers.get(item.id or 0), **({} if complete else {"position": n})}
        )
        for n, item in enumerate(items, start=1)
    ]
    return MeetingRead.model_validate(
        {
            **meeting.model_dump(),
            "state_label": state_label(workflows, meeting),
            "second_session_notice": notice,
            "agenda": agenda,
        }
    )


def agenda_item_read(session: Session, item: AgendaItem) -> AgendaItemRead:
    """One item with its TOP number (none once taken off)."""
    number = None if item.removed else top_number(session, item)
    return AgendaItemRead.model_validate(item).model_copy(update={"number": number})


def agenda_reads(items: list[AgendaItem]) -> list[AgendaItemRead]:
    """A meeting's whole agenda, each item with its TOP number."""
    numbers = top_numbers(items)
    return [
        AgendaItemRead.model_validate(i).model_copy(update={"number": numbers.get(i.id or 0)})
        for i in items
    ]


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


def _field(field: ActionField) -> ActionFieldRead:
    return ActionFieldRead(
        name=field.path.removeprefix("data."),
        path=field.path,
        type=field.type,
        label=field.label,
        required=field.required,
        multiple=field.multiple,
        help=field.help,
        minimum=field.minimum,
        options=None
        if field.options is None
        else [ChoiceRead(value=c.value, label=c.label) for c in field.options],
    )


def _action(option: ActionOption, labels: Callable[[str], str]) -> ActionRead:
    return ActionRead(
        trigger=option.trigger,
        label=option.label,
        dest=option.dest,
        dest_label=labels(option.dest) if option.dest else None,
        allowed=option.allowed,
        blocked_by=option.blocked_by,
        reasons=list(option.reasons),
        unmet_guards=[GuardRead(name=g.name, message=g.message) for g in option.unmet_guards],
        roles=list(option.roles),
        role_labels=[role_label(r) for r in option.roles],
        legal_basis=option.legal_basis,
        fields=[_field(f) for f in option.fields],
    )


def _step_href(kind: str, instance_id: int | None, step: PendingStep) -> str | None:
    base = "/api/v1"
    if step.kind == "votes" and step.meeting_id and step.agenda_item_id:
        return f"{base}/meetings/{step.meeting_id}/agenda-items/{step.agenda_item_id}/votes"
    paths = {
        ("meeting", "agenda"): "meetings/{id}/agenda-items",
        ("meeting", "attendance"): "meetings/{id}/attendance",
        ("meeting", "outcomes"): "meetings/{id}",
        ("meeting", "minutes_signatures"): "meetings/{id}/minutes-signatures",
        ("proposal", "execution_tasks"): "proposals/{id}/execution-tasks",
        ("proposal", "cosignatures"): "proposals/{id}",
    }
    path = paths.get((kind, step.kind))
    return f"{base}/{path.format(id=instance_id)}" if path else None


def actions_read(workflows: Workflows, kind: str, result: Actions) -> ActionsRead:
    instance = result.instance
    try:
        spec = workflows.get(instance.definition_name, instance.definition_version).spec
        labels: Callable[[str], str] = functools.partial(wording_for(instance).state, spec)
    except KeyError:
        labels = str
    current = labels(instance.state)
    return ActionsRead(
        state=instance.state,
        state_label=current,
        version=instance.version,
        allowed=[_action(o, labels) for o in result.options if o.allowed],
        blocked=[
            _action(o, labels) for o in result.options if not o.allowed and o.blocked_by != "state"
        ],
        not_possible=NotPossibleRead(
            reason=f'Im Zustand "{current}" nicht möglich',
            actions=[
                TriggerRead(trigger=o.trigger, label=o.label)
                for o in result.options
                if o.blocked_by == "state"
            ],
        ),
        cosigners_pending=[
            PendingCosignerRead(username=c.username, name=c.name, mandatory=c.mandatory)
            for c in result.cosigners_pending
        ],
        open_steps=[
            OpenStepRead(
                kind=s.kind,
                label=s.label,
                detail=s.detail,
                href=_step_href(kind, instance.id, s),
            )
            for s in result.steps
        ],
    )


def decision_request_read(workflows: Workflows, request: DecisionRequest) -> DecisionRequestRead:
    return DecisionRequestRead.model_validate(
        {**request.model_dump(), "state_label": state_label(workflows, request)}
    )


def decision_response_read(workflows: Workflows, view: ResponseView) -> DecisionResponseRead:
    response, request = view.response, view.request
    return DecisionResponseRead.model_validate(
        {
            **response.model_dump(),
            "request_title": request.title,
            "reply_deadline": request.reply_deadline,
            "municipality": view.municipality,
            "option_label": request.option_label(response.option) if response.option else "",
            "state_label": state_label(workflows, response),
        }
    )


def overview_read(result: Overview) -> OverviewRead:
    request = result.request
    return OverviewRead(
        request_id=request.id or 0,
        title=request.title,
        state=request.state,
        reply_deadline=request.reply_deadline,
        default_option=request.default_option,
        rows=[OverviewRowRead.model_validate(row) for row in result.rows],
        totals=[
            OptionTotal(option=key, label=request.option_label(key), count=count)
            for key, count in result.totals.items()
        ],
        overdue=result.overdue,
    )
