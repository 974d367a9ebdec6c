"""Guards of a Beschluss after the vote: the mayor's objection (§ 43 GemO), the legal
supervision (§ 121 Abs. 2), announcement (§ 4 Abs. 3), publication (§ 41b Abs. 5) and
execution; each returns None or the German refusal."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col, select

from workflow.context import FiringContext, local_date
from workflow.deadlines.lifecycle import calendar_for
from workflow.definitions.registry import Guard, GuardCandidates
from workflow.documents import german
from workflow.law.periods import period_end
from workflow.models import (
    ExecutionTask,
    Proposal,
    Resolution,
)
from workflow.publication import publishes_online
from workflow.queries import (
    latest_resolution,
)
from workflow.rules.common import (
    count_of,
    data_text,
    objection_deadline,
    proposal,
)
from workflow.supervision import OBJECTION_GROUNDS


def execution_allowed(ctx: FiringContext) -> str | None:
    """§ 121 Abs. 2 GemO: a resolution to be submitted to the Rechtsaufsicht is executed only
    once it confirmed it, or a month after submission passed without objection; a Satzung
    only once it is publicly announced (§ 4 Abs. 3 GemO)."""
    p = proposal(ctx)
    resolution = latest_resolution(ctx.session, p.id or 0)
    if resolution is None:
        return None
    reasons = []
    if p.requires_submission and resolution.confirmed_at is None:
        if resolution.submitted_at is None:
            reasons.append(
                "Der Beschluss ist der Rechtsaufsichtsbehörde noch nicht vorgelegt "
                "(§ 121 Abs. 2 GemO)"
            )
        else:
            calendar = calendar_for(ctx.session, p.municipality_id)
            submitted = local_date(resolution.submitted_at, ctx.tz)
            end = period_end(submitted, "P1M", calendar).date
            if ctx.today <= end:
                reasons.append(
                    "Die Rechtsaufsichtsbehörde hat den Beschluss noch nicht bestätigt; ohne "
                    f"Beanstandung darf er nach dem {german.day(end)} vollzogen werden "
                    "(§ 121 Abs. 2 GemO)"
                )
    if p.requires_announcement and resolution.announced_at is None:
        reasons.append(
            "Der Beschluss (Satzung) ist noch nicht öffentlich bekannt gemacht (§ 4 Abs. 3 GemO)"
        )
    return "; ".join(reasons) or None


def requires_submission(ctx: FiringContext) -> str | None:
    if not proposal(ctx).requires_submission:
        return "Der Beschluss ist nicht vorlagepflichtig (§ 121 Abs. 2 GemO)"
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.confirmed_at is not None:
        return "Die Rechtsaufsichtsbehörde hat den Beschluss bereits bestätigt"
    return None


def not_submitted_yet(ctx: FiringContext) -> str | None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.submitted_at is not None:
        submitted = local_date(resolution.submitted_at, ctx.tz)
        return f"Der Beschluss wurde am {german.day(submitted)} vorgelegt"
    return None


def submitted_to_supervision(ctx: FiringContext) -> str | None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is None or resolution.submitted_at is None:
        return "Der Beschluss ist der Rechtsaufsichtsbehörde noch nicht vorgelegt"
    return None


def requires_announcement(ctx: FiringContext) -> str | None:
    if not proposal(ctx).requires_announcement:
        return "Der Beschluss muss nicht öffentlich bekannt gemacht werden"
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.announced_at is not None:
        return "Der Beschluss ist bereits öffentlich bekannt gemacht"
    return None


def within_objection_window(ctx: FiringContext) -> str | None:
    """§ 43 Abs. 2 S. 1 GemO: "spätestens jedoch binnen einer Woche nach Beschlussfassung"."""
    last_day = objection_deadline(ctx)
    if last_day is None:
        return "Es liegt kein Beschluss vor"
    if ctx.today > last_day:
        return f"Die Widerspruchsfrist ist am {german.day(last_day)} abgelaufen (§ 43 Abs. 2 GemO)"
    return None


def objection_window_passed(ctx: FiringContext) -> str | None:
    last_day = objection_deadline(ctx)
    if last_day is not None and ctx.today <= last_day:
        return f"Die Widerspruchsfrist läuft noch bis {german.day(last_day)}"
    return None


def _objected_before(ctx: FiringContext) -> bool:
    rows = ctx.session.exec(
        select(Resolution).where(Resolution.proposal_id == proposal(ctx).id)
    ).all()
    return any(r.objected_at is not None for r in rows)


def not_objected_before(ctx: FiringContext) -> str | None:
    if _objected_before(ctx):
        return (
            "Gegen diesen Beschluss wurde bereits widersprochen; bei fortbestehender "
            "Rechtswidrigkeit ist die Rechtsaufsicht anzurufen (§ 43 Abs. 2 Satz 5 GemO)"
        )
    return None


def objected_before(ctx: FiringContext) -> str | None:
    return None if _objected_before(ctx) else "Es wurde noch kein Widerspruch eingelegt"


def objection_ground_given(ctx: FiringContext) -> str | None:
    """§ 43 Abs. 2 S. 1 GemO: the objection says whether the resolution is unlawful or
    detrimental; the rest of the procedure depends on it (S. 5)."""
    ground = data_text(ctx, "ground")
    if ground == "detrimental" and ctx.source == "rejected":
        # A rejection changes nothing the mayor would have to stop; he objects to it when
        # it is unlawful (e.g. a mandatory task refused), as issue 10 reads § 43 Abs. 2.
        return "Einer Ablehnung wird nur wegen Rechtswidrigkeit widersprochen (§ 43 Abs. 2 GemO)"
    if ground in OBJECTION_GROUNDS:
        return None
    return (
        "Der Widerspruchsgrund muss angegeben werden: rechtswidrig (unlawful) oder "
        "nachteilig (detrimental)"
    )


def earlier_objection_unlawful(ctx: FiringContext) -> str | None:
    """§ 43 Abs. 2 S. 5 GemO: "Ist nach Ansicht des Bürgermeisters auch der neue Beschluss
    gesetzwidrig" – only after an objection for unlawfulness; after a merely detrimental
    one the new resolution stands."""
    rows = ctx.session.exec(
        select(Resolution).where(
            Resolution.proposal_id == proposal(ctx).id, col(Resolution.objected_at).is_not(None)
        )
    ).all()
    if not rows:
        return None  # reported by objected_before
    if any(r.objection_ground == "detrimental" for r in rows):
        return (
            "Der Widerspruch galt einem nachteiligen, nicht einem rechtswidrigen Beschluss: "
            "der neue Beschluss bleibt bestehen, die Rechtsaufsicht wird nicht angerufen "
            "(§ 43 Abs. 2 Satz 5 GemO)"
        )
    return None


def resolution_public(ctx: FiringContext) -> str | None:
    """Non-public resolutions are announced only once publicity is restored (§ 35 Abs. 1)."""
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is None:
        return "Es liegt kein Beschluss vor"
    return None if resolution.public else "Der Beschluss wurde in nichtöffentlicher Sitzung gefasst"


def _has_resolution(*where: ColumnElement[bool]) -> ColumnElement[bool]:
    """``EXISTS`` a resolution of the proposal of the enclosing query (correlated)."""
    of_it = col(Resolution.proposal_id) == col(Proposal.id)
    return select(Resolution.id).where(of_it, *where).exists()


def _public() -> ColumnElement[bool]:
    # The latest resolution is public only if some resolution is.
    return _has_resolution(col(Resolution.public).is_(True))


def _unpublished() -> ColumnElement[bool]:
    # No resolution, or the latest unpublished: then some resolution is unpublished.
    return or_(~_has_resolution(), _has_resolution(col(Resolution.published_at).is_(None)))


def _on_proposals(clause: Callable[[], ColumnElement[bool]]) -> GuardCandidates:
    return lambda model: clause() if model is Proposal else None


def publication_due(ctx: FiringContext) -> str | None:
    """§ 41b Abs. 5 GemO: a resolution of a public session is to be published within a week,
    unless the municipality is exempt (Abs. 7)."""
    reason = resolution_public(ctx) or not_published_yet(ctx)
    if reason is not None:
        return reason
    if not publishes_online(ctx.session, proposal(ctx).municipality_id):
        return "Die Gemeinde veröffentlicht nicht nach § 41b Abs. 5 GemO (Abs. 7)"
    return None


def not_published_yet(ctx: FiringContext) -> str | None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.published_at is not None:
        return "Der Beschluss ist bereits veröffentlicht"
    return None


def execution_tasks_closed(ctx: FiringContext) -> str | None:
    open_tasks = ctx.session.exec(
        select(ExecutionTask).where(
            ExecutionTask.proposal_id == proposal(ctx).id, ExecutionTask.status == "open"
        )
    ).all()
    if not open_tasks:
        return None
    return f"{count_of(len(open_tasks), 'Vollzugsaufgabe ist', 'Vollzugsaufgaben sind')} noch offen"


GUARDS = [
    Guard("execution_allowed", execution_allowed, "§ 121 Abs. 2, § 4 Abs. 3 GemO"),
    Guard("requires_submission", requires_submission, "§ 121 Abs. 2 GemO", applicability=True),
    Guard("not_submitted_yet", not_submitted_yet, "§ 121 Abs. 2 GemO", applicability=True),
    Guard("submitted_to_supervision", submitted_to_supervision, "§ 121 Abs. 2 GemO"),
    Guard("requires_announcement", requires_announcement, "§ 4 Abs. 3 GemO", applicability=True),
    Guard("within_objection_window", within_objection_window, "§ 43 Abs. 2 GemO"),
    Guard("objection_window_passed", objection_window_passed, "§ 43 Abs. 2 GemO"),
    Guard("not_objected_before", not_objected_before, "§ 43 Abs. 2 GemO"),
    Guard("objected_before", objected_before, "§ 43 Abs. 2 GemO"),
    Guard("objection_ground_given", objection_ground_given, "§ 43 Abs. 2 GemO"),
    Guard("earlier_objection_unlawful", earlier_objection_unlawful, "§ 43 Abs. 2 Satz 5 GemO"),
    Guard(
        "resolution_public",
        resolution_public,
        "§ 35 Abs. 1 GemO",
        _on_proposals(_public),
        applicability=True,
    ),
    Guard(
        "publication_due",
        publication_due,
        "§ 41b Abs. 5, 7 GemO",
        _on_proposals(lambda: and_(_public(), _unpublished())),
    ),
    Guard(
        "not_published_yet",
        not_published_yet,
        candidates=_on_proposals(_unpublished),
        applicability=True,
    ),
    Guard("execution_tasks_closed", execution_tasks_closed),
]
