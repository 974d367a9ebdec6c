"""Anträge within an agenda item: made, voted on in the Geschäftsordnung's order, effective.

A Geschäftsordnungsantrag adopted by the body moves the item: Vertagung (``defer``),
Absetzung (``remove_from_agenda``), Verweisung (``refer``: a committee deliberates first, or a
beschließender Ausschuss refers the matter up to the Gemeinderat, § 39 Abs. 3 S. 2-4 GemO);
Schluss der Debatte only closes the discussion. An adopted Änderungs- or Gegenantrag makes
the wording the Beschluss is taken on (``workflow.motions.adopted_wording``); an adopted
Gegenantrag is itself the vote on the matter. All is audited on the meeting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, delete

from workflow import audit
from workflow.attendance import present_at_item
from workflow.chairs import chair_refusal
from workflow.context import Actor
from workflow.definitions.machines import Workflows
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.law.voting import Tally
from workflow.limits import MAX_TEXT
from workflow.loaded_rows import bump_version
from workflow.models import AgendaItem, Body, Faction, Meeting, Motion, Person, Proposal, Vote
from workflow.motions import (
    KINDS,
    PROCEDURES,
    adopted_wording,
    in_voting_order,
    label,
    motion_order,
    motions_of,
    pending,
    quarter_referral,
)
from workflow.queries import (
    biased_persons,
    stand_ins_among,
    stand_ins_at,
    undecided_doubts,
    voting_members,
)
from workflow.services.agenda import (
    Recorded,
    item_in_meeting,
    meeting_for_write,
)
from workflow.services.listing import get_meeting
from workflow.services.motion_order import next_motions
from workflow.services.transition import fire

MAX_MOVER = 200  # Motion.mover's column
CONCLUDING = {"adjourn": "defer", "remove": "remove_from_agenda", "refer": "refer"}
REFERRAL_KINDS = ("council", "deciding_committee", "advisory_committee", "local_council")


def _open_item(
    session: Session, actor: Actor, meeting_id: int, item_id: int, version: int, what: str
) -> tuple[Meeting, AgendaItem]:
    item = item_in_meeting(session, actor, meeting_id, item_id)
    meeting = meeting_for_write(session, actor, meeting_id, version, what)
    if meeting.state != "in_session":
        raise Conflict("Anträge werden nur in einer laufenden Sitzung gestellt und abgestimmt")
    if item.removed or item.outcome is not None:
        raise Conflict("Der Tagesordnungspunkt ist bereits erledigt")
    return meeting, item


def propose_motion(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    expected_version: int,
    kind: str,
    mover: str,
    text: str,
    procedure: str | None = None,
    mover_person_id: int | None = None,
    mover_faction_id: int | None = None,
    reach: int = 0,
    target_body_id: int | None = None,
) -> Recorded[Motion]:
    meeting, item = _open_item(
        session, actor, meeting_id, item_id, expected_version, "propose_motion"
    )
    if kind not in KINDS:
        raise InvalidInput(
            "Bitte wählen Sie die Art des Antrags: Änderungsantrag, Gegenantrag oder "
            "Geschäftsordnungsantrag" + (f" („{kind}“ gibt es nicht)" if kind.strip() else ""),
            field="kind",
        )
    if (kind == "procedural") != (procedure is not None):
        raise InvalidInput(
            "Ein Geschäftsordnungsantrag nennt seine Art (Absetzung, Vertagung, Verweisung, "
            "Schluss der Debatte), ein Sachantrag nicht",
            field="procedure",
        )
    if procedure is not None and procedure not in PROCEDURES:
        raise InvalidInput(
            f"Einen Geschäftsordnungsantrag „{procedure}“ gibt es nicht (möglich: Absetzung, "
            "Vertagung, Verweisung, Schluss der Debatte)",
            field="procedure",
        )
    mover = _mover_name(session, meeting, item, mover, mover_person_id, mover_faction_id)
    if len(mover) > MAX_MOVER:
        raise InvalidInput(
            f"Der Antragsteller ist zu lang angegeben: höchstens {MAX_MOVER} Zeichen", field="mover"
        )
    if kind != "procedural" and not text.strip():
        raise InvalidInput("Der Wortlaut des Antrags fehlt", field="text")
    if len(text.strip()) > MAX_TEXT:  # refused, never cut: it is the wording voted on
        raise InvalidInput(
            f"Der Wortlaut des Antrags ist zu lang: höchstens {MAX_TEXT:_} Zeichen".replace(
                "_", "."
            ),
            field="text",
        )
    if reach < 0:
        raise InvalidInput("Die Reichweite ist eine Zahl ab 0", field="reach")
    if item.proposal_id is None and (kind != "procedural" or procedure == "refer"):
        raise InvalidInput(
            "Sachanträge und Verweisungen gibt es nur zu einer Vorlage", field="kind"
        )
    if kind != "procedural" and item.proposal_id is not None:
        # An Informationsvorlage has no Beschlussvorschlag to amend or replace.
        amended = session.get(Proposal, item.proposal_id)
        if amended is not None and amended.is_information:
            raise InvalidInput(
                "Zu einer Informationsvorlage gibt es keine Änderungs- oder Gegenanträge; "
                "sie wird zur Kenntnis genommen",
                field="kind",
            )
    if procedure == "refer":
        _check_referral(session, meeting, target_body_id)
    elif target_body_id is not None:
        raise InvalidInput("Ein Gremium nennt nur der Verweisungsantrag", field="target_body_id")
    motion = Motion(
        agenda_item_id=item_id,
        kind=kind,
        procedure=procedure,
        mover=mover.strip(),
        mover_person_id=mover_person_id,
        mover_faction_id=mover_faction_id,
        text=text.strip() or label_for(procedure),
        reach=reach,
        target_body_id=target_body_id,
        created_at=now,
    )
    session.add(motion)
    session.flush()
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "propose_motion",
        {
            "agenda_item_id": item_id,
            "motion_id": motion.id,
            "kind": kind,
            "procedure": procedure,
            "mover": motion.mover,
            "mover_person_id": mover_person_id,
            "mover_faction_id": mover_faction_id,
            "text": motion.text,
            "target_body_id": target_body_id,
        },
    )
    bump_version(session, meeting, now)
    return Recorded(motion, meeting.version)


def member_movers(session: Session, meeting: Meeting, item: AgendaItem | None = None) -> list[int]:
    """The members who may be named as an Antrag's mover by reference: the body's voting
    members on the meeting's day (a seat that ended before it is none), its chair included,
    and a personal deputy standing in for an absent member (he sits in the member's place,
    Hauptsatzung, § 40 Abs. 1 S. 2 GemO) at ``item`` (while the member is away there, not
    once he is back; the opening for None). The session screen offers these, and the API
    takes no one else; anyone else (the Verwaltung, a guest) is given by name."""
    members = voting_members(session, meeting.body_id, meeting.meeting_date)
    return [*members, *sorted(stand_ins_at(session, meeting, item))]


def _mover_name(
    session: Session,
    meeting: Meeting,
    item: AgendaItem,
    mover: str,
    person_id: int | None,
    faction_id: int | None,
) -> str:
    """Who moves the Antrag, as the minutes name it: a member or a Fraktion chosen from the
    lists (its name, unless one is given) or anyone else as free text ("Verwaltung")."""
    if person_id is not None and faction_id is not None:
        raise InvalidInput(
            "Ein Antrag hat einen Antragsteller: ein Mitglied oder eine Fraktion, nicht beide",
            field="mover",
        )
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.municipality_id != meeting.municipality_id:
            raise InvalidInput("Unbekannte Person", field="mover_person_id")
        if person_id not in member_movers(session, meeting, item):
            body = session.get(Body, meeting.body_id)
            raise InvalidInput(
                f"{person.name} ist kein stimmberechtigtes Mitglied des Gremiums"
                + (f" „{body.name}“" if body is not None else "")
                + "; andere Antragsteller bitte mit Namen angeben",
                field="mover_person_id",
            )
        return mover.strip() or person.name
    if faction_id is not None:
        faction = session.get(Faction, faction_id)
        if faction is None or faction.municipality_id != meeting.municipality_id:
            raise InvalidInput("Unbekannte Fraktion", field="mover_faction_id")
        if faction.dissolved_on is not None:  # § 32a GemO: only a current one acts
            raise InvalidInput(
                f"Die Fraktion „{faction.name}“ ist aufgelöst", field="mover_faction_id"
            )
        return mover.strip() or faction.label
    if not mover.strip():
        raise InvalidInput("Wer den Antrag stellt, ist anzugeben", field="mover")
    return mover.strip()


def label_for(procedure: str | None) -> str:
    return {
        "remove": "Absetzung von der Tagesordnung",
        "adjourn": "Vertagung",
        "refer": "Verweisung",
        "close_debate": "Schluss der Debatte",
    }.get(procedure or "", "")


def _check_referral(session: Session, meeting: Meeting, target_body_id: int | None) -> None:
    target = session.get(Body, target_body_id) if target_body_id else None
    if target is None or target.municipality_id != meeting.municipality_id:
        raise InvalidInput("Das Gremium, an das verwiesen wird, fehlt", field="target_body_id")
    if target.id == meeting.body_id or target.kind not in REFERRAL_KINDS:
        raise InvalidInput(
            "Verwiesen wird an ein anderes Gremium der Gemeinde", field="target_body_id"
        )
    body = session.get(Body, meeting.body_id)
    if target.kind == "council" and (body is None or body.kind != "deciding_committee"):
        raise InvalidInput(
            "An den Gemeinderat verweist nur ein beschließender Ausschuss (§ 39 Abs. 3 GemO)",
            field="target_body_id",
        )


def entitled_at(session: Session, meeting: Meeting, item: AgendaItem) -> set[int]:
    """Who votes on the item: voting members present at it and not biased (§§ 18, 37), a
    personal deputy in place of a member absent at the item among them, not beside a
    member who came back (``queries.seated_at``)."""
    present = present_at_item(session, item)
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    seats = members | set(stand_ins_among(session, meeting, present))  # ``seated_at``
    return (present & seats) - biased_persons(session, item.id or 0)


def check_counts(session: Session, meeting: Meeting, item: AgendaItem, counted: Tally) -> None:
    total = counted.yes + counted.no + counted.abstain
    entitled = len(entitled_at(session, meeting, item))
    if total == 0:
        raise InvalidInput("Bitte geben Sie die Stimmen ein: alle Zahlen sind 0", field="yes")
    if total > entitled:
        raise InvalidInput(
            f"{total} Stimmen, aber nur {entitled} Mitglieder sind bei diesem Punkt anwesend "
            "und stimmberechtigt (§§ 18, 37 GemO)",
            field="yes",
        )


def vote_motion(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    item_id: int,
    motion_id: int,
    expected_version: int,
    counted: Tally,
) -> Recorded[Motion]:
    """The body's vote on one motion, in the prescribed order, and what it sets in motion."""
    meeting, item = _open_item(session, actor, meeting_id, item_id, expected_version, "vote_motion")
    motion = session.get(Motion, motion_id)
    if motion is None or motion.agenda_item_id != item_id:
        raise not_found("Antrag")
    if motion.adopted is not None or motion.withdrawn:
        raise Conflict("Über diesen Antrag ist bereits abgestimmt oder er ist erledigt")
    first = next_motions(session, meeting, item)[0]
    if first.id != motion.id:
        raise Conflict(
            f"Zuerst ist über den {label(first)} von {first.mover} abzustimmen: der "
            "weitestgehende Antrag zuerst, Geschäftsordnungsanträge vor Sachanträgen"
        )
    if undecided_doubts(session, item_id):
        raise Conflict(
            "Über eine zweifelhafte Befangenheit hat das Gremium noch nicht entschieden; "
            "vorher wird über Anträge zu diesem Punkt nicht abgestimmt (§ 18 Abs. 4 Satz 2 GemO)"
        )
    # A motion is decided by the body, and the body decides only in a session someone
    # leads (§ 36 Abs. 1, § 37 Abs. 1 Satz 1 GemO): as the vote on the item itself.
    no_chair = chair_refusal(session, meeting, item, action="motion")
    if no_chair is not None:
        raise Conflict(no_chair)
    check_counts(session, meeting, item, counted)
    motion.yes, motion.no, motion.abstain = counted.yes, counted.no, counted.abstain
    motion.adopted = counted.adopted or _quarter_refers(session, meeting, motion, counted)
    motion.voted_at = now
    session.add(motion)
    session.flush()
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "vote_motion",
        {
            "agenda_item_id": item_id,
            "motion_id": motion_id,
            "yes": counted.yes,
            "no": counted.no,
            "abstain": counted.abstain,
            "adopted": motion.adopted,
        },
    )
    if motion.adopted:
        _take_effect(session, workflows, actor, now, meeting, item, motion)
    bump_version(session, meeting, now)
    return Recorded(motion, meeting.version)


def _quarter_refers(session: Session, meeting: Meeting, motion: Motion, counted: Tally) -> bool:
    """§ 39 Abs. 3 S. 3 GemO: where the Hauptsatzung allows it, a quarter of all members of a
    beschließender Ausschuss refers the matter to the Gemeinderat without a majority."""
    if motion.procedure != "refer":
        return False
    target = session.get(Body, motion.target_body_id or 0)
    body = session.get(Body, meeting.body_id)
    if target is None or target.kind != "council" or not quarter_referral(session, body):
        return False
    return counted.yes * 4 >= len(voting_members(session, meeting.body_id, meeting.meeting_date))


def _take_effect(
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    meeting: Meeting,
    item: AgendaItem,
    motion: Motion,
) -> None:
    if motion.procedure in CONCLUDING:
        _conclude(session, workflows, actor, now, item, motion)
        _settle_rest(session, meeting, item, lambda m: True)
    elif motion.kind == "counter":
        # The adopted Gegenantrag is the vote on the matter; its wording is the Beschluss.
        session.exec(delete(Vote).where(col(Vote.agenda_item_id) == item.id))
        item.vote_yes, item.vote_no, item.vote_abstain = motion.yes, motion.no, motion.abstain
        session.add(item)
        _settle_rest(session, meeting, item, lambda m: m.kind == "amendment")


def _conclude(
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    item: AgendaItem,
    motion: Motion,
) -> None:
    procedure = motion.procedure or ""
    comment = f"{label_for(procedure)} auf Antrag von {motion.mover} beschlossen"
    if item.proposal_id is not None:
        fire(
            session=session,
            workflows=workflows,
            kind="proposal",
            instance_id=item.proposal_id,
            trigger=CONCLUDING[procedure],
            actor=actor,
            now=now,
            comment=comment,
            data={"body_id": motion.target_body_id} if procedure == "refer" else {},
        )
        session.refresh(item)
        return
    item.outcome = "deferred" if procedure == "adjourn" else "removed"
    item.removed = procedure == "remove"
    session.add(item)


def _settle_rest(
    session: Session, meeting: Meeting, item: AgendaItem, moot: Callable[[Motion], bool]
) -> None:
    """Motions an adopted one made pointless are settled without a vote."""
    for other in next_motions(session, meeting, item):
        if moot(other):
            other.withdrawn = True
            session.add(other)


@dataclass(frozen=True)
class MotionList:
    motions: list[Motion]  # in voting order
    next_motion_id: int | None
    adopted_wording: str | None


def list_motions(*, session: Session, actor: Actor, meeting_id: int, item_id: int) -> MotionList:
    """The item's motions for whoever may read the item (non-public ones stay hidden)."""
    view = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    item = next((i for i in view.items if i.id == item_id), None)
    if item is None:
        raise not_found("Tagesordnungspunkt")
    order = motion_order(session, session.get(Body, view.meeting.body_id))
    listed = in_voting_order(motions_of(session, item_id), order)
    waiting = pending(listed, order)
    return MotionList(
        motions=listed,
        next_motion_id=waiting[0].id if waiting else None,
        adopted_wording=adopted_wording(session, item_id),
    )
