"""Who chairs each agenda item (§ 38 Abs. 1 GemO: the minutes name the chair).

The meeting's chair (``Meeting.chair_person_id``, recorded with the attendance) chairs every
item he can. He cannot where he is absent (he left, § 38 Abs. 1: recorded per item) or where
he is befangen: an excluded member takes part neither in the deliberation nor in the
decision (§ 18 Abs. 1 GemO), so he cannot lead either. Then the mayor chairs, if he is the
one who is back (§ 42 Abs. 1 GemO; a Stellvertreter acts only while he is prevented), else
the Stellvertreter des Bürgermeisters in their order (§ 48 Abs. 1 GemO), the first one
present at the item and not befangen himself. If the mayor and all Stellvertreter are
prevented, the body determines a member who acts as Stellvertreter (§ 48 Abs. 1 GemO):
that member, like an explicit handover, is stored on the item (``AgendaItem.
chair_person_id``); everything the rule decides is derived, never stored.

Not modelled, as for the meeting's chair: a Stellvertreter or Beigeordneter chairing a body
he is no member of (§§ 40, 41, 49 GemO); the Stellvertreter are the mayor's deputies of his
login (``UserDeputy``, workflow.deputies), those who are present at the item.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workflow.attendance import present_at_item, present_at_session
from workflow.models import AgendaItem, Body, Meeting, User, UserDeputy
from workflow.queries import biased_persons, person_names, standing_chairs

BIASED, ABSENT, RETURNED, DETERMINED = "biased", "absent", "returned", "determined"


@dataclass(frozen=True)
class ItemChair:
    """``person_id`` chairs the item; None: nobody may, the body has to determine a member
    first (§ 48 Abs. 1 GemO). ``prevented`` is the meeting's chair where he does not chair
    the item, ``reason`` why (``BIASED``, ``ABSENT``; ``RETURNED``: the mayor, absent at the
    opening, is back; ``DETERMINED``: a handover recorded while he could have chaired)."""

    person_id: int | None
    prevented: int | None = None
    reason: str | None = None
    recorded: bool = False  # stored on the item: determined by the body or handed over

    @property
    def differs(self) -> bool:
        return self.reason is not None


def item_chair(session: Session, meeting: Meeting, item: AgendaItem) -> ItemChair:
    """Reads nothing beyond what the item's quorum reads (attendance, its changes, bias
    declarations: memoised within a firing) while the meeting's chair chairs the item and
    nobody arrived after the opening: the vote guards ask on every firing (issue 14)."""
    chair = meeting.chair_person_id
    present = present_at_item(session, item)
    able = present - biased_persons(session, item.id or 0)
    reason = None if chair in able else (BIASED if chair in present else ABSENT)
    recorded = item.chair_person_id
    if recorded is not None and recorded in able:
        if recorded == chair:
            return ItemChair(chair, recorded=True)
        return ItemChair(recorded, chair, reason or DETERMINED, recorded=True)
    if reason is None:
        arrived = able - present_at_session(session, meeting.id or 0)
        if not arrived:
            return ItemChair(chair)
        mayors = standing_chairs(session, meeting.body_id)
        back = sorted(arrived & mayors)
        if chair in mayors or not back:
            return ItemChair(chair)
        return ItemChair(back[0], chair, RETURNED)
    for candidate in chair_order(session, meeting):
        if candidate in able:
            return ItemChair(candidate, chair, reason)
    return ItemChair(None, chair, reason)


def chair_order(session: Session, meeting: Meeting) -> list[int]:
    """The mayor (the body's standing chair, § 42 Abs. 1, § 40 Abs. 3, § 41 Abs. 2 GemO),
    then his Stellvertreter in the order the council appointed them (§ 48 Abs. 1 GemO)."""
    mayors = standing_chairs(session, meeting.body_id)
    if not mayors:
        return []
    holder, deputy = aliased(User), aliased(User)
    rows = session.exec(
        select(deputy.person_id)
        .join(UserDeputy, col(UserDeputy.deputy_id) == col(deputy.id))
        .join(holder, col(holder.id) == col(UserDeputy.user_id))
        .where(col(holder.person_id).in_(sorted(mayors)), col(deputy.person_id).is_not(None))
        .order_by(col(UserDeputy.rank), col(UserDeputy.id))
    )
    order = sorted(mayors)
    order += [p for p in rows if p is not None and p not in order]
    return order


def reason_words(session: Session, chair: ItemChair) -> str:
    """``Bürgermeisterin Beate Beispiel befangen, § 18 GemO``: why the item's chair is not
    the meeting's, for the screen and the minutes; a member the body determined is marked
    as such (§ 48 Abs. 1 GemO)."""
    who = person_names(session, [chair.prevented]) if chair.prevented is not None else ""
    words = {
        BIASED: f"{who} befangen, § 18 GemO",
        ABSENT: f"{who} bei diesem Punkt nicht anwesend",
        RETURNED: "wieder anwesend, § 42 Abs. 1 GemO",
        DETERMINED: f"Vorsitz von {who} übergeben" if who else "Vorsitz übergeben",
    }.get(chair.reason or "", "")
    if chair.recorded and chair.reason in (BIASED, ABSENT):
        words += "; vom Gremium bestimmt, § 48 Abs. 1 GemO"
    return words


def chair_refusal(session: Session, meeting: Meeting, item: AgendaItem) -> str | None:
    """Why nothing can be decided on the item yet: nobody chairs it (§ 48 Abs. 1 GemO);
    the message names what to do."""
    chair = item_chair(session, meeting, item)
    if chair.person_id is not None:
        return None
    body = session.get(Body, meeting.body_id)
    council = body is None or body.kind == "council"
    why = reason_words(session, chair) if chair.prevented is not None else "Vorsitz unbekannt"
    return (
        f"Bei diesem Tagesordnungspunkt führt niemand den Vorsitz ({why}), und kein "
        "Stellvertreter des Bürgermeisters ist anwesend und nicht befangen. Bitte erfassen "
        "Sie unter „Vorsitz bei diesem Punkt“ das Mitglied, das "
        f"{'der Gemeinderat' if council else 'das Gremium'} als Vorsitz bestimmt hat "
        "(§ 48 Abs. 1 GemO); dann kann abgestimmt werden"
    )
