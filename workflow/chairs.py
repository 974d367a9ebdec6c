"""Who chairs each agenda item (§ 38 Abs. 1 GemO: the minutes name the chair).

The meeting's chair (``Meeting.chair_person_id``, recorded with the attendance) chairs every
item he can. He cannot where he is absent (he left, § 38 Abs. 1: recorded per item) or where
he is befangen: an excluded member takes part neither in the deliberation nor in the
decision (§ 18 Abs. 1 GemO), so he cannot lead either. Then the mayor chairs, if he is the
one who is back (§ 42 Abs. 1 GemO; a Stellvertreter acts only while he is prevented), else
the Stellvertreter des Bürgermeisters in their order (§ 48 Abs. 1 Satz 4, 6 GemO), the
first one present at the item and not befangen himself. If the mayor and all Stellvertreter
are prevented, "das an Lebensjahren älteste, nicht verhinderte Mitglied des Gemeinderats"
acts (§ 48 Abs. 1 Satz 8 GemO); in a committee the member the mayor commissions (§ 40
Abs. 4, § 41 Abs. 2 GemO). Ratsflow keeps no birth dates, so the secretary records that
member: he, like an explicit handover, is stored on the item (``AgendaItem.
chair_person_id``); everything the rule decides is derived, never stored.

Not modelled, as for the meeting's chair: a Stellvertreter or Beigeordneter chairing a body
he is no member of (§§ 40, 41, 49 GemO); the Stellvertreter are the mayor's deputies of his
login (``UserDeputy``, workflow.deputies), those who are present at the item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workflow.attendance import present_at_item, present_at_session
from workflow.deputies import stand_in_refusal
from workflow.models import AgendaItem, Body, Meeting, User, UserDeputy
from workflow.queries import biased_persons, person_names, standing_chairs, undecided_doubts
from workflow.wording import municipality_wording

BIASED, ABSENT, RETURNED, DETERMINED = "biased", "absent", "returned", "determined"

# § 48 Abs. 1 Satz 8 GemO: "das an Lebensjahren älteste, nicht verhinderte Mitglied des
# Gemeinderats"; at an item not prevented means present and not befangen (§ 18 Abs. 1).
ELDEST = "das an Lebensjahren älteste anwesende Mitglied"
ELDEST_AT_ITEM = f"{ELDEST}, das nicht befangen ist"
COMMITTEE_SUBSTITUTE = {  # whom the mayor may commission when all Stellvertreter are prevented
    "deciding_committee": "§ 40 Abs. 4 GemO",
    "advisory_committee": "§ 41 Abs. 2 GemO",
}
# What can be done once someone chairs the item, by action: the proposal's triggers, the free
# items' outcomes (workflow.services.agenda.FREE_ITEM_OUTCOMES), the votes, the bias decision.
THEN = {
    "vote": "abgestimmt werden",
    "motion": "über den Antrag abgestimmt werden",
    "bias": "über die Befangenheit entschieden werden",
    "adopt": "der Beschluss festgestellt werden",
    "reject": "die Ablehnung festgestellt werden",
    "recommend": "die Empfehlung festgestellt werden",
    "take_note": "die Kenntnisnahme festgestellt werden",
    "take_note_forward": "die Kenntnisnahme festgestellt werden",
    "noted": "die Kenntnisnahme festgestellt werden",
    "handled": "der Punkt als behandelt festgestellt werden",
    "defer": "vertagt werden",
    "deferred": "vertagt werden",
    "refer": "verwiesen werden",
    "remove_from_agenda": "der Punkt abgesetzt werden",
}


@dataclass(frozen=True)
class ItemChair:
    """``person_id`` chairs the item; None: nobody may, the secretary has to record who acts
    first (``substitute_words``). ``prevented`` is the meeting's chair where he does not chair
    the item, ``reason`` why (``BIASED``, ``ABSENT``; ``RETURNED``: the mayor, absent at the
    opening, is back; ``DETERMINED``: a handover recorded while he could have chaired)."""

    person_id: int | None
    prevented: int | None = None
    reason: str | None = None
    recorded: bool = False  # stored on the item: recorded by the secretary or handed over

    @property
    def differs(self) -> bool:
        return self.reason is not None


def item_chair(
    session: Session, meeting: Meeting, item: AgendaItem, *, by_rule: bool = False
) -> ItemChair:
    """Reads nothing beyond what the item's quorum reads (attendance, its changes, bias
    declarations: memoised within a firing) while the meeting's chair chairs the item and
    nobody arrived after the opening: the vote guards ask on every firing (issue 14).
    ``by_rule``: who the rule makes chair, the member recorded on the item left aside."""
    chair = meeting.chair_person_id
    present = present_at_item(session, item)
    biased = biased_persons(session, item.id or 0)
    able = present - biased
    # a biased chair has left the table for the item (§ 18 Abs. 5 GemO): biased, not absent
    reason = None if chair in able else (BIASED if chair in biased else ABSENT)
    recorded = None if by_rule else item.chair_person_id
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
        select(holder, deputy)
        .join(UserDeputy, col(UserDeputy.deputy_id) == col(deputy.id))
        .join(holder, col(holder.id) == col(UserDeputy.user_id))
        .where(col(holder.person_id).in_(sorted(mayors)), col(deputy.person_id).is_not(None))
        .order_by(col(UserDeputy.rank), col(UserDeputy.id))
    )
    order = sorted(mayors)
    # Only a Stellvertreter the rule allows (§ 48 Abs. 1 GemO, workflow.deputies): a
    # stored list naming someone else never hands him the chair.
    order += [
        d.person_id
        for h, d in rows
        if d.person_id is not None and d.person_id not in order and stand_in_refusal(h, d) is None
    ]
    return order


def reason_words(session: Session, meeting: Meeting, chair: ItemChair) -> str:
    """``Bürgermeisterin Beate Beispiel befangen, § 18 GemO``: why the item's chair is not
    the meeting's, for the screen and the minutes; a member recorded where the mayor and
    all Stellvertreter are prevented is marked as what the GemO makes him: in the council
    the eldest member (§ 48 Abs. 1 Satz 8 GemO), in a committee the member the mayor
    commissioned (§ 40 Abs. 4, § 41 Abs. 2 GemO)."""
    who = person_names(session, [chair.prevented]) if chair.prevented is not None else ""
    words = {
        BIASED: f"{who} befangen, § 18 GemO",
        ABSENT: f"{who} bei diesem Punkt nicht anwesend",
        RETURNED: "wieder anwesend, § 42 Abs. 1 GemO",
        DETERMINED: f"Vorsitz von {who} übergeben" if who else "Vorsitz übergeben",
    }.get(chair.reason or "", "")
    if chair.recorded and chair.reason in (BIASED, ABSENT) and chair.person_id is not None:
        words += _recorded_words(session, meeting, chair.person_id)
    return words


def _recorded_words(session: Session, meeting: Meeting, person_id: int) -> str:
    kind = body_kind(session, meeting)
    if kind in COMMITTEE_SUBSTITUTE:
        return f"; mit der Vertretung beauftragt, {COMMITTEE_SUBSTITUTE[kind]}"
    if person_id in chair_order(session, meeting):
        return "; Stellvertretung, § 48 Abs. 1 Satz 4 GemO"
    return (
        "; an Lebensjahren ältestes anwesendes, nicht befangenes Mitglied, § 48 Abs. 1 Satz 8 GemO"
    )


def body_kind(session: Session, meeting: Meeting) -> str:
    """The kind of the meeting's body; a council's rules where it is unknown. The
    Ortschaftsrat ("local_council") follows the Gemeinderat's (§ 72 GemO)."""
    body = session.get(Body, meeting.body_id)
    return body.kind if body is not None else "council"


def substitute_words(session: Session, meeting: Meeting) -> str:
    """Whom to record as the item's chair where the mayor and all Stellvertreter are
    prevented: in the council "das an Lebensjahren älteste, nicht verhinderte Mitglied"
    (§ 48 Abs. 1 Satz 8 GemO; Ratsflow keeps no birth dates, so the secretary names him),
    in a committee the member who is Gemeinderat and whom the mayor commissions (§ 40
    Abs. 4, § 41 Abs. 2 GemO)."""
    kind = body_kind(session, meeting)
    if kind in COMMITTEE_SUBSTITUTE:
        return (
            "das Mitglied des Ausschusses, das Gemeinderat ist und mit der Vertretung "
            f"beauftragt wird ({COMMITTEE_SUBSTITUTE[kind]})"
        )
    return f"{ELDEST_AT_ITEM} (§ 48 Abs. 1 Satz 8 GemO)"


def chair_refusal(
    session: Session, meeting: Meeting, item: AgendaItem, *, action: str | None
) -> str | None:
    """Why nothing can be decided on the item yet: nobody chairs it (§ 48 Abs. 1 GemO);
    the message names what to do, and what ``action`` (a key of ``THEN``; None: the item
    as a whole, for the screen) then can be done.

    A body deliberates and decides only "in einer ordnungsmäßig einberufenen und geleiteten
    Sitzung" (§ 37 Abs. 1 Satz 1 GemO); the chair opens, leads and closes its deliberations
    (§ 36 Abs. 1 GemO). So every decision on an item asks this: the vote and the outcome,
    a vote on a motion (Geschäftsordnungs- or Sachantrag), the body's decision on a doubtful
    Befangenheit (§ 18 Abs. 4 Satz 2), taking note of an item, its Vertagung or Absetzung in
    the session."""
    chair = item_chair(session, meeting, item)
    if chair.person_id is not None:
        return None
    return _nobody_chairs(session, meeting, chair, action)


def bias_chair_refusal(
    session: Session, meeting: Meeting, item: AgendaItem, person_id: int
) -> str | None:
    """Why the body cannot yet decide ``person_id``'s doubtful Befangenheit: nobody chairs
    the item, or only ``person_id`` would. The body decides "in Abwesenheit des Betroffenen"
    (§ 18 Abs. 4 Satz 2 GemO), so he cannot lead that decision; his Stellvertreter in their
    order (§ 48 Abs. 1 GemO), present and not befangen, or a member recorded on the item
    does."""
    chair = item_chair(session, meeting, item)
    if chair.person_id is None:
        return _nobody_chairs(session, meeting, chair, "bias")
    if chair.person_id != person_id:
        return None
    able = present_at_item(session, item) - biased_persons(session, item.id or 0) - {person_id}
    if any(candidate in able for candidate in chair_order(session, meeting)):
        return None
    name = person_names(session, [person_id])
    return (
        f"Über die Befangenheit von {name} entscheidet das Gremium in Abwesenheit der "
        "betroffenen Person (§ 18 Abs. 4 Satz 2 GemO), die diese Entscheidung daher nicht "
        f"leiten kann, und kein {mayors_deputy(session, meeting)} ist anwesend und nicht "
        "befangen. Bitte erfassen Sie unter „Vorsitz bei diesem Punkt“ "
        f"{substitute_words(session, meeting)}"
    )


def mayors_deputy(session: Session, meeting: Meeting) -> str:
    """``Stellvertreter der Bürgermeisterin``: the mayor named by the municipality's title
    (§ 48 GemO; ``workflow.wording``)."""
    return municipality_wording(session, meeting.municipality_id).text(
        "Stellvertreter des Bürgermeisters"
    )


def _nobody_chairs(session: Session, meeting: Meeting, chair: ItemChair, action: str | None) -> str:
    then = THEN.get(action or "", "der Punkt behandelt werden")
    why = (
        reason_words(session, meeting, chair)
        if chair.prevented is not None
        else "Vorsitz unbekannt"
    )
    return (
        f"Bei diesem Tagesordnungspunkt führt niemand den Vorsitz ({why}), und kein "
        f"{mayors_deputy(session, meeting)} ist anwesend und nicht befangen. Bitte erfassen "
        f"Sie unter „Vorsitz bei diesem Punkt“ {substitute_words(session, meeting)}; dann "
        f"kann {then}"
    )


def may_hand_over(session: Session, meeting: Meeting, item: AgendaItem) -> bool:
    """Whether a member other than the one the rule names may be recorded as the item's
    chair while someone can chair it: in a committee (§ 40 Abs. 4, § 41 Abs. 2 GemO), or
    for the decision on the chair's own doubtful Befangenheit (§ 18 Abs. 4 Satz 2 GemO);
    ``handover_refusal`` says which member."""
    if body_kind(session, meeting) in COMMITTEE_SUBSTITUTE:
        return True
    rule = item_chair(session, meeting, item, by_rule=True)
    return rule.person_id is not None and rule.person_id in undecided_doubts(session, item.id or 0)


def handover_refusal(
    session: Session, meeting: Meeting, item: AgendaItem, person_id: int
) -> str | None:
    """Why ``person_id`` may not be recorded as the item's chair while the rule names one
    who can chair it (``substitute_refusal``). Except, in the council, for the decision on
    the chair's own doubtful Befangenheit, which is taken in his absence (§ 18 Abs. 4 Satz 2
    GemO): for it he is prevented."""
    rule = item_chair(session, meeting, item, by_rule=True)
    if rule.person_id is None or rule.person_id == person_id:
        return None
    return substitute_refusal(
        session,
        meeting,
        rule=rule.person_id,
        person_id=person_id,
        able=present_at_item(session, item) - biased_persons(session, item.id or 0),
        where="bei diesem Punkt",
        eldest=f"{ELDEST_AT_ITEM},",  # the relative clause closes before "den Vorsitz"
        prevented=lambda: rule.person_id in undecided_doubts(session, item.id or 0),
    )


def session_chair_refusal(
    session: Session, meeting: Meeting, present: set[int], person_id: int
) -> str | None:
    """Why ``person_id`` may not be recorded as the session's chair (with the attendance)
    while the mayor or a Stellvertreter before him in their order is ``present``: the
    item's rule (``substitute_refusal``) for the whole session. Nobody is befangen at the
    opening; bias is declared per item, where ``handover_refusal`` asks again."""
    rule = next((p for p in chair_order(session, meeting) if p in present), None)
    return substitute_refusal(
        session,
        meeting,
        rule=rule,
        person_id=person_id,
        able=present,
        where="in dieser Sitzung",
    )


def substitute_refusal(
    session: Session,
    meeting: Meeting,
    *,
    rule: int | None,
    person_id: int,
    able: set[int],
    where: str,
    eldest: str = ELDEST,
    prevented: Callable[[], bool] | None = None,
) -> str | None:
    """Why ``person_id`` may not chair (``where``: "bei diesem Punkt", "in dieser Sitzung")
    while ``rule``, the first of ``chair_order`` who can (``able``: present, not befangen),
    is not prevented; one rule for the session's chair and the item's. ``eldest`` names
    who acts when all are prevented (§ 48 Abs. 1 Satz 8 GemO), at an item one not befangen.

    Gemeinderat (and Ortschaftsrat, § 72 GemO): the mayor is its chair (§ 42 Abs. 1 GemO);
    "die Stellvertretung beschränkt sich auf die Fälle der Verhinderung" (§ 48 Abs. 1
    Satz 4 GemO), in the council's order (Satz 6); only where the mayor and all
    Stellvertreter are prevented does "das an Lebensjahren älteste, nicht verhinderte
    Mitglied des Gemeinderats" act (Satz 8). A mayor who can chair cannot hand the chair
    over, nor skip a Stellvertreter; ``prevented``: the rule's chair cannot lead this one
    decision (§ 18 Abs. 4 Satz 2 GemO). Committees: the mayor "kann einen seiner
    Stellvertreter ... mit seiner Vertretung beauftragen" at will, a beschließender
    Ausschuss's other member who is Gemeinderat only "wenn alle Stellvertreter ...
    verhindert sind" (§ 40 Abs. 4 GemO), a beratender Ausschuss's any such member (§ 41
    Abs. 2 GemO)."""
    if rule is None or rule == person_id:
        return None
    kind = body_kind(session, meeting)
    if kind == "advisory_committee":
        return None
    wording = municipality_wording(session, meeting.municipality_id)
    mayors = standing_chairs(session, meeting.body_id)
    deputies = [p for p in chair_order(session, meeting) if p not in mayors]
    if kind == "deciding_committee":
        if person_id in deputies or not any(p in able for p in deputies):
            return None
        # the mayor by the municipality's title, no pronoun for her or him (workflow.wording)
        return (
            wording.text("Den Vorsitz kann der Bürgermeister einem Stellvertreter übertragen; ")
            + f"{person_names(session, [person_id])} erst, wenn alle Stellvertreter verhindert "
            "sind (§ 40 Abs. 4 GemO)"
        )
    if prevented is not None and prevented():
        return None
    chair = person_names(session, [rule])
    law = wording.text(
        "Den Vorsitz und die Leitung der Verhandlungen hat der Bürgermeister (§ 42 Abs. 1, "
        "§ 36 Abs. 1 GemO); vertreten wird nur im Fall der Verhinderung, von den "
        "Stellvertretern in ihrer Reihenfolge (§ 48 Abs. 1 Satz 4, 6 GemO)"
    )
    return (
        f"{chair} kann den Vorsitz {where} führen und kann ihn nicht übergeben: {law}. "
        f"Erst wenn alle verhindert sind, führt {eldest} den Vorsitz (§ 48 Abs. 1 Satz 8 GemO)"
    )
