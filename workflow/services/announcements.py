"""§ 35 Abs. 1 S. 4 GemO: resolutions taken in non-public session are announced verbatim at
the next public session (or once secrecy ends), unless the public good or legitimate
interests of individuals prevent it. Ratsflow proposes them; the Sitzungsdienst chooses which
to announce, which puts one public agenda item on the next meeting of the body, and confirms
the announcement in the session. Announced, they are published like resolutions of a public
session (§ 41b Abs. 5 GemO: "in öffentlicher Sitzung … bekannt gegebene Beschlüsse").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflow import audit
from workflow.context import Actor
from workflow.definitions.machines import Workflows
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.limits import require_reason
from workflow.models import AgendaItem, Meeting, Proposal, Resolution
from workflow.services.agenda import add_item
from workflow.services.common import require_role
from workflow.services.transition import load_instance

TITLE = "Bekanntgabe nichtöffentlich gefasster Beschlüsse (§ 35 Abs. 1 Satz 4 GemO)"
ROLES = ("secretary", "mayor")
HELD = ("in_session", "closed", "minutes_signed", "minutes_presented")


def _unannounced(meeting: Meeting, *conditions: ColumnElement[bool]) -> SelectOfScalar[Resolution]:
    """Non-public resolutions of the meeting's body, not yet announced, oldest first."""
    return (
        select(Resolution)
        .where(
            Resolution.body_id == meeting.body_id,
            ~col(Resolution.public),
            ~col(Resolution.superseded),
            col(Resolution.disclosed_at).is_(None),
            *conditions,
        )
        .order_by(col(Resolution.decided_on), col(Resolution.id))
    )


def pending(session: Session, meeting: Meeting) -> list[Resolution]:
    """Non-public resolutions of the meeting's body taken before it, not yet announced."""
    query = _unannounced(
        meeting,
        col(Resolution.disclosure_withheld).is_(None),
        col(Resolution.decided_on) < meeting.meeting_date,
    )
    return list(session.exec(query))


def announced_item(session: Session, meeting_id: int) -> AgendaItem | None:
    return session.exec(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting_id,
            AgendaItem.title == TITLE,
            ~col(AgendaItem.removed),
        )
    ).first()


def of_meeting(session: Session, meeting_id: int) -> list[Resolution]:
    return list(
        session.exec(
            select(Resolution)
            .where(Resolution.announced_meeting_id == meeting_id)
            .order_by(col(Resolution.decided_on), col(Resolution.id))
        )
    )


def plan(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    expected_version: int,
    resolution_ids: list[int],
) -> AgendaItem:
    """Choose the resolutions to announce; the public agenda item is added once."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, "plan_announcement", ROLES)
    candidates = {r.id: r for r in pending(session, meeting)}
    unknown = [i for i in resolution_ids if i not in candidates]
    if not resolution_ids or unknown:
        raise InvalidInput(
            "Bitte nichtöffentliche Beschlüsse dieses Gremiums wählen, die noch nicht "
            "bekannt gegeben wurden.",
            field="resolution_ids",
        )
    item = announced_item(session, meeting_id)
    if item is None:
        item = add_item(
            session=session,
            workflows=workflows,
            actor=actor,
            now=now,
            meeting_id=meeting_id,
            expected_version=expected_version,
            title=TITLE,
        )
    for resolution_id in resolution_ids:
        row = candidates[resolution_id]
        row.announced_meeting_id = meeting_id
        session.add(row)
    session.flush()
    return item


def confirm(*, session: Session, actor: Actor, now: datetime, meeting_id: int) -> list[Resolution]:
    """In the session: the chosen resolutions were announced (read out)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, "confirm_announcement", ROLES)
    if meeting.state not in HELD:
        raise Conflict("Bekanntgegeben wird in der Sitzung; sie hat noch nicht begonnen.")
    item = announced_item(session, meeting_id)
    rows = [r for r in of_meeting(session, meeting_id) if r.disclosed_at is None]
    if item is None or not rows:
        raise Conflict("Für diese Sitzung ist keine Bekanntgabe vorgesehen.")
    for row in rows:
        row.disclosed_at = now
        session.add(row)
    item.outcome = "announced"
    session.add(item)
    audit.note(
        session,
        "meeting",
        meeting,
        actor,
        now,
        "confirm_announcement",
        data={"agenda_item_id": item.id, "resolution_ids": [r.id for r in rows]},
    )
    session.flush()
    return rows


def withheld(session: Session, meeting: Meeting) -> list[Resolution]:
    """Non-public resolutions of the meeting's body not announced for a recorded reason."""
    query = _unannounced(meeting, col(Resolution.disclosure_withheld).is_not(None))
    return list(session.exec(query))


def withhold(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    meeting_id: int,
    resolution_id: int,
    reason: str | None,
) -> Resolution:
    """The public good or an individual's legitimate interests stand against announcing a
    resolution (§ 35 Abs. 1 S. 4 GemO): the Sitzungsdienst records why, and it is no longer
    proposed. ``reason=None`` lifts that once the obstacle has gone: proposed again."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, actor)
    require_role(actor, "withhold_announcement", ROLES)
    resolution = session.get(Resolution, resolution_id)
    if (
        resolution is None
        or resolution.body_id != meeting.body_id
        or resolution.public
        or resolution.superseded
    ):
        raise not_found("Beschluss")
    if resolution.disclosed_at is not None:
        raise Conflict("Der Beschluss ist bereits bekannt gegeben.")
    if resolution.announced_meeting_id is not None:
        raise Conflict(
            "Der Beschluss ist für die Bekanntgabe in einer Sitzung vorgesehen; dort wird er "
            "bekannt gegeben."
        )
    if reason is not None:
        reason = reason.strip()
        if not reason:
            raise InvalidInput(
                "Bitte geben Sie an, welches öffentliche Wohl oder welche berechtigten "
                "Interessen Einzelner der Bekanntgabe entgegenstehen.",
                field="reason",
            )
        require_reason(reason, what="Der Grund", field="reason")
    elif resolution.disclosure_withheld is None:
        raise Conflict("Die Bekanntgabe dieses Beschlusses ist nicht zurückgestellt.")
    resolution.disclosure_withheld = reason
    resolution.disclosure_withheld_at = now if reason is not None else None
    session.add(resolution)
    proposal = session.get(Proposal, resolution.proposal_id)
    assert proposal is not None
    data = {"resolution_id": resolution.id, "reason": reason}
    if reason is not None:
        audit.note(session, "proposal", proposal, actor, now, "withhold_announcement", data)
    else:
        audit.note(session, "proposal", proposal, actor, now, "resume_announcement", data)
    session.flush()
    return resolution
