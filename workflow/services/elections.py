"""Wahlen in a meeting (§ 37 Abs. 7 GemO): set up, candidates, rounds, result.

A Wahl is held as an agenda item of a meeting in session (a free item is enough). Every
write checks and bumps the meeting's version like the other sitting records
(``services.agenda``) and is audited on the meeting. Counting is ``workflow.law.elections``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from workflow import audit
from workflow.access import agenda_item_readable
from workflow.attendance import present_at_item
from workflow.context import Actor
from workflow.documents import german
from workflow.errors import Conflict, InvalidInput, StaleVersion, not_found
from workflow.law.elections import RoundKind, check_ballots, count_round, second_ballot_from
from workflow.law.errors import RefusedInput
from workflow.limits import require_reason
from workflow.loaded_rows import bump_version
from workflow.models import (
    AgendaItem,
    Attendance,
    Election,
    ElectionBallot,
    ElectionCandidate,
    ElectionCount,
    ElectionRound,
    Meeting,
    Person,
)
from workflow.queries import (
    biased_persons,
    item_quorum,
    seated_at,
    undecided_doubts,
)
from workflow.services.agenda import Recorded
from workflow.services.common import require_role
from workflow.services.meetings import MEETING_ROLES
from workflow.services.transition import load_instance


@dataclass(frozen=True)
class RoundView:
    round: ElectionRound
    counts: dict[int, int]
    voters: list[int]


@dataclass(frozen=True)
class ElectionView:
    election: Election
    candidates: list[ElectionCandidate]
    rounds: list[RoundView]
    pending: str | None  # runoff | second_ballot while the next round is due
    second_ballot_from: date | None  # § 37 Abs. 7 GemO, "soll"


@contextmanager
def refused_as_invalid() -> Iterator[None]:
    """The law's refusal of a count is the caller's invalid input (422, with the field)."""
    try:
        yield
    except RefusedInput as refused:
        raise InvalidInput(str(refused), field=refused.field) from refused


def _meeting(
    session: Session, actor: Actor, meeting_id: int, expected_version: int, operation: str
) -> Meeting:
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, operation, MEETING_ROLES)
    if meeting.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=meeting.version)
    if meeting.state != "in_session":
        raise Conflict("Wahlen werden nur in einer laufenden Sitzung durchgeführt")
    return meeting


def _finish(
    session: Session,
    meeting: Meeting,
    actor: Actor,
    now: datetime,
    expected_version: int,
    what: str,
    data: dict[str, object],
) -> None:
    """Audit on the meeting and bump its version (``version_id_col``)."""
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        what,
        data=data,
    )
    bump_version(session, meeting, now)


def _open_item(session: Session, meeting: Meeting, item_id: int, field: str) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise InvalidInput(
            "Der gewählte Tagesordnungspunkt gehört nicht zu dieser Sitzung", field=field
        )
    if item.removed or item.outcome is not None:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt oder abgesetzt")
    return item


def _election(session: Session, meeting: Meeting, election_id: int) -> Election:
    """The election, if held by the meeting's body; a second ballot may be in a later meeting."""
    election = session.get(Election, election_id)
    origin = session.get(Meeting, election.meeting_id) if election is not None else None
    if election is None or origin is None or origin.body_id != meeting.body_id:
        raise not_found("Wahl")
    return election


def entitled_voters(session: Session, meeting: Meeting, item: AgendaItem) -> set[int]:
    """Voting members present at the election's item (the mayor included, § 37 Abs. 7 S. 1
    GemO; who left before it does not vote, a deputy votes while his member is away:
    ``present_at_item``, ``seated_at``), minus the biased
    (§ 18 GemO) and minus those connected digitally, who may not take part in Wahlen
    (§ 37a Abs. 1 S. 2 GemO).

    Bias is read from the declarations on the TOP as recorded: § 18 Abs. 3 GemO exempts
    elections to honorary posts, so for those none should be declared (the engine does not
    know which kind of post a Wahl fills).
    """
    digital = set(
        session.exec(
            select(Attendance.person_id).where(
                Attendance.meeting_id == meeting.id, col(Attendance.digital)
            )
        )
    )
    present = present_at_item(session, item) & seated_at(session, meeting, item)
    return present - biased_persons(session, item.id or 0) - digital


def create_election(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    expected_version: int,
    agenda_item_id: int,
    title: str,
    open_proposed: bool = False,
    objected_by: Sequence[int] = (),
) -> Recorded[Election]:
    """Secret with ballots unless open voting was proposed and no member objected
    (§ 37 Abs. 7 S. 1 GemO); the objecting members are recorded."""
    meeting = _meeting(session, actor, meeting_id, expected_version, "create_election")
    item = _open_item(session, meeting, agenda_item_id, "agenda_item_id")
    if not title.strip():
        raise InvalidInput("Die Wahl braucht eine Bezeichnung", field="title")
    objectors = sorted(set(objected_by))
    if objectors and not open_proposed:
        raise InvalidInput(
            "Widerspruch gibt es nur gegen eine vorgeschlagene offene Wahl", field="objected_by"
        )
    members = present_at_item(session, item) & seated_at(session, meeting, item)
    strangers = [p for p in objectors if p not in members]
    if strangers:
        raise InvalidInput(
            f"Person {strangers} ist kein anwesendes Mitglied des Gremiums", field="objected_by"
        )
    election = Election(
        meeting_id=meeting_id,
        agenda_item_id=item.id or 0,
        title=title.strip(),
        mode="open" if open_proposed and not objectors else "secret",
        open_proposed=open_proposed,
        objected_by=objectors,
        created_at=now,
    )
    session.add(election)
    session.flush()
    _finish(
        session,
        meeting,
        actor,
        now,
        expected_version,
        "create_election",
        {
            "election_id": election.id,
            "agenda_item_id": agenda_item_id,
            "mode": election.mode,
            "objected_by": objectors,
        },
    )
    return Recorded(election, meeting.version)


def add_candidate(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    election_id: int,
    expected_version: int,
    name: str,
    person_id: int | None = None,
) -> Recorded[ElectionCandidate]:
    """Candidates stand before the first ballot; later rounds only narrow the field."""
    meeting = _meeting(session, actor, meeting_id, expected_version, "add_candidate")
    election = _election(session, meeting, election_id)
    if election.meeting_id != meeting_id or _rounds(session, election_id):
        raise Conflict("Bewerber können nur vor dem ersten Wahlgang benannt werden")
    if not name.strip():
        raise InvalidInput("Der Name des Bewerbers fehlt", field="name")
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.municipality_id != meeting.municipality_id:
            raise InvalidInput("Unbekannte Person", field="person_id")
    if any(c.name == name.strip() for c in candidates(session, election_id)):
        raise Conflict("Dieser Bewerber ist bereits benannt")
    candidate = ElectionCandidate(election_id=election_id, name=name.strip(), person_id=person_id)
    session.add(candidate)
    session.flush()
    _finish(
        session,
        meeting,
        actor,
        now,
        expected_version,
        "add_candidate",
        {"election_id": election_id, "candidate_id": candidate.id, "name": candidate.name},
    )
    return Recorded(candidate, meeting.version)


def candidates(session: Session, election_id: int) -> list[ElectionCandidate]:
    return list(
        session.exec(
            select(ElectionCandidate)
            .where(ElectionCandidate.election_id == election_id)
            .order_by(col(ElectionCandidate.id))
        )
    )


def _rounds(session: Session, election_id: int) -> list[ElectionRound]:
    return list(
        session.exec(
            select(ElectionRound)
            .where(ElectionRound.election_id == election_id)
            .order_by(col(ElectionRound.number))
        )
    )


def _next_round(
    session: Session, election: Election
) -> tuple[RoundKind, list[int], ElectionRound | None]:
    """Which round comes next and who stands in it; Conflict once the Wahl is over."""
    rounds = _rounds(session, election.id or 0)
    if election.outcome is not None:
        raise Conflict("Die Wahl ist bereits abgeschlossen")
    if not rounds:
        standing = [c.id or 0 for c in candidates(session, election.id or 0)]
        if not standing:
            raise Conflict("Es ist noch kein Bewerber benannt")
        return "first", standing, None
    last = rounds[-1]
    if last.next == "runoff":
        return "runoff", list(last.runoff), rounds[0]
    return "second_ballot", [c.id or 0 for c in candidates(session, election.id or 0)], rounds[0]


def record_round(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    election_id: int,
    expected_version: int,
    counts: Mapping[int, int],
    voters: Sequence[int],
    invalid: int = 0,
    lot: Sequence[int] = (),
    agenda_item_id: int | None = None,
    early_reason: str | None = None,
) -> Recorded[RoundView]:
    """One Wahlgang: votes per candidate, invalid ballots, and who cast a ballot.

    The run-off follows at once in the same meeting; a single candidate's second ballot may
    be held in a later meeting of the body (then ``agenda_item_id`` names its TOP there) and
    "soll" be a week after the first: earlier only with ``early_reason``.
    """
    meeting = _meeting(session, actor, meeting_id, expected_version, "record_election_round")
    election = _election(session, meeting, election_id)
    kind, standing, first = _next_round(session, election)
    if meeting_id != election.meeting_id and kind != "second_ballot":
        raise Conflict("Der Wahlgang findet in der Sitzung der Wahl statt")
    if meeting_id == election.meeting_id:
        if agenda_item_id not in (None, election.agenda_item_id):
            raise InvalidInput(
                "In der Sitzung der Wahl wird unter ihrem Tagesordnungspunkt gewählt",
                field="agenda_item_id",
            )
        item_id = election.agenda_item_id
    elif agenda_item_id is None:
        raise InvalidInput(
            "Für den zweiten Wahlgang in einer späteren Sitzung ist deren Tagesordnungspunkt "
            "anzugeben",
            field="agenda_item_id",
        )
    else:
        item_id = agenda_item_id
    item = _open_item(session, meeting, item_id, "agenda_item_id")
    unknown = sorted(set(counts) - set(standing))
    if unknown:
        raise InvalidInput(
            f"Bewerber {unknown} steht in diesem Wahlgang nicht zur Wahl", field="counts"
        )
    quorum = item_quorum(session, item)
    if not quorum.reached:
        raise Conflict(quorum.explain())
    if undecided_doubts(session, item.id or 0):
        raise Conflict(
            "Über eine zweifelhafte Befangenheit hat das Gremium noch nicht entschieden "
            "(§ 18 Abs. 4 Satz 2 GemO)"
        )
    entitled = entitled_voters(session, meeting, item)
    if len(set(voters)) != len(voters):
        raise InvalidInput("Ein Mitglied kann nur einen Stimmzettel abgeben", field="voters")
    barred = sorted(set(voters) - entitled)
    if barred:
        raise InvalidInput(
            f"Person {barred} ist nicht anwesend und stimmberechtigt (abwesend, befangen nach "
            "§ 18 GemO oder digital zugeschaltet, § 37a Abs. 1 Satz 2 GemO)",
            field="voters",
        )
    full = {c: counts.get(c, 0) for c in standing}
    with refused_as_invalid():
        check_ballots(counts=full, invalid=invalid, entitled=len(entitled), cast=len(voters))
    held_on = meeting.meeting_date
    if kind == "second_ballot" and first is not None:
        earliest = second_ballot_from(first.held_on)
        require_reason(early_reason, what="Die Begründung", field="early_reason")
        if held_on < earliest and not (early_reason or "").strip():
            raise InvalidInput(
                f"Der zweite Wahlgang soll frühestens eine Woche nach dem ersten stattfinden "
                f"(ab {german.day(earliest)}, § 37 Abs. 7 GemO); früher nur mit Begründung",
                field="early_reason",
            )
    with refused_as_invalid():
        result = count_round(kind=kind, counts=full, entitled=len(entitled), lot=lot)
    if lot and not result.by_lot:
        raise InvalidInput("Ohne Stimmengleichheit entscheidet kein Los", field="lot")
    number = (
        session.exec(
            select(func.max(ElectionRound.number)).where(ElectionRound.election_id == election_id)
        ).one()
        or 0
    ) + 1
    row = ElectionRound(
        election_id=election_id,
        number=number,
        kind=kind,
        meeting_id=meeting_id,
        agenda_item_id=item.id or 0,
        held_on=held_on,
        mode=election.mode,
        entitled=len(entitled),
        invalid=invalid,
        required=result.required,
        lot=list(lot) if result.by_lot else [],
        next=result.next,
        elected_candidate_id=result.elected,
        runoff=list(result.runoff),
        early_reason=(early_reason or "").strip() or None,
        recorded_at=now,
    )
    session.add(row)
    session.flush()
    for candidate_id, votes in sorted(full.items()):
        session.add(ElectionCount(round_id=row.id or 0, candidate_id=candidate_id, votes=votes))
    for person_id in sorted(voters):
        session.add(ElectionBallot(round_id=row.id or 0, person_id=person_id))
    if result.next in ("elected", "not_elected"):
        election.outcome = result.next
        election.elected_candidate_id = result.elected
        session.add(election)
    _finish(
        session,
        meeting,
        actor,
        now,
        expected_version,
        "record_election_round",
        {
            "election_id": election_id,
            "round": number,
            "kind": kind,
            "mode": election.mode,
            "entitled": len(entitled),
            "ballots": len(voters),
            "invalid": invalid,
            "counts": {str(c): v for c, v in sorted(full.items())},
            "lot": row.lot,
            "next": result.next,
            "elected_candidate_id": result.elected,
        },
    )
    return Recorded(RoundView(row, full, sorted(voters)), meeting.version)


def get_election(
    *, session: Session, actor: Actor, meeting_id: int, election_id: int
) -> ElectionView:
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    election = session.get(Election, election_id)
    item = session.get(AgendaItem, election.agenda_item_id) if election is not None else None
    if (
        election is None
        or item is None
        or election.meeting_id != meeting_id
        or not agenda_item_readable(session, actor, meeting, item)
    ):
        raise not_found("Wahl")
    views = []
    for r in _rounds(session, election_id):
        counts = session.exec(select(ElectionCount).where(ElectionCount.round_id == r.id))
        voters = session.exec(
            select(ElectionBallot.person_id)
            .where(ElectionBallot.round_id == r.id)
            .order_by(col(ElectionBallot.person_id))
        )
        views.append(RoundView(r, {c.candidate_id: c.votes for c in counts}, list(voters)))
    last = views[-1].round if views else None
    pending = last.next if last is not None and last.next in ("runoff", "second_ballot") else None
    return ElectionView(
        election=election,
        candidates=candidates(session, election_id),
        rounds=views,
        pending=pending,
        second_ballot_from=(
            second_ballot_from(views[0].round.held_on) if pending == "second_ballot" else None
        ),
    )
