"""Published data of a municipality, read anonymously: the portal ``/oeffentlich``, OParl
and the feeds all ask here, so they show the same (``workflow.publication`` decides what is
published under § 41b GemO; § 35 Abs. 1 GemO keeps non-public items out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from workflow.models import (
    AgendaItem,
    Attachment,
    Body,
    ConsultationStep,
    CouncilRequest,
    Meeting,
    Membership,
    Municipality,
    Person,
    Proposal,
    Resolution,
)
from workflow.outcomes import RECOMMENDED
from workflow.publication import depublished_proposals, published_proposals

# Public once invited (§ 34 Abs. 1 S. 7, § 41b Abs. 1 GemO); a cancelled one stays listed.
UNANNOUNCED = ("planned", "agenda")
# What an agenda item's outcome says to the public (OParl AgendaItem.result).
RESULTS = {
    "adopted": "Beschlossen",
    "rejected": "Abgelehnt",
    "recommended": RECOMMENDED,
    "deferred": "Vertagt",
    "removed": "Abgesetzt",
    "announced": "Bekanntgegeben",
    "noted": "Zur Kenntnis genommen",
}
# The role of a step of the Beratungsfolge (OParl Consultation.role).
BODY_KINDS = {
    "council": "Gemeinderat",
    "deciding_committee": "Beschließender Ausschuss",
    "advisory_committee": "Beratender Ausschuss",
    "local_council": "Ortschaftsrat",
}


@dataclass
class PublicMeeting:
    meeting: Meeting
    body: Body
    items: list[AgendaItem] = field(default_factory=list)  # public part, in order
    removed: list[AgendaItem] = field(default_factory=list)  # public items taken off


def municipalities(session: Session) -> list[Municipality]:
    return list(session.exec(select(Municipality).order_by(col(Municipality.id))))


def bodies(session: Session, municipality_id: int) -> list[Body]:
    return list(
        session.exec(
            select(Body).where(Body.municipality_id == municipality_id).order_by(col(Body.id))
        )
    )


def _announced() -> object:
    return col(Meeting.state).not_in(UNANNOUNCED)


def meetings(
    session: Session,
    municipality_id: int,
    *,
    body_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Meeting]:
    query = select(Meeting).where(
        Meeting.municipality_id == municipality_id,
        col(Meeting.invited_at).is_not(None),
        _announced(),  # type: ignore[arg-type]
    )
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    if start is not None:
        query = query.where(col(Meeting.meeting_date) >= start)
    if end is not None:
        query = query.where(col(Meeting.meeting_date) <= end)
    return list(session.exec(query.order_by(col(Meeting.meeting_date), col(Meeting.id))))


def meeting_years(session: Session, municipality_id: int) -> tuple[int, int] | None:
    """The first and last year with a public meeting: how far the calendar's year links
    lead (none into years without any)."""
    first, last = session.exec(
        select(func.min(Meeting.meeting_date), func.max(Meeting.meeting_date)).where(
            Meeting.municipality_id == municipality_id,
            col(Meeting.invited_at).is_not(None),
            _announced(),  # type: ignore[arg-type]
        )
    ).one()
    return (first.year, last.year) if first is not None and last is not None else None


def public_meeting(session: Session, meeting_id: int) -> PublicMeeting | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.invited_at is None or meeting.state in UNANNOUNCED:
        return None
    body = session.get(Body, meeting.body_id)
    if body is None:
        return None
    rows = session.exec(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id, col(AgendaItem.public))
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ).all()
    return PublicMeeting(
        meeting=meeting,
        body=body,
        items=[i for i in rows if not i.removed],
        removed=[i for i in rows if i.removed],
    )


def public_item(session: Session, item_id: int) -> tuple[PublicMeeting, AgendaItem] | None:
    item = session.get(AgendaItem, item_id)
    if item is None or not item.public:
        return None
    view = public_meeting(session, item.meeting_id)
    return (view, item) if view is not None else None


def papers(session: Session, municipality_id: int, text: str | None = None) -> list[Proposal]:
    query = select(Proposal).where(
        Proposal.municipality_id == municipality_id, published_proposals()
    )
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(Proposal.title).like(pattern),
                func.lower(Proposal.resolution_text).like(pattern),
            )
        )
    return list(session.exec(query.order_by(col(Proposal.id))))


def depublished(session: Session, municipality_id: int) -> list[Proposal]:
    return list(
        session.exec(
            select(Proposal)
            .where(Proposal.municipality_id == municipality_id, depublished_proposals())
            .order_by(col(Proposal.id))
        )
    )


def paper(session: Session, proposal_id: int) -> Proposal | None:
    return session.exec(
        select(Proposal).where(Proposal.id == proposal_id, published_proposals())
    ).first()


def depublished_paper(session: Session, proposal_id: int) -> Proposal | None:
    return session.exec(
        select(Proposal).where(Proposal.id == proposal_id, depublished_proposals())
    ).first()


def consultations(session: Session, proposal_id: int) -> list[ConsultationStep]:
    return list(
        session.exec(
            select(ConsultationStep)
            .where(ConsultationStep.proposal_id == proposal_id)
            .order_by(col(ConsultationStep.position))
        )
    )


def public_attachments(session: Session, kind: str, instance_id: int) -> list[Attachment]:
    """Public files without redaction marks (§ 41b Abs. 2 S. 2 GemO)."""
    return list(
        session.exec(
            select(Attachment)
            .where(
                Attachment.instance_type == kind,
                Attachment.instance_id == instance_id,
                col(Attachment.public),
                col(Attachment.redaction).is_(None),
            )
            .order_by(col(Attachment.id))
        )
    )


def members(session: Session, body_id: int) -> list[tuple[Membership, Person]]:
    return list(
        session.exec(
            select(Membership, Person)
            .join(Person, col(Person.id) == col(Membership.person_id))
            .where(Membership.body_id == body_id)
            .order_by(col(Person.name), col(Membership.id))
        ).all()
    )


def persons(session: Session, municipality_id: int) -> list[Person]:
    """Members of the municipality's bodies: the public side of their office."""
    seated = select(Membership.person_id).join(Body, col(Body.id) == col(Membership.body_id))
    return list(
        session.exec(
            select(Person)
            .where(
                Person.municipality_id == municipality_id,
                col(Person.id).in_(seated.where(Body.municipality_id == municipality_id)),
            )
            .order_by(col(Person.id))
        )
    )


def originating_factions(session: Session, proposal_id: int) -> list[int]:
    """The Fraktionen whose Anträge this Vorlage was made of (OParl originatorOrganization)."""
    rows = session.exec(
        select(CouncilRequest.faction_id)
        .where(
            CouncilRequest.proposal_id == proposal_id, col(CouncilRequest.faction_id).is_not(None)
        )
        .order_by(col(CouncilRequest.id))
    )
    return list(dict.fromkeys(f for f in rows if f is not None))


def memberships_of(session: Session, person_id: int) -> list[Membership]:
    return list(
        session.exec(
            select(Membership).where(Membership.person_id == person_id).order_by(col(Membership.id))
        )
    )


def item_resolution(session: Session, item: AgendaItem) -> Resolution | None:
    return session.exec(
        select(Resolution)
        .where(Resolution.agenda_item_id == item.id)
        .order_by(col(Resolution.id).desc())
    ).first()


def step_of_item(session: Session, item: AgendaItem) -> ConsultationStep | None:
    if item.consultation_step_id is None:
        return None
    return session.get(ConsultationStep, item.consultation_step_id)


def published_resolutions(
    session: Session, municipality_id: int, limit: int = 50
) -> list[tuple[Resolution, Proposal]]:
    """Newest first: resolutions the secretary published (§ 41b Abs. 5 GemO)."""
    rows = session.exec(
        select(Resolution, Proposal)
        .join(Proposal, col(Proposal.id) == col(Resolution.proposal_id))
        .where(
            Proposal.municipality_id == municipality_id,
            col(Resolution.published_at).is_not(None),
            col(Resolution.public),
            published_proposals(),
        )
        .order_by(col(Resolution.published_at).desc(), col(Resolution.id).desc())
        .limit(limit)
    ).all()
    return list(rows)


def result_text(session: Session, item: AgendaItem) -> tuple[str | None, str | None]:
    """(result, resolution text) of a public item: the outcome once voted on, the resolved
    text once published (§ 41b Abs. 5 GemO), a committee's recommendation as recommended."""
    if item.outcome is None:
        return None, None
    result = RESULTS.get(item.outcome, item.outcome)
    if item.outcome == "announced":
        # § 35 Abs. 1 S. 4 GemO: the wording of the non-public resolutions read out.
        texts = [
            r.text
            for r in session.exec(
                select(Resolution)
                .where(
                    Resolution.announced_meeting_id == item.meeting_id,
                    col(Resolution.disclosed_at).is_not(None),
                )
                .order_by(col(Resolution.decided_on), col(Resolution.id))
            )
        ]
        return result, "\n\n".join(texts) or None
    if item.outcome == "recommended":
        step = step_of_item(session, item)
        return result, (step.recommendation if step is not None else None) or None
    resolution = item_resolution(session, item)
    if resolution is not None and resolution.published_at is not None:
        return result, resolution.text
    return result, None


def search_meetings(session: Session, municipality_id: int, text: str) -> list[Meeting]:
    """Announced meetings with a public agenda item whose title holds the text."""
    pattern = f"%{text.lower()}%"
    hits = select(AgendaItem.meeting_id).where(
        col(AgendaItem.public),
        ~col(AgendaItem.removed),
        func.lower(AgendaItem.title).like(pattern),
    )
    return [m for m in meetings(session, municipality_id) if m.id in set(session.exec(hits).all())]
