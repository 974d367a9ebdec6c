"""Umlaufverfahren (§ 37 Abs. 1 S. 2 GemO): guards and actions of a decision without a meeting.

"Über Gegenstände einfacher Art kann im Wege der Offenlegung oder im schriftlichen oder
elektronischen Verfahren beschlossen werden; ein hierbei gestellter Antrag ist angenommen,
wenn kein Mitglied widerspricht." The engine asks every voting member of the deciding body;
one objection ends the round and the proposal waits for a meeting again, consent of every
member not excluded for bias (§ 18 GemO) adopts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from workflow.context import FiringContext, local_date
from workflow.definitions.registry import Action, Guard
from workflow.law.consultation import agenda_visibility
from workflow.law.voting import Quorum, Tally
from workflow.models import Body, Circulation, CirculationReply, Person
from workflow.queries import current_step, voting_members
from workflow.rules.common import count_of, proposal
from workflow.rules.proposal_actions import add_resolution

REPLY_CHOICES = ("consent", "objection", "bias")


@dataclass(frozen=True)
class CirculationStatus:
    """Who of the body may still answer, and what the answers so far amount to."""

    circulation: Circulation
    members: frozenset[int]  # voting members of the deciding body, the mayor included
    consents: frozenset[int]
    objections: tuple[CirculationReply, ...]
    biased: frozenset[int]

    @property
    def entitled(self) -> frozenset[int]:
        return self.members - self.biased

    @property
    def pending(self) -> frozenset[int]:
        answered = self.consents | {r.person_id for r in self.objections}
        return self.entitled - answered

    @property
    def all_consented(self) -> bool:
        return bool(self.entitled) and not self.objections and self.consents >= self.entitled


def open_circulation(session: Session, proposal_id: int) -> Circulation | None:
    return session.exec(
        select(Circulation)
        .where(Circulation.proposal_id == proposal_id, col(Circulation.outcome).is_(None))
        .order_by(col(Circulation.id).desc())
    ).first()


def circulation_status(session: Session, circulation: Circulation) -> CirculationStatus:
    replies = list(
        session.exec(
            select(CirculationReply)
            .where(CirculationReply.circulation_id == circulation.id)
            .order_by(col(CirculationReply.id))
        )
    )
    return CirculationStatus(
        circulation=circulation,
        members=frozenset(
            voting_members(session, circulation.body_id, local_date(circulation.started_at))
        ),
        consents=frozenset(r.person_id for r in replies if r.choice == "consent"),
        objections=tuple(r for r in replies if r.choice == "objection"),
        biased=frozenset(r.person_id for r in replies if r.choice == "bias"),
    )


def _status(ctx: FiringContext) -> CirculationStatus | None:
    circulation = open_circulation(ctx.session, proposal(ctx).id or 0)
    return circulation_status(ctx.session, circulation) if circulation is not None else None


def simple_matter_declared(ctx: FiringContext) -> str | None:
    """Only "Gegenstände einfacher Art"; whoever starts the procedure says the matter is one
    (``data.simple_matter``), and any member can still force a meeting by objecting."""
    if ctx.data.get("simple_matter") is True:
        return None
    return (
        "Im Umlaufverfahren wird nur über Gegenstände einfacher Art beschlossen "
        "(§ 37 Abs. 1 Satz 2 GemO): als einfach kennzeichnen (simple_matter)"
    )


def deciding_body_has_members(ctx: FiringContext) -> str | None:
    step = current_step(ctx.session, proposal(ctx))
    if step is None or not step.decides:
        return None  # reported by current_step_decides
    if not voting_members(ctx.session, step.body_id, ctx.today):
        return "Das beschließende Gremium hat keine stimmberechtigten Mitglieder"
    return None


def circulation_objected(ctx: FiringContext) -> str | None:
    status = _status(ctx)
    if status is None or not status.objections:
        return "Im Umlaufverfahren hat kein Mitglied widersprochen"
    return None


def circulation_consented(ctx: FiringContext) -> str | None:
    """Adopted only "wenn kein Mitglied widerspricht": every entitled member has consented."""
    status = _status(ctx)
    if status is None:
        return "Es läuft kein Umlaufverfahren"
    if status.objections:
        return "Ein Mitglied hat widersprochen"
    if not status.all_consented:
        waiting = count_of(len(status.pending), "Mitglied hat", "Mitglieder haben")
        return f"{waiting} noch nicht zugestimmt"
    return None


def start_circulation(ctx: FiringContext) -> None:
    p = proposal(ctx)
    step = current_step(ctx.session, p)
    assert step is not None  # guarded by current_step_decides
    circulation = Circulation(
        proposal_id=p.id or 0,
        consultation_step_id=step.id or 0,
        body_id=step.body_id,
        started_at=ctx.now,
    )
    ctx.session.add(circulation)
    ctx.session.flush()
    body = ctx.session.get(Body, step.body_id)
    ctx.audit_data.update(
        circulation_id=circulation.id,
        body=body.name if body else step.body_id,
        members=len(voting_members(ctx.session, step.body_id)),
    )


def _close(ctx: FiringContext, outcome: str) -> CirculationStatus:
    status = _status(ctx)
    assert status is not None  # guarded
    status.circulation.outcome = outcome
    status.circulation.closed_at = ctx.now
    ctx.session.add(status.circulation)
    return status


def record_circulation_objection(ctx: FiringContext) -> None:
    """The round ends; the step waits for a meeting of its body (§ 37 Abs. 1 S. 2 GemO)."""
    status = _close(ctx, "objected")
    first = status.objections[0]
    person = ctx.session.get(Person, first.person_id)
    ctx.audit_data.update(
        circulation_id=status.circulation.id,
        objected_by=first.person_id,
        objected_by_name=person.name if person else None,
        objection_reason=first.reason,
    )


def cancel_circulation(ctx: FiringContext) -> None:
    """A round nobody finishes would hold the proposal forever: the office ends it, and the
    step waits for a meeting as after an objection."""
    status = _status(ctx)
    if status is None:
        return
    _close(ctx, "cancelled")
    ctx.audit_data.update(
        circulation_id=status.circulation.id,
        consents=len(status.consents),
        pending=sorted(status.pending),
    )


def record_circulation_resolution(ctx: FiringContext) -> None:
    """The Beschluss as the meeting path records it; decided on the day the last consent came.

    It is public where an agenda item would be (§ 35 Abs. 1 GemO), so the publication
    deadline of § 41b Abs. 5 applies as after a public session.
    """
    p = proposal(ctx)
    status = _close(ctx, "adopted")
    step = current_step(ctx.session, p)
    assert step is not None
    step.outcome = "adopted"
    ctx.session.add(step)
    public, _ = agenda_visibility(p, step)
    resolution = add_resolution(
        ctx,
        Tally(yes=len(status.consents), no=0, abstain=0),
        Quorum(
            members=len(status.members),
            present_entitled=len(status.entitled),
            biased=len(status.biased),
        ),
        kind="circulation",
        body_id=status.circulation.body_id,
        decided_on=ctx.today,
        public=public,
    )
    ctx.audit_data.update(circulation_id=status.circulation.id, resolution_kind=resolution.kind)


GUARDS = [
    Guard("simple_matter_declared", simple_matter_declared, "§ 37 Abs. 1 Satz 2 GemO"),
    Guard("deciding_body_has_members", deciding_body_has_members),
    Guard("circulation_objected", circulation_objected, "§ 37 Abs. 1 Satz 2 GemO"),
    Guard("circulation_consented", circulation_consented, "§ 37 Abs. 1 Satz 2 GemO"),
]
ACTIONS = [
    Action("start_circulation", start_circulation),
    Action("record_circulation_objection", record_circulation_objection),
    Action("cancel_circulation", cancel_circulation),
    Action("record_circulation_resolution", record_circulation_resolution),
]
