"""Guards, actions and anchors of district decision requests and municipal responses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from workflow.context import FiringContext
from workflow.deadlines.lifecycle import calendar_for
from workflow.definitions.machines import Workflows
from workflow.definitions.registry import Action, Anchor, Guard
from workflow.documents import german
from workflow.law.periods import period_end
from workflow.models import (
    Body,
    DecisionRequest,
    DecisionResponse,
    Municipality,
    Proposal,
    Resolution,
)
from workflow.queries import latest_resolution
from workflow.rules.common import OBJECTION_PERIOD, count_of, data_int, data_text
from workflow.supervision import mayor_title
from workflow.wording import wording_for

DELEGATION_SETTING = "decision_requests_delegated_to_mayor"
# States of definitions/proposal.yaml in which a resolution can no longer be objected to:
# "Bestandskräftig – im Vollzug" and after.
FINAL_PROPOSAL_STATES = ("final", "executed", "archived")


def _request(ctx: FiringContext) -> DecisionRequest:
    if isinstance(ctx.instance, DecisionRequest):
        return ctx.instance
    request = ctx.session.get(DecisionRequest, ctx.instance.request_id)
    assert request is not None
    return request


def _response(ctx: FiringContext) -> DecisionResponse:
    response: DecisionResponse = ctx.instance
    return response


def request_options_valid(ctx: FiringContext) -> str | None:
    request = _request(ctx)
    keys = [o.get("key") for o in request.options]
    if len(keys) < 2 or len(set(keys)) != len(keys) or not all(keys):
        return "Die Abfrage braucht mindestens zwei Optionen mit eindeutigem Schlüssel"
    if request.default_option not in keys:
        return f'Die Standardoption "{request.default_option}" ist keine der Optionen'
    return None


def reply_deadline_in_future(ctx: FiringContext) -> str | None:
    request = _request(ctx)
    if request.reply_deadline <= ctx.today:
        return f"Die Antwortfrist ({german.day(request.reply_deadline)}) muss in der Zukunft liegen"
    return None


def all_responses_settled(ctx: FiringContext) -> str | None:
    open_count = len(
        ctx.session.exec(
            select(DecisionResponse.id).where(
                DecisionResponse.request_id == _request(ctx).id,
                col(DecisionResponse.state).in_(("open", "in_preparation", "late_pending")),
            )
        ).all()
    )
    if not open_count:
        return None
    towns = count_of(open_count, "Gemeinde hat", "Gemeinden haben")
    return f"{towns} noch nicht abschließend geantwortet"


def request_running(ctx: FiringContext) -> str | None:
    """A response is linked and answered only while the Landratsamt's request runs: once it
    is closed or withdrawn, the Landratsamt takes no answer any more."""
    request = _request(ctx)
    if request.state == "closed":
        return "Das Landratsamt hat die Abfrage abgeschlossen: Antworten sind nicht mehr möglich"
    if request.state == "cancelled":
        return "Das Landratsamt hat die Abfrage zurückgezogen: Antworten sind nicht mehr möglich"
    return None


def before_reply_deadline(ctx: FiringContext) -> str | None:
    deadline = _request(ctx).reply_deadline
    if ctx.today > deadline:
        return (
            f"Die Antwortfrist ist am {german.day(deadline)} abgelaufen: verspätete Antwort "
            "(answer_late) mit Annahme durch das Landratsamt"
        )
    return None


def after_reply_deadline(ctx: FiringContext) -> str | None:
    deadline = _request(ctx).reply_deadline
    return (
        f"Die Antwortfrist läuft noch bis {german.day(deadline)}" if ctx.today <= deadline else None
    )


def _linked_proposal(ctx: FiringContext) -> Proposal | None:
    proposal_id = data_int(ctx, "proposal_id")
    proposal = ctx.session.get(Proposal, proposal_id) if proposal_id is not None else None
    if proposal is None or proposal.municipality_id != _response(ctx).municipality_id:
        return None
    return proposal


# Vorlagen whose course has ended cannot carry the answer: no resolution of theirs can
# still be reported (withdrawn, rejected, annulled by the Rechtsaufsicht under § 121 GemO,
# only taken note of) or theirs was on another matter and is done (executed, archived).
ENDED_PROPOSAL_STATES = {
    "withdrawn": "zurückgezogen",
    "rejected": "abgelehnt",
    "annulled": "von der Rechtsaufsicht beanstandet",
    "noted": "zur Kenntnis genommen",
    "executed": "vollzogen",
    "archived": "archiviert",
}


def ended_reason(proposal: Proposal) -> str | None:
    """Why the Vorlage can no longer carry an answer, or None."""
    word = ENDED_PROPOSAL_STATES.get(proposal.state)
    if word is None:
        return None
    return (
        f"Die Vorlage {proposal.label} ist {word} und kann die Antwort nicht mehr tragen: "
        "bitte eine laufende Vorlage wählen oder eine neue aus der Abfrage anlegen"
    )


def linkable_proposals(
    session: Session, municipality_id: int, *where: ColumnElement[bool]
) -> list[Proposal]:
    """The municipality's Vorlagen ``link_proposal`` accepts, newest first: not ended and
    not resolved yet (``not_yet_resolved``); ``where`` narrows them (read access, a limit)."""
    rows = session.exec(
        select(Proposal)
        .where(
            Proposal.municipality_id == municipality_id,
            col(Proposal.state).not_in(tuple(ENDED_PROPOSAL_STATES)),
            *where,
        )
        .order_by(col(Proposal.year).desc(), col(Proposal.number).desc())
    )
    return [p for p in rows if _standing_resolution(session, p) is None]


def proposal_of_municipality(ctx: FiringContext) -> str | None:
    proposal = _linked_proposal(ctx)
    if proposal is None:
        return "Eine Vorlage der eigenen Gemeinde muss angegeben werden (proposal_id)"
    return ended_reason(proposal)


def option_valid(ctx: FiringContext) -> str | None:
    option = data_text(ctx, "option")
    keys = [o.get("key") for o in _request(ctx).options]
    if option is None or option not in keys:
        return f"Eine der Optionen muss angegeben werden (option: {', '.join(map(str, keys))})"
    return None


def _standing_resolution(session: Session, proposal: Proposal) -> Resolution | None:
    """The proposal's adopted resolution, unless the Rechtsaufsicht annulled it (§ 121 GemO)."""
    resolution = latest_resolution(session, proposal.id or 0)
    if resolution is None or not resolution.adopted or proposal.state == "annulled":
        return None
    return resolution


def _not_final(ctx: FiringContext, proposal: Proposal, resolution: Resolution) -> str | None:
    """Why the resolution cannot be reported yet: until the mayor's objection week has passed
    it may still be suspended (§ 43 Abs. 2 GemO), so only a final one is an answer."""
    if proposal.state in FINAL_PROPOSAL_STATES:
        return None
    wording = wording_for(proposal, ctx.session)
    if proposal.state == "decided" and resolution.objected_at is None:
        calendar = calendar_for(ctx.session, proposal.municipality_id)
        end = period_end(resolution.decided_on, OBJECTION_PERIOD, calendar).date
        if ctx.today <= end:
            return wording.text(
                "Der Beschluss ist noch nicht bestandskräftig: die Widerspruchsfrist "
                f"(§ 43 Abs. 2 GemO) läuft bis {german.day(end)}, sofern der Bürgermeister nicht "
                "vorher auf den Widerspruch verzichtet"
            )
        return (
            "Der Beschluss ist noch nicht bestandskräftig: die Widerspruchsfrist "
            f"(§ 43 Abs. 2 GemO) endete am {german.day(end)}, der Abschluss durch die "
            "Fristenüberwachung steht noch aus"
        )
    if resolution.objected_at is not None:
        return wording.text(
            "Der Beschluss ist durch den Widerspruch des Bürgermeisters ausgesetzt "
            "(§ 43 Abs. 2 GemO): maßgeblich ist erst der erneute Beschluss oder die "
            "Entscheidung der Rechtsaufsichtsbehörde"
        )
    if proposal.state == "urgent_decided":
        # § 43 Abs. 4 Satz 3 GemO: a beschließender Ausschuss's members are told instead
        told = wording.deadline("urgent_report", "Unterrichtung des Gemeinderats")
        return (
            f"Die Eilentscheidung ist noch nicht abgeschlossen: die {told} "
            "(§ 43 Abs. 4 GemO) steht aus"
        )
    label = proposal.state
    workflows: Workflows | None = ctx.workflows
    if workflows is not None:
        spec = workflows.get(proposal.definition_name, proposal.definition_version).spec
        label = wording.state(spec, proposal.state)
    return f'Der Beschluss ist noch nicht bestandskräftig (Vorlage im Zustand "{label}")'


def _basis(ctx: FiringContext) -> tuple[str, str, date, int | None] | str:
    """(option, decided_by, decided_on, resolution_id) or the reason there is none."""
    response = _response(ctx)
    proposal = (
        ctx.session.get(Proposal, response.proposal_id)
        if response.proposal_id is not None
        else None
    )
    resolution = _standing_resolution(ctx.session, proposal) if proposal is not None else None
    if proposal is not None and resolution is not None:
        # The answer reports what the body resolved, never the proposal's current option,
        # and only once the resolution is final (§ 43 Abs. 2 GemO).
        # the option the resolution chose (vote or Eilentscheidung), never re-read from the
        # proposal afterwards
        option = resolution.option
        if option is not None:
            pending = _not_final(ctx, proposal, resolution)
            if pending is not None:
                return pending
            body = ctx.session.get(Body, resolution.body_id) if resolution.body_id else None
            by = body.name if body else f"{_mayor(ctx, response)} (Eilentscheidung)"
            return option, by, resolution.decided_on, resolution.id
    option = data_text(ctx, "option")
    if ctx.actor.role == "mayor" and option is not None:
        municipality = ctx.session.get(Municipality, response.municipality_id)
        if municipality is not None and municipality.settings.get(DELEGATION_SETTING):
            if option_valid(ctx) is None:
                by = f"{mayor_title(municipality)} (übertragene Zuständigkeit)"
                return option, by, ctx.today, None
            return "Unbekannte Option"
    return (
        "Es liegt weder ein Beschluss des zuständigen Gremiums zur verknüpften Vorlage vor "
        "noch eine Zuständigkeit des Bürgermeisters (Übertragung durch die Hauptsatzung)"
    )


def _mayor(ctx: FiringContext, response: DecisionResponse) -> str:
    """How the answering municipality names its mayor in the record (§ 42 Abs. 4 GemO)."""
    municipality = ctx.session.get(Municipality, response.municipality_id)
    return mayor_title(municipality) if municipality is not None else "Bürgermeister/in"


def answer_basis(ctx: FiringContext) -> str | None:
    basis = _basis(ctx)
    return basis if isinstance(basis, str) else None


def not_yet_resolved(ctx: FiringContext) -> str | None:
    """Once a body has resolved on the linked proposal, neither the link nor the option may
    change: the answer must report that resolution (an annulled or rejected one frees it)."""
    linked = (
        ctx.session.get(Proposal, _response(ctx).proposal_id)
        if _response(ctx).proposal_id is not None
        else None
    )
    for proposal in (linked, _linked_proposal(ctx)):
        if proposal is None:
            continue
        resolution = _standing_resolution(ctx.session, proposal)
        if resolution is not None:
            return (
                f"Zur Vorlage {proposal.label} liegt bereits ein Beschluss vom "
                f"{german.day(resolution.decided_on)} vor: Verknüpfung und Option können nicht "
                "mehr geändert werden"
            )
    return None


def link_proposal(ctx: FiringContext) -> None:
    response = _response(ctx)
    proposal = _linked_proposal(ctx)
    assert proposal is not None
    response.proposal_id = proposal.id
    proposal.decision_option = data_text(ctx, "option")
    ctx.session.add_all([response, proposal])
    ctx.audit_data.update(proposal=proposal.label, option=proposal.decision_option)


def record_answer(ctx: FiringContext) -> None:
    basis = _basis(ctx)
    assert not isinstance(basis, str)
    option, by, on, resolution_id = basis
    response = _response(ctx)
    response.option, response.decided_by, response.decided_on = option, by, on
    response.resolution_id = resolution_id
    response.answered_at = ctx.now
    response.late = ctx.dest == "late_pending"
    if resolution_id is not None:
        resolution = ctx.session.get(Resolution, resolution_id)
        if resolution is not None and resolution.option is None:
            resolution.option = option
            ctx.session.add(resolution)
    ctx.session.add(response)
    ctx.audit_data.update(option=option, decided_by=by, decided_on=on, late=response.late)


def apply_default(ctx: FiringContext) -> None:
    response = _response(ctx)
    request = _request(ctx)
    response.option = request.default_option
    response.decided_by = "Standardoption (keine fristgerechte Antwort)"
    response.decided_on = request.reply_deadline
    response.resolution_id = None
    response.answered_at = ctx.now
    ctx.session.add(response)
    ctx.audit_data.update(option=request.default_option, rule="reply")


def reply_deadline(ctx: FiringContext) -> date:
    return _request(ctx).reply_deadline


def pending_responses(session: Session, request_id: int) -> list[DecisionResponse]:
    return list(
        session.exec(
            select(DecisionResponse)
            .where(
                DecisionResponse.request_id == request_id,
                col(DecisionResponse.state).in_(("open", "in_preparation", "late_pending")),
            )
            .order_by(col(DecisionResponse.id))
        )
    )


GUARDS = [
    Guard("request_options_valid", request_options_valid),
    Guard("reply_deadline_in_future", reply_deadline_in_future),
    Guard("all_responses_settled", all_responses_settled),
    Guard("request_running", request_running),
    Guard("before_reply_deadline", before_reply_deadline),
    Guard("after_reply_deadline", after_reply_deadline),
    Guard("proposal_of_municipality", proposal_of_municipality),
    Guard("option_valid", option_valid),
    Guard("answer_basis", answer_basis),
    Guard("not_yet_resolved", not_yet_resolved),
]
ACTIONS = [
    Action("link_proposal", link_proposal),
    Action("record_answer", record_answer),
    Action("apply_default", apply_default),
]
ANCHORS = [Anchor("reply_deadline", reply_deadline, is_due_date=True)]
