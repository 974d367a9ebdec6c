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
from workflow.deputies import body_deputies, standing_in
from workflow.documents.proceedings import attendance_lines
from workflow.errors import InvalidInput
from workflow.law.voting import Quorum, Tally
from workflow.models import (
    AgendaItem,
    Attendance,
    BiasDeclaration,
    BiasNotice,
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
    person_names,
    stand_ins,
    stand_ins_among,
    stand_ins_at,
    standing_chairs,
    tally,
    voting_members,
)
from workflow.rules.common import member_words, vote_counts
from workflow.services.bias_notices import item_notices, notifier_name
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
    """The body's voting members on the meeting's day (a seat that ended before it is none,
    § 31 GemO, as the engine refuses him) with the attendance recorded for the meeting."""
    ids = voting_members(session, meeting.body_id, meeting.meeting_date)
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
    """The members' and their personal deputies' names (a deputy standing in votes, moves
    and signs like a member)."""
    deputies = {d for ds in body_deputies(session, meeting.body_id).values() for d in ds}
    found = session.exec(select(Person.id, Person.name).where(col(Person.id).in_(deputies)))
    return {
        **{p or 0: n for p, n in found},
        **{m.person_id: m.name for m in members(session, meeting)},
    }


@dataclass(frozen=True)
class DeputyChoice:
    """A member's personal deputies, as the attendance form offers them: "vertreten durch"
    while he is absent (Hauptsatzung, § 40 Abs. 1 S. 2 GemO)."""

    member_id: int
    member_name: str
    options: list[tuple[str, str]]  # the deputies in their order, none a member himself
    chosen: int | None  # the deputy the attendance records as standing in for him


def deputy_choices(session: Session, meeting: Meeting) -> list[DeputyChoice]:
    """Per member of the meeting's day who has personal deputies: whom to choose. A deputy
    who is a member himself sits in his own seat (``workflow.deputies.standing_in``)."""
    day_members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    deputies = body_deputies(session, meeting.body_id)
    standing = {m: d for d, m in stand_ins(session, meeting).items()}
    who = names(session, meeting)
    result = []
    for member in sorted(day_members, key=lambda p: who.get(p, "")):
        options = [
            (str(d), who.get(d, "")) for d in deputies.get(member, []) if d not in day_members
        ]
        if options:
            result.append(DeputyChoice(member, who.get(member, ""), options, standing.get(member)))
    return result


def present_with_deputies(
    session: Session, meeting: Meeting, present: list[int], chosen: dict[int, int]
) -> list[int]:
    """``present`` and the deputies chosen for absent members (member -> deputy): the
    attendance the engine records, from which it reads who stands in (as the API records
    a deputy, ``queries.stand_ins``). Refused where the choice would not be what counts:
    a deputy sits only in place of an absent member, for one member at a time, and the
    first present deputy of a member in the Hauptsatzung's order is his (§ 40 Abs. 1 S. 2
    GemO)."""
    choices = {c.member_id: c for c in deputy_choices(session, meeting)}
    taken: dict[int, int] = {}
    for member, deputy in sorted(chosen.items()):
        field = f"vertreten-{member}"
        choice = choices.get(member)
        if choice is None or str(deputy) not in dict(choice.options):
            raise InvalidInput("Bitte wählen Sie die Stellvertretung aus der Liste.", field=field)
        if member in present:
            raise InvalidInput(
                f"{choice.member_name} ist als anwesend angekreuzt und wird daher nicht "
                "vertreten: Eine persönliche Stellvertretung zählt nur an Stelle eines "
                "abwesenden Mitglieds (§ 40 Abs. 1 Satz 2 GemO).",
                field=field,
            )
        if deputy in taken:
            raise InvalidInput(
                f"{person_names(session, [deputy])} kann nicht zugleich "
                f"{person_names(session, [taken[deputy]])} und {choice.member_name} vertreten: "
                "Eine Stellvertretung sitzt für ein Mitglied (§ 40 Abs. 1 Satz 2 GemO).",
                field=field,
            )
        taken[deputy] = member
    result = [*present, *(d for d in taken if d not in present)]
    day_members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    counted = standing_in(day_members, set(result), body_deputies(session, meeting.body_id))
    for deputy, member in sorted(taken.items()):
        if counted.get(deputy) != member:
            other = counted.get(deputy)
            instead = (
                f"vertritt nach der Reihenfolge der Hauptsatzung {person_names(session, [other])}"
                if other is not None
                else "zählt nicht: eine andere anwesende Stellvertretung ist vor ihr an der Reihe"
            )
            raise InvalidInput(
                f"{person_names(session, [deputy])} {instead}, nicht "
                f"{choices[member].member_name}. Bitte wählen Sie die Stellvertretung in der "
                "Reihenfolge der Hauptsatzung (§ 40 Abs. 1 Satz 2 GemO).",
                field=f"vertreten-{member}",
            )
    return result


@dataclass(frozen=True)
class ItemView:
    """The current agenda item as the secretary needs it during the session."""

    item: AgendaItem
    quorum: Quorum
    tally: Tally
    votes: dict[int, str]  # by name, if the vote was taken that way
    declarations: list[BiasDeclaration]
    # § 18 Abs. 4 S. 1 GemO: members' notices before the session not yet recorded as bias
    notices: list[BiasNotice]
    # who sent each: a name, a deputy's with whom he deputises for (bias_notices.notifier_name)
    notifiers: dict[int, str]
    entitled: list[int]  # present at the item and not biased: they vote
    refusal: str | None  # why the item cannot be decided for bias yet
    present: set[int]  # present at this item (attendance with leaving and arriving)
    changes: list[ItemAttendance]  # who left or arrived at this item
    change_lines: list[str]  # the same as the Niederschrift says it (deputies' stand-ins)
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
    # the members, then a deputy standing in for one absent at this item (Hauptsatzung)
    seats = [
        *voting_members(session, meeting.body_id, meeting.meeting_date),
        *sorted(stand_ins_among(session, meeting, present)),  # ``stand_ins_at``
    ]
    entitled = [p for p in seats if p in present - biased]
    order = motion_order(session, session.get(Body, meeting.body_id))
    listed = in_voting_order(motions_of(session, item_id), order)
    waiting = pending(listed, order)
    votes = {
        v.person_id: v.choice
        for v in session.exec(select(Vote).where(Vote.agenda_item_id == item_id))
    }
    chair = item_chair(session, meeting, item)
    declarations = bias_declarations(session, item_id)
    declared = {d.person_id for d in declarations}
    notices = [n for n in item_notices(session, item_id) if n.person_id not in declared]
    return ItemView(
        item=item,
        quorum=item_quorum(session, item),
        tally=tally(session, item_id),
        votes=votes,
        declarations=declarations,
        notices=notices,
        notifiers={n.person_id: notifier_name(session, meeting, n.person_id) for n in notices},
        entitled=entitled,
        refusal=bias_refusal(session, item_id),
        present=present,
        changes=changes_at(session, item_id),
        change_lines=attendance_lines(session, item),
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


def mover_options(
    session: Session, meeting: Meeting, item: AgendaItem | None = None
) -> list[tuple[str, str]]:
    """Who may move an Antrag at ``item``, to choose from: the body's members, a deputy
    standing in there, and the municipality's current Fraktionen (§ 32a GemO); anyone else
    (the Verwaltung) is typed in."""
    movers = set(member_movers(session, meeting, item))  # the rule the service holds the API to
    options = [
        (f"mitglied:{m.person_id}", f"Mitglied: {m.name}")
        for m in members(session, meeting)
        if m.person_id in movers
    ]
    options += [
        (f"mitglied:{p}", f"Mitglied: {n}")
        for p, n in stand_in_names(session, meeting, stand_ins_at(session, meeting, item))
    ]
    options += [
        (f"fraktion:{f.id}", f"Fraktion: {f.label}")
        for f in of_municipality(session, meeting.municipality_id)
        if f.dissolved_on is None
    ]
    return options


def stand_in_names(
    session: Session, meeting: Meeting, standing: dict[int, int]
) -> list[tuple[int, str]]:
    """``(deputy, "Eva Schäfer (Stellvertretung für Hans Maier)")`` for each deputy standing
    in for a member (deputy -> member: ``queries.stand_ins_at``, ``queries.stood_in``), by
    name."""
    who = names(session, meeting)
    named = [
        (d, f"{who.get(d, '')} (Stellvertretung für {who.get(m, '')})") for d, m in standing.items()
    ]
    return sorted(named, key=lambda pair: pair[1])


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
        "mover_options": mover_options(session, meeting, view.item if view else None),
        "absent_here": [
            p
            for p in voting_members(session, meeting.body_id, meeting.meeting_date)
            if view
            and p not in view.present
            # a biased member has left the table: the screen names him as biased
            and p not in {d.person_id for d in view.declarations if d.excludes}
        ],
    }
