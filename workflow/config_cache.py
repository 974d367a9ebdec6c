"""A process-wide cache of each municipality's configuration rows (issue 14).

Every firing reads the same few rows of its municipality: its bodies (the Beratungsfolge,
§ 39 GemO), the users holding a role (who co-signs, who is told), who is away and whom a
user stands in for (§ 48 GemO). Administrators change them a few times a year, yet each
cost a statement per transition. Database triggers (migrations 0023, 0026) give the
municipality a new random ``config_version`` whenever a body, user, absence or deputy of it
is written, by this application or by hand in SQL; a firing reads that version with its row
lock (``note_version``), and a copy made under the same version is handed out instead of a
query.

Correctness rests on three rules: a copy is only stored under a version read earlier in the
same transaction (so it is at least as new as that version); a session that has written
configuration rows itself neither reads nor fills the cache until its transaction ends (its
own triggers moved the version it noted; it learns of them from its flush, so such rows
are written through the ORM, never with a Core UPDATE in the same session); and ORM objects
are never shared: each session gets its own instances, built from the stored column values
without a query.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session

from workflow.db import pending_types
from workflow.loaded_rows import attach_loaded
from workflow.models import Absence, Body, Municipality, User, UserDeputy

# What the triggers of migrations 0023 and 0026 watch; a flush of any of them ends this
# session's use of the cache for its transaction.
CONFIG_MODELS: tuple[type, ...] = (Body, User, Absence, UserDeputy)
# Entries per database: a few per municipality (bodies, a handful of roles, today's absent).
MAX_ENTRIES = 4096

_VERSIONS = "ratsflow_config_versions"
_WROTE = "ratsflow_config_written"

T = TypeVar("T")
M = TypeVar("M")

_lock = threading.Lock()
_stores: WeakKeyDictionary[Engine, OrderedDict[Hashable, tuple[int, Any]]] = WeakKeyDictionary()


def note_version(session: Any, municipality_id: int, version: int | None) -> None:
    """Record a version read in this transaction (the firing's lock, or any load of the
    municipality's row); the cache serves under it until the transaction ends."""
    if version is not None and not session.info.get(_WROTE):
        session.info.setdefault(_VERSIONS, {})[municipality_id] = version


def cached_value(
    session: Session, key: tuple[Hashable, ...], municipality_id: int, load: Callable[[], T]
) -> T:
    """An immutable value derived from the municipality's configuration (e.g. the ids of
    the users away today): from the cache when the noted version matches, else ``load``."""
    version = session.info.get(_VERSIONS, {}).get(municipality_id)
    if version is None or session.info.get(_WROTE):
        return load()
    store = _store(session)
    full_key = (municipality_id, *key)
    with _lock:
        hit = store.get(full_key)
        if hit is not None and hit[0] == version:
            store.move_to_end(full_key)
            return cast(T, hit[1])
    value = load()
    if not session.info.get(_WROTE):
        with _lock:
            store[full_key] = (version, value)
            while len(store) > MAX_ENTRIES:
                store.popitem(last=False)
    return value


def cached_rows(
    session: Session,
    model: type[M],
    key: tuple[Hashable, ...],
    municipality_id: int,
    load: Callable[[], Sequence[M]],
) -> list[M]:
    """Configuration rows of ``model``, as this session's own persistent instances."""
    if model in pending_types(session):
        return list(load())
    loaded: list[M] = []

    def snapshot() -> tuple[dict[str, Any], ...]:
        loaded.extend(load())
        return tuple(_columns(row) for row in loaded)

    stored = cached_value(session, (model.__name__, *key), municipality_id, snapshot)
    if loaded:
        return loaded
    return [attach_loaded(session, model, values) for values in stored]


def _store(session: Session) -> OrderedDict[Hashable, tuple[int, Any]]:
    bind: Any = session.get_bind()
    engine: Engine = getattr(bind, "engine", bind)
    with _lock:
        store = _stores.get(engine)
        if store is None:
            store = _stores[engine] = OrderedDict()
        return store


def _columns(row: Any) -> dict[str, Any]:
    state: Any = inspect(row)
    return {
        attr.key: copy.deepcopy(state.dict[attr.key])
        for attr in state.mapper.column_attrs
        if attr.key in state.dict
    }


def _note_config_writes(session: Any, _flush_context: Any, _instances: Any) -> None:
    if any(issubclass(t, CONFIG_MODELS) for t in pending_types(session)):
        session.info[_WROTE] = True
        session.info.pop(_VERSIONS, None)


def _forget_versions(session: Any, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_VERSIONS, None)
        session.info.pop(_WROTE, None)


def _note_loaded(municipality: Municipality, context: Any, *_attrs: Any) -> None:
    """A municipality read from the database in this transaction brings its version."""
    session = context.session
    if session is not None and municipality.id is not None:
        note_version(session, municipality.id, municipality.config_version)


event.listen(Municipality, "load", _note_loaded)
event.listen(Municipality, "refresh", _note_loaded)
event.listen(SASession, "before_flush", _note_config_writes)
event.listen(SASession, "after_transaction_end", _forget_versions)
