"""Meine Aufgaben: what a user can do now (the engine's allowed actions), what of theirs waits
for others and their deadlines; what changed since their last visit is ``news_since``.

Read-only; the same visibility rules as every list (``workflow.access``) and the same
``available_actions`` as ``GET …/actions``, so a task shown is a task the user may do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import Session, col, select

from workflow import meeting_titles
from workflow.access import (
    decision_request_read_clause,
    decision_response_read_clause,
    meeting_read_clause,
    proposal_read_clause,
)
from workflow.context import Actor, local_date
from workflow.deadlines.addressees import concerns
from workflow.definitions.machines import Workflows
from workflow.definitions.registry import Registry
from workflow.definitions.spec import DefinitionSpec, TransitionSpec
from workflow.deputies import substitutions
from workflow.engine import ActionOption, offered, role_allows
from workflow.errors import WorkflowError
from workflow.models import (
    AuditEvent,
    Body,
    CoSignature,
    CouncilRequest,
    Deadline,
    DecisionRequest,
    DecisionResponse,
    ExecutionTask,
    Meeting,
    Municipality,
    Proposal,
    User,
)
from workflow.queries import full_names
from workflow.services import due_announcements, missed_meetings, written_invitations
from workflow.services.council_requests import ToHandle, to_handle
from workflow.services.council_requests import terms as request_terms
from workflow.services.deadline_service import deadlines_query, still_to_do
from workflow.services.transition import available_actions
from workflow.wording import actor_role, wording_for

MAX_INSTANCES = 200


@dataclass(frozen=True)
class Task:
    """One object with the actions the user may fire on it now."""

    kind: str
    instance_id: int
    title: str
    state_label: str
    actions: tuple[ActionOption, ...]
    due: date | None


@dataclass(frozen=True)
class Waiting:
    """A proposal of the user that waits for someone else (co-signers, the mayor)."""

    proposal: Proposal
    state_label: str
    pending: tuple[str, ...]


def task_filter(
    spec: DefinitionSpec, registry: Registry, model: type, actors: Sequence[Actor]
) -> ColumnElement[bool] | None:
    """Rows that may be a task of one of ``actors`` (the user, and whom he stands in for
    today): in a state with a step they may fire by role, whose guards' SQL candidates
    (``Guard.candidates``) hold. The guards decide the rest per instance; what waits for
    another office (a resolution in its objection period, the mayor's release) or can no
    longer be done (publishing an archived Vorlage's long published resolution) is not
    read, so it cannot crowd his tasks out of the limit. Options that are nobody's task
    (``task: false``: withdrawing, cancelling) count for nothing, a step that is its owner's
    (``task: owner``: submitting a draft) only on his rows. None: no state has a step."""
    state = col(model.state)  # type: ignore[attr-defined]
    by_state: list[ColumnElement[bool]] = []
    for state_spec in spec.states:
        steps = [
            t
            for t in spec.transitions_from(state_spec.name)
            if t.task and any(offered(t, actor) and role_allows(t, actor) for actor in actors)
        ]
        if not steps:
            continue
        alternatives = [
            _both(_candidates(registry, model, t.guards), _owned(t, model, actors)) for t in steps
        ]
        narrowed = [clause for clause in alternatives if clause is not None]
        if len(narrowed) < len(alternatives):  # a step that may hold on any row
            by_state.append(state == state_spec.name)
        else:
            by_state.append(and_(state == state_spec.name, or_(*narrowed)))
    return or_(*by_state) if by_state else None


def _candidates(
    registry: Registry, model: type, guards: Sequence[str]
) -> ColumnElement[bool] | None:
    """What a step's guards need in SQL, None when none of them says."""
    clauses = [
        clause
        for name in guards
        if (guard := registry.guards.get(name)) is not None and guard.candidates is not None
        if (clause := guard.candidates(model)) is not None
    ]
    return and_(*clauses) if clauses else None


def _owned(
    step: TransitionSpec, model: type, actors: Sequence[Actor]
) -> ColumnElement[bool] | None:
    """``task: owner``: rows one of ``actors`` owns (his own draft); None: anyone's."""
    if step.task != "owner":
        return None
    if not hasattr(model, "author_id"):
        return false()  # a kind without an owner: nobody's task
    owners = [a.user_id for a in actors if a.user_id is not None]
    return col(model.author_id).in_(owners)


def _both(
    first: ColumnElement[bool] | None, second: ColumnElement[bool] | None
) -> ColumnElement[bool] | None:
    parts = [c for c in (first, second) if c is not None]
    return and_(*parts) if parts else None


def _task_triggers(spec: DefinitionSpec, row: Any, actors: Sequence[Actor]) -> set[str]:
    """The steps out of the row's state one of ``actors`` is asked to take: not options
    (``task: false``), and a ``task: owner`` step only on what he owns."""
    owners = {a.user_id for a in actors if a.user_id is not None}
    return {
        t.trigger
        for t in spec.transitions_from(row.state)
        if t.task is True or (t.task == "owner" and getattr(row, "author_id", None) in owners)
    }


def spec_of(workflows: Workflows, instance: Any) -> DefinitionSpec:
    """The definition version the instance runs on (not the newest: it may be migrated later)."""
    return workflows.get(instance.definition_name, instance.definition_version).spec


def proposal_title(proposal: Proposal) -> str:
    return f"Vorlage {proposal.label}: {proposal.title}"


def request_title(request: CouncilRequest) -> str:
    """An Antrag by its kind and subject ("Fraktionsantrag: Photovoltaik …")."""
    return f"{request_terms.KINDS.get(request.kind, 'Antrag')}: {request.subject}"


def meeting_title(session: Session, meeting: Meeting) -> str:
    body = session.get(Body, meeting.body_id)
    return meeting_titles.meeting_title(body.name if body else None, meeting.meeting_date)


def _instances(
    session: Session, workflows: Workflows, actor: Actor, stand_ins: Sequence[Actor] = ()
) -> list[tuple[str, Any, str]]:
    """(kind, row, title) of the instances the user can read in a state where he (or one
    of ``stand_ins``, the offices he acts in today) has a step, the newest
    ``MAX_INSTANCES`` of each kind."""
    found: list[tuple[str, Any, str]] = []
    # Below, a municipality's user reads only rows of their municipality; the proposal
    # clause takes that as its argument (the administration then skips the published test).
    kinds: list[tuple[str, Any, ColumnElement[bool]]] = [
        ("proposal", Proposal, proposal_read_clause(actor, actor.municipality_id)),
        ("meeting", Meeting, meeting_read_clause(actor)),
        ("decision_request", DecisionRequest, decision_request_read_clause(actor)),
        ("decision_response", DecisionResponse, decision_response_read_clause(actor)),
    ]
    for kind, model, readable in kinds:
        try:
            spec = workflows.latest(kind).spec
        except KeyError:
            continue
        candidates = task_filter(spec, workflows.registry, model, [actor, *stand_ins])
        if candidates is None:
            continue
        where: list[ColumnElement[bool]] = [readable, candidates]
        if actor.municipality_id is not None and hasattr(model, "municipality_id"):
            where.append(col(model.municipality_id) == actor.municipality_id)
        # The newest first: states with an action left (e.g. publishing an archived Vorlage's
        # resolution) hold years of instances, and the oldest would fill the limit.
        newest = col(model.id).desc()
        rows = list(session.exec(select(model).where(*where).order_by(newest).limit(MAX_INSTANCES)))
        # The meetings' bodies in one query, held while the titles are written: the identity
        # map keeps rows weakly, so each title's ``session.get`` read its body again (101
        # meetings, 101 queries in tests/benchmarks/test_list_plans.py).
        bodies = _bodies_of(session, rows) if model is Meeting else []
        for row in rows:
            found.append((kind, row, title_of(session, kind, row)))
        del bodies
    return found


def _bodies_of(session: Session, meetings: list[Meeting]) -> list[Body]:
    ids = {m.body_id for m in meetings}
    return list(session.exec(select(Body).where(col(Body.id).in_(ids)))) if ids else []


def title_of(session: Session, kind: str, row: Any) -> str:
    """How a task, a waiting entry or a news entry names its object."""
    if isinstance(row, Proposal):
        return proposal_title(row)
    if isinstance(row, Meeting):
        return meeting_title(session, row)
    if isinstance(row, DecisionRequest):
        return f"Abfrage: {row.title}"
    if isinstance(row, CouncilRequest):
        return request_title(row)
    if isinstance(row, DecisionResponse):
        request = session.get(DecisionRequest, row.request_id)
        town = session.get(Municipality, row.municipality_id)
        return f"Antwort {town.name if town else ''}: {request.title if request else ''}"
    return kind


def _next_due(session: Session, kind: str, instance_id: int) -> date | None:
    """The soonest deadline still to do, a missed one included: the task is overdue then."""
    deadline = session.exec(
        select(Deadline)
        .where(
            Deadline.instance_type == kind,
            Deadline.instance_id == instance_id,
            still_to_do(),
        )
        .order_by(col(Deadline.due_date))
    ).first()
    return deadline.due_date if deadline is not None else None


def tasks(*, session: Session, workflows: Workflows, actor: Actor, now: datetime) -> list[Task]:
    """Objects with at least one step the user may take now and is asked to (options such as
    withdrawing are on the object's page, not here); soonest deadline first."""
    found: list[Task] = []
    today = local_date(now)
    stand_ins = substitutions(session, actor, today)
    for kind, row, title in _instances(session, workflows, actor, stand_ins):
        if isinstance(row, Meeting) and missed_meetings.missed(row, today):
            continue  # its steps are moot: it is moved or cancelled (``missed_meetings``)
        try:
            options = available_actions(
                session=session,
                workflows=workflows,
                kind=kind,
                instance_id=row.id,
                actor=actor,
                now=now,
            )
        except WorkflowError:
            continue
        todo = _task_triggers(spec_of(workflows, row), row, [actor, *stand_ins])
        allowed = tuple(o for o in options if o.allowed and o.trigger in todo)
        if not allowed:
            continue
        found.append(
            Task(
                kind=kind,
                instance_id=row.id,
                title=title,
                state_label=wording_for(row, session).state(spec_of(workflows, row), row.state),
                actions=allowed,
                due=_next_due(session, kind, row.id),
            )
        )
    return sorted(found, key=lambda t: (t.due is None, t.due or date.max, t.title))


@dataclass(frozen=True)
class Return:
    """The remark a Vorlage came back to its author with, and who gave it."""

    event: AuditEvent
    who: str
    role: str  # the office he gave it back in (``wording.actor_role``)


def latest_return(session: Session, proposal: Proposal) -> Return | None:
    """While a Vorlage is back in draft after a return (``return_to_author``, with its
    required comment): that return. The remark is what the author has to work in before
    submitting again, so it belongs where he starts, not only in the collapsed Verlauf;
    once submitted again, the last state change is no return and it is history."""
    if proposal.state != "draft" or proposal.id is None:
        return None
    event = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.instance_type == "proposal",
            AuditEvent.instance_id == proposal.id,
            col(AuditEvent.source) != col(AuditEvent.dest),
        )
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    ).first()
    if event is None or event.trigger != "return_to_author":
        return None
    who = full_names(session, {event.actor}).get(event.actor, event.actor)
    town = session.get(Municipality, proposal.municipality_id)
    return Return(event, who, actor_role(event.actor_role, town))


@dataclass(frozen=True)
class Duty:
    """An open Vollzugsaufgabe the user is responsible for (Beschlusskontrolle)."""

    task: ExecutionTask
    proposal: Proposal


def execution_duties(*, session: Session, actor: Actor) -> list[Duty]:
    """Open execution tasks assigned to the user on Vorlagen he can read, soonest target
    date first (those without one last): not steps of the definition, so ``tasks`` does not
    find them, yet they are his work, and ``complete_execution`` waits for them."""
    if actor.user_id is None:
        return []
    rows = session.exec(
        select(ExecutionTask, Proposal)
        .join(Proposal, col(Proposal.id) == col(ExecutionTask.proposal_id))
        .where(
            ExecutionTask.owner_id == actor.user_id,
            ExecutionTask.status == "open",
            proposal_read_clause(actor, actor.municipality_id),
        )
        .order_by(col(ExecutionTask.id))
    )
    duties = [Duty(task, proposal) for task, proposal in rows]
    return sorted(
        duties, key=lambda d: (d.task.target_date is None, d.task.target_date or date.max)
    )


def waiting_for_others(*, session: Session, workflows: Workflows, actor: Actor) -> list[Waiting]:
    """The user's own proposals in co-signing or awaiting release, with who is pending."""
    if actor.user_id is None:
        return []
    rows = session.exec(
        select(Proposal)
        .where(
            Proposal.author_id == actor.user_id,
            col(Proposal.state).in_(("cosigning", "awaiting_release")),
            proposal_read_clause(actor),
        )
        .order_by(col(Proposal.id))
    )
    result: list[Waiting] = []
    for proposal in rows:
        pending: list[str] = []
        if proposal.state == "cosigning":
            open_signatures = session.exec(
                select(User.full_name)
                .join(CoSignature, col(CoSignature.user_id) == col(User.id))
                .where(
                    CoSignature.proposal_id == proposal.id,
                    col(CoSignature.signed_at).is_(None),
                )
                .order_by(col(CoSignature.id))
            )
            pending = list(open_signatures)
        wording = wording_for(proposal, session)
        if proposal.state != "cosigning":
            pending = [f"{wording.mayor} (Freigabe)"]
        label = wording.state(spec_of(workflows, proposal), proposal.state)
        result.append(Waiting(proposal=proposal, state_label=label, pending=tuple(pending)))
    return result


def my_deadlines(*, session: Session, workflows: Workflows, actor: Actor) -> list[Deadline]:
    """Deadlines still to do (open, or missed and not done yet) of what the user can read
    and that address him (``deadlines.addressees``: his role is reminded, or he owns the
    instance), overdue first."""
    found = list(session.exec(deadlines_query(actor=actor, workflows=workflows, to_do=True)))
    # Loaded whole and held while ``concerns`` reads them: the identity map keeps rows weakly.
    readable = list(
        session.exec(
            select(Proposal).where(
                col(Proposal.id).in_(
                    [d.instance_id for d in found if d.instance_type == "proposal"]
                ),
                # a deadline carries its proposal's municipality (deadlines.lifecycle)
                proposal_read_clause(actor, actor.municipality_id),
            )
        )
    )
    readable_ids = {p.id for p in readable}
    return [
        d
        for d in found
        if (d.instance_type != "proposal" or d.instance_id in readable_ids)
        and concerns(session, workflows, d, actor.role, actor.user_id)
    ]


@dataclass(frozen=True)
class OpenWork:
    """Everything "Jetzt zu erledigen" lists: the engine's steps, Vollzugsaufgaben, sessions
    whose day passed unheld, ortsübliche Bekanntgaben and written invitations to record,
    Anträge to handle. One source
    for the page and the badge on "Meine Aufgaben", so the two never count differently."""

    tasks: list[Task]
    duties: list[Duty]
    missed: list[missed_meetings.MissedMeeting]
    announcements: list[due_announcements.DueAnnouncement]
    written: list[written_invitations.Unrecorded]
    requests: list[ToHandle]

    @property
    def count(self) -> int:
        return (
            len(self.tasks)
            + len(self.duties)
            + len(self.missed)
            + len(self.announcements)
            + len(self.written)
            + len(self.requests)
        )


def open_work(*, session: Session, workflows: Workflows, actor: Actor, now: datetime) -> OpenWork:
    return OpenWork(
        tasks=tasks(session=session, workflows=workflows, actor=actor, now=now),
        duties=execution_duties(session=session, actor=actor),
        missed=missed_meetings.missed_meetings(session=session, actor=actor, now=now),
        announcements=due_announcements.due_announcements(session=session, actor=actor, now=now),
        written=written_invitations.unrecorded(session=session, actor=actor, now=now),
        requests=to_handle(session=session, actor=actor, now=now),
    )
