"""§ 18 Abs. 5 GemO: "Der Betroffene hat die Sitzung zu verlassen" for the item he is
biased on. The declaration is the record of it: the member who disclosed his bias, or whom
the body found biased, leaves the table for that item, and the attendance says so (the
minutes name him among those who left, the quorum and the Rechtmäßigkeitsnachweis count
him out) without a second entry by the Sitzungsdienst.

Recorded as the facts come together: when the attendance is recorded (before the session
opens, for disclosures made before it, and again during it), when a bias is disclosed or
decided, and when a member arrives at an item. Before the session the departures follow the
attendance as last recorded: one recorded again drops them and decides afresh (nobody can
enter a departure by hand before the session). A disclosure after the vote (``after_vote``)
is not a departure: he took part, and the report flags that."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from workflow.attendance import present_at_item
from workflow.models import AgendaItem, BiasDeclaration, ItemAttendance, Meeting

BIAS_LEFT = "befangen (§ 18 Abs. 5 GemO)"


def leave_when_biased(session: Session, meeting: Meeting, now: datetime) -> list[int]:
    """Each member excluded for bias from an open item of the session (invited or running),
    at the table there, leaves it for that item only; returns who left. The caller flushes:
    a departure holds for its own item only, so none changes another's reading."""
    if meeting.state not in ("invited", "in_session"):
        return []
    items = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
    if meeting.state == "invited":
        session.execute(
            delete(ItemAttendance).where(
                col(ItemAttendance.agenda_item_id).in_(items),
                col(ItemAttendance.reason) == BIAS_LEFT,
            )
        )
    rows = session.exec(
        select(BiasDeclaration, AgendaItem)
        .join(AgendaItem, col(AgendaItem.id) == col(BiasDeclaration.agenda_item_id))
        .where(
            AgendaItem.meeting_id == meeting.id,
            col(AgendaItem.outcome).is_(None),
            ~col(AgendaItem.removed),
            ~col(BiasDeclaration.after_vote),
        )
        .order_by(col(AgendaItem.id), col(BiasDeclaration.id))
    ).all()
    left = []
    for declaration, item in rows:
        if not declaration.excludes or declaration.person_id not in present_at_item(session, item):
            continue
        session.add(
            ItemAttendance(
                agenda_item_id=item.id or 0,
                person_id=declaration.person_id,
                present=False,
                only_item=True,
                reason=BIAS_LEFT,
                recorded_at=now,
            )
        )
        left.append(declaration.person_id)
    return left
