"""The firing's first read: the instance, its audit head, municipality and author, its
open deadlines, and for a Vorlage its consultation plan, co-signatures and next Fassung
number, in one statement (issue 14: a transition read each of these on its own)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session

from workflow.config_cache import note_version
from workflow.db import remember
from workflow.deadlines.lifecycle import still_active
from workflow.embedded_rows import attach_json, rows_as_json
from workflow.loaded_rows import attach_loaded
from workflow.models import (
    AuditHead,
    ConsultationStep,
    CoSignature,
    Deadline,
    Municipality,
    Proposal,
    User,
)
from workflow.models.proposal import ProposalRevision
from workflow.revisions import next_number


@dataclass(frozen=True)
class _FiringQuery:
    """The firing's first statement, and where each model's columns are in its rows."""

    statement: Any
    slices: tuple[tuple[Any, int, int], ...]  # (model, first column, after last column)
    extra: dict[str, int]  # further columns by name: their position


@functools.cache
def _firing_query(kind: str, model: Any, dialect: str) -> _FiringQuery:
    """The firing's first statement, built once per kind and database (its instance id a
    parameter). A Core SELECT of the tables' columns, not an ORM query of the models: the
    ORM's loading machinery cost more than the statement (issue 14); ``load_for_firing``
    puts the rows into the session as loaded (``attach_loaded``)."""
    table = model.__table__
    id_column = table.c.id
    heads = AuditHead.__table__  # type: ignore[attr-defined]
    joined = table.outerjoin(
        heads, and_(heads.c.instance_type == kind, heads.c.instance_id == id_column)
    )
    models: list[Any] = [model, AuditHead]
    extra: list[Any] = []
    if hasattr(model, "municipality_id"):
        towns = Municipality.__table__  # type: ignore[attr-defined]
        joined = joined.outerjoin(towns, towns.c.id == table.c.municipality_id)
        models.append(Municipality)
    if model is Proposal:
        # The consultation plan and the co-signatures as JSON (workflow.embedded_rows): the
        # guards of submit and return read them, without a query of their own.
        users = User.__table__  # type: ignore[attr-defined]
        joined = joined.outerjoin(users, users.c.id == table.c.author_id)
        models.append(User)
        plan = rows_as_json(ConsultationStep, ConsultationStep.proposal_id, id_column, dialect)
        asked = rows_as_json(CoSignature, CoSignature.proposal_id, id_column, dialect)
        extra = [
            plan.label("plan_json"),
            asked.label("cosignatures_json"),
            next_number(id_column).label("next_revision"),
        ]
    # The open deadlines too, as JSON like the plan: the firing closes what its new state
    # ends. Joined, they made one row each, every column of the instance (its JSON ones
    # parsed again) repeated in each.
    open_deadlines = rows_as_json(
        Deadline,
        Deadline.instance_id,
        id_column,
        dialect,
        Deadline.instance_type == kind,
        still_active(),
    )
    extra.append(open_deadlines.label("deadlines_json"))
    columns: list[Any] = []
    slices: list[tuple[Any, int, int]] = []
    for each in models:
        own = list(each.__table__.columns)
        slices.append((each, len(columns), len(columns) + len(own)))
        columns += own
    positions = {column.name: len(columns) + n for n, column in enumerate(extra)}
    statement = (
        sa_select(*columns, *extra).select_from(joined).where(id_column == bindparam("instance_id"))
    )
    return _FiringQuery(statement, tuple(slices), positions)


def load_for_firing(session: Session, kind: str, model: Any, instance_id: int) -> Any:
    """The instance with what every firing reads, in one statement (``_firing_query``): the
    rows go into the session as loaded and the rest is remembered for the firing
    (``workflow.db.remember``); None when there is no such row."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()  # what an ORM query would flush first
    query = _firing_query(kind, model, session.get_bind().dialect.name)
    first = session.connection().execute(query.statement, {"instance_id": instance_id}).first()
    if first is None:
        return None
    loaded = {
        each: _attached(session, each, first[start:stop]) for each, start, stop in query.slices
    }
    found = attach_json(session, Deadline, first[query.extra["deadlines_json"]])
    remember(session, (Deadline, kind, instance_id), sorted(found, key=_by_id))
    remember(session, (AuditHead, kind, instance_id), loaded[AuditHead])  # None: no event yet
    instance = loaded[model]
    town = loaded.get(Municipality)
    if town is not None and instance.municipality_id is not None:
        # The version as read now: a Municipality already in the identity map keeps the
        # attribute values it was first loaded with.
        _, start, _ = next(s for s in query.slices if s[0] is Municipality)
        version = first[start + _column_index(Municipality, "config_version")]
        note_version(session, instance.municipality_id, version)
    if model is Proposal:
        extra = query.extra
        plan = attach_json(session, ConsultationStep, first[extra["plan_json"]])
        remember(session, (ConsultationStep, instance_id), sorted(plan, key=_by_position))
        asked = attach_json(session, CoSignature, first[extra["cosignatures_json"]])
        remember(session, (CoSignature, instance_id), sorted(asked, key=_by_id))
        remember(session, (ProposalRevision, instance_id), first[extra["next_revision"]])
    return instance


def _attached(session: Session, model: Any, values: Any) -> Any:
    """One model's columns of a row as a loaded instance, or None for an outer join's
    missing row (its key NULL)."""
    keys = _column_keys(model)
    row = dict(zip(keys, values, strict=True))
    if any(row[key] is None for key in _primary_keys(model)):
        return None
    return attach_loaded(session, model, row, fresh=True)


@functools.cache
def _column_keys(model: Any) -> tuple[str, ...]:
    return tuple(column.key for column in model.__table__.columns)


@functools.cache
def _primary_keys(model: Any) -> tuple[str, ...]:
    return tuple(column.key for column in model.__table__.primary_key.columns)


def _column_index(model: Any, key: str) -> int:
    return _column_keys(model).index(key)


def _by_id(row: Any) -> int:
    return int(row.id or 0)


def _by_position(step: ConsultationStep) -> int:
    return step.position
