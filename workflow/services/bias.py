"""Doubtful bias decided by the body, and resolutions made unlawful by bias (§ 18 GemO).

A doubtful declaration excludes no one until the body decides it "in Abwesenheit des
Betroffenen" (§ 18 Abs. 4 S. 2); meanwhile ``queries.bias_refusal`` blocks the vote on the
item. A bias that comes to light after the item was decided cannot undo the vote: the
resolution is flagged unlawful (§ 18 Abs. 6 S. 1), and the mayor's objection (§ 43 Abs. 2)
stays the way to have it decided again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlmodel import Session, col, select

from workflow import audit
from workflow.attendance import present_at_item
from workflow.bias_departures import leave_when_biased
from workflow.chairs import bias_chair_refusal
from workflow.context import Actor, local_date
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.law.periods import Period, shift
from workflow.law.voting import Tally
from workflow.models import AgendaItem, BiasDeclaration, Meeting, Proposal, Resolution, Vote
from workflow.queries import biased_persons, person_names, seated_at
from workflow.rules.common import grounds
from workflow.services.common import require_role, require_tenant
from workflow.services.listing import get_proposal
from workflow.services.transition import load_instance

DECIDING_ROLES = ("secretary", "mayor")
VOTE_CHOICES = ("yes", "no", "abstain")
CURE_PERIOD = Period(years=1)


def cure_date(resolution: Resolution, proposal: Proposal) -> date | None:
    """§ 18 Abs. 6 S. 2 GemO: the violation counts as cured "ein Jahr nach der
    Beschlussfassung oder, wenn eine öffentliche Bekanntmachung erforderlich ist, ein Jahr
    nach dieser"; calendar dates in Europe/Berlin, month ends per § 188 Abs. 3 BGB. The
    Bekanntmachung is the one a Satzung needs (§ 4 Abs. 3 GemO, ``announced_at``), not the
    online publication of § 41b Abs. 5 GemO; while it is outstanding the year has not begun
    (None). The exceptions (objection by the mayor or the Rechtsaufsicht within the year)
    are not decided here."""
    if resolution.unlawful_reason is None:
        return None
    if not proposal.requires_announcement:
        return shift(resolution.decided_on, CURE_PERIOD)
    if resolution.announced_at is None:
        return None
    return shift(local_date(resolution.announced_at), CURE_PERIOD)


def item_resolution(session: Session, agenda_item_id: int) -> Resolution | None:
    return session.exec(
        select(Resolution)
        .where(Resolution.agenda_item_id == agenda_item_id)
        .order_by(col(Resolution.id).desc())
    ).first()


def voted_on(session: Session, agenda_item_id: int) -> bool:
    row = session.exec(select(Vote.id).where(Vote.agenda_item_id == agenda_item_id)).first()
    return row is not None


def flag_if_unlawful(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting: Meeting,
    declaration: BiasDeclaration,
) -> Resolution | None:
    """Flag the item's resolution when an excluded member took part in it (§ 18 Abs. 6 S. 1
    GemO: Abs. 1 and 5 forbid advising as well as deciding, so being present counts)."""
    if not declaration.excludes:
        return None
    resolution = item_resolution(session, declaration.agenda_item_id)
    if resolution is None:
        return None  # still open: bias_refusal makes the vote be repeated without him
    voted = session.exec(
        select(Vote.id).where(
            Vote.agenda_item_id == declaration.agenda_item_id,
            Vote.person_id == declaration.person_id,
        )
    ).first()
    item = session.get(AgendaItem, declaration.agenda_item_id)
    assert item is not None
    # Present at the item, not merely at the opening: a member who left before it (as
    # § 18 Abs. 5 GemO asks of the biased) did not take part.
    took_part = voted is not None or declaration.person_id in present_at_item(session, item)
    if not took_part:
        return None
    how = "mitgestimmt" if voted is not None else "an der Beratung teilgenommen"
    resolution.unlawful_reason = (
        f"{person_names(session, [declaration.person_id])} war befangen und hat {how}; der "
        f"Beschluss ist rechtswidrig (§ 18 Abs. 6 Satz 1 GemO). {grounds(declaration.reason)}"
    ).rstrip()
    resolution.unlawful_since = now
    session.add(resolution)
    proposal = session.get(Proposal, resolution.proposal_id)
    assert proposal is not None
    audit.note(
        session,
        "proposal",
        proposal,
        actor,
        now,
        "flag_unlawful",
        data={
            "resolution_id": resolution.id,
            "person_id": declaration.person_id,
            "reason": resolution.unlawful_reason,
            "cure_date": cure_date(resolution, proposal),
        },
    )
    return resolution


def _entitled(session: Session, meeting: Meeting, declaration: BiasDeclaration) -> set[int]:
    """Who decides a doubtful case: the body's voting members, present at the item while the
    session runs, never the person concerned nor anyone excluded from the item (§ 18 Abs. 4
    S. 2); before the session, the members of the day with no deputy standing in yet."""
    if meeting.state != "in_session":
        members = seated_at(session, meeting, None)
    else:
        item = session.get(AgendaItem, declaration.agenda_item_id)
        assert item is not None
        # seat dates, and the deputies standing in at this item (``seated_at``)
        members = seated_at(session, meeting, item) & present_at_item(session, item)
    return members - biased_persons(session, declaration.agenda_item_id) - {declaration.person_id}


def _tally(
    session: Session,
    entitled: set[int],
    person_id: int,
    votes: Mapping[int, str] | None,
    counted: Tally | None,
) -> Tally:
    if (votes is None) == (counted is None):
        raise InvalidInput("Entweder Einzelstimmen oder ein Stimmenergebnis angeben", field="votes")
    if votes is not None:
        for voter, choice in votes.items():
            field = f"votes.{voter}"
            if choice not in VOTE_CHOICES:
                raise InvalidInput(
                    f"Ungültige Stimme für {person_names(session, [voter])}: Ja, Nein oder "
                    "Enthaltung (yes, no, abstain)",
                    field=field,
                )
            if voter == person_id:
                raise InvalidInput(
                    "Über die Befangenheit wird in Abwesenheit des Betroffenen entschieden "
                    "(§ 18 Abs. 4 Satz 2 GemO)",
                    field=field,
                )
            if voter not in entitled:
                raise InvalidInput(
                    f"{person_names(session, [voter])} ist nicht anwesend und stimmberechtigt",
                    field=field,
                )
        counted = Tally(
            yes=sum(1 for c in votes.values() if c == "yes"),
            no=sum(1 for c in votes.values() if c == "no"),
            abstain=sum(1 for c in votes.values() if c == "abstain"),
        )
    assert counted is not None
    total = counted.yes + counted.no + counted.abstain
    if min(counted.yes, counted.no, counted.abstain) < 0:
        raise InvalidInput("Stimmenzahlen können nicht negativ sein", field="tally")
    if total == 0:
        raise InvalidInput("Bitte geben Sie die Stimmen ein: alle Zahlen sind 0", field="tally")
    if total > len(entitled):
        raise InvalidInput(
            f"{total} Stimmen, aber nur {len(entitled)} Mitglieder sind stimmberechtigt",
            field="tally",
        )
    return counted


def decide_bias(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    declaration_id: int,
    votes: Mapping[int, str] | None = None,
    tally: Tally | None = None,
) -> BiasDeclaration:
    """The body decides a doubtful case by simple majority (§ 18 Abs. 4 S. 2, § 37 Abs. 6
    GemO). The motion is "befangen": a tie rejects it, and the member votes on the item."""
    declaration = session.get(BiasDeclaration, declaration_id)
    if declaration is None:
        raise not_found("Befangenheitserklärung")
    item = session.get(AgendaItem, declaration.agenda_item_id)
    assert item is not None
    meeting: Meeting = load_instance(session, "meeting", item.meeting_id, actor)
    require_role(actor, "decide_bias", DECIDING_ROLES)
    if not declaration.doubtful:
        raise Conflict(
            "Die Befangenheit ist erklärt, nicht zweifelhaft: es gibt nichts zu entscheiden"
        )
    if declaration.decided_at is not None:
        raise Conflict("Über diese Befangenheit hat das Gremium bereits entschieden")
    if meeting.state != "in_session" and not declaration.after_vote:
        raise Conflict("Das Gremium entscheidet über die Befangenheit in seiner Sitzung")
    if meeting.state == "in_session":
        # The body decides (§ 18 Abs. 4 Satz 2 GemO), so in a session someone leads (§ 36
        # Abs. 1, § 37 Abs. 1 Satz 1 GemO), never the member concerned: he is absent for it.
        no_chair = bias_chair_refusal(session, meeting, item, declaration.person_id)
        if no_chair is not None:
            raise Conflict(no_chair)
    entitled = _entitled(session, meeting, declaration)
    counted = _tally(session, entitled, declaration.person_id, votes, tally)
    declaration.decided_at = now
    declaration.decided_biased = counted.adopted
    declaration.decision_yes = counted.yes
    declaration.decision_no = counted.no
    declaration.decision_abstain = counted.abstain
    session.add(declaration)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "decide_bias",
        data={
            "agenda_item_id": item.id,
            "person_id": declaration.person_id,
            "biased": counted.adopted,
            "yes": counted.yes,
            "no": counted.no,
            "abstain": counted.abstain,
        },
    )
    session.flush()
    flag_if_unlawful(
        session=session, actor=actor, now=now, meeting=meeting, declaration=declaration
    )
    if meeting.state == "in_session" and declaration.decided_biased:
        leave_when_biased(session, meeting, now)  # § 18 Abs. 5 GemO
    session.flush()
    return declaration


def resolutions_of(*, session: Session, actor: Actor, proposal_id: int) -> list[Resolution]:
    """A proposal's resolutions, oldest first, within the municipality: the engine's
    lawfulness flags are internal until the mayor or the Rechtsaufsicht acts on them."""
    proposal = get_proposal(session=session, actor=actor, proposal_id=proposal_id)
    require_tenant(session, actor, proposal.municipality_id, "Beschlussvorlage")
    return list(
        session.exec(
            select(Resolution)
            .where(Resolution.proposal_id == proposal_id)
            .order_by(col(Resolution.id))
        )
    )
