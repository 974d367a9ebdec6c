"""What the administration does with a request: record it as received, take it over as a
Vorlage, put it on an agenda, refuse it as inadmissible, or settle it – each one move of the
request, one audit event, and its Frist opened or closed.

The steps on a received request are the office's, not the person's: while the mayor or the
Sitzungsdienst is away, the Stellvertretung acting for him (``workflow.deputies``; § 48 GemO
for the mayor) takes them in his office, and the audit names both."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from workflow.agenda_numbers import top_number
from workflow.context import Actor, local_date
from workflow.deadlines.standing import close_standing
from workflow.definitions.machines import Workflows
from workflow.documents import german
from workflow.errors import InvalidInput
from workflow.law import council_requests as law
from workflow.law.consultation import DECIDING_KINDS
from workflow.limits import too_long
from workflow.models import AgendaItem, Body, CouncilRequest, Meeting, Person, Proposal
from workflow.services import agenda, factions
from workflow.services.common import require_acting, require_role
from workflow.services.council_requests.chain import move_to, record_event, record_scheduled
from workflow.services.council_requests.deadline import open_deadline
from workflow.services.council_requests.queries import get_request
from workflow.services.council_requests.terms import (
    COUNCILLOR_KINDS,
    FILING_ROLES,
    GROUNDS,
    KINDS,
    MAX_TEXT,
    RECORDING_ROLES,
    REFUSING_ROLES,
    TAKING_OVER_ROLES,
)
from workflow.services.council_requests.weight import councillors, quorum
from workflow.services.proposals import ProposalFields, StepInput, create_proposal
from workflow.services.transition import load_instance

# Scheduling adds an item to the session's agenda: who keeps the agenda.
SCHEDULING_ROLES = agenda.MEETING_ROLES


def create_request(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    body_id: int,
    kind: str,
    subject: str,
    text: str = "",
    received_on: date | None = None,
    submitted_by: str = "",
    faction: str | None = None,
    faction_id: int | None = None,
    signer_person_ids: list[int] | None = None,
    signature_count: int | None = None,
    required_signatures: int | None = None,
) -> CouncilRequest:
    """Record a request as received.

    The administration (``RECORDING_ROLES``) records what reached it on paper: the signers
    of a Verlangen and the day it came in, which counts for the quorum and the Frist
    (§ 34 Abs. 1 S. 3, 4 GemO: a quarter or a sixth of the councillors, counted on that
    day). A councillor files his own request here and signs it for himself
    only, on the day he files: he cannot sign for colleagues nor date his filing back,
    else one person could claim a quorum and an overdue Frist. Colleagues who join him
    sign the paper the administration receives, which records them with its receipt
    date – a signature stays a matter of the person signing, and the quorum, the Frist
    and its replanning keep counting from one day of receipt, with no second date for
    signatures collected online."""
    require_role(actor, "create_council_request", FILING_ROLES)
    body = session.get(Body, body_id)
    if body is None or not (actor.is_system or body.municipality_id == actor.municipality_id):
        raise InvalidInput("Unbekanntes Gremium", field="body_id")
    if kind not in KINDS:
        raise InvalidInput(
            f"Unbekannte Antragsart „{kind}“; möglich: {', '.join(KINDS)}", field="kind"
        )
    if not subject.strip():
        raise InvalidInput("Bitte den Gegenstand des Antrags angeben", field="subject")
    if len(subject) > 500 or len(text) > MAX_TEXT:
        raise InvalidInput("Der Antrag ist zu lang", field="text")
    received = received_on or local_date(now)
    if received > local_date(now):
        raise InvalidInput("Der Eingang liegt in der Zukunft", field="received_on")
    signers = sorted(set(signer_person_ids or []))
    faction_name, faction_id = _faction(session, body.municipality_id, kind, faction, faction_id)
    if actor.role == "council_member":
        if faction_id is not None and not factions.is_member(session, faction_id, actor.person_id):
            raise InvalidInput(
                "Sie stellen Anträge nur für Ihre eigene Fraktion", field="faction_id"
            )
        if kind not in COUNCILLOR_KINDS:
            raise InvalidInput(
                "Gemeinderäte stellen Fraktionsanträge, Anträge und Verlangen nach § 34 GemO",
                field="kind",
            )
        if any(p != actor.person_id for p in signers):
            raise InvalidInput(
                "Sie unterzeichnen nur für sich selbst; weitere Unterzeichner erfasst die "
                "Verwaltung, bei der das unterschriebene Verlangen eingeht",
                field="signer_person_ids",
            )
        if received != local_date(now):
            raise InvalidInput(
                "Ihr Antrag geht an dem Tag ein, an dem Sie ihn stellen", field="received_on"
            )
        signers = [actor.person_id] if actor.person_id is not None else []
    if kind in COUNCILLOR_KINDS:
        seats = {m.person_id for m in councillors(session, body_id, received)}
        strangers = [p for p in signers if p not in seats]
        if strangers:
            names = [
                p.name for p in session.exec(select(Person).where(col(Person.id).in_(strangers)))
            ]
            raise InvalidInput(
                f"Am {german.day(received)} kein Mitglied des Gremiums {body.name}: "
                + (", ".join(names) or ", ".join(map(str, strangers))),
                field="signer_person_ids",
            )
        if not signers and faction_name is None:
            raise InvalidInput(
                "Bitte die unterzeichnenden Gemeinderäte oder die Fraktion angeben",
                field="signer_person_ids",
            )
    else:
        signers = []
    if kind == "residents_motion":
        if signature_count is None or signature_count < 0:
            raise InvalidInput(
                "Bitte die Zahl der gültigen Unterschriften angeben", field="signature_count"
            )
        if required_signatures is not None and required_signatures < 1:
            raise InvalidInput(
                "Die erforderliche Zahl muss mindestens 1 sein", field="required_signatures"
            )
    else:
        signature_count = required_signatures = None
    request = CouncilRequest(
        municipality_id=body.municipality_id,
        body_id=body_id,
        kind=kind,
        subject=subject.strip(),
        text=text.strip(),
        received_on=received,
        submitted_by=submitted_by.strip()[:500],
        faction=faction_name,
        faction_id=faction_id,
        signer_person_ids=signers,
        signature_count=signature_count,
        required_signatures=required_signatures,
        author_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    weight = quorum(session, request)
    seq = record_event(
        session,
        request,
        actor,
        now,
        "create",
        None,
        {
            "kind": kind,
            "body_id": body_id,
            "received_on": received,
            "signers": signers,
            "faction": faction_name,
            "faction_id": faction_id,
            "quorum": weight.explanation if weight else None,
            "quorum_reached": weight.reached if weight else None,
        },
    )
    open_deadline(session, request, seq, now)
    session.flush()
    return request


def _faction(
    session: Session, municipality_id: int, kind: str, name: str | None, faction_id: int | None
) -> tuple[str | None, int | None]:
    """The asking Fraktion as (name as filed, id). Where the municipality keeps its
    Fraktionen, a Fraktionsantrag picks one of them (§ 34 Abs. 1 S. 4 GemO gives the right
    to a Fraktion, not to any group calling itself one); elsewhere its name is taken as
    written, as before the list existed."""
    if faction_id is not None:
        chosen = factions.faction_for_request(session, municipality_id, faction_id)
        if name and name.strip() and name.strip() not in (chosen.name, chosen.short_name):
            raise InvalidInput(
                f"Die Fraktion „{name.strip()}“ ist nicht die gewählte „{chosen.name}“",
                field="faction",
            )
        return chosen.name, chosen.id
    written = (name or "").strip() or None
    if written is not None and factions.has_factions(session, municipality_id):
        raise InvalidInput(
            "Bitte wählen Sie die Fraktion aus der Liste der Fraktionen der Gemeinde",
            field="faction_id",
        )
    if kind == "faction_motion" and written is None:
        field = "faction_id" if factions.has_factions(session, municipality_id) else "faction"
        raise InvalidInput(
            "Bitte geben Sie die Fraktion an, die den Fraktionsantrag stellt", field=field
        )
    return written, None


def take_over(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    request_id: int,
    proposal_id: int | None = None,
) -> CouncilRequest:
    """The administration turns the request into a Vorlage: an existing one, or a new draft
    with the request's subject and text, to be decided by the request's body."""
    request = get_request(session, actor, request_id, lock=True)
    actor = require_acting(
        session, actor, local_date(now), "take_over_council_request", TAKING_OVER_ROLES
    )
    source = move_to(request, "proposal", now)
    if proposal_id is not None:
        proposal: Proposal = load_instance(session, "proposal", proposal_id, actor)
        if proposal.municipality_id != request.municipality_id:
            raise InvalidInput("Unbekannte Vorlage", field="proposal_id")
    else:
        body = session.get(Body, request.body_id)
        decides = body is not None and body.kind in DECIDING_KINDS
        proposal = create_proposal(
            session=session,
            workflows=workflows,
            actor=actor,
            now=now,
            municipality_id=request.municipality_id,
            content=ProposalFields(
                title=request.subject,
                resolution_text=request.text or request.subject,
                proposal_date=local_date(now),
                facts=f"{KINDS[request.kind]} vom {german.day(request.received_on)}"
                + (
                    f" ({request.submitted_by or request.faction})"
                    if request.submitted_by or request.faction
                    else ""
                )
                + (f":\n\n{request.text}" if request.text else ""),
            ),
            steps=[StepInput(body_id=request.body_id, decides=decides, advises=not decides)],
        )
    request.proposal_id = proposal.id
    session.add(request)
    session.flush()
    record_event(session, request, actor, now, "take_over", source, {"proposal_id": proposal.id})
    return request


def schedule(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    request_id: int,
    meeting_id: int,
    agenda_item_id: int | None = None,
    expected_version: int | None = None,
) -> CouncilRequest:
    """Put the request on the agenda of a session of its body: an item already there (the
    Vorlage it became), or a new item with its subject. The deadline is met when the
    session is on or before its day (§ 34 Abs. 1 S. 4 GemO: the next-but-one session)."""
    request = get_request(session, actor, request_id, lock=True)
    actor = require_acting(
        session, actor, local_date(now), "schedule_council_request", SCHEDULING_ROLES
    )
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.municipality_id != request.municipality_id:
        raise InvalidInput("Unbekannte Sitzung", field="meeting_id")
    if meeting.body_id != request.body_id:
        raise InvalidInput(
            "Die Sitzung muss eine des Gremiums sein, an das der Antrag gerichtet ist",
            field="meeting_id",
        )
    if meeting.state == "cancelled":
        raise InvalidInput("Die Sitzung ist abgesagt", field="meeting_id")
    source = move_to(request, "scheduled", now)
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting_id or item.removed:
            raise InvalidInput(
                "Der Tagesordnungspunkt gehört nicht zu dieser Sitzung", field="agenda_item_id"
            )
    else:
        item = agenda.add_item(
            session=session,
            workflows=workflows,
            actor=actor,
            now=now,
            meeting_id=meeting_id,
            expected_version=expected_version if expected_version is not None else meeting.version,
            title=f"{KINDS[request.kind].split(' (')[0]}: {request.subject}"[:500],
        )
    record_scheduled(session, request, actor, now, source=source, meeting=meeting, item=item)
    return request


def refuse(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    request_id: int,
    ground: str,
    reason: str = "",
    previous_agenda_item_id: int | None = None,
) -> CouncilRequest:
    """Refuse the request as inadmissible, the ground recorded and checked where the law
    gives one: the six-month rule needs the agenda item that dealt with the matter within
    six months before the receipt (§ 34 Abs. 1 S. 6 GemO); a quorum refusal needs the
    quorum to be missed."""
    request = get_request(session, actor, request_id, lock=True)
    actor = require_acting(
        session, actor, local_date(now), "refuse_council_request", REFUSING_ROLES
    )
    if ground not in GROUNDS:
        raise InvalidInput(
            f"Unbekannter Grund „{ground}“; möglich: {', '.join(GROUNDS)}", field="ground"
        )
    text = reason.strip()
    if ground == "six_months":
        if request.kind not in COUNCILLOR_KINDS:
            raise InvalidInput(
                "Die Sechsmonatsregel gilt für Verlangen nach § 34 Abs. 1 Satz 3 und 4 GemO",
                field="ground",
            )
        item = session.get(AgendaItem, previous_agenda_item_id) if previous_agenda_item_id else None
        earlier = session.get(Meeting, item.meeting_id) if item is not None else None
        if item is None or earlier is None or earlier.municipality_id != request.municipality_id:
            raise InvalidInput(
                "Bitte den Tagesordnungspunkt angeben, in dem der Gegenstand behandelt wurde",
                field="previous_agenda_item_id",
            )
        if (
            item.removed
            or earlier.state == "cancelled"
            or not law.dealt_with_recently(earlier.meeting_date, request.received_on)
        ):
            raise InvalidInput(
                f"Die Sitzung vom {german.day(earlier.meeting_date)} liegt nicht innerhalb der "
                f"sechs Monate vor dem Eingang am {german.day(request.received_on)} "
                "(§ 34 Abs. 1 Satz 6 GemO)",
                field="previous_agenda_item_id",
            )
        request.previous_agenda_item_id = item.id
        text = text or (
            f"Der Gegenstand wurde am {german.day(earlier.meeting_date)} behandelt "
            f"(TOP {top_number(session, item)}: {item.title}); § 34 Abs. 1 Satz 6 GemO"
        )
    elif ground == "quorum":
        weight = quorum(session, request)
        if weight is None or weight.reached:
            raise InvalidInput(
                "Die erforderliche Zahl ist erreicht"
                + (f": {weight.explanation}" if weight else "")
                + "; eine Ablehnung mangels Quorum ist nicht möglich",
                field="ground",
            )
        text = text or weight.explanation
    elif not text:
        raise InvalidInput("Bitte die Ablehnung begründen", field="reason")
    if len(text) > MAX_TEXT:  # refused, never cut
        raise InvalidInput(too_long("Die Begründung der Ablehnung", MAX_TEXT), field="reason")
    source = move_to(request, "refused", now)
    request.refusal_ground = ground
    request.refusal_reason = text
    session.add(request)
    closed = close_standing(session, instance_id=request.id or 0, now=now, met_on=None, cancel=True)
    session.flush()
    record_event(
        session,
        request,
        actor,
        now,
        "refuse",
        source,
        {
            "ground": ground,
            "previous_agenda_item_id": request.previous_agenda_item_id,
            "deadlines": {d.rule: d.status for d in closed},
        },
        comment=request.refusal_reason,
    )
    return request


def settle(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    request_id: int,
    note: str = "",
    withdrawn: bool = False,
) -> CouncilRequest:
    """The request is dealt with (decided or answered: its deadline is met today), or its
    submitters withdrew it (its deadline no longer applies: cancelled)."""
    request = get_request(session, actor, request_id, lock=True)
    actor = require_acting(
        session, actor, local_date(now), "settle_council_request", RECORDING_ROLES
    )
    if len(note.strip()) > MAX_TEXT:  # refused, never cut
        raise InvalidInput(too_long("Der Vermerk", MAX_TEXT), field="note")
    source = move_to(request, "done", now)
    request.settled_note = note.strip() or None
    session.add(request)
    closed = close_standing(
        session,
        instance_id=request.id or 0,
        now=now,
        met_on=local_date(now),
        cancel=withdrawn,
    )
    session.flush()
    record_event(
        session,
        request,
        actor,
        now,
        "settle",
        source,
        {"withdrawn": withdrawn, "deadlines": {d.rule: d.status for d in closed}},
        comment=request.settled_note,
    )
    return request
