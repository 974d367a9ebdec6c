"""Read helpers shared by guards, actions and services (one place per question)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from workflow.models import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    Body,
    ConsultationStep,
    CoSignature,
    Meeting,
    Membership,
    Proposal,
    Resolution,
    User,
    Vote,
)
from workflow.voting import Quorum, Tally


def steps(session: Session, proposal_id: int) -> list[ConsultationStep]:
    return list(
        session.exec(
            select(ConsultationStep)
            .where(ConsultationStep.proposal_id == proposal_id)
            .order_by(col(ConsultationStep.position))
        )
    )


def current_step(session: Session, proposal: Proposal) -> ConsultationStep | None:
    assert proposal.id is not None
    for step in steps(session, proposal.id):
        if step.position == proposal.current_step:
            return step
    return None


def current_agenda_item(session: Session, proposal: Proposal) -> AgendaItem | None:
    step = current_step(session, proposal)
    if step is None or step.agenda_item_id is None:
        return None
    return session.get(AgendaItem, step.agenda_item_id)


def meeting_of_item(session: Session, item: AgendaItem | None) -> Meeting | None:
    return session.get(Meeting, item.meeting_id) if item is not None else None


def latest_resolution(session: Session, proposal_id: int) -> Resolution | None:
    return session.exec(
        select(Resolution)
        .where(Resolution.proposal_id == proposal_id)
        .order_by(col(Resolution.id).desc())
    ).first()


def cosignatures(session: Session, proposal_id: int) -> list[CoSignature]:
    return list(
        session.exec(
            select(CoSignature)
            .where(CoSignature.proposal_id == proposal_id)
            .order_by(col(CoSignature.id))
        )
    )


def users_with_role(session: Session, municipality_id: int, role: str) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(User.municipality_id == municipality_id, User.role == role, ~col(User.disabled))
            .order_by(col(User.id))
        )
    )


def voting_members(session: Session, body_id: int) -> list[int]:
    """Person ids of the body's voting members (the mayor included, § 25 Abs. 1 GemO)."""
    return list(
        session.exec(
            select(Membership.person_id)
            .where(Membership.body_id == body_id, col(Membership.voting))
            .order_by(col(Membership.person_id))
        )
    )


def present_persons(session: Session, meeting_id: int) -> set[int]:
    return set(
        session.exec(
            select(Attendance.person_id).where(
                Attendance.meeting_id == meeting_id, col(Attendance.present)
            )
        )
    )


def biased_persons(session: Session, agenda_item_id: int) -> set[int]:
    return set(
        session.exec(
            select(BiasDeclaration.person_id).where(
                BiasDeclaration.agenda_item_id == agenda_item_id
            )
        )
    )


def item_quorum(session: Session, item: AgendaItem) -> Quorum:
    meeting = session.get(Meeting, item.meeting_id)
    assert meeting is not None
    members = set(voting_members(session, meeting.body_id))
    biased = biased_persons(session, item.id or 0) & members
    present = present_persons(session, meeting.id or 0) & members
    return Quorum(
        members=len(members),
        present_entitled=len(present - biased),
        biased=len(biased),
        second_session=meeting.second_session,
    )


def meeting_quorum(session: Session, meeting: Meeting) -> Quorum:
    members = set(voting_members(session, meeting.body_id))
    present = present_persons(session, meeting.id or 0) & members
    return Quorum(
        members=len(members),
        present_entitled=len(present),
        biased=0,
        second_session=meeting.second_session,
    )


def tally(session: Session, agenda_item_id: int) -> Tally:
    rows: Sequence[tuple[str, int]] = session.exec(
        select(Vote.choice, func.count())
        .where(Vote.agenda_item_id == agenda_item_id)
        .group_by(Vote.choice)
    ).all()
    counts = dict(rows)
    return Tally(yes=counts.get("yes", 0), no=counts.get("no", 0), abstain=counts.get("abstain", 0))


def agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, ~col(AgendaItem.removed))
            .order_by(col(AgendaItem.position))
        )
    )


def body_by_name(session: Session, municipality_id: int, name: str) -> Body | None:
    return session.exec(
        select(Body).where(Body.municipality_id == municipality_id, Body.name == name)
    ).first()
