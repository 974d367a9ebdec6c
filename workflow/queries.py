"""Read helpers shared by guards, actions and services (one place per question)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from workflow.attendance import present_at_item, present_at_session
from workflow.config_cache import cached_rows
from workflow.db import memo, pinned
from workflow.deputies import body_deputies, member_on, standing_in
from workflow.documents import german
from workflow.law.voting import Quorum, Tally
from workflow.models import (
    AgendaItem,
    Attendance,
    AuditEvent,
    BiasDeclaration,
    Body,
    ConsultationStep,
    CoSignature,
    Meeting,
    Membership,
    Person,
    Proposal,
    Resolution,
    User,
    Vote,
)


def steps(session: Session, proposal_id: int) -> list[ConsultationStep]:
    def load() -> list[ConsultationStep]:
        return list(
            session.exec(
                select(ConsultationStep)
                .where(ConsultationStep.proposal_id == proposal_id)
                .order_by(col(ConsultationStep.position))
            )
        )

    return list(memo(session, (ConsultationStep, proposal_id), load))


def current_step(session: Session, proposal: Proposal) -> ConsultationStep | None:
    assert proposal.id is not None
    for step in steps(session, proposal.id):
        if step.position == proposal.current_step:
            return step
    return None


def deciding_body(session: Session, proposal: Proposal) -> Body | None:
    """The body of the Vorlage's deciding step (the council or a beschließender Ausschuss,
    § 39 GemO); None for an Informationsvorlage or a plan without one."""
    assert proposal.id is not None
    step = next((s for s in steps(session, proposal.id) if s.decides), None)
    return session.get(Body, step.body_id) if step is not None else None


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
    def load() -> list[CoSignature]:
        return list(
            session.exec(
                select(CoSignature)
                .where(CoSignature.proposal_id == proposal_id)
                .order_by(col(CoSignature.id))
            )
        )

    return list(memo(session, (CoSignature, proposal_id), load))


def users_with_role(session: Session, municipality_id: int, role: str) -> list[User]:
    def query() -> list[User]:
        return list(
            session.exec(
                select(User)
                .where(
                    User.municipality_id == municipality_id, User.role == role, ~col(User.disabled)
                )
                .order_by(col(User.id))
            )
        )

    def load() -> list[User]:
        return cached_rows(session, User, ("role", role), municipality_id, query)

    return list(memo(session, (User, municipality_id, role), load))


def bodies_of(session: Session, municipality_id: int) -> dict[int, Body]:
    """The municipality's bodies by id."""

    def query() -> list[Body]:
        return list(session.exec(select(Body).where(Body.municipality_id == municipality_id)))

    def load() -> dict[int, Body]:
        return {b.id or 0: b for b in cached_rows(session, Body, (), municipality_id, query)}

    return dict(memo(session, (Body, municipality_id), load))


def last_submitter(session: Session, proposal_id: int) -> str | None:
    """Username of whoever last gave the proposal into co-signing (from its audit trail)."""
    return session.exec(
        select(AuditEvent.actor)
        .where(
            AuditEvent.instance_type == "proposal",
            AuditEvent.instance_id == proposal_id,
            AuditEvent.trigger == "submit",
        )
        .order_by(col(AuditEvent.seq).desc())
    ).first()


def voting_members(session: Session, body_id: int, on: date | None = None) -> list[int]:
    """Person ids of the body's voting members (the mayor included, § 25 Abs. 1 GemO);
    with ``on``, only those whose seat runs on that day (start and end date included)."""

    def load() -> list[Membership]:
        return list(
            session.exec(
                select(Membership)
                .where(Membership.body_id == body_id, col(Membership.voting))
                .order_by(col(Membership.person_id))
            )
        )

    # Once per firing: GET …/actions of a Vorlage in session asks for each vote's guard.
    rows = memo(session, (Membership, body_id, "voting"), load)
    return [m.person_id for m in rows if member_on(m, on)]


def stand_ins_among(session: Session, meeting: Meeting, present: set[int]) -> dict[int, int]:
    """Which personal deputy in ``present`` stands in for which member not in it (deputy ->
    member; Hauptsatzung, § 40 Abs. 1 S. 2 GemO): a deputy sits only while his member is
    away, so the same attendance gives the same answer wherever it is asked."""
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    return standing_in(members, present, body_deputies(session, meeting.body_id))


def stand_ins(session: Session, meeting: Meeting) -> dict[int, int]:
    """Who stands in for whom at the opening (deputy -> member): read from the attendance
    recorded, as the API and the session screen record it. At an item it may differ
    (``stand_ins_at``)."""
    return stand_ins_among(session, meeting, present_at_session(session, meeting.id or 0))


def stand_ins_at(session: Session, meeting: Meeting, item: AgendaItem | None) -> dict[int, int]:
    """Who stands in for whom at ``item`` (the opening for None): a member who arrives takes
    his seat back, and his deputy's stand-in ends from there on; when he leaves again, his
    deputy, if still present, stands in again (§ 40 Abs. 1 S. 2 GemO with § 37 Abs. 2:
    one seat counts once)."""
    if item is None:
        return stand_ins(session, meeting)
    return stand_ins_among(session, meeting, present_at_item(session, item))


def seated_at(session: Session, meeting: Meeting, item: AgendaItem | None) -> set[int]:
    """Who may vote at ``item`` (the opening for None): the voting members of the day and
    the deputies standing in there (``stand_ins_at``)."""
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    return members | set(stand_ins_at(session, meeting, item))


def stood_in(session: Session, meeting: Meeting) -> dict[int, int]:
    """Each personal deputy who stands in at the opening or at an item, with the member he
    first stands in for there (deputy -> member)."""
    with pinned(session):  # the attendance changes read once for all the items
        result = dict(stand_ins(session, meeting))
        for item in agenda(session, meeting.id or 0):
            for deputy, member in stand_ins_at(session, meeting, item).items():
                result.setdefault(deputy, member)
    return result


def arriving_deputies(session: Session, meeting: Meeting, item: AgendaItem) -> dict[int, int]:
    """The personal deputies who may still arrive at ``item`` to stand in (deputy -> the
    first absent member he deputises for): those of the members of the day absent there,
    not present themselves and no member in their own right (Hauptsatzung, § 40 Abs. 1
    S. 2 GemO). A deputy late for a member absent from the start comes like a member."""
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    here = present_at_item(session, item)
    arriving: dict[int, int] = {}
    for member, deputies in sorted(body_deputies(session, meeting.body_id).items()):
        if member not in members or member in here:
            continue
        for deputy in deputies:
            if deputy not in here and deputy not in members:
                arriving.setdefault(deputy, member)
    return arriving


def seated(session: Session, meeting: Meeting) -> set[int]:
    """Who sits in ``meeting`` at some point: the voting members of its day, and each
    personal deputy who stands in for an absent member at the opening or at an item
    (Hauptsatzung, § 40 Abs. 1 S. 2 GemO). He comes and goes and declares bias like a
    member; whether he votes at an item is ``seated_at``'s answer."""
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    return members | set(stood_in(session, meeting))


def bias_declarations(session: Session, agenda_item_id: int) -> list[BiasDeclaration]:
    def load() -> list[BiasDeclaration]:
        return list(
            session.exec(
                select(BiasDeclaration)
                .where(BiasDeclaration.agenda_item_id == agenda_item_id)
                .order_by(col(BiasDeclaration.id))
            )
        )

    return list(memo(session, (BiasDeclaration, agenda_item_id), load))


def biased_persons(session: Session, agenda_item_id: int) -> set[int]:
    """Excluded from the item (§ 18 GemO): declared, or found biased in a doubtful case."""
    return {d.person_id for d in bias_declarations(session, agenda_item_id) if d.excludes}


def undecided_doubts(session: Session, agenda_item_id: int) -> set[int]:
    """Doubtful cases the body has not yet decided (§ 18 Abs. 4 S. 2 GemO)."""
    return {
        d.person_id
        for d in bias_declarations(session, agenda_item_id)
        if d.doubtful and d.decided_at is None
    }


def bias_refusal(session: Session, agenda_item_id: int) -> str | None:
    """Why the item cannot be decided for bias yet, or None.

    Until the body has decided a doubtful case, who may vote is unknown (§ 18 Abs. 4 S. 2
    GemO); a vote counted from a member excluded later must be repeated without him, or
    the resolution would be unlawful (§ 18 Abs. 6 S. 1).
    """
    doubts = undecided_doubts(session, agenda_item_id)
    if doubts:
        return (
            f"Über die zweifelhafte Befangenheit von {person_names(session, doubts)} hat das "
            "Gremium noch nicht entschieden (§ 18 Abs. 4 Satz 2 GemO)"
        )
    voted = set(
        memo(
            session,
            (Vote, agenda_item_id, "voters"),
            lambda: frozenset(
                session.exec(select(Vote.person_id).where(Vote.agenda_item_id == agenda_item_id))
            ),
        )
    )
    tainted = voted & biased_persons(session, agenda_item_id)
    if tainted:
        one = len(tainted) == 1
        return (
            f"{person_names(session, tainted)} {'ist' if one else 'sind'} befangen, "
            f"{'die Stimme ist' if one else 'die Stimmen sind'} aber erfasst: die Abstimmung "
            "ist ohne befangene Mitglieder zu wiederholen (§ 18 Abs. 1, 6 GemO)"
        )
    return None


def person_names(session: Session, persons: Iterable[int]) -> str:
    """``Eva Schäfer und Hans Maier``: people in a message by name, never by id."""
    wanted = sorted(set(persons))
    found = dict(
        session.exec(select(Person.id, Person.name).where(col(Person.id).in_(wanted))).all()
    )
    names = sorted(found.get(p) or "eine unbekannte Person" for p in wanted)
    return " und ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def standing_chairs(session: Session, body_id: int) -> set[int]:
    """Who chairs the body ex officio: the mayor (§ 42 Abs. 1, § 40 Abs. 4, § 41 Abs. 2 GemO)."""
    return set(
        session.exec(
            select(Membership.person_id).where(
                Membership.body_id == body_id, Membership.role == "chair"
            )
        )
    )


def councillor_signers(session: Session, meeting: Meeting) -> set[int]:
    """Who may sign the minutes as one of the "zwei Gemeinderäte, die an der Verhandlung
    teilgenommen haben" (§ 38 Abs. 2 S. 1 GemO): present voting members, neither the body's
    standing chair (the mayor) nor whoever chaired this session. Took part: present at the
    opening or at any item (a member who came later took part as well)."""
    took_part = set(present_at_session(session, meeting.id or 0))
    for item in agenda(session, meeting.id or 0):
        took_part |= present_at_item(session, item)
    return (
        (took_part & seated(session, meeting))
        - standing_chairs(session, meeting.body_id)
        - {meeting.chair_person_id}
    )


def _quorum(
    session: Session,
    meeting: Meeting,
    agenda_item_id: int | None,
    *,
    second_session: bool,
    there: set[int] | None = None,
) -> Quorum:
    """A deputy counts only in place of an absent member; a member whose seat ended before
    the day no longer counts, neither among the members nor as present (§ 37 Abs. 2 GemO).
    ``there``: who is present, where not read from the recorded attendance."""
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    item = session.get(AgendaItem, agenda_item_id) if agenda_item_id else None
    # § 37 Abs. 2 GemO per item: who is there when it is decided, not at the opening only.
    if there is None:
        there = (
            present_at_item(session, item)
            if item is not None
            else present_at_session(session, meeting.id or 0)
        )
    # a deputy counts where his member is away at the item, not beside him (``seated_at``;
    # from the same read of the attendance)
    entitled = members | set(stand_ins_among(session, meeting, there))
    biased = biased_persons(session, agenda_item_id) & entitled if agenda_item_id else set()
    present = there & entitled
    return Quorum(
        members=len(members),
        present_entitled=len(present - biased),
        biased=len(biased),
        second_session=second_session,
    )


# Items a session did not decide: still open, deferred, or taken off the agenda.
UNDECIDED = (None, "deferred", "removed")
# § 39 Abs. 5 S. 3, § 41 Abs. 3 GemO: a committee not quorate for bias gives way to the
# council, which decides instead; only its absence-failed sessions get a second session.
COMMITTEE_KINDS = ("deciding_committee", "advisory_committee")


@dataclass(frozen=True)
class QuorumFailure:
    """The record that a session was not quorate (§ 37 Abs. 3 S. 1 GemO): for absence, the
    whole session; for bias, the items concerned. ``proposal_ids`` are the proposals whose
    items it could not decide, the ones a second session may decide with three members."""

    meeting: Meeting
    whole_session: bool
    proposal_ids: frozenset[int]


def quorum_failure(session: Session, meeting: Meeting) -> QuorumFailure | None:
    """Read from the attendance and bias records of ``meeting``; None when they show no
    failure (or attendance was never recorded, so nothing proves one)."""
    recorded = session.exec(
        select(Attendance.id).where(Attendance.meeting_id == meeting.id)
    ).first()
    if recorded is None:
        return None
    items = [
        i
        for i in session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
        if i.proposal_id is not None and i.outcome in UNDECIDED
    ]
    if not _quorum(session, meeting, None, second_session=False).reached:
        ids = frozenset(i.proposal_id for i in items if i.proposal_id is not None)
        return QuorumFailure(meeting=meeting, whole_session=True, proposal_ids=ids)
    body = session.get(Body, meeting.body_id)
    if body is None or body.kind in COMMITTEE_KINDS:
        return None
    failed = frozenset(
        i.proposal_id
        for i in items
        if i.proposal_id is not None
        and not _quorum(session, meeting, i.id, second_session=False).reached
    )
    return (
        QuorumFailure(meeting=meeting, whole_session=False, proposal_ids=failed) if failed else None
    )


def _failure_before(session: Session, meeting: Meeting) -> QuorumFailure | None:
    if meeting.second_session_of is None:
        return None
    earlier = session.get(Meeting, meeting.second_session_of)
    return quorum_failure(session, earlier) if earlier is not None else None


def item_quorum(session: Session, item: AgendaItem) -> Quorum:
    """§ 37 Abs. 2 GemO; three suffice (Abs. 3) only for a proposal carried over from the
    session named by ``second_session_of`` that could not decide it. A proposal's earlier
    agenda item is how the engine tracks "the same matter": free items carry nothing over."""
    meeting = session.get(Meeting, item.meeting_id)
    assert meeting is not None
    failure = _failure_before(session, meeting)
    carried = failure is not None and item.proposal_id in failure.proposal_ids
    return _quorum(session, meeting, item.id, second_session=carried)


def meeting_quorum(session: Session, meeting: Meeting) -> Quorum:
    """Opening a second session needs three (§ 37 Abs. 3 GemO); its other items are still
    held to Abs. 2 one by one (``item_quorum``)."""
    return _quorum(
        session, meeting, None, second_session=_failure_before(session, meeting) is not None
    )


def quorum_if_present(session: Session, meeting: Meeting, present: set[int]) -> Quorum:
    """The session's quorum were ``present`` (members and deputies) recorded so: the
    attendance form's preview, before anything is saved."""
    return _quorum(
        session,
        meeting,
        None,
        second_session=_failure_before(session, meeting) is not None,
        there=present,
    )


def second_session_notice(session: Session, meeting: Meeting) -> str | None:
    """The note the invitation to a second session must carry (§ 37 Abs. 3 S. 1 GemO: "bei
    der Einberufung der zweiten Sitzung ist hierauf hinzuweisen")."""
    if meeting.second_session_of is None:
        return None
    earlier = session.get(Meeting, meeting.second_session_of)
    body = session.get(Body, meeting.body_id)
    if earlier is None or body is None:
        return None
    return (
        f"Zweite Sitzung nach § 37 Abs. 3 GemO: Das Gremium „{body.name}“ war in der Sitzung "
        f"vom {german.day(earlier.meeting_date)} nicht beschlussfähig. Über die dort nicht "
        "erledigten Gegenstände ist es in dieser Sitzung beschlussfähig, wenn mindestens drei "
        "Mitglieder anwesend und stimmberechtigt sind."
    )


def tally(session: Session, agenda_item_id: int) -> Tally:
    """The item's vote: its counts when recorded as counts (a secret ballot always),
    else the members' votes by name (§ 37 Abs. 6 GemO)."""
    item = session.get(AgendaItem, agenda_item_id)
    if item is not None and item.vote_yes is not None:
        return Tally(yes=item.vote_yes, no=item.vote_no or 0, abstain=item.vote_abstain or 0)

    def load() -> dict[str, int]:
        rows: Sequence[tuple[str, int]] = session.exec(
            select(Vote.choice, func.count())
            .where(Vote.agenda_item_id == agenda_item_id)
            .group_by(Vote.choice)
        ).all()
        return dict(rows)

    counts = memo(session, (Vote, agenda_item_id, "tally"), load)
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


SYSTEM_NAME = "Ratsflow (automatisch)"


def full_names(session: Session, usernames: set[str]) -> dict[str, str]:
    """Who acted, by name (a Verlauf names people, not logins); the system as Ratsflow."""
    found = session.exec(
        select(User.username, User.full_name).where(col(User.username).in_(usernames))
    )
    return {"system": SYSTEM_NAME, **dict(found.all())}
