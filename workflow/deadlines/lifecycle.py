"""Open and close Fristen in the transaction of the transition that causes them."""

from __future__ import annotations

import functools
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from workflow.context import FiringContext
from workflow.db import memo, remember
from workflow.deadlines.acts import close_deadlines, insert_deadlines
from workflow.definitions.registry import Registry
from workflow.definitions.spec import DeadlineRuleSpec, DefinitionSpec
from workflow.documents import german
from workflow.law.periods import WorkingCalendar, latest_before, period_end
from workflow.loaded_rows import Rider
from workflow.models import Deadline, Municipality
from workflow.new_rows import new_row
from workflow.wording import wording_for

# Not closed yet: open, or past due (missed/elapsed) and still escalating until done.
ACTIVE = ("open", "missed", "elapsed")


@dataclass(frozen=True)
class DeadlineEffect:
    change: str  # opened | met | missed | elapsed | cancelled
    rule: str
    label: str
    due_date: date


def calendar_for(session: Session, municipality_id: int | None) -> WorkingCalendar:
    """The municipality's Land holidays plus its local non-working days (DOMAIN.md §8)."""
    municipality = session.get(Municipality, municipality_id) if municipality_id else None
    if municipality is None:
        return _calendar("BW", ())
    local = municipality.settings.get("local_non_working_days") or {}
    days = tuple(sorted((str(k), str(v)) for k, v in dict(local).items()))  # type: ignore[call-overload]
    return _calendar(municipality.subdivision, days)


@functools.lru_cache(maxsize=256)
def _calendar(subdiv: str, local: tuple[tuple[str, str], ...]) -> WorkingCalendar:
    """One calendar per Land and set of local days, shared: building one costs more than
    the period computed on it (issue 14), and a calendar never changes."""
    return WorkingCalendar(
        subdiv=subdiv, local_days={date.fromisoformat(day): name for day, name in local}
    )


def local_period(session: Session, municipality_id: int | None, rule: str) -> str | None:
    """A municipality's own period for a rule (Hauptsatzung/GO), e.g. ``{"invitation": "P8D"}``
    under ``settings["deadline_periods"]`` for "7 clear days" (DOMAIN.md rule 2)."""
    municipality = session.get(Municipality, municipality_id) if municipality_id else None
    periods = (municipality.settings if municipality else {}).get("deadline_periods") or {}
    value = dict(periods).get(rule)  # type: ignore[call-overload]
    return str(value) if value else None


def compute_due(
    session: Session,
    municipality_id: int | None,
    rule: DeadlineRuleSpec,
    anchor: date,
    day_label: str = "Bezugstag",
) -> tuple[date, str]:
    """Due date and its German explanation, on the municipality's calendar and periods;
    ``day_label`` names the anchor in the explanation of a period counted back from it."""
    period = local_period(session, municipality_id, rule.rule) or rule.period
    if period is None:
        return anchor, f"Fester Termin: {german.day(anchor)}"
    calendar = calendar_for(session, municipality_id)
    return _due(rule.direction, anchor, period, calendar, day_label)


@functools.lru_cache(maxsize=4096)
def _due(
    direction: str, anchor: date, period: str, calendar: WorkingCalendar, day_label: str
) -> tuple[date, str]:
    """``compute_due``'s arithmetic, remembered: the same anchors recur (a meeting's date for
    all its items, today for every submission), and a result depends on nothing else."""
    if direction == "after":
        result = period_end(anchor, period, calendar)
    else:
        result = latest_before(anchor, period, calendar, day_label=day_label)
    return result.date, "\n".join(result.explanation)


def open_deadlines(session: Session, instance_type: str, instance_id: int) -> list[Deadline]:
    """Deadlines not yet closed: open ones, and missed ones still waiting to be done late
    (their escalations continue until the transition that fulfils them). A firing reads
    them with its instance (``still_active``, ``remember``)."""

    def load() -> list[Deadline]:
        return list(
            session.exec(
                select(Deadline).where(
                    Deadline.instance_type == instance_type,
                    Deadline.instance_id == instance_id,
                    still_active(),
                )
            )
        )

    return list(memo(session, (Deadline, instance_type, instance_id), load))


def still_active() -> Any:
    """The condition of ``open_deadlines`` on the deadline table. The statuses as equalities,
    not ``IN``: SQLAlchemy renders an ``IN`` list again at every execution (an "expanding"
    parameter), a tenth of the firing's first query (issue 14)."""
    status = col(Deadline.status)
    return and_(col(Deadline.closed_at).is_(None), or_(*(status == s for s in ACTIVE)))


def apply_transition(
    ctx: FiringContext, spec: DefinitionSpec, registry: Registry, *, seq: int
) -> list[DeadlineEffect]:
    """Close what the new state ends and open what it starts; returns the changes made."""
    ending = close_ending(ctx, spec)
    return [*ending.effects, *open_starting(ctx, spec, registry, seq=seq, ending=ending)]


@dataclass
class Ending:
    """What ``close_ending`` closed (its effects) and left open, for ``open_starting``."""

    effects: list[DeadlineEffect]
    still_open: set[str]
    active: list[Deadline]


def close_ending(
    ctx: FiringContext, spec: DefinitionSpec, *, riding: list[Rider] | None = None
) -> Ending:
    """Close the deadlines the new state ends (with ``riding``: written with the firing's
    versioned UPDATE, ``workflow.deadlines.acts.close_deadlines``)."""
    rules = spec.deadline_rules
    instance_id = int(ctx.instance.id)
    still_open: set[str] = set()
    current = open_deadlines(ctx.session, ctx.kind, instance_id)
    effects = _close(ctx, current, rules, spec, still_open, riding)
    # The firing's next read of them (an automatic step) needs no query: those still active
    # and, in ``open_starting``, the new ones.
    active = [d for d in current if d.closed_at is None and d.status in ACTIVE]
    remember(ctx.session, (Deadline, ctx.kind, instance_id), active)
    return Ending(effects, still_open, active)


@dataclass(frozen=True)
class StartingDeadline:
    """A deadline the entry of a state opens: its rule, due date and German explanation, and
    the day it is counted from (``anchor``, named ``day_label``, e.g. "Sitzungstag")."""

    rule: DeadlineRuleSpec
    due_date: date
    explanation: str
    anchor: date
    day_label: str
    label: str  # the rule's label, worded for the instance (``Registry.deadline_labels``)


def starting_deadlines(
    ctx: FiringContext,
    spec: DefinitionSpec,
    registry: Registry,
    *,
    still_open: AbstractSet[str] = frozenset(),
) -> list[StartingDeadline]:
    """The deadlines entering ``ctx.dest`` opens, with their due dates, writing nothing:
    what ``open_starting`` stores, and what a page tells before the step is taken
    (``workflow.services.deadline_service.deadlines_on_entry``). ``still_open``: rules whose
    deadline stays open from before and is not opened again."""
    starting: list[StartingDeadline] = []
    municipality_id = getattr(ctx.instance, "municipality_id", None)
    for rule in spec.state(ctx.dest).deadlines:
        if rule.rule in still_open:
            continue
        # A conditional rule applies only where its guard is met on entry (e.g. § 41b Abs. 5
        # GemO: publication within a week only for resolutions of public sessions).
        if rule.when is not None and registry.guards[rule.when].check(ctx) is not None:
            continue
        anchored = registry.anchors[rule.anchor]
        anchor = anchored.resolve(ctx)
        if anchor is None:
            continue
        due, explanation = compute_due(
            ctx.session, municipality_id, rule, anchor, anchored.day_label
        )
        worded = registry.deadline_labels.get(rule.rule)
        label = worded.word(ctx, rule.label) if worded is not None else rule.label
        if "Bürgermeister" in label:  # "Widerspruchsfrist der Bürgermeisterin" (§ 42 Abs. 4)
            label = wording_for(ctx.instance, ctx.session).text(label)
        starting.append(StartingDeadline(rule, due, explanation, anchor, anchored.day_label, label))
    return starting


def open_starting(
    ctx: FiringContext,
    spec: DefinitionSpec,
    registry: Registry,
    *,
    seq: int,
    ending: Ending,
    riding: list[Rider] | None = None,
) -> list[DeadlineEffect]:
    """Open the deadlines the new state starts (not those ``ending`` left open); with
    ``riding``: written with the firing's versioned UPDATE (``insert_deadlines``)."""
    effects: list[DeadlineEffect] = []
    if ctx.source == ctx.dest:
        return effects
    instance_id = int(ctx.instance.id)
    opened: list[tuple[Deadline, DeadlineRuleSpec]] = []
    municipality_id = getattr(ctx.instance, "municipality_id", None)
    for starting in starting_deadlines(ctx, spec, registry, still_open=ending.still_open):
        rule = starting.rule
        deadline = new_row(
            Deadline,
            instance_type=ctx.kind,
            instance_id=instance_id,
            municipality_id=municipality_id,
            rule=rule.rule,
            label=starting.label,
            due_date=starting.due_date,
            explanation=starting.explanation,
            opened_seq=seq,
            opened_at=ctx.now,
        )
        opened.append((deadline, rule))
        effects.append(DeadlineEffect("opened", rule.rule, starting.label, starting.due_date))
    if opened:

        def remember_active() -> None:  # once the new ones have their ids
            active = [*ending.active, *(d for d, _ in opened)]
            key = (Deadline, ctx.kind, instance_id)
            remember(ctx.session, key, sorted(active, key=lambda d: d.id or 0))

        insert_deadlines(ctx.session, opened, now=ctx.now, riding=riding, then=remember_active)
    return effects


def _close(
    ctx: FiringContext,
    current: list[Deadline],
    rules: dict[str, tuple[str, DeadlineRuleSpec]],
    spec: DefinitionSpec,
    still_open: set[str],
    riding: list[Rider] | None,
) -> list[DeadlineEffect]:
    effects: list[DeadlineEffect] = []
    closing: list[tuple[Deadline, str]] = []
    dest_final = spec.state(ctx.dest).final
    # A step back to the start (a Vorlage returned to its author from co-signing) ends the
    # round unfulfilled: its deadlines were not met, they lapse with the round. The next
    # submission opens them anew.
    returned = ctx.dest == spec.initial and ctx.source != ctx.dest
    for deadline in current:
        opened_in, rule = rules.get(deadline.rule, (None, None))
        explicit = rule is not None and (
            ctx.dest in rule.closed_by or ctx.trigger in rule.closed_by_triggers
        )
        # Without an explicit closer a deadline belongs to its state and ends with it, except
        # when the instance ends (withdrawn, rejected): then it was never fulfilled.
        implicit = (
            rule is not None
            and not rule.closed_by
            and not rule.closed_by_triggers
            and opened_in == ctx.source
            and ctx.source != ctx.dest
            and not dest_final
        )
        closes = explicit or implicit
        if closes or dest_final:
            status = deadline.status
            if status in ("missed", "elapsed"):
                pass  # done late: keeps its status, but stops escalating
            elif closes and ctx.today > deadline.due_date:
                status = "elapsed" if rule is not None and rule.window else "missed"
            elif closes and not returned:
                status = "met"
            else:
                status = "cancelled"
            closing.append((deadline, status))
            effects.append(DeadlineEffect(status, deadline.rule, deadline.label, deadline.due_date))
        else:
            still_open.add(deadline.rule)
    close_deadlines(ctx.session, closing, now=ctx.now, riding=riding)
    return effects
