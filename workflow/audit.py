"""Append-only, hash-chained audit events per instance, and their verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from workflow.context import Actor
from workflow.db import memo, remember
from workflow.loaded_rows import Rider, bump_version
from workflow.models import AuditEvent, AuditHead
from workflow.new_rows import new_row

GENESIS = "0" * 64


def json_safe(data: Any) -> Any:
    """Canonical JSON values (dates and decimals as strings) so the hash survives a round trip."""
    return json.loads(json.dumps(data, default=str, sort_keys=True))


def event_hash(event: AuditEvent) -> str:
    payload = {
        "instance_type": event.instance_type,
        "instance_id": event.instance_id,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="seconds"),
        "actor": event.actor,
        "actor_role": event.actor_role,
        "trigger": event.trigger,
        "source": event.source,
        "dest": event.dest,
        "comment": event.comment,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    instance_type: str,
    instance_id: int,
    actor: Actor,
    trigger: str,
    source: str | None,
    dest: str,
    now: datetime,
    comment: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; the head row makes a removed last event detectable."""
    event, head = _new_event(
        session, instance_type, instance_id, actor, trigger, source, dest, now, comment, data
    )
    if head is None:
        _write_first(session, event)
    else:
        _write_with_head(session, event, head)
    return event


def note(
    session: Session,
    instance_type: str,
    instance: Any,
    actor: Actor,
    now: datetime,
    trigger: str,
    data: dict[str, Any] | None = None,
    *,
    comment: str | None = None,
) -> AuditEvent:
    """``append`` of an event that changes no state (an attendance, a vote, an agenda
    change, a reschedule): source and dest are the instance's state as it stands."""
    return append(
        session,
        instance_type=instance_type,
        instance_id=instance.id or 0,
        actor=actor,
        trigger=trigger,
        source=instance.state,
        dest=instance.state,
        now=now,
        comment=comment,
        data=data,
    )


def append_bumping(
    session: Session,
    instance: Any,
    *,
    instance_type: str,
    actor: Actor,
    trigger: str,
    source: str | None,
    now: datetime,
    comment: str | None = None,
    data: dict[str, Any] | None = None,
    riding: Sequence[Rider] = (),
) -> AuditEvent:
    """``bump_version(instance)``, then ``append`` of its event (dest: its state): on
    PostgreSQL one statement (issue 14), the event's INSERT and the head's move riding on
    the versioned UPDATE (``workflow.loaded_rows.Rider``) with the firing's other ``riding``
    writes, all written only if it wins; a lost race raises ``StaleDataError`` as
    ``bump_version`` does and writes none of them."""
    with session.no_autoflush:  # the instance's changes go out in its versioned UPDATE
        event, head = _new_event(
            session, instance_type, instance.id, actor, trigger, source, instance.state, now,
            comment, data,
        )  # fmt: skip
    if head is None:  # the instance's first event: the head is written with it
        rider = Rider(_riding_first, _params(event), lambda s: _write_first_apart(s, event))
        bump_version(session, instance, now, riding=[rider, *riding])
        _attach_head(session, event)
        return event
    rider = Rider(_riding_append, _params(event), lambda s: _write_with_head(s, event, head))
    bump_version(session, instance, now, riding=[rider, *riding])
    _moved(head, event)
    return event


def next_seq(session: Session, instance_type: str, instance_id: int) -> int:
    """The number the instance's next event gets (what ``append`` will write), e.g. for the
    deadlines a firing opens with it."""
    head = head_of(session, instance_type, instance_id)
    return head.seq + 1 if head else 1


def head_of(session: Session, instance_type: str, instance_id: int) -> AuditHead | None:
    """The instance's audit head: as a firing's first query read it (``remember``ed, also
    when there is none yet, which the session alone cannot tell without a query)."""
    return memo(
        session,
        (AuditHead, instance_type, instance_id),
        lambda: session.get(AuditHead, (instance_type, instance_id)),
    )


def in_representation(actor: Actor) -> dict[str, Any]:
    """The event's "in Vertretung": whom a deputy (the event's actor) acted for
    (workflow.deputies), on every event he writes, whichever service writes it."""
    if actor.on_behalf_of is None:
        return {}
    return {"in_vertretung": {"username": actor.on_behalf_of, "name": actor.on_behalf_of_name}}


def _new_event(
    session: Session,
    instance_type: str,
    instance_id: int,
    actor: Actor,
    trigger: str,
    source: str | None,
    dest: str,
    now: datetime,
    comment: str | None,
    data: dict[str, Any] | None,
) -> tuple[AuditEvent, AuditHead | None]:
    head = head_of(session, instance_type, instance_id)
    seq = head.seq + 1 if head else 1  # next_seq
    event = new_row(
        AuditEvent,
        instance_type=instance_type,
        instance_id=instance_id,
        seq=seq,
        at=now.astimezone(UTC).replace(microsecond=0),
        actor=actor.username,
        actor_role=actor.role,
        trigger=trigger,
        source=source,
        dest=dest,
        comment=comment,
        data=json_safe({**(data or {}), **in_representation(actor)}),
        prev_hash=head.hash if head else GENESIS,
        hash="",
    )
    event.hash = event_hash(event)
    return event, head


def _write_first(session: Session, event: AuditEvent) -> None:
    session.add(event)
    session.add(
        AuditHead(
            instance_type=event.instance_type,
            instance_id=event.instance_id,
            seq=event.seq,
            hash=event.hash,
        )
    )
    session.flush()


_EVENTS: Any = AuditEvent.__table__  # type: ignore[attr-defined]
_HEADS: Any = AuditHead.__table__  # type: ignore[attr-defined]
# Built once (issue 14: building them took a tenth of the append); the values are parameters.
_INSERT_EVENT = insert(_EVENTS).values(
    {c.key: bindparam(f"e_{c.key}") for c in _EVENTS.columns if c.key != "id"}
)
_MOVE_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.instance_type == bindparam("h_type"), _HEADS.c.instance_id == bindparam("h_id"))
    .values(seq=bindparam("h_seq"), hash=bindparam("h_hash"))
)
_PG_APPEND = _MOVE_HEAD.add_cte(_INSERT_EVENT.cte("appended"))
_EVENT_COLUMNS = [c.key for c in _EVENTS.columns if c.key != "id"]


_HEAD_VALUES = {
    "instance_type": bindparam("h_type", type_=_HEADS.c.instance_type.type),
    "instance_id": bindparam("h_id", type_=_HEADS.c.instance_id.type),
    "seq": bindparam("h_seq", type_=_HEADS.c.seq.type),
    "hash": bindparam("h_hash", type_=_HEADS.c.hash.type),
}
_START_HEAD = insert(_HEADS).values(_HEAD_VALUES)


def _riding_append(bumped: Any) -> list[Any]:
    """The event's INSERT and the head's move as CTEs that write only if ``bumped`` (the
    versioned UPDATE) returned its row (``workflow.loaded_rows.Rider``)."""
    won = sa_select(bumped).exists()
    return [_appended(won), _MOVE_HEAD.where(won).cte("moved")]


def _riding_first(bumped: Any) -> list[Any]:
    """``_riding_append`` for an instance's first event: the head's INSERT instead of its
    move (a concurrent first firing loses at the versioned UPDATE, and writes neither)."""
    won = sa_select(bumped).exists()
    head = insert(_HEADS).from_select(
        list(_HEAD_VALUES), sa_select(*_HEAD_VALUES.values()).where(won)
    )
    return [_appended(won), head.cte("started")]


def _appended(won: Any) -> Any:
    values = [bindparam(f"e_{key}", type_=_EVENTS.c[key].type) for key in _EVENT_COLUMNS]
    event = insert(_EVENTS).from_select(_EVENT_COLUMNS, sa_select(*values).where(won))
    return event.cte("appended")


def _params(event: AuditEvent) -> dict[str, Any]:
    params = {f"e_{key}": getattr(event, key) for key in _EVENT_COLUMNS}
    params.update(h_type=event.instance_type, h_id=event.instance_id)
    params.update(h_seq=event.seq, h_hash=event.hash)
    return params


def _write_first_apart(session: Session, event: AuditEvent) -> None:
    """``_riding_first``'s writes as statements of their own."""
    params = _params(event)
    session.execute(_INSERT_EVENT, params)
    session.execute(_START_HEAD, params)


def _attach_head(session: Session, event: AuditEvent) -> None:
    """The head just written, in the session as if loaded (a later append reads it)."""
    head = new_row(
        AuditHead,
        instance_type=event.instance_type,
        instance_id=event.instance_id,
        seq=event.seq,
        hash=event.hash,
    )
    make_transient_to_detached(head)
    session.add(head)
    remember(session, (AuditHead, event.instance_type, event.instance_id), head)


def _moved(head: AuditHead, event: AuditEvent) -> None:
    set_committed_value(head, "seq", event.seq)
    set_committed_value(head, "hash", event.hash)


def _write_with_head(session: Session, event: AuditEvent, head: AuditHead) -> None:
    """The event's INSERT and the head's UPDATE without the unit of work (issue 14): on
    PostgreSQL in one statement (the INSERT as a data-modifying CTE), elsewhere two. The
    returned event stays outside the session (callers read its seq and hash); the loaded
    head takes the new values as committed state, so no second UPDATE follows at flush."""
    session.flush()  # what the firing wrote before (the versioned UPDATE) goes first
    params = _params(event)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_PG_APPEND, params)
    else:
        session.execute(_INSERT_EVENT, params)
        session.execute(_MOVE_HEAD, params)
    _moved(head, event)


def history(session: Session, instance_type: str, instance_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.instance_type == instance_type, AuditEvent.instance_id == instance_id)
            .order_by(col(AuditEvent.seq))
        )
    )


@dataclass(frozen=True)
class ChainBreak:
    instance_type: str
    instance_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.instance_type} {self.instance_id}, Ereignis {self.seq}: {self.reason}"


def verify(session: Session) -> list[ChainBreak]:
    """Recompute every chain; any altered, inserted or removed event is a break."""
    breaks: list[ChainBreak] = []
    heads = {(h.instance_type, h.instance_id): h for h in session.exec(select(AuditHead))}
    events = session.exec(
        select(AuditEvent).order_by(
            col(AuditEvent.instance_type),
            col(AuditEvent.instance_id),
            col(AuditEvent.seq),
        )
    )
    chains: dict[tuple[str, int], list[AuditEvent]] = {}
    for event in events:
        chains.setdefault((event.instance_type, event.instance_id), []).append(event)
    for key in sorted(set(chains) | set(heads)):
        chain = chains.get(key, [])
        prev = GENESIS
        for expected_seq, event in enumerate(chain, start=1):
            if event.seq != expected_seq:
                breaks.append(ChainBreak(*key, expected_seq, "Ereignis fehlt"))
                break
            if event.prev_hash != prev:
                breaks.append(ChainBreak(*key, event.seq, "Verkettung unterbrochen"))
                break
            if event_hash(event) != event.hash:
                breaks.append(ChainBreak(*key, event.seq, "Inhalt verändert"))
                break
            prev = event.hash
        else:
            head = heads.get(key)
            last_seq = chain[-1].seq if chain else 0
            if head is None:
                breaks.append(ChainBreak(*key, last_seq, "Kopfeintrag fehlt"))
            elif head.seq != last_seq or head.hash != prev:
                breaks.append(ChainBreak(*key, head.seq, "letzte Ereignisse fehlen"))
    return breaks
