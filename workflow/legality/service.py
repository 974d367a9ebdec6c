"""Who may read which Prüfbericht: the same rules as the resolution and the meeting.

A resolution's report is read where its proposal is readable and within the municipality
(or, for the Landratsamt, the district: Rechtsaufsicht, § 119 GemO), like the resolutions
themselves (``services.bias.resolutions_of``); a meeting's reports cover the items of the
meeting the caller may read. The dashboard of resolutions at risk is for the mayor of the
municipality and the Landratsamt.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from workflow.context import Actor
from workflow.errors import NotFound, not_found
from workflow.legality.model import Report
from workflow.legality.report import check_resolution, meeting_resolutions, resolutions_since
from workflow.models import Municipality, Resolution
from workflow.services.common import require_role, require_tenant
from workflow.services.listing import get_meeting, get_proposal

DASHBOARD_ROLES = ("mayor", "district_coordinator", "admin")


def resolution_report(*, session: Session, actor: Actor, resolution_id: int, today: date) -> Report:
    resolution = session.get(Resolution, resolution_id)
    if resolution is None:
        raise not_found("Beschluss")
    proposal = get_proposal(session=session, actor=actor, proposal_id=resolution.proposal_id)
    require_tenant(session, actor, proposal.municipality_id, "Beschluss")
    return check_resolution(session, resolution, today)


def proposal_reports(
    *, session: Session, actor: Actor, proposal_id: int, today: date
) -> list[Report]:
    """The reports of a proposal's resolutions, newest first (a re-decision after an
    objection is a resolution of its own)."""
    proposal = get_proposal(session=session, actor=actor, proposal_id=proposal_id)
    require_tenant(session, actor, proposal.municipality_id, "Beschlussvorlage")
    rows = session.exec(
        select(Resolution)
        .where(Resolution.proposal_id == proposal_id)
        .order_by(col(Resolution.id).desc())
    )
    return [check_resolution(session, r, today) for r in rows]


def meeting_reports(
    *, session: Session, actor: Actor, meeting_id: int, today: date
) -> list[Report]:
    view = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    require_tenant(session, actor, view.meeting.municipality_id, "Sitzung")
    visible = {i.id for i in view.items}
    return [
        check_resolution(session, r, today)
        for r in meeting_resolutions(session, meeting_id)
        if r.agenda_item_id in visible
    ]


def _municipalities(session: Session, actor: Actor, name: str | None) -> list[int]:
    query = select(Municipality)
    if actor.municipality_id is not None:
        query = query.where(Municipality.id == actor.municipality_id)
    elif actor.district_id is not None:
        query = query.where(Municipality.district_id == actor.district_id)
    elif not actor.is_system:
        return []
    towns = list(session.exec(query.order_by(col(Municipality.id))))
    if name is None:
        return [t.id or 0 for t in towns]
    chosen = [t.id or 0 for t in towns if t.name == name]
    if not chosen:
        raise NotFound(f"Die Gemeinde „{name}“ wurde nicht gefunden.")
    return chosen


def at_risk(
    session: Session,
    *,
    today: date,
    municipality_ids: list[int] | None,
    since: date | None = None,
) -> list[Report]:
    """Reports with a failed or unknown check, the earliest cure date first."""
    reports = [
        check_resolution(session, r, today)
        for r in resolutions_since(session, municipality_ids, since)
    ]
    risky = [r for r in reports if r.at_risk]
    return sorted(risky, key=lambda r: (r.cure_date or date.max, r.decided_on))


def dashboard(
    *,
    session: Session,
    actor: Actor,
    today: date,
    municipality: str | None = None,
    since: date | None = None,
) -> list[Report]:
    require_role(actor, "legality_dashboard", DASHBOARD_ROLES)
    ids = _municipalities(session, actor, municipality)
    return at_risk(session, today=today, municipality_ids=ids, since=since)
