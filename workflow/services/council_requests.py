"""Anträge an den Gemeinderat: received, checked against the GemO, turned into a Vorlage or
put on an agenda, or refused as inadmissible – with their Fristen.

* § 34 Abs. 1 S. 3 GemO: a quarter of the councillors forces a session "unverzüglich";
* § 34 Abs. 1 S. 4: a Fraktion or a sixth forces an item onto the agenda of the
  next-but-one session at the latest; S. 5: only matters of the council's remit; S. 6: not
  when the council dealt with the same matter within the last six months;
* § 20b Abs. 2, 3: an Einwohnerantrag with enough signatures is dealt with within three
  months; § 41a Abs. 2: the council decides on the youth representation's request within
  three months.

Each request is its own audit chain (``instance_type = 'council_request'``); its deadlines
are standing rules (``workflow.deadlines.standing``) the sweep reminds and escalates.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from workflow import audit
from workflow.context import SYSTEM, Actor, local_date
from workflow.deadlines.acts import schedule_acts
from workflow.deadlines.standing import COUNCIL_REQUEST, RULES, close_standing, open_standing
from workflow.definitions.machines import Workflows
from workflow.deputies import member_on
from workflow.errors import Conflict, InvalidInput, NotFound
from workflow.law import council_requests as law
from workflow.law.consultation import DECIDING_KINDS
from workflow.models import (
    AgendaItem,
    AuditEvent,
    Body,
    CouncilRequest,
    Deadline,
    Meeting,
    Membership,
    Person,
    Proposal,
)
from workflow.services import agenda
from workflow.services.common import require_role, require_tenant
from workflow.services.proposals import ProposalFields, StepInput, create_proposal
from workflow.services.transition import load_instance

KINDS = {
    "faction_motion": "Fraktionsantrag",
    "councillor_motion": "Antrag von Gemeinderäten",
    "session_request": "Sitzungsverlangen (§ 34 Abs. 1 Satz 3 GemO)",
    "agenda_request": "Tagesordnungsantrag (§ 34 Abs. 1 Satz 4 GemO)",
    "residents_motion": "Einwohnerantrag (§ 20b GemO)",
    "youth_motion": "Antrag der Jugendvertretung (§ 41a GemO)",
}
# Kinds councillors sign; the others come from residents or the youth representation.
COUNCILLOR_KINDS = ("faction_motion", "councillor_motion", "session_request", "agenda_request")
STATES = {
    "received": "eingegangen",
    "proposal": "als Vorlage übernommen",
    "scheduled": "auf der Tagesordnung",
    "refused": "als unzulässig abgelehnt",
    "done": "erledigt",
}
MOVES = {
    "received": ("proposal", "scheduled", "refused", "done"),
    "proposal": ("scheduled", "done"),
    "scheduled": ("done",),
    "refused": (),
    "done": (),
}
GROUNDS = {
    "six_months": "Gegenstand in den letzten sechs Monaten behandelt (§ 34 Abs. 1 Satz 6 GemO)",
    "quorum": "erforderliche Zahl der Unterzeichner nicht erreicht",
    "remit": "nicht im Aufgabengebiet des Gremiums (§ 34 Abs. 1 Satz 5 GemO)",
    "late": "verspätet eingereicht (§ 20b Abs. 2 Satz 2 GemO)",
    "other": "sonstiger Grund",
}
EVENT_LABELS = {
    "create": "erfasst",
    "take_over": "als Vorlage übernommen",
    "schedule": "auf die Tagesordnung gesetzt",
    "refuse": "als unzulässig abgelehnt",
    "settle": "als erledigt vermerkt",
    "waive_deadline": "Frist erlassen",
    "unschedule": "von der Tagesordnung genommen",
}
RECORDING_ROLES = ("clerk", "secretary", "mayor")
REFUSING_ROLES = ("secretary", "mayor")
MAX_TEXT = 20_000
FALLBACK_NOTE = (
    "Noch keine zwei Sitzungen des Gremiums nach dem Eingang geplant: Ersatzfrist ab Eingang; "
    "sobald sie geplant sind, gilt der Tag der übernächsten Sitzung (§ 34 Abs. 1 Satz 4 GemO)."
)


def _record(
    session: Session,
    request: CouncilRequest,
    actor: Actor,
    now: datetime,
    trigger: str,
    source: str | None,
    data: dict[str, object],
    comment: str | None = None,
) -> int:
    event = audit.append(
        session,
        instance_type=COUNCIL_REQUEST,
        instance_id=request.id or 0,
        actor=actor,
        trigger=trigger,
        source=source,
        dest=request.state,
        now=now,
        comment=comment,
        data=data,
    )
    return event.seq


def _move(request: CouncilRequest, dest: str, now: datetime) -> str:
    source = request.state
    if dest not in MOVES[source]:
        raise Conflict(
            f"Ein Antrag im Stand „{STATES[source]}“ kann nicht „{STATES[dest]}“ werden."
        )
    request.state = dest
    request.updated_at = now
    return source


def councillors(session: Session, body_id: int, on: date) -> list[Membership]:
    """The body's voting members on ``on`` without its chair: § 34 Abs. 1 S. 3, 4 GemO count
    "Gemeinderäte", and the mayor chairs the council without being one (§ 25 Abs. 1)."""
    rows = session.exec(
        select(Membership).where(Membership.body_id == body_id, col(Membership.voting))
    )
    return [m for m in rows if m.role != "chair" and member_on(m, on)]


def quorum(session: Session, request: CouncilRequest) -> law.Quorum | None:
    """The request's statutory weight, counted on its day of receipt; None for a kind
    without one (a councillors' motion below a sixth still reaches the administration)."""
    if request.kind == "residents_motion":
        return law.signature_quorum(request.signature_count or 0, request.required_signatures)
    if request.kind not in COUNCILLOR_KINDS:
        return None
    seats = {m.person_id for m in councillors(session, request.body_id, request.received_on)}
    signers = len(set(request.signer_person_ids) & seats)
    if request.kind == "session_request":
        return law.session_quorum(signers, len(seats))
    return law.agenda_quorum(signers, len(seats), faction=bool(request.faction))


def _next_but_one(session: Session, request: CouncilRequest) -> date | None:
    days = [
        m.meeting_date
        for m in session.exec(
            select(Meeting).where(Meeting.body_id == request.body_id, Meeting.state != "cancelled")
        )
    ]
    return law.next_but_one(days, request.received_on)


def _next_but_one_text(request: CouncilRequest, due: date) -> str:
    return (
        f"Tag der übernächsten Sitzung nach Eingang am {request.received_on:%d.%m.%Y}: "
        f"{due:%d.%m.%Y} (§ 34 Abs. 1 Satz 4 GemO)"
    )


def _open_deadline(session: Session, request: CouncilRequest, seq: int, now: datetime) -> None:
    weight = quorum(session, request)
    if weight is not None and not weight.reached:
        return  # no statutory right: no statutory deadline
    kw: dict[str, object] = {}
    if request.kind == "session_request":
        rule = RULES["council_request_session"]
    elif request.kind in COUNCILLOR_KINDS:
        rule = RULES["council_request_agenda"]
        due = _next_but_one(session, request)
        if due is not None:
            kw = {"fixed_due": due, "fixed_explanation": _next_but_one_text(request, due)}
        else:
            kw = {"note": FALLBACK_NOTE}
    elif request.kind == "residents_motion":
        rule = RULES["council_request_residents"]
    else:
        rule = RULES["council_request_youth"]
    open_standing(
        session,
        instance_id=request.id or 0,
        municipality_id=request.municipality_id,
        rule=rule,
        anchor=request.received_on,
        seq=seq,
        now=now,
        **kw,  # type: ignore[arg-type]
    )


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
    signer_person_ids: list[int] | None = None,
    signature_count: int | None = None,
    required_signatures: int | None = None,
) -> CouncilRequest:
    """Record a request as received; a councillor records his own (he is among the signers)."""
    require_role(actor, "create_council_request", (*RECORDING_ROLES, "council_member"))
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
    faction_name = (faction or "").strip() or None
    if actor.role == "council_member":
        if kind not in COUNCILLOR_KINDS:
            raise InvalidInput(
                "Gemeinderäte stellen Fraktionsanträge, Anträge und Verlangen nach § 34 GemO",
                field="kind",
            )
        if actor.person_id is not None and actor.person_id not in signers:
            signers.append(actor.person_id)
    if kind == "faction_motion" and faction_name is None:
        raise InvalidInput("Bitte die Fraktion angeben", field="faction")
    if kind in COUNCILLOR_KINDS:
        seats = {m.person_id for m in councillors(session, body_id, received)}
        strangers = [p for p in signers if p not in seats]
        if strangers:
            names = [
                p.name for p in session.exec(select(Person).where(col(Person.id).in_(strangers)))
            ]
            raise InvalidInput(
                f"Am {received:%d.%m.%Y} kein Mitglied des Gremiums {body.name}: "
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
    seq = _record(
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
            "quorum": weight.explanation if weight else None,
            "quorum_reached": weight.reached if weight else None,
        },
    )
    _open_deadline(session, request, seq, now)
    session.flush()
    return request


def list_requests(
    session: Session, actor: Actor, *, state: str | None = None
) -> list[CouncilRequest]:
    if state is not None and state not in STATES:
        raise InvalidInput(
            f"Unbekannter Stand „{state}“; möglich: {', '.join(STATES)}", field="state"
        )
    if actor.municipality_id is None and not actor.is_system:
        return []
    query = select(CouncilRequest)
    if not actor.is_system:
        query = query.where(CouncilRequest.municipality_id == actor.municipality_id)
    if state is not None:
        query = query.where(CouncilRequest.state == state)
    return list(
        session.exec(query.order_by(col(CouncilRequest.received_on).desc(), col(CouncilRequest.id)))
    )


def get_request(
    session: Session, actor: Actor, request_id: int, *, lock: bool = False
) -> CouncilRequest:
    query = select(CouncilRequest).where(CouncilRequest.id == request_id)
    request = session.exec(query.with_for_update() if lock else query).first()
    if request is None:
        raise NotFound(f"Antrag {request_id} wurde nicht gefunden.")
    require_tenant(session, actor, request.municipality_id, f"Antrag {request_id}")
    if actor.role == "district_coordinator":
        raise NotFound(f"Antrag {request_id} wurde nicht gefunden.")
    return request


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
    require_role(actor, "take_over_council_request", ("clerk", "cosigner", "mayor"))
    source = _move(request, "proposal", now)
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
                facts=f"{KINDS[request.kind]} vom {request.received_on:%d.%m.%Y}"
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
    _record(session, request, actor, now, "take_over", source, {"proposal_id": proposal.id})
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
    require_role(actor, "schedule_council_request", agenda.MEETING_ROLES)
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
    source = _move(request, "scheduled", now)
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
    request.meeting_id = meeting_id
    request.agenda_item_id = item.id
    session.add(request)
    met_on = local_date(now) if request.kind == "session_request" else meeting.meeting_date
    closed = close_standing(session, instance_id=request.id or 0, now=now, met_on=met_on)
    session.flush()
    _record(
        session,
        request,
        actor,
        now,
        "schedule",
        source,
        {
            "meeting_id": meeting_id,
            "agenda_item_id": item.id,
            "deadlines": {d.rule: d.status for d in closed},
        },
    )
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
    require_role(actor, "refuse_council_request", REFUSING_ROLES)
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
                f"Die Sitzung vom {earlier.meeting_date:%d.%m.%Y} liegt nicht innerhalb der "
                f"sechs Monate vor dem Eingang am {request.received_on:%d.%m.%Y} "
                "(§ 34 Abs. 1 Satz 6 GemO)",
                field="previous_agenda_item_id",
            )
        request.previous_agenda_item_id = item.id
        text = text or (
            f"Der Gegenstand wurde am {earlier.meeting_date:%d.%m.%Y} behandelt "
            f"(TOP {item.position}: {item.title}); § 34 Abs. 1 Satz 6 GemO"
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
    source = _move(request, "refused", now)
    request.refusal_ground = ground
    request.refusal_reason = text[:MAX_TEXT]
    session.add(request)
    closed = close_standing(session, instance_id=request.id or 0, now=now, met_on=None, cancel=True)
    session.flush()
    _record(
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
    require_role(actor, "settle_council_request", RECORDING_ROLES)
    source = _move(request, "done", now)
    request.settled_note = note.strip()[:MAX_TEXT] or None
    session.add(request)
    closed = close_standing(
        session,
        instance_id=request.id or 0,
        now=now,
        met_on=local_date(now),
        cancel=withdrawn,
    )
    session.flush()
    _record(
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


def follow_proposals(session: Session, now: datetime) -> int:
    """Requests taken over as a Vorlage reach the agenda when their Vorlage does, on the
    meeting page: mark them scheduled (by ``system``) once an item of their body's session
    carries it. Run by the sweep; returns how many moved."""
    moved = 0
    for request in session.exec(
        select(CouncilRequest).where(
            CouncilRequest.state == "proposal", col(CouncilRequest.proposal_id).is_not(None)
        )
    ):
        found = session.exec(
            select(AgendaItem, Meeting)
            .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
            .where(
                AgendaItem.proposal_id == request.proposal_id,
                Meeting.body_id == request.body_id,
                Meeting.state != "cancelled",
                ~col(AgendaItem.removed),
            )
            .order_by(col(Meeting.meeting_date))
        ).first()
        if found is None:
            continue
        item, meeting = found
        source = _move(request, "scheduled", now)
        request.meeting_id = meeting.id
        request.agenda_item_id = item.id
        session.add(request)
        met_on = local_date(now) if request.kind == "session_request" else meeting.meeting_date
        closed = close_standing(session, instance_id=request.id or 0, now=now, met_on=met_on)
        _record(
            session,
            request,
            SYSTEM,
            now,
            "schedule",
            source,
            {
                "meeting_id": meeting.id,
                "agenda_item_id": item.id,
                "via_proposal": request.proposal_id,
                "deadlines": {d.rule: d.status for d in closed},
            },
        )
        moved += 1
    session.flush()
    return moved


def request_deadlines(session: Session, request_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline)
            .where(Deadline.instance_type == COUNCIL_REQUEST, Deadline.instance_id == request_id)
            .order_by(col(Deadline.due_date), col(Deadline.id))
        )
    )


def replan_agenda_deadlines(session: Session, now: datetime) -> int:
    """The agenda request's day follows the sessions planned: once two sessions of the body
    follow the receipt, the next-but-one is the day (§ 34 Abs. 1 S. 4 GemO), replacing the
    fallback period; a session planned, moved or cancelled moves it. Run by the sweep;
    returns how many deadlines moved (their reminders and escalations with them)."""
    moved = 0
    rule = RULES["council_request_agenda"]
    for deadline in session.exec(
        select(Deadline).where(
            Deadline.instance_type == COUNCIL_REQUEST,
            Deadline.rule == rule.rule,
            Deadline.status == "open",
            col(Deadline.closed_at).is_(None),
        )
    ):
        request = session.get(CouncilRequest, deadline.instance_id)
        due = _next_but_one(session, request) if request is not None else None
        if request is None or due is None or due == deadline.due_date:
            continue
        deadline.due_date = due
        deadline.explanation = _next_but_one_text(request, due)
        session.add(deadline)
        session.flush()
        schedule_acts(session, deadline, rule, now=now)
        moved += 1
    return moved


def history(session: Session, request_id: int) -> list[AuditEvent]:
    """The request's audit chain, oldest first."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(
                AuditEvent.instance_type == COUNCIL_REQUEST, AuditEvent.instance_id == request_id
            )
            .order_by(col(AuditEvent.seq))
        )
    )


def follow_agenda_changes(session: Session, now: datetime) -> int:
    """A request whose agenda item was removed (Absetzung) or whose session was cancelled is
    not dealt with: it goes back to where it was (received, or taken over as a Vorlage) by
    ``system``, and its statutory deadline runs again from the receipt (the day of the
    next-but-one session may have passed: then it is overdue and escalates). Run by the
    sweep; returns how many went back."""
    back = 0
    for request in session.exec(select(CouncilRequest).where(CouncilRequest.state == "scheduled")):
        item = session.get(AgendaItem, request.agenda_item_id) if request.agenda_item_id else None
        meeting = session.get(Meeting, request.meeting_id) if request.meeting_id else None
        if item is not None and not item.removed and meeting is not None:
            if meeting.state != "cancelled":
                continue
        why = (
            "Sitzung abgesagt"
            if meeting is not None and meeting.state == "cancelled"
            else ("Tagesordnungspunkt abgesetzt")
        )
        source = request.state
        request.state = "proposal" if request.proposal_id else "received"
        request.updated_at = now
        data: dict[str, object] = {
            "meeting_id": request.meeting_id,
            "agenda_item_id": request.agenda_item_id,
        }
        request.meeting_id = request.agenda_item_id = None
        session.add(request)
        seq = _record(session, request, SYSTEM, now, "unschedule", source, data, comment=why)
        _open_deadline(session, request, seq, now)
        back += 1
    session.flush()
    return back
