"""Turn an open deadline into the instants it acts at: reminders, escalations, expiry.

Instants are computed once, when the deadline opens or moves, and stored as ``DeadlineAct``
rows with an idempotency key; the sweep then only claims rows that are due.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    Table,
    Text,
    bindparam,
    func,
    insert,
    literal,
    literal_column,
    text,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy import select as sa_select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnClause
from sqlmodel import Session, col, select

from workflow.context import BERLIN
from workflow.definitions.spec import DeadlineRuleSpec
from workflow.embedded_rows import json_param, recordset
from workflow.law.periods import shift
from workflow.loaded_rows import Returned, Rider, insert_loaded
from workflow.models import Deadline, DeadlineAct

REMINDER_HOUR = time(7, 0)  # reminders and escalations arrive at the start of the working day
NOTIFY_CHANNEL = "ratsflow_deadlines"
# The longest a sweep scheduler sleeps; acts due sooner than this are announced (wake_sweeps).
NOTIFY_HORIZON = timedelta(hours=1)


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=BERLIN)


def planned_acts(deadline: Deadline, rule: DeadlineRuleSpec) -> list[tuple[str, datetime]]:
    """(kind, instant) pairs: reminders before the due date, expiry when the due day has
    ended (Berlin time), escalations after it."""
    return list(_planned(deadline.due_date, rule))


@functools.lru_cache(maxsize=4096)
def _planned(due_date: date, rule: DeadlineRuleSpec) -> tuple[tuple[str, datetime], ...]:
    """``planned_acts``, remembered: a rule's instants depend on its due date alone, and the
    same due dates recur (every Vorlage submitted on one day)."""
    acts: list[tuple[str, datetime]] = []
    for offset in rule.reminders:
        acts.append(("reminder", _at(shift(due_date, offset, forward=False), REMINDER_HOUR)))
    acts.append(("expiry", _at(due_date + timedelta(days=1), time(0, 0))))
    if rule.escalation is not None:
        first = shift(due_date, rule.escalation.after)
        for n in range(rule.escalation.times):
            day = first
            for _ in range(n):
                day = shift(day, rule.escalation.every or rule.escalation.after)
            acts.append(("escalation", _at(day, REMINDER_HOUR)))
    return tuple(acts)


def _act_key(deadline: Deadline, n: int, kind: str) -> str:
    return f"deadline:{deadline.id}{_act_key_tail(deadline, n, kind)}"


def _act_key_tail(deadline: Deadline, n: int, kind: str) -> str:
    """The act's key after the deadline's id (which PostgreSQL's ``insert_deadlines`` learns
    only in the statement itself)."""
    return f":{kind}:{n}:{deadline.due_date.isoformat()}"


def new_act_rows(deadline: Deadline, rule: DeadlineRuleSpec) -> list[dict[str, Any]]:
    """The acts of a deadline inserted in this transaction (it has none yet), as rows for
    ``insert_acts``."""
    assert deadline.id is not None
    return [
        {
            "deadline_id": deadline.id,
            "kind": kind,
            "due_at": instant,
            "key": _act_key(deadline, n, kind),
            "status": "pending",
            "attempts": 0,
        }
        for n, (kind, instant) in enumerate(planned_acts(deadline, rule))
    ]


def schedule_acts(
    session: Session, deadline: Deadline, rule: DeadlineRuleSpec, *, now: datetime
) -> None:
    """(Re)write the pending acts; acts already done stay as the record of what happened.

    One query for the keys that exist, the new acts flushed together (one multi-row INSERT).
    """
    assert deadline.id is not None
    skip_pending(session, deadline.id, note="neu geplant")
    planned = {
        _act_key(deadline, n, kind): (kind, instant)
        for n, (kind, instant) in enumerate(planned_acts(deadline, rule))
    }
    existing = set(
        session.exec(select(DeadlineAct.key).where(col(DeadlineAct.key).in_(list(planned))))
    )
    add_acts(
        session,
        [
            DeadlineAct(deadline_id=deadline.id, kind=kind, due_at=instant, key=key)
            for key, (kind, instant) in planned.items()
            if key not in existing
        ],
        now=now,
    )


DEADLINES: Table = Deadline.__table__  # type: ignore[attr-defined]
ACTS: Table = DeadlineAct.__table__  # type: ignore[attr-defined]
# A literal, not a bound parameter: a prepared statement's generic plan can then match the
# partial indexes on pending acts and use the column's statistics for 'pending'; with a
# parameter PostgreSQL priced the generic plan of return_to_author's riding statement at
# 2.5 times its custom plans and planned it anew at every execution (0.39 ms, issue 14).
PENDING: ColumnClause[str] = literal_column("'pending'")
_DEADLINE_COLUMNS = [column for column in DEADLINES.c if column.name != "id"]
_DEADLINE_NAMES = [column.name for column in _DEADLINE_COLUMNS]
_ACT_FIELDS = {"rule": DEADLINES.c.rule, "kind": ACTS.c.kind, "due_at": ACTS.c.due_at}


def _deadlines_and_acts(won: Any = None, names: tuple[str, str] = ("d", "acts")) -> Any:
    """``WITH d AS (INSERT INTO deadline … RETURNING id, rule), acts AS (INSERT INTO
    deadlineact … SELECT d.id, … FROM json_to_recordset(…) AS p JOIN d USING rule)``, as the
    two CTEs: the rows as JSON (``embedded_rows.recordset``, a statement of constant text,
    as ``notice_rows._PG_UPSERT``), each act joined to its deadline by the rule, which is
    unique among the deadlines one transition opens (the table's key is instance, rule and
    opening event). Both run to completion whatever the statement reads of them. ``won``:
    a condition the deadlines' rows are written under (a firing's ``Rider``)."""
    rows: Any = sa_select(literal_column("*")).select_from(
        recordset("deadline_rows", _DEADLINE_COLUMNS, "r")
    )
    opened = (
        insert(DEADLINES)
        .from_select(_DEADLINE_NAMES, rows if won is None else rows.where(won))
        .returning(DEADLINES.c.id, DEADLINES.c.rule)
        .cte(names[0])
    )
    planned = recordset("act_rows", [*_ACT_FIELDS.values(), Column("key", Text)], "p")
    acts = insert(ACTS).from_select(
        ["deadline_id", "kind", "due_at", "key", "status", "attempts"],
        sa_select(
            opened.c.id,
            planned.c.kind,
            planned.c.due_at,
            func.concat("deadline:", opened.c.id, planned.c.key),
            literal("pending"),
            literal(0),
        ).join(opened, opened.c.rule == planned.c.rule),
    )
    return opened, acts.cte(names[1])


def _pg_deadlines_and_acts() -> Any:
    """The deadlines and their acts in one statement, the new ids and rules selected."""
    opened, acts = _deadlines_and_acts()
    return sa_select(opened.c.id, opened.c.rule).add_cte(acts)


def _riding_deadlines(bumped: Any) -> list[Any]:
    """``_deadlines_and_acts`` as CTEs of a firing's versioned UPDATE (``loaded_rows.Rider``):
    written only if ``bumped`` returned its row; the ids and rules come back to the rider."""
    opened, acts = _deadlines_and_acts(sa_select(bumped).exists(), ("riding_d", "riding_acts"))
    return [Returned(opened), acts]


_PG_DEADLINES_AND_ACTS = _pg_deadlines_and_acts()


def insert_deadlines(
    session: Session,
    opened: list[tuple[Deadline, DeadlineRuleSpec]],
    *,
    now: datetime,
    riding: list[Rider] | None = None,
    then: Callable[[], None] = lambda: None,
) -> None:
    """Write the deadlines a transition opens and all their acts; the deadlines get their
    ids and are in the session afterwards (persistent, as if flushed), and ``then`` runs.

    PostgreSQL: one statement (issue 14), the acts' INSERT a data-modifying CTE on the ids
    the deadlines' INSERT returns; the ORM objects are then attached without another
    statement. With ``riding`` (a firing's, ``FiringContext.riding``) both go out with the
    firing's versioned UPDATE, and the ids come back from it. SQLite has no data-modifying
    CTEs: the deadlines flushed (their ids come back), then one INSERT for all their acts."""
    if not opened:
        return
    acts = [
        (deadline, n, kind, instant)
        for deadline, rule in opened
        for n, (kind, instant) in enumerate(planned_acts(deadline, rule))
    ]

    def attach(written: list[tuple[Any, ...]]) -> None:
        ids = {rule: id_ for id_, rule in written}
        for deadline, _ in opened:
            deadline.id = ids[deadline.rule]
            make_transient_to_detached(deadline)  # as loaded: adding it writes nothing
            session.add(deadline)
        then()

    def write_apart(apart: Session) -> None:
        insert_loaded(apart, [deadline for deadline, _ in opened])
        insert_acts(
            apart,
            [row for deadline, rule in opened for row in new_act_rows(deadline, rule)],
            now=now,
        )
        then()

    postgres = session.get_bind().dialect.name == "postgresql"
    riding_here = riding is not None and not any(r.ctes is _riding_deadlines for r in riding)
    if riding is not None and riding_here:
        params = _deadline_params(opened, acts) if postgres else {}
        riding.append(Rider(_riding_deadlines, params, write_apart, attach))
    elif not postgres:
        write_apart(session)
        return
    else:
        # What the firing changed so far goes out first, as the one flush did before.
        session.flush()
        written = session.connection().execute(
            _PG_DEADLINES_AND_ACTS, _deadline_params(opened, acts)
        )
        attach([tuple(row) for row in written.all()])
    if acts and postgres:
        due = min(instant for *_, instant in acts)
        wake_sweeps(session, due, now=now, riding=riding if riding_here else None)


def _deadline_params(
    opened: list[tuple[Deadline, DeadlineRuleSpec]], acts: list[tuple[Deadline, int, str, Any]]
) -> dict[str, str]:
    return {
        "deadline_rows": json_param(
            ({n: getattr(d, n) for n in _DEADLINE_NAMES} for d, _ in opened), _DEADLINE_NAMES
        ),
        "act_rows": json_param(
            (
                {"rule": d.rule, "kind": kind, "due_at": instant, "key": _act_key_tail(d, n, kind)}
                for d, n, kind, instant in acts
            ),
            ["rule", "kind", "due_at", "key"],
        ),
    }


def insert_acts(session: Session, rows: list[dict[str, Any]], *, now: datetime) -> None:
    """All rows in one INSERT (executemany / multi-row VALUES), no row read back (issue 14);
    one coming due within ``NOTIFY_HORIZON`` wakes the sleeping sweeps."""
    if rows:
        # Core, not the ORM's bulk INSERT: nothing of the rows goes into the session.
        session.connection().execute(insert(ACTS), rows)
        wake_sweeps(session, min(row["due_at"] for row in rows), now=now)


def add_acts(session: Session, acts: list[DeadlineAct], *, now: datetime) -> None:
    """Write acts; one coming due within ``NOTIFY_HORIZON`` wakes the sleeping sweeps."""
    session.add_all(acts)
    if acts:
        wake_sweeps(session, min(act.due_at for act in acts), now=now)


def wake_sweeps(
    session: Session, due_at: datetime, *, now: datetime, riding: list[Rider] | None = None
) -> None:
    """On PostgreSQL, ``NOTIFY ratsflow_deadlines`` with the instant: delivered when this
    transaction commits, to every scheduler that LISTENs (``SweepScheduler``), which then
    sweeps at that instant instead of at its next poll. Acts further ahead than the
    horizon need no signal: a scheduler never sleeps longer than the horizon, and finds
    them itself. SQLite has no other process to wake (one writer). With ``riding`` (a
    firing's) the NOTIFY goes out with the firing's versioned UPDATE: a deadline that
    opens overdue, its acts due at once, cost a statement of its own."""
    if session.get_bind().dialect.name != "postgresql" or due_at - now > NOTIFY_HORIZON:
        return
    params = {"w_channel": NOTIFY_CHANNEL, "w_due": due_at.isoformat()}
    if riding is not None and not any(r.ctes is _riding_wake for r in riding):
        apart = functools.partial(wake_sweeps, due_at=due_at, now=now)
        riding.append(Rider(_riding_wake, params, apart, _sent))
        return
    session.execute(text("SELECT pg_notify(:w_channel, :w_due)"), params)


def _riding_wake(bumped: Any) -> list[Any]:
    """``wake_sweeps``'s NOTIFY as a CTE of a firing's versioned UPDATE, sent only if it
    wins. A CTE that only SELECTs runs only when the statement reads it: as ``Returned``
    its (empty) result comes back, which is what makes PostgreSQL call ``pg_notify``."""
    won = sa_select(bumped).exists()
    notify = func.pg_notify(bindparam("w_channel"), bindparam("w_due"))
    return [Returned(sa_select(sql_cast(notify, Text).label("sent")).where(won).cte("woken"))]


def _sent(_: list[tuple[Any, ...]]) -> None:
    """What ``_riding_wake`` returns: nothing to keep (``pg_notify`` returns void)."""


_CLOSE_IDS: Any = bindparam("ids", expanding=True)
_CLOSE = (
    update(DEADLINES)
    .where(DEADLINES.c.id.in_(_CLOSE_IDS))
    .values(status=bindparam("status_"), closed_at=bindparam("now"))
)
_SKIP = (
    update(ACTS)
    .where(ACTS.c.deadline_id.in_(_CLOSE_IDS), ACTS.c.status == PENDING)
    .values(status="skipped", note=bindparam("note_"))
)
_CLOSING_COLUMNS: list[Column[Any]] = [
    Column("id", Integer),
    Column("status", Text),
    Column("note", Text),
]
_CLOSING_NAMES = [column.name for column in _CLOSING_COLUMNS]


def _closing(won: Any = None) -> tuple[Any, Any]:
    """PostgreSQL: the deadlines' UPDATE, each to its own status, and the skip of their
    pending acts, from one JSON parameter of (id, status, note) rows (``c_rows``): one
    statement whatever the mix of statuses (return_to_author meets one deadline and
    misses another), of constant text (a prepared statement). ``won``: a condition both
    are written under (a firing's ``Rider``)."""
    conditions = [] if won is None else [won]
    rows = recordset("c_rows", _CLOSING_COLUMNS, "cr")
    closed = (
        update(DEADLINES)
        .where(DEADLINES.c.id == rows.c.id, *conditions)
        .values(status=rows.c.status, closed_at=bindparam("c_now"))
    )
    acts = recordset("c_rows", _CLOSING_COLUMNS, "ca")
    skipped = (
        update(ACTS)
        .where(ACTS.c.deadline_id == acts.c.id, ACTS.c.status == PENDING, *conditions)
        .values(status="skipped", note=acts.c.note)
    )
    return closed, skipped


def _pg_close_and_skip() -> Any:
    closed, skipped = _closing()
    return skipped.add_cte(closed.cte("closed"))


_PG_CLOSE_AND_SKIP = _pg_close_and_skip()


def _riding_close(bumped: Any) -> list[Any]:
    """``_closing`` as CTEs of a firing's versioned UPDATE (``loaded_rows.Rider``): written
    only if ``bumped`` returned its row. Parameters prefixed ``c_``, unlike any column."""
    closed, skipped = _closing(sa_select(bumped).exists())
    return [closed.cte("riding_closed"), skipped.cte("riding_skipped")]


def close_deadlines(
    session: Session,
    closing: list[tuple[Deadline, str]],
    *,
    now: datetime,
    riding: list[Rider] | None = None,
) -> None:
    """Close loaded deadlines, each with its new status, and skip their pending acts: one
    statement on PostgreSQL, elsewhere per status the deadlines' UPDATE and
    ``skip_pending`` (issue 14); with ``riding`` (a firing's, ``FiringContext.riding``) they
    go out with the firing's versioned UPDATE. The rows take the written values as
    committed state at once (nothing left for a flush)."""
    if not closing:
        return
    closing = list(closing)
    apart = functools.partial(_close_apart, closing=closing, now=now)
    if riding is not None and not any(r.ctes is _riding_close for r in riding):
        postgres = session.get_bind().dialect.name == "postgresql"
        riding.append(Rider(_riding_close, _close_params(closing, now) if postgres else {}, apart))
    else:
        apart(session)
    for deadline, status in closing:
        set_committed_value(deadline, "status", status)
        set_committed_value(deadline, "closed_at", now)


def _close_params(closing: list[tuple[Deadline, str]], now: datetime) -> dict[str, Any]:
    rows = ({"id": d.id or 0, "status": status, "note": _note(status)} for d, status in closing)
    return {"c_rows": json_param(rows, _CLOSING_NAMES), "c_now": now}


def _note(status: str) -> str:
    return f"Frist {status}"


def _close_apart(session: Session, *, closing: list[tuple[Deadline, str]], now: datetime) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_PG_CLOSE_AND_SKIP, _close_params(closing, now))
        return
    groups: dict[str, list[int]] = {}
    for deadline, status in closing:
        groups.setdefault(status, []).append(deadline.id or 0)
    for status, ids in groups.items():
        session.execute(_CLOSE, {"ids": ids, "status_": status, "now": now})
        skip_pending(session, ids, note=_note(status))


def skip_pending(session: Session, deadline_ids: int | Collection[int], *, note: str) -> None:
    """One UPDATE for all pending acts of one or more deadlines (loaded ones are updated in
    place). Through the ORM only when the session holds acts: its bulk UPDATE evaluates
    the criteria against every loaded row first, a tenth of a firing's CPU on SQLite, where
    a firing closes its deadlines this way (issue 14)."""
    ids = [deadline_ids] if isinstance(deadline_ids, int) else list(deadline_ids)
    if any(isinstance(row, DeadlineAct) for row in session.identity_map.values()):
        session.execute(
            update(DeadlineAct)
            .where(col(DeadlineAct.deadline_id).in_(ids), col(DeadlineAct.status) == PENDING)
            .values(status="skipped", note=note)
        )
        return
    if session.autoflush:
        session.flush()  # what the ORM's execute flushes first
    session.connection().execute(_SKIP, {"ids": ids, "note_": note})
