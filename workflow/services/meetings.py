"""Sitzungen: creation, attendance, bias declarations, votes and minutes signatures.

What happens *in* a meeting is recorded here and audited on the meeting; the transitions
that depend on it (quorum, majority) read these records through their guards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import insert
from sqlmodel import Session, col, delete, select

from workflow import audit
from workflow.agenda_numbers import top_number
from workflow.attendance import present_at_item
from workflow.bias_departures import leave_when_biased
from workflow.chairs import (
    COMMITTEE_SUBSTITUTE,
    ELDEST,
    body_kind,
    chair_refusal,
    session_chair_refusal,
)
from workflow.context import Actor
from workflow.db import pinned
from workflow.definitions.machines import Workflows
from workflow.deputies import body_deputies, member_on
from workflow.documents import german
from workflow.errors import Conflict, InvalidInput, WrongState, not_found
from workflow.limits import MAX_REASON, require_reason
from workflow.models import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    Body,
    Meeting,
    Membership,
    MinutesSignature,
    Person,
    Vote,
)
from workflow.queries import (
    bias_declarations,
    biased_persons,
    person_names,
    quorum_failure,
    seated,
    seated_at,
    standing_chairs,
    undecided_doubts,
    voting_members,
)
from workflow.services.bias import flag_if_unlawful, voted_on
from workflow.services.common import require_role, require_tenant, require_votable
from workflow.services.minutes import check_signer
from workflow.services.motion_order import require_no_pending_motions
from workflow.services.transition import load_instance, open_initial_deadlines

MEETING_ROLES = ("secretary", "mayor")
VOTE_CHOICES = ("yes", "no", "abstain")


def create_meeting(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    body_id: int,
    meeting_date: date,
    start_time: str = "18:00",
    location: str = "Rathaus, Sitzungssaal",
    second_session: bool = False,
    second_session_of: int | None = None,
) -> Meeting:
    """The mayor convenes (§ 34 Abs. 1 GemO); the secretary prepares it on his behalf.

    A second session (§ 37 Abs. 3 GemO) names the session of the same body that was not
    quorate; ``second_session`` alone is refused, since nothing would bound the relaxed quorum.
    """
    require_role(actor, "create_meeting", MEETING_ROLES)
    body = session.get(Body, body_id)
    if body is None:
        raise not_found("Gremium")
    require_tenant(session, actor, body.municipality_id, "Gremium")
    if second_session_of is not None:
        _check_second_session(session, body, meeting_date, second_session_of)
    elif second_session:
        raise InvalidInput(
            "Eine zweite Sitzung (§ 37 Abs. 3 GemO) gibt es nur nach einer Sitzung desselben "
            "Gremiums, in der es nicht beschlussfähig war: diese Sitzung ist anzugeben",
            field="second_session_of",
        )
    wf = workflows.latest("meeting")
    meeting = Meeting(
        municipality_id=body.municipality_id,
        body_id=body_id,
        meeting_date=meeting_date,
        start_time=start_time,
        location=location,
        second_session=second_session_of is not None,
        second_session_of=second_session_of,
        state=wf.spec.initial,
        definition_name=wf.spec.name,
        definition_version=wf.spec.version,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    session.flush()
    audit.append(
        session,
        instance_type="meeting",
        instance_id=meeting.id or 0,
        actor=actor,
        trigger="create",
        source=None,
        dest=meeting.state,
        now=now,
        data={
            "body": body.name,
            "meeting_date": meeting_date,
            **({"second_session_of": second_session_of} if second_session_of else {}),
        },
    )
    open_initial_deadlines(
        session=session,
        workflows=workflows,
        kind="meeting",
        instance=meeting,
        actor=actor,
        now=now,
    )
    return meeting


def _check_second_session(
    session: Session, body: Body, meeting_date: date, earlier_id: int
) -> None:
    """§ 37 Abs. 3 S. 1 GemO: "Ist der Gemeinderat wegen Abwesenheit oder Befangenheit von
    Mitgliedern nicht beschlussfähig, muss eine zweite Sitzung stattfinden" – so the earlier
    session must be of the same body, before this one, and its records must show the failure."""
    field = "second_session_of"
    earlier = session.get(Meeting, earlier_id)
    if earlier is None or earlier.municipality_id != body.municipality_id:
        raise InvalidInput("Die gewählte Sitzung wurde nicht gefunden.", field=field)
    if earlier.body_id != body.id:
        raise InvalidInput(
            "Die gewählte Sitzung ist eine Sitzung eines anderen Gremiums; die zweite Sitzung "
            "(§ 37 Abs. 3 GemO) hält dasselbe Gremium ab",
            field=field,
        )
    if earlier.meeting_date >= meeting_date:
        raise InvalidInput(
            f"Die zweite Sitzung muss nach der Sitzung vom {german.day(earlier.meeting_date)} "
            "stattfinden",
            field=field,
        )
    if quorum_failure(session, earlier) is None:
        raise InvalidInput(
            f"Nach den Aufzeichnungen der Sitzung vom {german.day(earlier.meeting_date)} "
            "(Anwesenheit, Befangenheit) war das Gremium beschlussfähig; eine zweite Sitzung "
            "nach § 37 Abs. 3 GemO ist nur nach fehlender Beschlussfähigkeit zulässig",
            field=field,
        )


def _meeting_for_change(
    session: Session,
    actor: Actor,
    meeting_id: int,
    operation: str,
    states: tuple[str, ...],
    refusal: str,
) -> Meeting:
    """The meeting, if ``operation`` is allowed in its state; else ``refusal`` (in words)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, operation, MEETING_ROLES)
    if meeting.state not in states:
        raise WrongState(refusal, state=meeting.state)
    return meeting


def record_attendance(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    present: list[int],
    digital: list[int] | None = None,
    chair_person_id: int | None = None,
    absence_reasons: Mapping[int, str] | None = None,
) -> Meeting:
    """Anwesenheit; everyone of the body not listed is recorded absent (§ 38 Abs. 1 GemO).

    With it, who chairs (§ 38 Abs. 1: the minutes name the chair, who signs them, Abs. 2):
    the mayor when present (§ 42 Abs. 1 GemO). In the council a Stellvertreter only when he
    is prevented, in their order (§ 48 Abs. 1 Satz 4, 6 GemO); when all are, "das an
    Lebensjahren älteste, nicht verhinderte Mitglied des Gemeinderats" (Satz 8), whom the
    secretary names (Ratsflow keeps no birth dates). In a committee whom the mayor
    commissions (§ 40 Abs. 4, § 41 Abs. 2: a Stellvertreter, or "ein Mitglied des
    Ausschusses, das Gemeinderat ist"); workflow.chairs.session_chair_refusal. Not
    modelled: a Beigeordneter chairing without being a member of the body (§ 49 GemO).
    """
    meeting = _meeting_for_change(
        session,
        actor,
        meeting_id,
        "record_attendance",
        ("invited", "in_session"),
        "Die Anwesenheit wird nach der Einladung und während der Sitzung erfasst",
    )
    # Members whose seat runs on the day, and their personal deputies (Hauptsatzung).
    members = {
        m.person_id
        for m in session.exec(select(Membership).where(Membership.body_id == meeting.body_id))
        if member_on(m, meeting.meeting_date)
    } | {d for ds in body_deputies(session, meeting.body_id).values() for d in ds}
    if meeting.state == "in_session":
        _require_no_decided_item(session, meeting)
    unknown = [p for p in present if p not in members]
    if unknown:
        raise InvalidInput(
            f"Nicht Mitglied des Gremiums: {person_names(session, unknown)}", field="present"
        )
    reasons = {
        p: reason.strip()
        for p, reason in (absence_reasons or {}).items()
        if p not in present and reason.strip()
    }
    too_long = sorted(p for p, reason in reasons.items() if len(reason) > MAX_REASON)
    if too_long:  # refused, never cut: the minutes would quote half a sentence
        raise InvalidInput(
            f"Der Grund der Abwesenheit von {person_names(session, too_long)} ist zu lang: "
            f"höchstens {MAX_REASON:_} Zeichen".replace("_", "."),
            field=f"absence_reasons.{too_long[0]}",
        )
    meeting.chair_person_id = _chair(session, meeting, set(present), chair_person_id)
    session.add(meeting)
    session.exec(delete(Attendance).where(col(Attendance.meeting_id) == meeting_id))
    online = set(digital or ())
    for person_id in sorted(members):
        session.add(
            Attendance(
                meeting_id=meeting_id,
                person_id=person_id,
                present=person_id in present,
                digital=person_id in online,
                absence_reason=reasons.get(person_id),
            )
        )
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_attendance",
        {
            "present": sorted(present),
            "absent": sorted(members - set(present)),
            "chair": meeting.chair_person_id,
        },
    )
    session.flush()
    leave_when_biased(session, meeting, now)  # § 18 Abs. 5 GemO: the biased among them
    session.flush()
    return meeting


def _require_no_decided_item(session: Session, meeting: Meeting) -> None:
    """Once an item is decided, the opening attendance is what its quorum and votes were
    counted from (§ 37 Abs. 2 GemO): rewriting it would make the minutes contradict the
    decision. Who comes or goes later is recorded at the item (§ 38 Abs. 1 GemO)."""
    decided = session.exec(
        select(AgendaItem)
        .where(
            AgendaItem.meeting_id == meeting.id,
            col(AgendaItem.outcome).is_not(None),
            AgendaItem.outcome != "removed",
        )
        .order_by(col(AgendaItem.position))
    ).first()
    if decided is not None:
        raise Conflict(
            f"Über TOP {top_number(session, decided)} ist bereits entschieden: Die Anwesenheit bei "
            "Sitzungsbeginn wird nicht mehr geändert. Wer später kommt oder geht, wird beim "
            "Tagesordnungspunkt als Kommen oder Gehen erfasst"
        )


def _chair(session: Session, meeting: Meeting, present: set[int], named: int | None) -> int | None:
    """The named deputy, if the GemO lets him chair while those present are
    (``session_chair_refusal``: in the council not while the mayor or a Stellvertreter
    before him can, § 48 Abs. 1 Satz 4, 6 GemO); else the chair recorded before if still
    present and still lawful, else the mayor if present. With nobody to chair the
    attendance is refused: the minutes name the chair, who signs them (§ 38 Abs. 1, 2
    GemO), and after the session nobody can be named any more; an absent mayor is
    represented by his Stellvertreter (§ 48 Abs. 1 Satz 4 GemO). None only when nobody is
    present (the session cannot open, guard ``attendance_recorded``)."""
    standing = standing_chairs(session, meeting.body_id)
    if named is not None:
        if named in standing and named not in present:
            raise InvalidInput(_absent_chair(session, meeting, {named}), field="chair_person_id")
        if named not in voting_members(session, meeting.body_id, meeting.meeting_date):
            raise InvalidInput(
                f"{person_names(session, [named])} ist kein stimmberechtigtes Mitglied des "
                f"Gremiums: {_DEPUTY}",
                field="chair_person_id",
            )
        if named not in present:
            raise InvalidInput(
                f"{person_names(session, [named])} ist nicht als anwesend angekreuzt: {_DEPUTY}",
                field="chair_person_id",
            )
        refused = session_chair_refusal(session, meeting, present, named)
        if refused is not None:
            raise InvalidInput(refused, field="chair_person_id")
        return named
    if not present:
        return None
    kept = meeting.chair_person_id
    if kept is not None and kept in present:
        if session_chair_refusal(session, meeting, present, kept) is None:
            return kept
    chairs = sorted(standing & present)
    if chairs:
        return chairs[0]
    raise InvalidInput(
        _absent_chair(session, meeting, standing)
        if standing
        else "Bitte wählen Sie unter „Vorsitz“, wer die Sitzung leitet "
        "(§ 42 Abs. 1, § 48 Abs. 1 GemO)",
        field="chair_person_id",
    )


# Who chairs when the mayor is prevented (§ 48 Abs. 1 Satz 1, 8, § 40 Abs. 4, § 41 Abs. 2
# GemO: members of the body), in words for a mayor of either sex: the people by name
# (``Bürgermeisterin Beate Beispiel``), never "er".
_DEPUTY = (
    "Den Vorsitz in Stellvertretung führt ein anwesendes stimmberechtigtes Mitglied des "
    "Gremiums (§ 48 Abs. 1, § 40 Abs. 4, § 41 Abs. 2 GemO)"
)


def _absent_chair(session: Session, meeting: Meeting, standing: set[int]) -> str:
    """``Bürgermeisterin Beate Beispiel ist nicht anwesend: …``: the body's standing chair
    (the mayor, § 42 Abs. 1 GemO) by name, and whom to choose: in the council his
    Stellvertreter in their order, where none is present the eldest member (§ 48 Abs. 1
    Satz 4, 6, 8 GemO; Ratsflow keeps no birth dates, the secretary names him); in a
    committee the one he commissions (§ 40 Abs. 4, § 41 Abs. 2 GemO)."""
    verb = "sind" if len(standing) > 1 else "ist"
    kind = body_kind(session, meeting)
    who = (
        "ein Stellvertreter oder ein Mitglied des Ausschusses, das Gemeinderat ist und mit "
        f"der Vertretung beauftragt wird ({COMMITTEE_SUBSTITUTE[kind]})"
        if kind in COMMITTEE_SUBSTITUTE
        else "die erste anwesende Stellvertretung in ihrer Reihenfolge, ist keine anwesend, "
        f"{ELDEST} (§ 48 Abs. 1 Satz 4, 6, 8 GemO)"
    )
    return (
        f"{person_names(session, standing)} {verb} nicht anwesend: Bitte wählen Sie unter "
        f"„Vorsitz“, wer die Sitzung in Stellvertretung leitet: {who}"
    )


def _item(session: Session, actor: Actor, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise not_found("Tagesordnungspunkt")
    meeting: Meeting = load_instance(session, "meeting", item.meeting_id, actor)
    return item, meeting


def declare_bias(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    agenda_item_id: int,
    person_id: int,
    reason: str,
    doubtful: bool = False,
) -> BiasDeclaration:
    """§ 18 Abs. 4 GemO: disclosed before deliberation; the member is excluded and leaves.

    A doubtful case is decided by the body first (``bias.decide_bias``). A disclosure after
    the vote is still recorded: an open item must be voted on again without the member, a
    decided one is flagged unlawful (§ 18 Abs. 6 S. 1 GemO).
    """
    item, meeting = _item(session, actor, agenda_item_id)
    require_role(actor, "declare_bias", MEETING_ROLES)
    late = voted_on(session, agenda_item_id)
    if not late and meeting.state not in ("planned", "agenda", "invited", "in_session"):
        raise Conflict("Befangenheit kann nach der Sitzung nicht mehr erklärt werden")
    if not reason.strip():
        raise InvalidInput("Der Grund der Befangenheit ist anzugeben", field="reason")
    require_reason(reason, what="Der Grund der Befangenheit", field="reason")
    if person_id not in seated(session, meeting):
        raise InvalidInput(
            "Die Person ist kein stimmberechtigtes Mitglied des Gremiums", field="person_id"
        )
    if any(d.person_id == person_id for d in bias_declarations(session, agenda_item_id)):
        raise Conflict("Die Befangenheit dieser Person ist für den Punkt bereits erklärt")
    if meeting.state == "in_session" and person_id not in present_at_item(session, item):
        # § 18 Abs. 5 GemO: the biased member leaves the table; one not at it has nothing
        # to declare here, and the minutes would name him among those who left.
        person = session.get(Person, person_id)
        raise InvalidInput(
            f"{person.name if person else 'Das Mitglied'} ist bei diesem Tagesordnungspunkt "
            "nicht anwesend: Befangenheit wird nur für Mitglieder am Sitzungstisch erfasst "
            "(§ 18 Abs. 5 GemO)",
            field="person_id",
        )
    declaration = BiasDeclaration(
        agenda_item_id=agenda_item_id,
        person_id=person_id,
        reason=reason,
        declared_at=now,
        doubtful=doubtful,
        after_vote=late,
    )
    session.add(declaration)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "declare_bias",
        {
            "agenda_item_id": agenda_item_id,
            "person_id": person_id,
            "reason": reason,
            "doubtful": doubtful,
            "after_vote": late,
        },
    )
    session.flush()
    flag_if_unlawful(
        session=session, actor=actor, now=now, meeting=meeting, declaration=declaration
    )
    leave_when_biased(session, meeting, now)  # § 18 Abs. 5 GemO
    session.flush()
    return declaration


def record_votes(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    agenda_item_id: int,
    votes: Mapping[int, str],
) -> AgendaItem:
    """Open vote per member (§ 37 Abs. 6 GemO); biased or absent members cannot vote."""
    with pinned(session):  # attendance and bias are read by several checks: once (issue 14)
        return _record_votes(session, actor, now, agenda_item_id, votes)


def _record_votes(
    session: Session, actor: Actor, now: datetime, agenda_item_id: int, votes: Mapping[int, str]
) -> AgendaItem:
    item, meeting = _item(session, actor, agenda_item_id)
    require_role(actor, "record_votes", MEETING_ROLES)
    if meeting.state != "in_session":
        raise Conflict("Abstimmungen werden nur in einer laufenden Sitzung erfasst")
    if item.outcome is not None or item.removed:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt")
    if item.secret_ballot:
        raise Conflict(
            "Über den Punkt wurde geheim abgestimmt: das Ergebnis wird nur als Stimmenzahlen "
            "erfasst (§ 37 Abs. 6 Satz 2 GemO)"
        )
    require_votable(session, item)
    require_no_pending_motions(session, meeting, item)
    members = seated_at(session, meeting, item)  # a deputy only while his member is away
    present = present_at_item(session, item)
    biased = biased_persons(session, agenda_item_id)
    doubts = undecided_doubts(session, agenda_item_id)
    if doubts:
        raise Conflict(
            f"Über die zweifelhafte Befangenheit von {person_names(session, doubts)} hat das "
            "Gremium noch nicht entschieden; vorher wird über den Punkt nicht abgestimmt "
            "(§ 18 Abs. 4 Satz 2 GemO)"
        )
    no_chair = chair_refusal(session, meeting, item, action="vote")
    if no_chair is not None:
        raise Conflict(no_chair)
    for person_id, choice in votes.items():
        refusal = _vote_refusal(person_id, choice, members, biased, present)
        if refusal is not None:  # named only when refused: no query per vote (issue 14)
            raise InvalidInput(
                f"{person_names(session, [person_id])} {refusal}", field=f"votes.{person_id}"
            )
    session.exec(delete(Vote).where(col(Vote.agenda_item_id) == agenda_item_id))
    item.vote_yes = item.vote_no = item.vote_abstain = None  # by name replaces counts
    session.add(item)
    if votes:  # one executemany, not one INSERT per member (issue 14)
        session.execute(
            insert(Vote),
            [
                {"agenda_item_id": agenda_item_id, "person_id": person_id, "choice": choice}
                for person_id, choice in sorted(votes.items())
            ],
        )
    counts = {c: sum(1 for v in votes.values() if v == c) for c in VOTE_CHOICES}
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_votes",
        {"agenda_item_id": agenda_item_id, **counts},
    )
    session.flush()
    return item


def _vote_refusal(
    person_id: int, choice: str, members: set[int], biased: set[int], present: set[int]
) -> str | None:
    """Why the member's vote cannot be recorded, after his name (§§ 18, 37 GemO)."""
    if choice not in VOTE_CHOICES:
        return "hat keine gültige Stimme: Ja, Nein oder Enthaltung (yes, no, abstain)"
    if person_id not in members:
        return "ist nicht stimmberechtigt"
    if person_id in biased:
        return "ist befangen und darf nicht mitstimmen (§ 18 GemO)"
    if person_id not in present:
        return "ist bei diesem Punkt nicht anwesend"
    return None


def sign_minutes(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    person_id: int,
    capacity: str,
) -> MinutesSignature:
    """§ 38 Abs. 2 S. 1 GemO: "vom Vorsitzenden, zwei Gemeinderäten, die an der Verhandlung
    teilgenommen haben, und dem Schriftführer zu unterzeichnen". The chair is the person who
    chaired this session (recorded with the attendance), not whoever chairs the body."""
    meeting = _meeting_for_change(
        session,
        actor,
        meeting_id,
        "sign_minutes",
        ("closed",),
        "Unterschriften unter die Niederschrift werden nach dem Schließen der Sitzung erfasst, "
        "bis sie als unterzeichnet festgestellt ist",
    )
    person = session.get(Person, person_id)
    if person is None or person.municipality_id != meeting.municipality_id:
        raise InvalidInput("Unbekannte Person", field="person_id")
    check_signer(session, meeting, person_id, capacity)
    already = session.exec(
        select(MinutesSignature).where(
            MinutesSignature.meeting_id == meeting_id,
            MinutesSignature.person_id == person_id,
            MinutesSignature.capacity == capacity,
        )
    ).first()
    if already is not None:
        raise Conflict("Die Unterschrift dieser Person in dieser Eigenschaft liegt schon vor")
    signature = MinutesSignature(
        meeting_id=meeting_id, person_id=person_id, capacity=capacity, signed_at=now
    )
    session.add(signature)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "sign_minutes",
        {"person_id": person_id, "capacity": capacity},
    )
    session.flush()
    return signature
