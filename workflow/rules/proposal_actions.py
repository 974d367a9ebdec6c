"""Actions of the Beschlussvorlage lifecycle: what a transition writes besides the state."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, func, select

from workflow.context import FiringContext
from workflow.db import remember
from workflow.definitions.registry import Action, DeadlineLabel
from workflow.embedded_rows import ride_insert
from workflow.errors import InvalidInput
from workflow.law.consultation import agenda_visibility, missing_pre_deliberation
from workflow.law.voting import Quorum, Tally
from workflow.loaded_rows import delete_loaded, settle_deletes
from workflow.models import (
    AgendaItem,
    Body,
    ConsultationStep,
    CoSignature,
    Meeting,
    Municipality,
    Resolution,
    User,
)
from workflow.motions import adopted_wording
from workflow.new_rows import new_row
from workflow.queries import (
    cosignatures,
    current_agenda_item,
    current_step,
    item_quorum,
    latest_resolution,
    steps,
    tally,
)
from workflow.revisions import add_revision
from workflow.rules.common import cosigner_candidates, data_int, data_text, proposal
from workflow.rules.late_items import LATE
from workflow.supervision import supervisory_authority
from workflow.wording import wording_for


def request_cosignatures(ctx: FiringContext) -> None:
    """Ask the named co-signers (default: all of the municipality but the author and the
    submitter); the
    finance office is always asked, and mandatory, when money is spent outside the plan."""
    p = proposal(ctx)
    candidates = cosigner_candidates(ctx)
    wanted = ctx.data.get("cosigners")
    if isinstance(wanted, list) and wanted:
        by_name = {u.username: u for u in candidates}
        unknown = [str(name) for name in wanted if name not in by_name]
        if unknown:
            raise InvalidInput(
                f"Unbekannte oder nicht berechtigte Mitzeichnende: {', '.join(unknown)}",
                field="data.cosigners",
            )
        chosen: list[User] = [by_name[str(name)] for name in wanted]
    else:
        chosen = list(candidates)
    if p.spends_outside_budget:
        chosen += [u for u in candidates if u.finance_office and u not in chosen]
    settle_deletes(ctx.session, ctx.riding, CoSignature)  # a reset earlier in this firing
    delete_loaded(ctx.session, cosignatures(ctx.session, p.id or 0))
    asked = [
        new_row(
            CoSignature,
            proposal_id=p.id or 0,
            user_id=user.id or 0,
            mandatory=p.spends_outside_budget and user.finance_office,
        )
        for user in chosen
    ]
    # With the firing's versioned UPDATE (their ids come back with it, before anything
    # reads them). The automatic step's guard (k of n signed) reads them next: no query.
    ride_insert(ctx.session, ctx.riding, asked)
    remember(ctx.session, (CoSignature, p.id or 0), asked)
    required = data_int(ctx, "required")
    if required is not None:
        if not 1 <= required <= len(chosen):
            raise InvalidInput(
                f"Es können 1 bis {len(chosen)} Mitzeichnungen verlangt werden, nicht {required}",
                field="data.required",
            )
        p.cosignatures_required = required
    ctx.audit_data["cosigners"] = [u.username for u in chosen]
    ctx.handed_on["requested_cosigners"] = chosen


def record_cosignature(ctx: FiringContext) -> None:
    for c in cosignatures(ctx.session, proposal(ctx).id or 0):
        if c.user_id == ctx.actor.user_id:
            c.signed_at = ctx.now
            c.comment = ctx.comment
            ctx.session.add(c)


def reset_cosignatures(ctx: FiringContext) -> None:
    proposal_id = proposal(ctx).id or 0
    # With the firing's versioned UPDATE: nothing of a return reads co-signatures again.
    delete_loaded(ctx.session, cosignatures(ctx.session, proposal_id), riding=ctx.riding)
    remember(ctx.session, (CoSignature, proposal_id), [])


def start_consultation(ctx: FiringContext) -> None:
    plan = steps(ctx.session, proposal(ctx).id or 0)
    proposal(ctx).current_step = plan[0].position


def record_pre_deliberation_waiver(ctx: FiringContext) -> None:
    """Put the waived Vorberatung and its reason on the release's audit record, so the
    override of the "soll" rule (§ 39 Abs. 4 S. 1, Abs. 5 S. 3 GemO) is on file with who
    released and when."""
    p = proposal(ctx)
    reason = (p.pre_deliberation_waived_reason or "").strip()
    if p.subject is None or not reason:
        return
    bodies = {
        b.id or 0: b
        for b in ctx.session.exec(select(Body).where(Body.municipality_id == p.municipality_id))
    }
    missing = missing_pre_deliberation(p, steps(ctx.session, p.id or 0), bodies)
    if missing:
        ctx.audit_data.update(
            pre_deliberation_waived={"committees": [c.name for c in missing], "reason": reason}
        )


def place_on_agenda(ctx: FiringContext) -> None:
    p = proposal(ctx)
    step = current_step(ctx.session, p)
    meeting = ctx.session.get(Meeting, data_int(ctx, "meeting_id"))
    # guarded by meeting_given and meeting_of_step_body
    assert step is not None
    assert meeting is not None
    last = ctx.session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    ).one()
    public, reason = agenda_visibility(p, step)  # § 35 Abs. 1 GemO
    position = _next_to_amended(ctx, meeting) or (last or 0) + 1
    item = AgendaItem(
        meeting_id=meeting.id or 0,
        position=position,
        title=f"{p.title} (Vorlage {p.label})",
        proposal_id=p.id,
        consultation_step_id=step.id,
        public=public,
        non_public_reason=reason,
        # § 34 GemO: after the invitation a Nachtrag, or an emergency with its reason
        supplement=meeting.state in LATE,
        urgent_reason=data_text(ctx, "urgent_reason") if meeting.state in LATE else None,
        late_paper=ctx.data.get("late_paper") is True,
    )
    ctx.session.add(item)
    ctx.session.flush()
    step.agenda_item_id = item.id
    ctx.session.add(step)
    ctx.audit_data.update(agenda_item_id=item.id, meeting_id=meeting.id, position=item.position)


def _next_to_amended(ctx: FiringContext, meeting: Meeting) -> int | None:
    """An Ergänzungsvorlage is dealt with right after the Vorlage it amends when that is on
    the same agenda: the position after it, the later items moving down one. Once the
    invitation is out the TOP numbers are known to the members, so it is appended instead."""
    p = proposal(ctx)
    if p.supplements_id is None or meeting.state in LATE:
        return None
    items = list(
        ctx.session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(col(AgendaItem.position))
        )
    )
    amended = next((i for i in items if i.proposal_id == p.supplements_id and not i.removed), None)
    if amended is None:
        return None
    for later in items:
        if later.position > amended.position:
            later.position += 1
            ctx.session.add(later)
    ctx.audit_data.update(next_to_agenda_item=amended.id)
    return amended.position + 1


def detach_from_agenda(ctx: FiringContext) -> None:
    """Absetzung: the item stays in the record as removed; the step waits for a new meeting."""
    p = proposal(ctx)
    item = current_agenda_item(ctx.session, p)
    step = current_step(ctx.session, p)
    if item is None or step is None or item.outcome is not None:
        return
    item.removed = True
    item.outcome = "removed"
    step.agenda_item_id = None
    ctx.session.add_all([item, step])


def record_deferral(ctx: FiringContext) -> None:
    p = proposal(ctx)
    item = current_agenda_item(ctx.session, p)
    step = current_step(ctx.session, p)
    assert item is not None
    assert step is not None
    item.outcome = "deferred"
    step.agenda_item_id = None
    ctx.session.add_all([item, step])


def record_referral(ctx: FiringContext) -> None:
    """Verweisung, decided by the body's vote on a Geschäftsordnungsantrag: a committee
    deliberates first and the matter comes back to this body (two new steps), or a
    beschließender Ausschuss refers it up to the Gemeinderat, which then decides instead
    (§ 39 Abs. 3 S. 2, 3 GemO; one new step). The steps are appended, as for an objection."""
    p = proposal(ctx)
    item = current_agenda_item(ctx.session, p)
    step = current_step(ctx.session, p)
    target = ctx.session.get(Body, data_int(ctx, "body_id") or 0)
    assert item is not None
    assert step is not None
    if target is None or target.municipality_id != p.municipality_id:
        raise InvalidInput("Gremium, an das verwiesen wird, fehlt (body_id)", field="data.body_id")
    if target.id == step.body_id:
        raise InvalidInput("Die Vorlage liegt diesem Gremium schon vor", field="data.body_id")
    item.outcome = "referred"
    step.outcome = "referred"
    step.agenda_item_id = None
    ctx.session.add_all([item, step])
    position = max(s.position for s in steps(ctx.session, p.id or 0)) + 1
    up = target.kind == "council"
    added = [
        ConsultationStep(
            proposal_id=p.id or 0,
            position=position,
            body_id=target.id or 0,
            advises=not up,
            decides=up,
            public=step.public,
        )
    ]
    if not up:
        added.append(
            ConsultationStep(
                proposal_id=p.id or 0,
                position=position + 1,
                body_id=step.body_id,
                decides=step.decides,
                public=step.public,
            )
        )
    ctx.session.add_all(added)
    ctx.session.flush()
    p.current_step = position
    ctx.audit_data.update(referred_to=target.name, up=up, new_steps=[s.position for s in added])


def _outcome(ctx: FiringContext, outcome: str) -> tuple[AgendaItem, int]:
    p = proposal(ctx)
    item = current_agenda_item(ctx.session, p)
    step = current_step(ctx.session, p)
    assert item is not None
    assert item.id is not None
    assert step is not None
    item.outcome = outcome
    step.outcome = outcome
    ctx.session.add_all([item, step])
    return item, step.position


def recommendation_wording(given: str | None, adopted: bool) -> str:
    """The recommendation as it is recorded: the words given, else by the vote "Zustimmung
    empfohlen" or "Ablehnung empfohlen" (also shown on the check before it is recorded)."""
    text = given.strip() if given else ""
    return text or ("Zustimmung empfohlen" if adopted else "Ablehnung empfohlen")


def record_recommendation(ctx: FiringContext) -> None:
    """An advising body's vote is a recommendation; the plan moves to its next step."""
    p = proposal(ctx)
    item, position = _outcome(ctx, "recommended")
    t = tally(ctx.session, item.id or 0)
    step = current_step(ctx.session, p)
    assert step is not None
    step.recommendation = recommendation_wording(data_text(ctx, "recommendation"), t.adopted)
    later = [s.position for s in steps(ctx.session, p.id or 0) if s.position > position]
    p.current_step = min(later)
    ctx.audit_data.update(yes=t.yes, no=t.no, abstain=t.abstain, recommendation=step.recommendation)


def record_note(ctx: FiringContext) -> None:
    """Kenntnisnahme of an Informationsvorlage: the item and the step are "noted", no vote
    and no Beschluss (so no objection under § 43 Abs. 2 GemO and no publication under
    § 41b Abs. 5 GemO); before the last step the plan moves on."""
    p = proposal(ctx)
    _, position = _outcome(ctx, "noted")
    later = [s.position for s in steps(ctx.session, p.id or 0) if s.position > position]
    if later:
        p.current_step = min(later)
    ctx.audit_data.update(noted_at_step=position)


def record_revision(ctx: FiringContext) -> None:
    """Keep the submitted content as the next Fassung (Vorlage returned and revised)."""
    number = add_revision(
        ctx.session, proposal(ctx), by=ctx.actor.username, now=ctx.now, riding=ctx.riding
    )
    ctx.audit_data.update(revision=number)


def record_resolution(ctx: FiringContext) -> None:
    """The Beschluss with its tally and quorum as recorded (§§ 37, 38 Abs. 1 GemO)."""
    item, _ = _outcome(ctx, "adopted" if ctx.dest != "rejected" else "rejected")
    meeting = ctx.session.get(Meeting, item.meeting_id)
    assert meeting is not None
    add_resolution(
        ctx,
        tally(ctx.session, item.id or 0),
        item_quorum(ctx.session, item),
        # the wording as the adopted Änderungs- or Gegenantrag made it
        text=data_text(ctx, "text") or adopted_wording(ctx.session, item.id or 0),
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        body_id=meeting.body_id,
        decided_on=meeting.meeting_date,
        public=item.public,
    )


def add_resolution(
    ctx: FiringContext, t: Tally | None, q: Quorum, *, text: str | None = None, **where: Any
) -> Resolution:
    """Record the Beschluss with its tally and quorum, superseding the earlier ones; ``where``
    says where and when it was taken (a meeting's item, or an Umlaufverfahren). Without a
    tally one person decided, and adopted it (the mayor, § 37 Abs. 4 GemO)."""
    p = proposal(ctx)
    adopted = t.adopted if t is not None else True
    t = t or Tally(yes=0, no=0, abstain=0)
    for earlier in ctx.session.exec(
        select(Resolution).where(Resolution.proposal_id == p.id, ~col(Resolution.superseded))
    ):
        earlier.superseded = True
        ctx.session.add(earlier)
    resolution = Resolution(
        proposal_id=p.id or 0,
        text=text or data_text(ctx, "text") or p.resolution_text,
        adopted=adopted,
        yes=t.yes,
        no=t.no,
        abstain=t.abstain,
        members=q.members,
        present_entitled=q.present_entitled,
        biased=q.biased,
        option=p.decision_option if adopted else None,
        **where,
    )
    ctx.session.add(resolution)
    ctx.audit_data.update(
        adopted=adopted,
        yes=t.yes,
        no=t.no,
        abstain=t.abstain,
        present_entitled=q.present_entitled,
        members=q.members,
        biased=q.biased,
    )
    return resolution


def record_objection(ctx: FiringContext) -> None:
    """Widerspruch suspends the resolution (§ 43 Abs. 2 S. 2 GemO); on the first one the
    Gemeinderat decides again, also on a committee's resolution (§ 43 Abs. 3 GemO).

    The re-decision is a new step of the plan, so the objected step keeps its outcome and
    agenda item on record. Referring a second resolution to the Rechtsaufsicht
    (§ 43 Abs. 2 S. 5) leaves the plan as it is: no body decides again.
    """
    p = proposal(ctx)
    resolution = latest_resolution(ctx.session, p.id or 0)
    assert resolution is not None
    resolution.objected_at = ctx.now
    resolution.objection_reason = ctx.comment
    # The referral to the Rechtsaufsicht is itself the second objection for unlawfulness.
    ground = data_text(ctx, "ground") if ctx.dest == "objected" else "unlawful"
    resolution.objection_ground = ground
    ctx.session.add(resolution)
    ctx.audit_data.update(ground=ground)
    if ctx.dest != "objected":
        municipality = ctx.session.get(Municipality, p.municipality_id)
        assert municipality is not None
        authority = supervisory_authority(ctx.session, municipality)
        ctx.audit_data.update(supervisory_authority=authority.name)
        return
    council = ctx.session.exec(
        select(Body)
        .where(Body.municipality_id == p.municipality_id, Body.kind == "council")
        .order_by(col(Body.id))
    ).first()
    if council is None:
        raise InvalidInput("Für die Gemeinde ist kein Gemeinderat angelegt (§ 43 Abs. 3 GemO)")
    objected = current_step(ctx.session, p)
    assert objected is not None  # the step whose resolution this is
    step = ConsultationStep(
        proposal_id=p.id or 0,
        position=max(s.position for s in steps(ctx.session, p.id or 0)) + 1,
        body_id=council.id or 0,
        decides=True,
        public=objected.public,
    )
    ctx.session.add(step)
    ctx.session.flush()
    p.current_step = step.position
    ctx.audit_data.update(re_decision_step=step.position, re_decision_body=council.name)


def record_urgent_resolution(ctx: FiringContext) -> None:
    """Eilentscheidung: the mayor decides instead of the council (§ 43 Abs. 4 GemO)."""
    p = proposal(ctx)
    p.urgent_reason = ctx.comment
    ctx.session.add(
        Resolution(
            proposal_id=p.id or 0,
            kind="urgent",
            decided_on=ctx.today,
            text=data_text(ctx, "text") or p.resolution_text,
            adopted=True,
            public=p.public,
            option=p.decision_option,
        )
    )


def urgent_report_label(ctx: FiringContext, label: str) -> str:
    """Whom the mayor tells of his Eilentscheidung: the members of the body whose matter it
    was. § 43 Abs. 4 Satz 3 GemO applies Sätze 1 and 2 to a beschließender Ausschuss: for
    its matter "Unterrichtung des Technischen Ausschusses über die Eilentscheidung", not
    the council's (the released definitions name the Gemeinderat; ``workflow.wording``)."""
    p = proposal(ctx)
    return wording_for(p, ctx.session).deadline("urgent_report", label)


def record_publication(ctx: FiringContext) -> None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None:
        resolution.published_at = ctx.now
        ctx.session.add(resolution)


def record_submission(ctx: FiringContext) -> None:
    """§ 121 Abs. 2 GemO: the day the resolution went to the Rechtsaufsichtsbehörde; the
    month without objection runs from here."""
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    assert resolution is not None  # guarded by requires_submission's state
    resolution.submitted_at = ctx.now
    ctx.session.add(resolution)
    municipality = ctx.session.get(Municipality, proposal(ctx).municipality_id)
    assert municipality is not None
    ctx.audit_data.update(
        supervisory_authority=supervisory_authority(ctx.session, municipality).name
    )


def record_confirmation(ctx: FiringContext) -> None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    assert resolution is not None
    resolution.confirmed_at = ctx.now
    ctx.session.add(resolution)


def record_announcement(ctx: FiringContext) -> None:
    """§ 4 Abs. 3 GemO: the Satzung is publicly announced (Bekanntmachungssatzung)."""
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    assert resolution is not None
    resolution.announced_at = ctx.now
    ctx.session.add(resolution)


DEADLINE_LABELS = [DeadlineLabel("urgent_report", urgent_report_label)]

ACTIONS = [
    Action("record_submission", record_submission),
    Action("record_confirmation", record_confirmation),
    Action("record_announcement", record_announcement),
    Action("request_cosignatures", request_cosignatures),
    Action("record_cosignature", record_cosignature),
    Action("reset_cosignatures", reset_cosignatures),
    Action("start_consultation", start_consultation),
    Action("record_pre_deliberation_waiver", record_pre_deliberation_waiver),
    # place_on_agenda: registered by workflow.documents.mailing with the Nachtrag's e-mail.
    Action("detach_from_agenda", detach_from_agenda),
    Action("record_deferral", record_deferral),
    Action("record_referral", record_referral),
    Action("record_recommendation", record_recommendation),
    Action("record_resolution", record_resolution),
    Action("record_note", record_note),
    Action("record_revision", record_revision),
    Action("record_objection", record_objection),
    Action("record_urgent_resolution", record_urgent_resolution),
    Action("record_publication", record_publication),
]
