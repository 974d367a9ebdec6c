"""Members' answers in an Umlaufverfahren (§ 37 Abs. 1 S. 2 GemO) and what they set off.

An answer is no transition of its own: council members fire none (§ 43 and § 37 give them
no trigger of the proposal), and one answer among many changes no state. The answer that
decides the round fires the automatic transition as ``system``: the first objection sends the
proposal back to scheduling, the last missing consent adopts it. Each answer bumps the
proposal's version, so two last answers arriving together cannot both miss the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from workflow import audit
from workflow.context import SYSTEM, Actor
from workflow.definitions.machines import Workflows
from workflow.errors import Conflict, GuardsUnmet, InvalidInput, StaleVersion, UnmetGuard
from workflow.limits import require_reason
from workflow.loaded_rows import bump_version
from workflow.models import CirculationReply, Proposal
from workflow.rules.circulation import (
    REPLY_CHOICES,
    CirculationStatus,
    circulation_status,
    open_circulation,
)
from workflow.services.common import require_role
from workflow.services.transition import Fired, fire, load_instance

# A member answers for themself; the office records an answer received on paper.
REPLY_ROLES = ("council_member", "secretary", "mayor")
OFFICE_ROLES = ("secretary", "mayor")


@dataclass(frozen=True)
class ReplyRecorded:
    reply: CirculationReply
    status: CirculationStatus
    proposal_state: str
    proposal_version: int
    fired: Fired | None


def _refuse(name: str, message: str) -> GuardsUnmet:
    return GuardsUnmet(trigger="circulation_reply", unmet=[UnmetGuard(name=name, message=message)])


def record_reply(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    proposal_id: int,
    choice: str,
    person_id: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> ReplyRecorded:
    """Record one member's consent, objection or bias (§ 18 GemO) in the running round."""
    proposal: Proposal = load_instance(session, "proposal", proposal_id, actor)
    require_role(actor, "circulation_reply", REPLY_ROLES)
    if expected_version is not None and proposal.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=proposal.version)
    if choice not in REPLY_CHOICES:
        raise InvalidInput(f"Unbekannte Antwort: {choice}", field="choice")
    require_reason(reason, what="Die Begründung", field="reason")
    reason = (reason or "").strip() or None
    if choice == "bias" and reason is None:
        raise InvalidInput("Die Befangenheit ist zu begründen (§ 18 GemO)", field="reason")
    person = person_id if person_id is not None else actor.person_id
    if person is None:
        raise InvalidInput("Das antwortende Mitglied ist anzugeben", field="person_id")
    if actor.role not in OFFICE_ROLES and not actor.is_system and person != actor.person_id:
        raise _refuse("own_reply", "Ein Mitglied antwortet nur für sich selbst")
    circulation = (
        open_circulation(session, proposal_id) if proposal.state == "in_circulation" else None
    )
    if circulation is None:
        raise Conflict("Für diese Vorlage läuft kein Umlaufverfahren")
    status = circulation_status(session, circulation)
    if person not in status.members:
        raise _refuse(
            "circulation_member",
            "Nur stimmberechtigte Mitglieder des beschließenden Gremiums nehmen am "
            "Umlaufverfahren teil",
        )
    if person in status.biased:
        raise _refuse(
            "not_biased",
            "Das Mitglied ist befangen und von der Beschlussfassung ausgeschlossen (§ 18 GemO)",
        )
    if person not in status.pending:
        raise Conflict("Das Mitglied hat in diesem Umlaufverfahren bereits geantwortet")
    reply = CirculationReply(
        circulation_id=circulation.id or 0,
        person_id=person,
        choice=choice,
        reason=reason,
        recorded_by=actor.username,
        recorded_at=now,
    )
    session.add(reply)
    bump_version(session, proposal, now)
    audit.note(
        session,
        "proposal",
        proposal,
        actor,
        now,
        "circulation_reply",
        comment=reason,
        data={"circulation_id": circulation.id, "person_id": person, "choice": choice},
    )
    fired = _decide(session, workflows, proposal, circulation_status(session, circulation), now)
    return ReplyRecorded(
        reply=reply,
        status=circulation_status(session, circulation),
        proposal_state=proposal.state,
        proposal_version=proposal.version,
        fired=fired,
    )


def _decide(
    session: Session,
    workflows: Workflows,
    proposal: Proposal,
    status: CirculationStatus,
    now: datetime,
) -> Fired | None:
    if status.objections:
        trigger = "circulation_objected"
        first = status.objections[0]
        data: dict[str, object] = {"person_id": first.person_id}
    elif status.all_consented:
        trigger, data = "circulation_adopted", {}
    else:
        return None
    return fire(
        session=session,
        workflows=workflows,
        kind="proposal",
        instance_id=proposal.id or 0,
        trigger=trigger,
        actor=SYSTEM,
        now=now,
        data=data,
    )
