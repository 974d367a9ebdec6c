"""The deadline sweep: claim due acts, act, and deliver the outbox. Takes ``now``.

The database is the truth. Each batch is claimed with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (SQLite serializes writers with ``BEGIN IMMEDIATE``), processed and committed in
one transaction: a process killed mid-batch commits nothing, the rows unlock, and the next
sweep of any process picks them up. E-mails go out one per transaction after the acts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    Engine,
    Integer,
    Table,
    bindparam,
    func,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col, select

from workflow.context import SYSTEM, local_date
from workflow.db import unit_of_work
from workflow.deadlines.acts import PENDING
from workflow.deadlines.lifecycle import ACTIVE
from workflow.deadlines.mail import Mailer, build_message
from workflow.deadlines.notify import Batch, notify
from workflow.deadlines.standing import COUNCIL_REQUEST
from workflow.deadlines.standing import RULES as STANDING_RULES
from workflow.definitions.machines import Workflows
from workflow.definitions.spec import DeadlineRuleSpec
from workflow.errors import WorkflowError
from workflow.files import FileStore
from workflow.loaded_rows import any_ids
from workflow.models import (
    Body,
    CouncilRequest,
    Deadline,
    DeadlineAct,
    DecisionResponse,
    Meeting,
    Municipality,
    OutboxAttachment,
    OutboxMessage,
    Proposal,
    User,
)
from workflow.monthly import remind_monthly_sessions
from workflow.services.council_requests import (
    follow_agenda_changes,
    follow_proposals,
    replan_agenda_deadlines,
)
from workflow.services.due_announcements import remind_announcements
from workflow.services.transition import KINDS, Fired, fire

logger = logging.getLogger(__name__)

MAX_ACT_ATTEMPTS = 3
MAX_MAIL_ATTEMPTS = 5
MAX_BATCHES = 50


@dataclass
class SweepReport:
    acts: dict[str, int] = field(default_factory=dict)
    fired: list[str] = field(default_factory=list)
    transitions: list[Fired] = field(default_factory=list)  # the same, for reporting in words
    failed_acts: int = 0
    monthly_reminders: int = 0  # § 34 Abs. 1 S. 2 GemO notices written (workflow.monthly)
    announcement_reminders: int = 0  # § 34 Abs. 1 S. 7 GemO notices (due_announcements)
    requests_scheduled: int = 0  # council requests whose Vorlage reached the agenda
    requests_unscheduled: int = 0  # their item removed or their session cancelled
    request_deadlines_moved: int = 0  # agenda requests following the sessions planned
    sent: int = 0
    send_failures: int = 0
    dead: int = 0
    next_due: datetime | None = None

    def count(self, kind: str) -> None:
        self.acts[kind] = self.acts.get(kind, 0) + 1

    def merge(self, other: SweepReport) -> None:
        """Add what one batch did."""
        for kind, n in other.acts.items():
            self.acts[kind] = self.acts.get(kind, 0) + n
        self.fired += other.fired
        self.transitions += other.transitions
        self.failed_acts += other.failed_acts


def sweep(
    *,
    engine: Engine,
    workflows: Workflows,
    now: datetime,
    mailer: Mailer | None,
    base_url: str,
    batch_size: int = 50,
    store: FileStore | None = None,
) -> SweepReport:
    report = SweepReport()
    # Who is told (role holders, deputies) is looked up once per run, not per batch: a run
    # lasts seconds, its batches share ``now`` and mostly the same few recipients.
    people = Batch()
    for _ in range(MAX_BATCHES):
        if _act_batch(engine, workflows, now, base_url, batch_size, report, people) < batch_size:
            break
    try:
        with unit_of_work(engine) as session:
            # § 34 Abs. 1 S. 2 GemO: a month without a council session, a soft reminder.
            report.monthly_reminders = remind_monthly_sessions(session, now, base_url)
    except IntegrityError:
        # A sweep in another process wrote the same reminder at the same moment (its key is
        # unique): it exists once, which is all that is wanted.
        logger.info("monthly reminder written by a concurrent sweep")
    try:
        with unit_of_work(engine) as session:
            # § 34 Abs. 1 S. 7 GemO: a session's ortsübliche Bekanntgabe not yet recorded.
            report.announcement_reminders = remind_announcements(session, now, base_url)
    except IntegrityError:
        logger.info("announcement reminder written by a concurrent sweep")
    with unit_of_work(engine) as session:
        # § 34 Abs. 1 S. 4 GemO: a request taken over as a Vorlage is on the agenda with it.
        report.requests_unscheduled = follow_agenda_changes(session, now)
        report.requests_scheduled = follow_proposals(session, now)
        report.request_deadlines_moved = replan_agenda_deadlines(session, now)
    if mailer is not None:
        deliver(engine=engine, now=now, mailer=mailer, report=report, store=store)
    report.next_due = next_due(engine, mail=mailer is not None)
    return report


@dataclass
class Outcome:
    """What became of one claimed act; the batch's acts are closed together (``_mark``)."""

    act_id: int
    status: str
    note: str | None


class DeadlineRow(NamedTuple):
    """A deadline as a batch without expiries reads it: nothing there changes a deadline,
    so no ORM object is needed (``_preload``)."""

    id: int
    instance_type: str
    instance_id: int
    municipality_id: int | None
    rule: str
    label: str
    due_date: date
    status: str
    explanation: str
    closed_at: datetime | None


class ClaimedAct(NamedTuple):
    """A claimed act as the sweep needs it: plain columns, no ORM object to build."""

    id: int
    deadline_id: int
    kind: str
    due_at: datetime
    key: str
    attempts: int


ACTS: Table = DeadlineAct.__table__  # type: ignore[attr-defined]
DEADLINES: Table = Deadline.__table__  # type: ignore[attr-defined]

# The sweep's statements, built once (issue 14): building a statement and its cache key
# every batch cost more Python than the database's part of some of them. Parameters:
# ``now``, ``size``, ``ids`` (expanding lists), ``status_``, ``note_``.
_CLAIM = (
    sa_select(
        ACTS.c.id, ACTS.c.deadline_id, ACTS.c.kind, ACTS.c.due_at, ACTS.c.key, ACTS.c.attempts
    )
    .where(ACTS.c.status == PENDING, ACTS.c.due_at <= bindparam("now", type_=ACTS.c.due_at.type))
    .order_by(ACTS.c.due_at, ACTS.c.id)
    .limit(bindparam("size", type_=Integer))
    .with_for_update(skip_locked=True)
)
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_DEADLINE_ROWS = sa_select(*(DEADLINES.c[name] for name in DeadlineRow._fields)).where(
    DEADLINES.c.id.in_(_IDS)
)
_MARK = (
    update(ACTS)
    .where(ACTS.c.id.in_(_IDS))
    .values(status=bindparam("status_"), note=bindparam("note_"), done_at=bindparam("now"))
)
# PostgreSQL: the ids as one array (``= ANY``): 50 ids and 3 values are more parameters than
# psycopg caches a parsed statement for (50), so an IN list was parsed anew every batch.
_MARK_PG = (
    update(ACTS)
    .where(ACTS.c.id == any_ids("ids"))
    .values(status=bindparam("status_"), note=bindparam("note_"), done_at=bindparam("now"))
)
_BY_IDS: dict[type, Any] = {}


def _by_ids(session: Session, model: Any, ids: set[int]) -> list[Any]:
    """The ORM rows of ``model`` with these ids (one prepared statement per model)."""
    statement = _BY_IDS.get(model)
    if statement is None:
        statement = _BY_IDS[model] = select(model).where(col(model.id).in_(_IDS))
    return list(session.exec(statement, params={"ids": list(ids)}))


def claim_due(session: Session, now: datetime, size: int) -> list[ClaimedAct]:
    """Lock up to ``size`` due pending acts, oldest first, skipping those another sweep holds.

    Reads only the partial index ``ix_deadlineact_pending_due`` (pending acts by ``due_at``):
    the literal ``'pending'`` lets the planner match the index predicate, which a bound
    parameter would not under a prepared (generic) plan. SQLite drops ``FOR UPDATE``; there
    the batch's ``BEGIN IMMEDIATE`` makes this sweep the one writer. The acts come back as
    plain rows (``ClaimedAct``): the sweep closes them with UPDATEs by id, so building ORM
    objects for them would be Python work for nothing.
    """
    rows = session.execute(_CLAIM, {"now": now, "size": size}).all()
    return [ClaimedAct._make(row) for row in rows]


def _act_batch(
    engine: Engine,
    workflows: Workflows,
    now: datetime,
    base_url: str,
    size: int,
    report: SweepReport,
    people: Batch | None = None,
) -> int:
    """Claim a batch, act on all of it, write its notices and e-mails with one INSERT per
    table and close its acts with one UPDATE per outcome, in one transaction.

    The batch runs inside one savepoint; should any act raise, the batch is redone act by
    act, each in its own savepoint, so that one broken act cannot stall the others.
    """
    with unit_of_work(engine) as session:
        acts = claim_due(session, now, size)
        if not acts:
            return 0
        loaded = _preload(session, acts)
        later = _later_reminders(session, acts, now)
        batch_report = SweepReport()
        try:
            with session.begin_nested():
                shared = people or Batch()
                batch = Batch(
                    recipients=shared.recipients, deputies=shared.deputies, told=shared.told
                )
                outcomes = [
                    _act(session, workflows, act, now, base_url, batch_report, later, loaded, batch)
                    for act in acts
                ]
                batch.write(session)
        except Exception:
            logger.info("deadline batch redone act by act", exc_info=True)
            batch_report = SweepReport()
            outcomes = []
            for act in acts:
                try:
                    with session.begin_nested():
                        outcomes.append(
                            _act(
                                session, workflows, act, now, base_url, batch_report, later, loaded
                            )
                        )
                except Exception as exc:  # one broken act must not stall the others
                    logger.exception("deadline act %s failed", act.key)
                    _failed(session, act, exc, now)
                    batch_report.failed_acts += 1
        _mark(session, outcomes, now)
        report.merge(batch_report)
        return len(acts)


@dataclass
class Loaded:
    """What a batch's acts need, loaded with one query per table (``_preload``). The rows
    are also in the session's identity map, which holds them weakly: this keeps them, so
    that ``session.get`` elsewhere (messages, transitions) finds them without a query."""

    deadlines: dict[int, Deadline | DeadlineRow] = field(default_factory=dict)
    instances: dict[tuple[str, int], Any] = field(default_factory=dict)
    rules: dict[tuple[str, int], dict[str, tuple[str, DeadlineRuleSpec]]] = field(
        default_factory=dict
    )
    held: list[Any] = field(default_factory=list)

    def rule(self, workflows: Workflows, instance: Any, name: str) -> DeadlineRuleSpec:
        """The definition's deadline rule ``name``, its rules indexed once per batch."""
        version = (instance.definition_name, instance.definition_version)
        rules = self.rules.get(version)
        if rules is None:
            rules = self.rules[version] = workflows.get(*version).spec.deadline_rules
        return rules[name][1]


def _preload(session: Session, acts: list[ClaimedAct]) -> Loaded:
    """The batch's deadlines, instances (council requests of standing deadlines too) and
    what their messages name (the meetings' bodies, the owners, the municipalities of
    responses), one query per table."""
    loaded = Loaded()
    ids = {act.deadline_id for act in acts}
    deadlines: list[Deadline | DeadlineRow]
    if any(act.kind == "expiry" for act in acts):
        # An expiry sets its deadline's status and may fire a transition that closes other
        # deadlines of the batch: those acts must see it, as ORM objects of one session do.
        deadlines = [*_by_ids(session, Deadline, ids)]
    else:
        rows = session.execute(_DEADLINE_ROWS, {"ids": list(ids)})
        deadlines = [DeadlineRow._make(row) for row in rows]
    loaded.deadlines = {d.id or 0: d for d in deadlines}
    by_kind: dict[str, set[int]] = {}
    for deadline in deadlines:
        by_kind.setdefault(deadline.instance_type, set()).add(deadline.instance_id)
    for kind, instance_ids in by_kind.items():
        model: Any = CouncilRequest if kind == COUNCIL_REQUEST else KINDS.get(kind)
        if model is not None:
            for row in _by_ids(session, model, instance_ids):
                loaded.instances[(kind, row.id)] = row
    instances = list(loaded.instances.values())
    held: list[Any] = [*deadlines, *instances]
    body_ids = {row.body_id for row in instances if isinstance(row, Meeting)}
    if body_ids:
        held += _by_ids(session, Body, body_ids)
    owners = {
        row.author_id
        for row in instances
        if isinstance(row, Proposal | CouncilRequest) and row.author_id is not None
    }
    if owners:
        held += _by_ids(session, User, owners)
    towns = {row.municipality_id for row in instances if isinstance(row, DecisionResponse)}
    if towns:
        held += _by_ids(session, Municipality, towns)
    loaded.held = held
    return loaded


def _later_reminders(
    session: Session, acts: list[ClaimedAct], now: datetime
) -> dict[int, datetime]:
    """Per deadline of the batch's reminders, the latest pending reminder already due."""
    ids = {act.deadline_id for act in acts if act.kind == "reminder"}
    if not ids:
        return {}
    rows = session.exec(
        select(DeadlineAct.deadline_id, func.max(DeadlineAct.due_at))
        .where(
            col(DeadlineAct.deadline_id).in_(ids),
            DeadlineAct.kind == "reminder",
            col(DeadlineAct.status) == PENDING,
            col(DeadlineAct.due_at) <= now,
        )
        .group_by(col(DeadlineAct.deadline_id))
    ).all()
    return dict(rows)


def _failed(session: Session, act: ClaimedAct, exc: Exception, now: datetime) -> None:
    """Retry a failing act later (5, 10 minutes), then give up on it."""
    attempts = act.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "note": f"{type(exc).__name__}: {exc}"[:1000],
        "due_at": now + timedelta(minutes=5 * attempts),
    }
    if attempts >= MAX_ACT_ATTEMPTS:
        values["status"] = "failed"
    session.execute(update(ACTS).where(ACTS.c.id == act.id).values(**values))


def _mark(session: Session, outcomes: list[Outcome], now: datetime) -> None:
    """Close the batch's acts: one UPDATE per distinct outcome, usually a single one ("done",
    "1 Empfänger"). The acts are this batch's (locked, or SQLite's one writer); an expiry
    whose transition closed its own deadline was voided on the way (``skip_pending``) and is
    still recorded as done, as before batching. The session ends with the batch, so its
    loaded acts are not refreshed."""
    mark = _MARK_PG if session.get_bind().dialect.name == "postgresql" else _MARK
    groups: dict[tuple[str, str | None], list[int]] = {}
    for outcome in outcomes:
        groups.setdefault((outcome.status, outcome.note), []).append(outcome.act_id)
    for (status, note), ids in groups.items():
        session.execute(mark, {"ids": ids, "status_": status, "note_": note, "now": now})


def _act(
    session: Session,
    workflows: Workflows,
    act: ClaimedAct,
    now: datetime,
    base_url: str,
    report: SweepReport,
    later: dict[int, datetime],
    loaded: Loaded,
    batch: Batch | None = None,
) -> Outcome:
    act_id = act.id
    deadline = loaded.deadlines.get(act.deadline_id)
    # Standing rules (workflow.deadlines.standing, ``rule_for``) belong to objects without
    # a definition.
    standing = (
        STANDING_RULES.get(deadline.rule)
        if deadline is not None and deadline.instance_type == COUNCIL_REQUEST
        else None
    )
    instance: Any = (
        loaded.instances.get((deadline.instance_type, deadline.instance_id)) if deadline else None
    )
    if standing is None and deadline is not None and deadline.instance_type not in KINDS:
        instance = None
    if (
        deadline is None
        or instance is None
        or deadline.status not in ACTIVE
        or deadline.closed_at is not None
    ):
        return Outcome(act_id, "skipped", "Frist nicht mehr offen")
    rule = standing if standing is not None else loaded.rule(workflows, instance, deadline.rule)
    if act.kind == "expiry":
        assert isinstance(deadline, Deadline), "a batch with expiries loads ORM deadlines"
        note = None
        if rule.on_expiry is not None:
            note = _expire(
                session, workflows, instance, deadline, rule.on_expiry, now, report, base_url
            )
        if deadline.status == "open":
            deadline.status = "elapsed" if rule.window else "missed"
            session.add(deadline)
        outcome = Outcome(act_id, "done", note)
    elif act.kind == "reminder" and (stale := _stale_reminder(act, deadline, now, later)):
        return Outcome(act_id, "skipped", stale)
    else:
        who = (
            rule.remind
            if act.kind == "reminder"
            else (rule.escalation.to if rule.escalation else None)
        )
        written = 0
        if who is not None:
            written = notify(
                session,
                act_key=act.key,
                kind=act.kind,
                deadline=deadline,
                rule=rule,
                instance=instance,
                who=who,
                base_url=base_url,
                now=now,
                batch=batch,
            )
        outcome = Outcome(act_id, "done", f"{written} Empfänger")
    report.count(act.kind)
    return outcome


def _stale_reminder(
    act: ClaimedAct, deadline: Deadline | DeadlineRow, now: datetime, later: dict[int, datetime]
) -> str | None:
    """After downtime several reminders may be due at once: send only the latest, and none
    once the due day has passed (the expiry and escalation speak then)."""
    if local_date(now) > deadline.due_date:
        return "Frist bereits abgelaufen"
    latest = later.get(deadline.id or 0)
    if latest is not None and latest > act.due_at:
        return "durch eine spätere Erinnerung überholt"
    return None


def _expire(
    session: Session,
    workflows: Workflows,
    instance: Any,
    deadline: Deadline,
    trigger: str,
    now: datetime,
    report: SweepReport,
    base_url: str,
) -> str:
    """Fire the rule's expiry trigger as ``system`` (e.g. finalize after the objection week);
    the e-mails its actions write (the Beschlussauszug) link to ``base_url``."""
    try:
        with session.begin_nested():
            fired = fire(
                session=session,
                workflows=workflows,
                kind=deadline.instance_type,
                instance_id=deadline.instance_id,
                trigger=trigger,
                actor=SYSTEM,
                now=now,
                comment=f"Fristablauf: {deadline.label}",
                data={"deadline_rule": deadline.rule},
                base_url=base_url,
            )
    except WorkflowError as exc:
        return f"{trigger} nicht ausgelöst: {exc.message}"
    report.fired.append(
        f"{deadline.instance_type} {deadline.instance_id}: {trigger} → {fired.dest}"
    )
    report.transitions.append(fired)
    return f"{trigger} → {fired.dest}"


def _files(
    session: Session, row: OutboxMessage, store: FileStore | None
) -> list[tuple[OutboxAttachment, bytes]]:
    """The files a message carries, read from the store; a missing one fails the attempt
    (retried, then a dead letter an administrator sees), rather than a mail without it."""
    metas = session.exec(
        select(OutboxAttachment)
        .where(OutboxAttachment.outbox_message_id == row.id)
        .order_by(col(OutboxAttachment.id))
    ).all()
    files = []
    for meta in metas:
        data = store.get(meta.sha256) if store is not None else None
        if data is None:
            raise FileNotFoundError(
                f"Anlage {meta.name} ({meta.sha256[:12]}…) fehlt im Dateispeicher"
            )
        files.append((meta, data))
    return files


def deliver(
    *,
    engine: Engine,
    now: datetime,
    mailer: Mailer,
    report: SweepReport,
    store: FileStore | None = None,
    limit: int = 1000,
) -> None:
    """Send due e-mails, one per transaction, with backoff and a dead-letter state; the
    files of a message are read from ``store`` (``RATSFLOW_FILES_DIR``)."""
    for _ in range(limit):
        with unit_of_work(engine) as session:
            row = session.exec(
                select(OutboxMessage)
                .where(
                    col(OutboxMessage.status) == PENDING,
                    col(OutboxMessage.next_attempt_at) <= now,
                )
                .order_by(col(OutboxMessage.id))
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return
            try:
                mailer.send(build_message(row, files=_files(session, row, store)))
            except Exception as exc:  # any delivery failure is retried, then dead-lettered
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                if row.attempts >= MAX_MAIL_ATTEMPTS:
                    row.status = "dead"
                    report.dead += 1
                else:
                    row.next_attempt_at = now + timedelta(minutes=2 ** (row.attempts - 1))
                report.send_failures += 1
            else:
                row.status = "sent"
                row.sent_at = now
                row.attempts += 1
                report.sent += 1
            session.add(row)


def next_due(engine: Engine, *, mail: bool = True) -> datetime | None:
    """The next instant with work to do. Without a mailer the outbox waits for a process
    that has one: counting it would wake this process every second for nothing."""
    with Session(engine) as session:
        act = session.exec(
            select(func.min(DeadlineAct.due_at)).where(col(DeadlineAct.status) == PENDING)
        ).one()
        mail_due = None
        if mail:
            mail_due = session.exec(
                select(func.min(OutboxMessage.next_attempt_at)).where(
                    col(OutboxMessage.status) == PENDING
                )
            ).one()
    candidates = [d for d in (act, mail_due) if d is not None]
    return min(candidates) if candidates else None
