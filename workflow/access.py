"""Tenant and visibility rules: who may act on, and who may read, which data.

Two questions, answered here only:

* acting (``instance_visible``, used by every service through ``load_instance``): a user acts
  only within their municipality; the district coordinator within the district, where roles
  narrow it further; a non-public proposal is hidden (404, not 403) from users of the
  municipality whose role or body membership does not entitle them;
* reading (``proposal_read_clause``, ``meeting_read_clause``, ``decision_request_read_clause``,
  ``decision_response_read_clause``): the same, plus what the public may read, as SQL so lists
  filter and paginate in the database.

Non-public items (§ 35 Abs. 1 GemO) are known to the administration and the members of the
bodies that deliberate them; the Landratsamt sees what its Rechtsaufsicht (§ 119 GemO) needs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, true
from sqlmodel import Session, col, select

from workflow.context import Actor
from workflow.models import (
    AgendaItem,
    ConsultationStep,
    DecisionRequest,
    DecisionResponse,
    Meeting,
    Membership,
    Municipality,
    Proposal,
    Resolution,
)
from workflow.publication import published_proposals

# Roles of the administration: they prepare every item, public or not. Not the system
# administration ("admin"): it keeps users, bodies and definitions, and reads of the
# matters what the public reads; non-public ones (§ 35 GemO) are not its business.
STAFF_ROLES = frozenset({"clerk", "cosigner", "mayor", "secretary"})
# Before the mayor's release a proposal is internal work of the administration.
UNRELEASED_STATES = ("draft", "cosigning", "awaiting_release", "withdrawn")
# What the Rechtsaufsicht of the Landratsamt deals with (§§ 43 Abs. 2, 121 GemO); besides
# these, a resolution submitted to it (§ 121 Abs. 2 GemO, ``_submitted``).
SUPERVISION_STATES = ("supervision", "annulled")


def within_tenant(session: Session, actor: Actor, municipality_id: int | None) -> bool:
    """True if the actor may touch data of that municipality at all.

    The district coordinator reaches the district's municipalities only for what the
    Landratsamt does there (Rechtsaufsicht, § 119 GemO; decision requests); transitions
    narrow that further by role.
    """
    if actor.is_system:
        return True
    if municipality_id is None:
        return False
    if actor.municipality_id is not None:
        return actor.municipality_id == municipality_id
    if actor.district_id is not None:
        municipality = session.get(Municipality, municipality_id)
        return municipality is not None and municipality.district_id == actor.district_id
    return False


def _plan_member(session: Session, actor: Actor, proposal_id: int | None) -> bool:
    """A councillor who sits in a body of the proposal's consultation plan."""
    if actor.person_id is None or proposal_id is None:
        return False
    hit = session.exec(
        select(ConsultationStep.id)
        .join(Membership, col(Membership.body_id) == col(ConsultationStep.body_id))
        .where(ConsultationStep.proposal_id == proposal_id, Membership.person_id == actor.person_id)
    ).first()
    return hit is not None


def instance_visible(session: Session, actor: Actor, instance: Any) -> bool:
    """May the actor act on this row (404 otherwise, so existence does not leak)?"""
    if not within_tenant(session, actor, getattr(instance, "municipality_id", None)):
        return False
    if actor.is_system or not isinstance(instance, Proposal) or instance.public:
        return True
    if actor.role in STAFF_ROLES:
        return True
    if actor.role == "district_coordinator":
        return instance.state in SUPERVISION_STATES or (
            instance.state == "final"
            and session.exec(
                select(Proposal.id).where(Proposal.id == instance.id, _submitted())
            ).first()
            is not None
        )
    return actor.role == "council_member" and proposal_readable(session, actor, instance.id)


def proposal_readable(session: Session, actor: Actor | None, proposal_id: int | None) -> bool:
    """``proposal_read_clause`` for one proposal."""
    hit = session.exec(
        select(Proposal.id).where(Proposal.id == proposal_id, proposal_read_clause(actor))
    ).first()
    return hit is not None


def _public_proposals() -> ColumnElement[bool]:
    """§ 41b Abs. 2 GemO: public once sent to the members, not at the release."""
    return published_proposals()


def _district_municipalities(district_id: int) -> Any:
    return select(Municipality.id).where(Municipality.district_id == district_id)


def proposal_read_clause(
    actor: Actor | None, municipality_id: int | None = None
) -> ColumnElement[bool]:
    """Which proposals the caller may read (``None``: anonymous), as a WHERE clause.

    Everybody reads public proposals once published (``workflow.publication``); the
    municipality's administration reads all of its own; a councillor the public ones of the
    municipality and the non-public ones of the bodies they sit in; the coordinator what is
    before the Rechtsaufsicht.

    With ``municipality_id`` the clause reads "of that municipality, and readable": the
    same rows as the list filter ANDed with the clause without it. For the administration of
    that municipality it is then the municipality test alone: the published test is a set of
    subqueries ORed into the WHERE, which no index serves, so PostgreSQL would build it over
    the whole district for a list of one municipality (issue 14, docs/benchmarks-list-notes.md).
    """
    if municipality_id is not None:
        of_town = col(Proposal.municipality_id) == municipality_id
        if administration_of(actor, municipality_id):
            return of_town
        return and_(of_town, proposal_read_clause(actor))
    public = _public_proposals()
    if actor is None:
        return public
    if actor.is_system:
        return true()
    own: ColumnElement[bool] = false()
    if actor.municipality_id is not None and actor.role in STAFF_ROLES:
        own = col(Proposal.municipality_id) == actor.municipality_id
    elif actor.municipality_id is not None and actor.role == "council_member":
        own = and_(
            col(Proposal.municipality_id) == actor.municipality_id,
            _sent_to_their_bodies(actor.person_id or -1),
        )
    elif actor.district_id is not None and actor.role == "district_coordinator":
        own = supervised_proposals_clause(actor.district_id)
    return or_(public, own)


def supervised_proposals_clause(district_id: int) -> ColumnElement[bool]:
    """The district's proposals before the Rechtsaufsicht (§ 121 GemO), as a WHERE clause:
    what the Landratsamt reads beyond the published ones."""
    return and_(
        or_(col(Proposal.state).in_(SUPERVISION_STATES), _submitted()),
        col(Proposal.municipality_id).in_(_district_municipalities(district_id)),
    )


def _submitted() -> ColumnElement[bool]:
    """A resolution of the proposal submitted to the Rechtsaufsichtsbehörde and not yet
    executed (§ 121 Abs. 2 GemO): it confirms it or objects to it (Beanstandung, Abs. 1)."""
    return and_(
        col(Proposal.state) == "final",
        exists().where(
            col(Resolution.proposal_id) == col(Proposal.id),
            col(Resolution.submitted_at).is_not(None),
        ),
    )


def administration_of(actor: Actor | None, municipality_id: int) -> bool:
    """The system, or staff of that municipality: ``own`` in ``proposal_read_clause``, so
    they read every proposal of it (a loaded one needs no query to tell)."""
    if actor is None:
        return False
    if actor.is_system:
        return True
    return actor.municipality_id == municipality_id and actor.role in STAFF_ROLES


def _sent_to_their_bodies(person_id: int) -> ColumnElement[bool]:
    """A councillor reads a Vorlage once it was sent to a body they sit in: released by the
    mayor for the consultation plan, or on the agenda of an invited meeting of that body
    (§ 34 Abs. 1 GemO: the invitation comes with the documents). Drafts before the release
    are internal work of the administration, public or not."""
    their_bodies = select(Membership.body_id).where(Membership.person_id == person_id)
    in_plan = select(ConsultationStep.proposal_id).where(
        col(ConsultationStep.body_id).in_(their_bodies)
    )
    invited = (
        select(AgendaItem.proposal_id)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(
            col(Meeting.body_id).in_(their_bodies),
            col(Meeting.invited_at).is_not(None),
            ~col(AgendaItem.removed),
            col(AgendaItem.proposal_id).is_not(None),
        )
    )
    released = col(Proposal.state).not_in(UNRELEASED_STATES)
    return or_(and_(released, col(Proposal.id).in_(in_plan)), col(Proposal.id).in_(invited))


def meeting_read_clause(actor: Actor | None) -> ColumnElement[bool]:
    """Meetings are public once invited (§ 34 Abs. 1 S. 7 GemO: publicly announced);
    the municipality's own users read them while planned too."""
    public = col(Meeting.invited_at).is_not(None)
    if actor is None:
        return public
    if actor.is_system:
        return true()
    if actor.municipality_id is not None and actor.role != "district_coordinator":
        return or_(public, col(Meeting.municipality_id) == actor.municipality_id)
    return public


def agenda_item_readable(
    session: Session, actor: Actor | None, meeting: Meeting, item: AgendaItem
) -> bool:
    """A non-public TOP: the administration, and members of the meeting's body or of a body
    in the plan of the proposal it deliberates."""
    if item.public or (actor is not None and actor.is_system):
        return True
    if actor is None or actor.municipality_id != meeting.municipality_id:
        return False
    if actor.role in STAFF_ROLES:
        return True
    if actor.role != "council_member" or actor.person_id is None:
        return False
    member = session.exec(
        select(Membership.id).where(
            Membership.body_id == meeting.body_id, Membership.person_id == actor.person_id
        )
    ).first()
    return member is not None or _plan_member(session, actor, item.proposal_id)


def _sent_to(actor: Actor) -> ColumnElement[bool]:
    """The request has a response of the actor's municipality, i.e. it was sent there."""
    return exists().where(
        col(DecisionResponse.request_id) == col(DecisionRequest.id),
        col(DecisionResponse.municipality_id) == (actor.municipality_id or -1),
    )


def request_visible(session: Session, actor: Actor, request: DecisionRequest) -> bool:
    """The district's coordinators see its requests; a municipality's users see one once it
    was sent to them (a draft is internal work of the Landratsamt)."""
    if actor.is_system or actor.district_id == request.district_id:
        return True
    if actor.municipality_id is None:
        return False
    hit = session.exec(
        select(DecisionResponse.id).where(
            DecisionResponse.request_id == request.id,
            DecisionResponse.municipality_id == actor.municipality_id,
        )
    ).first()
    return hit is not None


def decision_request_read_clause(actor: Actor) -> ColumnElement[bool]:
    """``request_visible`` as a WHERE clause; requests are never public."""
    if actor.is_system:
        return true()
    if actor.district_id is not None:
        return col(DecisionRequest.district_id) == actor.district_id
    if actor.municipality_id is not None:
        return _sent_to(actor)
    return false()


def decision_response_read_clause(actor: Actor) -> ColumnElement[bool]:
    """A municipality reads its own answers only; the coordinator those of the district."""
    if actor.is_system:
        return true()
    if actor.district_id is not None:
        of_district = select(DecisionRequest.id).where(
            DecisionRequest.district_id == actor.district_id
        )
        return col(DecisionResponse.request_id).in_(of_district)
    if actor.municipality_id is not None:
        return col(DecisionResponse.municipality_id) == actor.municipality_id
    return false()


def non_public_readable(session: Session, actor: Actor | None, instance: Any) -> bool:
    """May the actor read the non-public matter of a proposal or meeting, e.g. an attachment
    marked non-public (§ 35 Abs. 1, § 41b Abs. 2 S. 2 GemO): the municipality's
    administration, and councillors of a body that deliberates it."""
    if actor is None:
        return False
    if actor.is_system:
        return True
    if actor.municipality_id is None or actor.municipality_id != instance.municipality_id:
        return False
    if actor.role in STAFF_ROLES:
        return True
    if actor.role != "council_member" or actor.person_id is None:
        return False
    if isinstance(instance, Proposal):
        return _plan_member(session, actor, instance.id)
    if isinstance(instance, Meeting):
        member = session.exec(
            select(Membership.id).where(
                Membership.body_id == instance.body_id, Membership.person_id == actor.person_id
            )
        ).first()
        return member is not None
    return False
