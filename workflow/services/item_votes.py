"""An item's vote as counts, members leaving and arriving during a session, Tischvorlagen.

An open vote (§ 37 Abs. 6 S. 1 GemO) is recorded by name (``meetings.record_votes``) or as
counts; a secret ballot (§ 37 Abs. 6 S. 2, "geheime Abstimmung") only as counts. Either way
the biased members (§ 18) and those absent at the item are known from the records, and the
counts cannot exceed who is entitled at the item (§ 37 Abs. 2 is checked per item).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, delete

from workflow import audit
from workflow.attendance import present_at_item
from workflow.bias_departures import leave_when_biased
from workflow.chairs import chair_refusal
from workflow.context import Actor
from workflow.errors import Conflict, InvalidInput
from workflow.law.voting import Tally
from workflow.limits import MAX_REASON
from workflow.loaded_rows import bump_version
from workflow.models import AgendaItem, ItemAttendance, Meeting, Person, Vote
from workflow.queries import (
    arriving_deputies,
    biased_persons,
    seated,
    undecided_doubts,
    voting_members,
)
from workflow.services.agenda import (
    Recorded,
    item_in_meeting,
    item_reference,
    meeting_for_write,
)
from workflow.services.common import require_votable
from workflow.services.motion_order import require_no_pending_motions
from workflow.services.motions import check_counts, entitled_at


@dataclass(frozen=True)
class CountedVote:
    tally: Tally
    secret: bool
    biased: list[int]  # excluded for bias (§ 18 GemO)
    absent: list[int]  # voting members not present at the item, the biased aside
    entitled: int


def counted_vote(
    session: Session, item: AgendaItem, meeting: Meeting, counted: Tally
) -> CountedVote:
    """The counts with who could cast them: the entitled as ``check_counts`` takes them, a
    deputy standing in for a member absent at the item among them (§ 40 Abs. 1 S. 2 GemO)."""
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    present = present_at_item(session, item) & members
    biased = biased_persons(session, item.id or 0) & members
    return CountedVote(
        tally=counted,
        secret=item.secret_ballot,
        biased=sorted(biased),
        # a biased member left the table (§ 18 Abs. 5 GemO): named as biased, not as absent
        absent=sorted(members - present - biased),
        entitled=len(entitled_at(session, meeting, item)),
    )


def record_vote_counts(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    counted: Tally,
    secret: bool = False,
) -> Recorded[CountedVote]:
    """Replaces a vote recorded before, by name or as counts."""
    item = item_in_meeting(session, actor, meeting_id, item_id)
    meeting = meeting_for_write(session, actor, meeting_id, expected_version, "record_votes")
    if meeting.state != "in_session":
        raise Conflict("Abstimmungen werden nur in einer laufenden Sitzung erfasst")
    if item.outcome is not None or item.removed:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt")
    doubts = undecided_doubts(session, item_id)
    if doubts:
        raise Conflict(
            "Über eine zweifelhafte Befangenheit hat das Gremium noch nicht entschieden; "
            "vorher wird über den Punkt nicht abgestimmt (§ 18 Abs. 4 Satz 2 GemO)"
        )
    require_votable(session, item)
    require_no_pending_motions(session, meeting, item)
    no_chair = chair_refusal(session, meeting, item, action="vote")
    if no_chair is not None:
        raise Conflict(no_chair)
    check_counts(session, meeting, item, counted)
    session.exec(delete(Vote).where(col(Vote.agenda_item_id) == item_id))
    item.vote_yes, item.vote_no, item.vote_abstain = counted.yes, counted.no, counted.abstain
    item.secret_ballot = secret
    session.add(item)
    result = counted_vote(session, item, meeting, counted)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_vote_counts",
        {
            "agenda_item_id": item_id,
            "yes": counted.yes,
            "no": counted.no,
            "abstain": counted.abstain,
            "secret": secret,
            "biased": result.biased,
            "absent": result.absent,
        },
    )
    bump_version(session, meeting, now)
    return Recorded(result, meeting.version)


def record_item_attendance(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    person_id: int,
    present: bool,
    only_item: bool = False,
    reason: str | None = None,
) -> Recorded[ItemAttendance]:
    """A member leaves or arrives at this item (from it on, or for it only)."""
    item = item_in_meeting(session, actor, meeting_id, item_id)
    meeting = meeting_for_write(session, actor, meeting_id, expected_version, "record_attendance")
    if meeting.state != "in_session":
        raise Conflict("Kommen und Gehen wird während der laufenden Sitzung erfasst")
    if item.outcome is not None or item.removed:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt")
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:  # refused, never cut
        raise InvalidInput(
            f"Der Grund des Kommens oder Gehens ist zu lang: höchstens {MAX_REASON:_} "
            "Zeichen".replace("_", "."),
            field="reason",
        )
    # a personal deputy standing in for an absent member comes and goes as he would
    # (Hauptsatzung, § 40 Abs. 1 S. 2 GemO): after an item is decided, how he leaves, and
    # after his member came back, how he leaves or returns (``queries.seated``)
    # and one who arrives late for a member absent from the start comes as he would
    if person_id not in {
        *voting_members(session, meeting.body_id, meeting.meeting_date),
        *seated(session, meeting),
        *(arriving_deputies(session, meeting, item) if present else ()),
    }:
        raise InvalidInput("Die Person ist kein Mitglied des Gremiums", field="person_id")
    here = present_at_item(session, item)
    if (person_id in here) == present:
        person = session.get(Person, person_id)
        who = person.name if person is not None else "Das Mitglied"
        state = "bereits anwesend" if present else "nicht anwesend"
        raise Conflict(f"{who} ist bei diesem Punkt {state}")
    change = ItemAttendance(
        agenda_item_id=item_id,
        person_id=person_id,
        present=present,
        only_item=only_item,
        reason=reason,
        recorded_at=now,
    )
    session.add(change)
    session.flush()
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "record_item_attendance",
        {
            "agenda_item_id": item_id,
            "person_id": person_id,
            "present": present,
            "only_item": only_item,
            "reason": change.reason,
        },
    )
    if present:  # § 18 Abs. 5 GemO: an arriving member biased on an item leaves it
        leave_when_biased(session, meeting, now)
    bump_version(session, meeting, now)
    return Recorded(change, meeting.version)


def mark_late_paper(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
) -> AgendaItem:
    """Tischvorlage: the item's papers are handed out at the session, not with the
    invitation (§ 34 Abs. 1 S. 1 GemO wants them with it); flagged for the minutes."""
    item = item_in_meeting(session, actor, meeting_id, item_id)
    meeting = meeting_for_write(session, actor, meeting_id, expected_version, "add_agenda_item")
    if meeting.state not in ("planned", "agenda", "invited", "in_session"):
        raise Conflict("Die Sitzung ist bereits beendet")
    if item.removed or item.outcome is not None or item.late_paper:
        raise Conflict("Der Tagesordnungspunkt ist erledigt oder schon als Tischvorlage markiert")
    item.late_paper = True
    session.add(item)
    named = {"agenda_item_id": item_id, **item_reference(session, item)}
    audit.note(session, "meeting", meeting, actor, now, "mark_late_paper", named)
    bump_version(session, meeting, now)
    return item
