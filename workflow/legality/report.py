"""Run every check on a resolution, or on the resolutions of a meeting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlmodel import Session, col, select

from workflow.documents import german
from workflow.law.periods import Period, shift
from workflow.legality import aftermath, competence, convening, voting
from workflow.legality.facts import Facts, load_facts
from workflow.legality.model import FAILED, Check, Report
from workflow.models import Proposal, Resolution
from workflow.supervision import municipality_title

CHECKS: tuple[Callable[[Facts], Check], ...] = (
    convening.invitation,
    convening.announcement,
    convening.publicity,
    competence.competence,
    competence.pre_deliberation,
    competence.hearing,
    voting.quorum,
    voting.bias,
    voting.majority,
    aftermath.objection,
    aftermath.publication,
    aftermath.minutes,
    aftermath.execution,
)
# § 4 Abs. 4 S. 1 GemO: a Satzung adopted in breach of procedural or form rules counts as
# valid from the start one year after its publication (not for the rules named in S. 2).
PROCEDURAL = (
    "einberufung",
    "bekanntgabe",
    "oeffentlichkeit",
    "vorberatung",
    "anhoerung",
    "beschlussfaehigkeit",
    "niederschrift",
)
BYLAW_CURE = Period(years=1)


def _bylaw_cure(f: Facts, check: Check) -> Check:
    if (
        f.proposal.reserved_matter != "bylaws"
        or check.result != FAILED
        or check.key not in PROCEDURAL
        or check.cure_date is not None
    ):
        return check
    # § 4 Abs. 4 GemO: a year after the Satzung's öffentliche Bekanntmachung (§ 4 Abs. 3,
    # ``announce``), not after the online publication of § 41b Abs. 5 GemO
    announced = next((e for e in f.proposal_events if e.trigger == "announce"), None)
    if announced is None:
        return check
    cured = shift(announced.day, BYLAW_CURE)
    return replace(
        check,
        cure_date=cured,
        consequence=f"{check.consequence or ''}; die Satzung gilt am {german.day(cured)} "
        "als von Anfang an gültig zustande gekommen, sofern die Verletzung nicht vorher "
        "geltend gemacht wurde (§ 4 Abs. 4 GemO)".lstrip("; "),
    )


def check_facts(f: Facts) -> Report:
    r = f.resolution
    checks = tuple(_bylaw_cure(f, check(f)) for check in CHECKS)
    body = f.body
    return Report(
        resolution_id=r.id or 0,
        proposal_id=f.proposal.id or 0,
        proposal_label=f.proposal.label,
        title=f.proposal.title,
        municipality=f.municipality.name,
        body=body.name if body else None,
        meeting_id=r.meeting_id,
        decided_on=r.decided_on,
        adopted=r.adopted,
        kind=r.kind,
        public=r.public,
        checks=checks,
        chains=tuple(f.chains),
        letterhead=municipality_title(f.municipality),
    )


def check_resolution(session: Session, resolution: Resolution, today: date) -> Report:
    return check_facts(load_facts(session, resolution, today))


def meeting_resolutions(session: Session, meeting_id: int) -> list[Resolution]:
    return list(
        session.exec(
            select(Resolution)
            .where(Resolution.meeting_id == meeting_id)
            .order_by(col(Resolution.agenda_item_id), col(Resolution.id))
        )
    )


def resolutions_since(
    session: Session, municipality_ids: list[int] | None, since: date | None
) -> list[Resolution]:
    """Resolutions in force or contested (not superseded), newest first."""
    query = select(Resolution).join(Proposal, col(Proposal.id) == col(Resolution.proposal_id))
    query = query.where(~col(Resolution.superseded))
    if municipality_ids is not None:
        query = query.where(col(Proposal.municipality_id).in_(municipality_ids))
    if since is not None:
        query = query.where(col(Resolution.decided_on) >= since)
    return list(session.exec(query.order_by(col(Resolution.decided_on).desc(), col(Resolution.id))))
