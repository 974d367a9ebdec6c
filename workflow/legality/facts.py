"""Load the facts the checks read: the one module of the package that queries the database.

Everything a check needs is read here once into plain values (audit events of the proposal
and of the meeting, the meeting, invitation, agenda item, attendance as the audit log
recorded it, bias declarations, votes, deadlines, publication, minutes signatures), so the
checks stay pure functions of a ``Facts``. When the models change (attendance per agenda
item, votes as counts, publication records), this is the module to adapt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow.agenda_numbers import top_number
from workflow.attendance import present_at_item
from workflow.context import local_date
from workflow.deadlines.lifecycle import calendar_for
from workflow.documents import german
from workflow.law.periods import WorkingCalendar
from workflow.legality.model import ChainHead
from workflow.models import (
    AgendaItem,
    AuditEvent,
    AuditHead,
    BiasDeclaration,
    Body,
    ConsultationStep,
    Deadline,
    Election,
    ElectionCount,
    ElectionRound,
    ExecutionTask,
    ItemAttendance,
    Meeting,
    MinutesSignature,
    Municipality,
    Person,
    Proposal,
    Resolution,
    Vote,
)
from workflow.queries import (
    councillor_signers,
    full_names,
    quorum_failure,
    steps,
    voting_members,
)
from workflow.rules.meeting_rules import announcement_latest, invitation_latest
from workflow.services.written_invitations import to_invite_in_writing


@dataclass(frozen=True)
class Event:
    """An audit event as the checks read it."""

    instance_type: str
    instance_id: int
    seq: int
    at: datetime  # UTC
    actor: str
    trigger: str
    dest: str
    comment: str | None
    data: dict[str, Any]
    # What the event belongs to, as a reader names it: "Vorlage 1/2026", "Sitzung vom …".
    label: str = ""
    actor_name: str = ""  # who acted, by name (a report names people, not logins)

    @property
    def who(self) -> str:
        return self.actor_name or self.actor

    @property
    def day(self) -> date:
        """The calendar date in Europe/Berlin, on which legal periods run."""
        return local_date(self.at)

    @property
    def where(self) -> str:
        kind = {"proposal": "Vorlage", "meeting": "Sitzung"}.get(self.instance_type, "")
        return f"{self.label or f'{kind} {self.instance_id}'}, Ereignis {self.seq}"


@dataclass
class Facts:
    """What was recorded about one resolution and the meeting it was taken in."""

    resolution: Resolution
    proposal: Proposal
    municipality: Municipality
    calendar: WorkingCalendar
    today: date
    bodies: dict[int, Body]
    plan: list[ConsultationStep]
    persons: dict[int, str]
    proposal_events: list[Event]
    # The resolution's own step of the plan, if it was taken by a body of the plan.
    step: ConsultationStep | None = None
    meeting: Meeting | None = None
    item: AgendaItem | None = None
    item_number: str = "–"  # "2", "NÖ 1": as the agenda printed it (workflow.agenda_numbers)
    meeting_events: list[Event] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # voting members of the deciding body
    bias: list[BiasDeclaration] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    signatures: list[MinutesSignature] = field(default_factory=list)
    councillor_signers: set[int] = field(default_factory=set)
    deadlines: list[Deadline] = field(default_factory=list)
    tasks: list[ExecutionTask] = field(default_factory=list)
    elections: list[Election] = field(default_factory=list)
    election_rounds: list[ElectionRound] = field(default_factory=list)
    election_counts: dict[int, dict[int, int]] = field(default_factory=dict)  # round → votes
    # § 34 Abs. 1 S. 1 GemO: the last day the invitation could go out, and the period.
    invitation_latest: date | None = None
    invitation_period: str | None = None
    # Members no e-mail invitation reached (none written: no address; or given up), whom the
    # Sitzungsdienst invites in writing (``services.written_invitations``).
    not_mailed: list[int] = field(default_factory=list)
    # § 34 Abs. 1 S. 7 GemO: the municipality's lead for the ortsübliche Bekanntgabe, if set.
    announcement_latest: date | None = None
    announcement_period: str | None = None
    # § 37 Abs. 3 GemO: the item is carried over from a session that was not quorate.
    second_session: bool = False
    public_items: bool = False  # the meeting has a public part (§ 34 Abs. 1 S. 7)
    # Who was in the room for the item (§ 18 Abs. 5 GemO), where the session recorded members
    # leaving and arriving per item; None where it recorded only the session's attendance.
    item_present: set[int] | None = None
    chains: list[ChainHead] = field(default_factory=list)

    @property
    def body(self) -> Body | None:
        return self.bodies.get(self.resolution.body_id or 0)

    def name(self, person_id: int | None) -> str:
        if person_id is None:
            return "–"
        return self.persons.get(person_id, f"Person {person_id}")

    def names(self, person_ids: set[int] | list[int]) -> str:
        return ", ".join(self.name(p) for p in sorted(person_ids)) or "niemand"

    def proposal_after(self, triggers: tuple[str, ...], after: Event | None) -> list[Event]:
        start = after.seq if after is not None else 0
        return [e for e in self.proposal_events if e.trigger in triggers and e.seq > start]

    def meeting_with(self, trigger: str) -> list[Event]:
        return [e for e in self.meeting_events if e.trigger == trigger]


def _events(session: Session, instance_type: str, instance_id: int, label: str) -> list[Event]:
    rows = session.exec(
        select(AuditEvent)
        .where(AuditEvent.instance_type == instance_type, AuditEvent.instance_id == instance_id)
        .order_by(col(AuditEvent.seq))
    ).all()
    names = full_names(session, {r.actor for r in rows})
    return [
        Event(
            instance_type=r.instance_type,
            instance_id=r.instance_id,
            seq=r.seq,
            at=r.at if r.at.tzinfo is not None else r.at.replace(tzinfo=UTC),
            actor=r.actor,
            trigger=r.trigger,
            dest=r.dest,
            comment=r.comment,
            data=dict(r.data or {}),
            label=label,
            actor_name=names.get(r.actor, ""),
        )
        for r in rows
    ]


def _head(session: Session, instance_type: str, instance_id: int, label: str) -> ChainHead | None:
    head = session.get(AuditHead, (instance_type, instance_id))
    if head is None:
        return None
    return ChainHead(instance_type, instance_id, head.seq, head.hash, label)


def load_facts(session: Session, resolution: Resolution, today: date) -> Facts:
    proposal = session.get(Proposal, resolution.proposal_id)
    assert proposal is not None
    municipality = session.get(Municipality, proposal.municipality_id)
    assert municipality is not None
    bodies = {
        b.id or 0: b
        for b in session.exec(select(Body).where(Body.municipality_id == proposal.municipality_id))
    }
    persons = {
        p.id or 0: p.name
        for p in session.exec(
            select(Person).where(Person.municipality_id == proposal.municipality_id)
        )
    }
    plan = steps(session, proposal.id or 0)
    facts = Facts(
        resolution=resolution,
        proposal=proposal,
        municipality=municipality,
        calendar=calendar_for(session, proposal.municipality_id),
        today=today,
        bodies=bodies,
        plan=plan,
        persons=persons,
        proposal_events=_events(session, "proposal", proposal.id or 0, f"Vorlage {proposal.label}"),
        tasks=list(
            session.exec(
                select(ExecutionTask)
                .where(ExecutionTask.proposal_id == proposal.id)
                .order_by(col(ExecutionTask.id))
            )
        ),
    )
    facts.deadlines = list(
        session.exec(
            select(Deadline).where(
                Deadline.instance_type == "proposal", Deadline.instance_id == proposal.id
            )
        )
    )
    head = _head(session, "proposal", proposal.id or 0, f"Vorlage {proposal.label}")
    facts.chains = [head] if head else []
    if resolution.agenda_item_id is not None:
        facts.step = next((s for s in plan if s.agenda_item_id == resolution.agenda_item_id), None)
        facts.item = session.get(AgendaItem, resolution.agenda_item_id)
        if facts.item is not None:
            facts.item_number = top_number(session, facts.item)
    if facts.step is None and resolution.body_id is not None:
        deciding = [s for s in plan if s.decides and s.body_id == resolution.body_id]
        facts.step = deciding[-1] if deciding else None
    if resolution.meeting_id is not None:
        _load_meeting(session, facts, resolution.meeting_id)
    return facts


def _load_meeting(session: Session, facts: Facts, meeting_id: int) -> None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return
    facts.meeting = meeting
    facts.meeting_events = _events(
        session, "meeting", meeting_id, f"Sitzung vom {german.day(meeting.meeting_date)}"
    )
    facts.members = voting_members(session, meeting.body_id, meeting.meeting_date)
    tracked = session.exec(
        select(ItemAttendance.id)
        .join(AgendaItem, col(AgendaItem.id) == col(ItemAttendance.agenda_item_id))
        .where(AgendaItem.meeting_id == meeting_id)
    ).first()
    if facts.item is not None and tracked is not None:
        facts.item_present = present_at_item(session, facts.item)
    facts.signatures = list(
        session.exec(
            select(MinutesSignature)
            .where(MinutesSignature.meeting_id == meeting_id)
            .order_by(col(MinutesSignature.id))
        )
    )
    facts.councillor_signers = councillor_signers(session, meeting)
    facts.deadlines += list(
        session.exec(
            select(Deadline).where(
                Deadline.instance_type == "meeting", Deadline.instance_id == meeting_id
            )
        )
    )
    latest, period = invitation_latest(session, meeting)
    facts.invitation_latest, facts.invitation_period = latest, period.german()
    if meeting.invited_at is not None:
        facts.not_mailed = [p.id or 0 for p in to_invite_in_writing(session, meeting)]
    lead = announcement_latest(session, meeting)
    if lead is not None:
        facts.announcement_latest, facts.announcement_period = lead[0], lead[1].german()
    facts.public_items = any(
        i.public
        for i in session.exec(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, ~col(AgendaItem.removed))
        )
    )
    if meeting.second_session_of is not None:
        earlier = session.get(Meeting, meeting.second_session_of)
        failure = quorum_failure(session, earlier) if earlier is not None else None
        facts.second_session = (
            failure is not None and facts.resolution.proposal_id in failure.proposal_ids
        )
    item = facts.item
    if item is not None and item.id is not None:
        facts.bias = list(
            session.exec(
                select(BiasDeclaration)
                .where(BiasDeclaration.agenda_item_id == item.id)
                .order_by(col(BiasDeclaration.id))
            )
        )
        facts.votes = list(
            session.exec(
                select(Vote).where(Vote.agenda_item_id == item.id).order_by(col(Vote.person_id))
            )
        )
        facts.elections = list(
            session.exec(select(Election).where(Election.agenda_item_id == item.id))
        )
        facts.election_rounds = list(
            session.exec(
                select(ElectionRound)
                .where(ElectionRound.agenda_item_id == item.id)
                .order_by(col(ElectionRound.number))
            )
        )
        for round_ in facts.election_rounds:
            facts.election_counts[round_.id or 0] = {
                c.candidate_id: c.votes
                for c in session.exec(
                    select(ElectionCount).where(ElectionCount.round_id == round_.id)
                )
            }
    head = _head(session, "meeting", meeting_id, f"Sitzung vom {german.day(meeting.meeting_date)}")
    if head is not None:
        facts.chains.append(head)
