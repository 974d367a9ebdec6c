"""What the meeting screen shows of a running session: who is there, the current item with
its bias declarations, its vote, quorum and majority (read from the engine's records and
computed by its pure § 37 GemO functions, never a second rule set)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from workflow.attendance import changes_at, present_at_item
from workflow.chairs import ItemChair, chair_refusal, item_chair, may_hand_over, reason_words
from workflow.context import BERLIN, local_date
from workflow.law.voting import Quorum, Tally
from workflow.models import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    Body,
    ItemAttendance,
    Meeting,
    MinutesSignature,
    Motion,
    Person,
    User,
    Vote,
)
from workflow.motions import (
    LABELS,
    adopted_wording,
    in_voting_order,
    key_of,
    motion_order,
    motions_of,
    pending,
)
from workflow.queries import (
    bias_declarations,
    bias_refusal,
    biased_persons,
    councillor_signers,
    item_quorum,
    meeting_quorum,
    standing_chairs,
    tally,
    voting_members,
)
from workflow.rules.common import member_words, vote_counts
from workflow.services.factions import of_municipality
from workflow.services.minutes import councillor_may_sign, secretary_may_sign
from workflow.services.motions import member_movers

CHOICES = (("yes", "Ja"), ("no", "Nein"), ("abstain", "Enthaltung"))
MOTION_KINDS = (
    ("amendment", "Änderungsantrag"),
    ("counter", "Gegenantrag / Ersetzungsantrag"),
    ("adjourn", "Geschäftsordnung: Vertagung"),
    ("refer", "Geschäftsordnung: Verweisung in ein Gremium"),
    ("close_debate", "Geschäftsordnung: Schluss der Debatte"),
    ("remove", "Geschäftsordnung: Absetzung"),
)
CAPACITIES = {"chair": "Vorsitz", "councillor": "Ratsmitglied", "secretary": "Schriftführung"}


def capacities(body: Body | None) -> dict[str, str]:
    """The signers' capacities in the body's words: the two members who sign a committee's
    minutes are Ausschussmitglieder (§ 38 Abs. 2 GemO with § 39 Abs. 5, § 41 GemO)."""
    return {**CAPACITIES, "councillor": member_words(body.kind if body else "council")[0]}


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    present: bool
    digital: bool
    chair: bool  # chairs the body ex officio (the mayor)
    absence_reason: str | None = None  # for the minutes (§ 38 Abs. 1 GemO)


def members(session: Session, meeting: Meeting) -> list[Member]:
    """The body's voting members with the attendance recorded for the meeting."""
    ids = voting_members(session, meeting.body_id)
    rows = {
        a.person_id: a
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    chairs = standing_chairs(session, meeting.body_id)
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids)))}
    result = [
        Member(
            person_id=pid,
            name=people[pid].name if pid in people else f"Mitglied {pid}",
            present=pid in rows and rows[pid].present,
            digital=pid in rows and rows[pid].digital,
            chair=pid in chairs,
            absence_reason=rows[pid].absence_reason if pid in rows else None,
        )
        for pid in ids
    ]
    return sorted(result, key=lambda m: (not m.chair, m.name))


def names(session: Session, meeting: Meeting) -> dict[int, str]:
    return {m.person_id: m.name for m in members(session, meeting)}


@dataclass(frozen=True)
class ItemView:
    """The current agenda item as the secretary needs it during the session."""

    item: AgendaItem
    quorum: Quorum
    tally: Tally
    votes: dict[int, str]  # by name, if the vote was taken that way
    declarations: list[BiasDeclaration]
    entitled: list[int]  # present at the item and not biased: they vote
    refusal: str | None  # why the item cannot be decided for bias yet
    present: set[int]  # present at this item (attendance with leaving and arriving)
    changes: list[ItemAttendance]  # who left or arrived at this item
    motions: list[Motion]  # in voting order
    next_motion: Motion | None  # the one to vote on now (Geschäftsordnung)
    wording: str | None  # the wording after the adopted motions
    chair: ItemChair  # who chairs the item (workflow.chairs)
    chair_reason: str  # why another than the session's chair, "" where the same
    no_chair: str | None  # nobody chairs: what to do (§ 48 Abs. 1 GemO)
    handover: bool  # another member may be recorded though someone chairs (§ 40 Abs. 4 GemO)

    @property
    def cast(self) -> int:
        """Votes counted; more than ``entitled`` when members left after the vote."""
        return self.tally.yes + self.tally.no + self.tally.abstain

    @property
    def voted(self) -> bool:
        return bool(self.votes) or self.cast > 0

    @property
    def undecided_doubts(self) -> list[BiasDeclaration]:
        return [d for d in self.declarations if d.doubtful and d.decided_at is None]


def item_view(session: Session, meeting: Meeting, item: AgendaItem) -> ItemView:
    item_id = item.id or 0
    biased = biased_persons(session, item_id)
    present = present_at_item(session, item)
    entitled = [p for p in voting_members(session, meeting.body_id) if p in present - biased]
    order = motion_order(session, session.get(Body, meeting.body_id))
    listed = in_voting_order(motions_of(session, item_id), order)
    waiting = pending(listed, order)
    votes = {
        v.person_id: v.choice
        for v in session.exec(select(Vote).where(Vote.agenda_item_id == item_id))
    }
    chair = item_chair(session, meeting, item)
    return ItemView(
        item=item,
        quorum=item_quorum(session, item),
        tally=tally(session, item_id),
        votes=votes,
        declarations=bias_declarations(session, item_id),
        entitled=entitled,
        refusal=bias_refusal(session, item_id),
        present=present,
        changes=changes_at(session, item_id),
        motions=listed,
        next_motion=waiting[0] if waiting else None,
        wording=adopted_wording(session, item_id),
        chair=chair,
        chair_reason=reason_words(session, meeting, chair) if chair.differs else "",
        no_chair=chair_refusal(session, meeting, item, action=None)
        if chair.person_id is None
        else None,
        handover=chair.person_id is not None and may_hand_over(session, meeting, item),
    )


def early_opening(meeting: Meeting, now: datetime) -> str | None:
    """The invited hour while it is still ahead on the meeting's day ("19:00"), else None.
    The engine opens a session from its day on (a late start is common); before the hour
    invited to, the public (§ 35 Abs. 1 GemO) and members relying on the invitation (§ 34
    Abs. 1) may not be there yet, so the screen says so instead of refusing."""
    if meeting.state != "invited" or local_date(now) != meeting.meeting_date:
        return None
    local = now.astimezone(BERLIN)
    return meeting.start_time if f"{local:%H:%M}" < meeting.start_time else None


def quorum_words(quorum: Quorum) -> tuple[str, str]:
    """``beschlussfähig: 14 von 22 anwesend`` and the badge tone (§ 37 Abs. 2, 3 GemO)."""
    state = "beschlussfähig" if quorum.reached else "nicht beschlussfähig"
    words = (
        f"{state}: {quorum.present_entitled} von {quorum.members} anwesend und "
        f"stimmberechtigt (erforderlich: {quorum.required}"
        f"{f', befangen: {quorum.biased}' if quorum.biased else ''})"
    )
    return words, "success" if quorum.reached else "danger"


def majority_words(counted: Tally) -> tuple[str, str]:
    """The result of a vote by simple majority (§ 37 Abs. 6 GemO: a tie rejects)."""
    numbers = vote_counts(counted.yes, counted.no, counted.abstain)
    if counted.adopted:
        return f"Mehrheit erreicht: {numbers}", "success"
    if counted.yes == 0:  # only abstentions or only Nein: no tie to speak of
        return f"Keine Mehrheit: keine Ja-Stimme ({numbers})", "danger"
    tie = " – Stimmengleichheit gilt als Ablehnung" if counted.yes == counted.no else ""
    return f"Keine Mehrheit: {numbers}{tie}", "danger"


def opening_quorum(session: Session, meeting: Meeting) -> Quorum:
    return meeting_quorum(session, meeting)


@dataclass(frozen=True)
class Signer:
    person_id: int
    name: str
    capacity: str


def minutes_signers(session: Session, meeting: Meeting) -> tuple[list[Signer], list[Signer]]:
    """Who may still sign the minutes in which capacity (§ 38 Abs. 2 S. 1 GemO), and the
    signatures given; the engine checks each signature again when it is recorded."""
    given = list(
        session.exec(select(MinutesSignature).where(MinutesSignature.meeting_id == meeting.id))
    )
    who = names(session, meeting)
    done = [Signer(s.person_id, _name(session, who, s.person_id), s.capacity) for s in given]
    taken = {(s.person_id, s.capacity) for s in given}
    options: list[Signer] = []
    if meeting.chair_person_id is not None:
        options.append(
            Signer(meeting.chair_person_id, _name(session, who, meeting.chair_person_id), "chair")
        )
    # once two councillors signed, no other is offered: the service would refuse him
    councillors = [s.person_id for s in given if s.capacity == "councillor"]
    options += [
        Signer(pid, who.get(pid, f"Mitglied {pid}"), "councillor")
        for pid in sorted(councillor_signers(session, meeting), key=lambda p: who.get(p, ""))
        if councillor_may_sign(councillors, pid)
    ]
    secretaries = session.exec(
        select(User).where(
            User.municipality_id == meeting.municipality_id,
            User.role == "secretary",
            col(User.person_id).is_not(None),
            ~col(User.disabled),
        )
    )
    # one Schriftführer signs: once one has, no other is offered (the service refuses him)
    clerks = [s.person_id for s in given if s.capacity == "secretary"]
    options += [
        Signer(u.person_id or 0, u.full_name, "secretary")
        for u in secretaries
        if secretary_may_sign(clerks, u.person_id or 0)
    ]
    return [o for o in options if (o.person_id, o.capacity) not in taken], done


def _name(session: Session, known: dict[int, str], person_id: int) -> str:
    if person_id in known:
        return known[person_id]
    person = session.get(Person, person_id)
    return person.name if person is not None else f"Person {person_id}"


def motion_label(motion: Motion) -> str:
    return LABELS.get(key_of(motion), motion.kind)


def motion_result(motion: Motion) -> tuple[str, str]:
    """``angenommen (9 Ja, 3 Nein, 0 Enthaltungen)`` and the badge tone."""
    if motion.adopted is None:
        return ("erledigt" if motion.withdrawn else "offen"), "info"
    numbers = vote_counts(motion.yes, motion.no, motion.abstain)
    if motion.adopted:
        return f"angenommen ({numbers})", "success"
    return f"abgelehnt ({numbers})", "danger"


def mover_options(session: Session, meeting: Meeting) -> list[tuple[str, str]]:
    """Who may move an Antrag, to choose from: the body's members and the municipality's
    current Fraktionen (§ 32a GemO); anyone else (the Verwaltung) is typed in."""
    movers = set(member_movers(session, meeting))  # the rule the service holds the API to
    options = [
        (f"mitglied:{m.person_id}", f"Mitglied: {m.name}")
        for m in members(session, meeting)
        if m.person_id in movers
    ]
    options += [
        (f"fraktion:{f.id}", f"Fraktion: {f.label}")
        for f in of_municipality(session, meeting.municipality_id)
        if f.dissolved_on is None
    ]
    return options


def motion_context(session: Session, meeting: Meeting, view: ItemView | None) -> dict[str, object]:
    """What the motions and counts forms of the current item need."""
    bodies = session.exec(
        select(Body).where(Body.municipality_id == meeting.municipality_id).order_by(col(Body.name))
    )
    return {
        "motion_kinds": MOTION_KINDS,
        "motion_label": motion_label,
        "motion_result": motion_result,
        "referral_options": [(str(b.id), b.name) for b in bodies if b.id != meeting.body_id],
        "mover_options": mover_options(session, meeting),
        "absent_here": [
            p for p in voting_members(session, meeting.body_id) if view and p not in view.present
        ],
    }
