"""Read side: proposals, meetings and decision requests as the caller may see them, paginated.

Visibility is a WHERE clause (``workflow.access``), so a single read and a list apply the same
rule and pagination happens in the database; what the caller may not read is "not found".
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, UnaryExpression, and_, exists, func, or_
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql import operators
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflow import audit
from workflow.access import (
    administration_of,
    agenda_item_readable,
    decision_request_read_clause,
    decision_response_read_clause,
    meeting_read_clause,
    proposal_read_clause,
)
from workflow.context import Actor, local_date
from workflow.definitions.machines import Workflows
from workflow.errors import InvalidInput, NotFound, not_found
from workflow.models import (
    AgendaItem,
    AuditEvent,
    ConsultationStep,
    Deadline,
    DecisionRequest,
    DecisionResponse,
    ExecutionTask,
    Meeting,
    Municipality,
    Proposal,
)
from workflow.queries import second_session_notice, steps
from workflow.services.history import (
    meeting_events,
    municipal_history_readable,
    proposal_events,
)
from workflow.supervision import municipality_title

T = TypeVar("T")
MAX_LIMIT = 200
Instance = Proposal | Meeting | DecisionRequest | DecisionResponse


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    count: int
    next_cursor: str | None


def check_state(workflows: Workflows, kind: str, state: str | None) -> None:
    """A state filter names a state of the kind's definitions; a typo is an error, not an
    empty list."""
    known = workflows.states_of(kind)
    if state is not None and state not in known:
        names = ", ".join(f"{name} ({label})" for name, label in known.items())
        raise InvalidInput(f'Unbekannter Zustand "{state}". Zulässig sind: {names}.', field="state")


def encode_cursor(last_id: int) -> str:
    """Opaque to clients, so the order key may change without breaking them."""
    return _pack({"after": last_id})


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    after: Any = _unpack(cursor).get("after")
    if not _db_integer(after) or after < 0:
        raise InvalidInput("Ungültiger Cursor", field="cursor")
    return int(after)


def _pack(payload: dict[str, Any]) -> str:
    """A cursor: the payload as JSON in URL-safe base64 without padding."""
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unpack(cursor: str) -> dict[str, Any]:
    """What ``_pack`` packed; anything else (tampered, truncated) is refused."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeError) as exc:
        raise InvalidInput("Ungültiger Cursor", field="cursor") from exc
    if not isinstance(payload, dict):
        raise InvalidInput("Ungültiger Cursor", field="cursor")
    return payload


def _db_integer(value: Any) -> bool:
    """An int a database integer holds: beyond 64 bits SQLite refuses the parameter itself
    (a 500 for a forged cursor)."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def paginate(
    session: Session,
    model: type[SQLModel],
    where: Sequence[ColumnElement[bool]],
    limit: int,
    cursor: str | None,
) -> Page[Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit muss zwischen 1 und {MAX_LIMIT} liegen", field="limit")
    after = decode_cursor(cursor)
    id_col = col(model.id)  # type: ignore[attr-defined]
    count = session.exec(select(func.count()).select_from(model).where(*where)).one()
    rows = list(
        session.exec(select(model).where(*where, id_col > after).order_by(id_col).limit(limit + 1))
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows else None  # type: ignore[attr-defined]
    return Page(items=rows, count=int(count), next_cursor=next_cursor)


def count_of(session: Session, query: SelectOfScalar[Any]) -> int:
    """The rows a query would return, counted in the database."""
    return int(
        session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    )


def page_of(session: Session, query: SelectOfScalar[T], limit: int, cursor: str | None) -> Page[T]:
    """One page of a query a service already ordered (e.g. deadlines by due date), counted
    and cut in the database: a list that grows for years (a user's notifications, a
    municipality's e-mails and deadlines) is not read whole for each page (issue 14).

    The cursor holds the last row's values of the query's sort columns (keyset), not an
    offset: a row that leaves the list between two pages (a notice marked read while a
    client pages the unread ones, a deadline met while it pages the open ones) or joins it
    at the front (a new notice) shifts no other row into or out of the next page."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit muss zwischen 1 und {MAX_LIMIT} liegen", field="limit")
    count = count_of(session, query)
    rows = list(session.exec(after_cursor(query, cursor).limit(limit + 1)))
    more = len(rows) > limit
    items = rows[:limit]
    next_cursor = cursor_after(query, items[-1]) if more else None
    return Page(items=items, count=count, next_cursor=next_cursor)


def after_cursor(query: SelectOfScalar[T], cursor: str | None) -> SelectOfScalar[T]:
    """``query`` from the row after the one ``cursor`` (of ``cursor_after``) names: a
    keyset over the query's own ORDER BY. A cursor of another list, an old offset cursor or
    a tampered one is ``InvalidInput``."""
    if not cursor:
        return query
    keys = _sort_keys(query)
    return query.where(_after(keys, _decode_keys(cursor, keys)))


def after_row(query: SelectOfScalar[T], row: Any) -> SelectOfScalar[T]:
    """``query`` from the row after ``row`` (one it returned) on."""
    keys = _sort_keys(query)
    return query.where(_after(keys, _sort_values(keys, row)))


def cursor_after(query: SelectOfScalar[Any], row: Any) -> str:
    """The cursor of the page that follows ``row`` in ``query``'s order: its sort values."""
    return _encode_keys(_sort_values(_sort_keys(query), row))


def _sort_values(keys: list[tuple[Any, bool]], row: Any) -> list[Any]:
    return [getattr(row, column.key) for column, _ in keys]


def _sort_keys(query: SelectOfScalar[Any]) -> list[tuple[Any, bool]]:
    """The query's ORDER BY as (column, descending) pairs: plain columns of the listed
    model, ascending or ``.desc()``; the last must be unique (the id) for a keyset."""
    keys: list[tuple[Any, bool]] = []
    # Read from the query itself (SQLAlchemy keeps no public accessor): the service's order
    # stays the one place that says how its list is sorted.
    for clause in query._order_by_clauses:
        descending = getattr(clause, "modifier", None) is operators.desc_op
        column = clause.element if isinstance(clause, UnaryExpression) else clause
        if not isinstance(column, ColumnElement) or getattr(column, "key", None) is None:
            raise ValueError(f"page_of pages by plain columns, not {clause}")
        keys.append((column, descending))
    if not keys or keys[-1][0].key != "id":
        raise ValueError("page_of needs the query ordered by its id last (a unique key)")
    return keys


def _after(keys: list[tuple[Any, bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows after ``values`` in the keys' order: (k1 > v1) OR (k1 = v1 AND k2 > v2) …, with
    < for a descending key."""
    alternatives = []
    for n, (column, descending) in enumerate(keys):
        equal = [c == v for (c, _), v in zip(keys[:n], values[:n], strict=True)]
        beyond = column < values[n] if descending else column > values[n]
        alternatives.append(and_(*equal, beyond))
    return or_(*alternatives)


def _encode_keys(values: list[Any]) -> str:
    return _pack({"keys": [v.isoformat() if isinstance(v, date | datetime) else v for v in values]})


def _decode_keys(cursor: str, keys: list[tuple[Any, bool]]) -> list[Any]:
    """The values a cursor of ``_encode_keys`` holds, as the sort columns' types; a cursor of
    another list, an older offset cursor or a tampered one is refused."""
    plain = _unpack(cursor).get("keys")
    if not isinstance(plain, list) or len(plain) != len(keys):
        raise InvalidInput("Ungültiger Cursor", field="cursor")
    try:
        return [_typed(column, value) for (column, _), value in zip(keys, plain, strict=True)]
    except (ValueError, TypeError) as exc:
        raise InvalidInput("Ungültiger Cursor", field="cursor") from exc


def _typed(column: Any, value: Any) -> Any:
    kind = column.type.python_type
    if kind is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if (kind is int and _db_integer(value)) or (kind is str and isinstance(value, str)):
        return value
    raise ValueError(f"{column.key}: {value!r}")


@dataclass(frozen=True)
class ProposalFilter:
    state: str | None = None
    body_id: int | None = None
    meeting_id: int | None = None
    municipality_id: int | None = None
    year: int | None = None
    q: str | None = None
    overdue: bool | None = None
    department: str | None = None
    kind: str | None = None  # models.proposal.PROPOSAL_KINDS
    supplements_id: int | None = None  # the Ergänzungsvorlagen of one Vorlage


_NUMBER = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{4})\s*$")


def _text_search(text: str) -> ColumnElement[bool]:
    """Title, facts, resolution text and file reference; "8/2024" also finds Vorlage 8/2024."""
    found = or_(
        col(Proposal.title).icontains(text, autoescape=True),
        col(Proposal.facts).icontains(text, autoescape=True),
        col(Proposal.resolution_text).icontains(text, autoescape=True),
        col(Proposal.file_reference).icontains(text, autoescape=True),
    )
    number = _NUMBER.match(text)
    if number is None:
        return found
    return or_(
        found,
        and_(
            col(Proposal.number) == int(number.group(1)),
            col(Proposal.year) == int(number.group(2)),
        ),
    )


def _overdue(today: date) -> ColumnElement[bool]:
    """A missed deadline not done yet, or an open one whose due day has passed (the sweep
    may lag)."""
    return exists().where(
        col(Deadline.instance_type) == "proposal",
        col(Deadline.instance_id) == col(Proposal.id),
        col(Deadline.closed_at).is_(None),
        or_(
            col(Deadline.status) == "missed",
            and_(col(Deadline.status) == "open", col(Deadline.due_date) < today),
        ),
    )


def list_proposals(
    *,
    session: Session,
    actor: Actor | None,
    now: datetime,
    filters: ProposalFilter,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[Proposal]:
    # The municipality filter goes into the read clause: for the municipality's own
    # administration it replaces the published test (an index serves it).
    where: list[ColumnElement[bool]] = [proposal_read_clause(actor, filters.municipality_id)]
    if filters.state:
        where.append(col(Proposal.state) == filters.state)
    if filters.year is not None:
        where.append(col(Proposal.year) == filters.year)
    if filters.body_id is not None:
        where.append(
            exists().where(
                col(ConsultationStep.proposal_id) == col(Proposal.id),
                col(ConsultationStep.body_id) == filters.body_id,
            )
        )
    if filters.meeting_id is not None:
        where.append(
            exists().where(
                col(AgendaItem.proposal_id) == col(Proposal.id),
                col(AgendaItem.meeting_id) == filters.meeting_id,
                ~col(AgendaItem.removed),
            )
        )
    if filters.department:
        where.append(col(Proposal.department) == filters.department)
    if filters.kind:
        where.append(col(Proposal.kind) == filters.kind)
    if filters.supplements_id is not None:
        where.append(col(Proposal.supplements_id) == filters.supplements_id)
    if filters.q and filters.q.strip():
        where.append(_text_search(filters.q.strip()))
    if filters.overdue is not None:
        overdue = _overdue(local_date(now))
        where.append(overdue if filters.overdue else ~overdue)
    return paginate(session, Proposal, where, limit, cursor)


def departments(*, session: Session, actor: Actor) -> list[str]:
    """The Ämter named on proposals the caller may read, for a filter."""
    rows = session.exec(
        select(Proposal.department)
        .where(proposal_read_clause(actor), col(Proposal.department).is_not(None))
        .distinct()
    )
    return sorted(d for d in rows if d)


def get_proposal(*, session: Session, actor: Actor | None, proposal_id: int) -> Proposal:
    known = session.identity_map.get(identity_key(Proposal, proposal_id))
    if known is not None and administration_of(actor, known.municipality_id):
        return known  # its municipality's staff read it (no query, issue 14)
    proposal = session.exec(
        select(Proposal).where(Proposal.id == proposal_id, proposal_read_clause(actor))
    ).first()
    if proposal is None:
        raise not_found("Beschlussvorlage")
    return proposal


def consultation_plan(
    *, session: Session, actor: Actor | None, proposal_id: int
) -> list[ConsultationStep]:
    get_proposal(session=session, actor=actor, proposal_id=proposal_id)
    return steps(session, proposal_id)


def execution_tasks(
    *, session: Session, actor: Actor | None, proposal_id: int
) -> list[ExecutionTask]:
    get_proposal(session=session, actor=actor, proposal_id=proposal_id)
    return list(
        session.exec(
            select(ExecutionTask)
            .where(ExecutionTask.proposal_id == proposal_id)
            .order_by(col(ExecutionTask.id))
        )
    )


def history(*, session: Session, actor: Actor, kind: str, instance_id: int) -> list[AuditEvent]:
    """The audit trail names people and their comments: readers of the municipality only,
    each event under the rule of the object it belongs to (``workflow.services.history``).

    A decision request and its responses are read by their participants only (the
    district's coordinators and the municipality concerned), so reading them suffices.
    """
    instance = readable(session, actor, kind, instance_id)
    if isinstance(instance, Proposal | Meeting) and not municipal_history_readable(
        actor, instance.municipality_id
    ):
        raise NotFound("Der Eintrag wurde nicht gefunden.")
    events = audit.history(session, kind, instance_id)
    if isinstance(instance, Meeting):
        return meeting_events(session, actor, instance, events)
    if isinstance(instance, Proposal):
        return proposal_events(actor, events)
    return events


def readable(session: Session, actor: Actor, kind: str, instance_id: int) -> Instance:
    """The instance if the caller may read it (NotFound otherwise, also for unknown kinds)."""
    if kind == "proposal":
        return get_proposal(session=session, actor=actor, proposal_id=instance_id)
    if kind == "meeting":
        return get_meeting(session=session, actor=actor, meeting_id=instance_id).meeting
    if kind == "decision_request":
        return get_decision_request(session=session, actor=actor, request_id=instance_id)
    if kind == "decision_response":
        return get_decision_response(session=session, actor=actor, response_id=instance_id).response
    raise NotFound("Der Eintrag wurde nicht gefunden.")


@dataclass(frozen=True)
class MeetingFilter:
    body_id: int | None = None
    state: str | None = None
    municipality_id: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    items: list[AgendaItem]
    notice: str | None = None  # § 37 Abs. 3 S. 1 GemO, for a second session
    complete: bool = True  # False: some items are hidden from the caller (non-public TOPs)


def list_meetings(
    *,
    session: Session,
    actor: Actor | None,
    filters: MeetingFilter,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[Meeting]:
    where: list[ColumnElement[bool]] = [meeting_read_clause(actor)]
    if filters.body_id is not None:
        where.append(col(Meeting.body_id) == filters.body_id)
    if filters.state:
        where.append(col(Meeting.state) == filters.state)
    if filters.municipality_id is not None:
        where.append(col(Meeting.municipality_id) == filters.municipality_id)
    if filters.year is not None:
        if not 1 <= filters.year <= 9999:
            raise InvalidInput("Ungültiges Jahr", field="year")
        where.append(
            and_(
                col(Meeting.meeting_date) >= date(filters.year, 1, 1),
                col(Meeting.meeting_date) <= date(filters.year, 12, 31),
            )
        )
    return paginate(session, Meeting, where, limit, cursor)


def meetings_between(
    *,
    session: Session,
    actor: Actor | None,
    municipality_id: int,
    body_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Meeting]:
    """One municipality's meetings the caller may read, by date and time (for a list of
    what is coming and a month calendar, where pages by id would scatter the days)."""
    where: list[ColumnElement[bool]] = [
        meeting_read_clause(actor),
        col(Meeting.municipality_id) == municipality_id,
    ]
    if body_id is not None:
        where.append(col(Meeting.body_id) == body_id)
    if start is not None:
        where.append(col(Meeting.meeting_date) >= start)
    if end is not None:
        where.append(col(Meeting.meeting_date) <= end)
    query = select(Meeting).where(*where)
    order = (col(Meeting.meeting_date), col(Meeting.start_time), col(Meeting.id))
    return list(session.exec(query.order_by(*order)))


def get_meeting(*, session: Session, actor: Actor | None, meeting_id: int) -> MeetingView:
    """The meeting with the agenda items the caller may read (non-public TOPs filtered)."""
    meeting = session.exec(
        select(Meeting).where(Meeting.id == meeting_id, meeting_read_clause(actor))
    ).first()
    if meeting is None:
        raise not_found("Sitzung")
    items = list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        )
    )
    visible = [i for i in items if agenda_item_readable(session, actor, meeting, i)]
    return MeetingView(
        meeting=meeting,
        items=visible,
        notice=second_session_notice(session, meeting),
        complete=len(visible) == len(items),
    )


@dataclass(frozen=True)
class ResponseView:
    """A municipality's response with what its readers need beside it."""

    response: DecisionResponse
    municipality: str
    request: DecisionRequest
    municipality_title: str = ""  # "Gemeinde Ilsfeld", "Stadt Heilbronn": for headings


def list_decision_requests(
    *, session: Session, actor: Actor, limit: int = 50, cursor: str | None = None
) -> Page[DecisionRequest]:
    """The district's requests for its coordinators; for a municipality those sent to it."""
    return paginate(session, DecisionRequest, [decision_request_read_clause(actor)], limit, cursor)


def get_decision_request(*, session: Session, actor: Actor, request_id: int) -> DecisionRequest:
    request = session.exec(
        select(DecisionRequest).where(
            DecisionRequest.id == request_id, decision_request_read_clause(actor)
        )
    ).first()
    if request is None:
        raise not_found("Abfrage")
    return request


def list_decision_responses(
    *,
    session: Session,
    actor: Actor,
    request_id: int,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[ResponseView]:
    """The coordinator reads every municipality's response, a municipality its own only."""
    request = get_decision_request(session=session, actor=actor, request_id=request_id)
    where = [
        col(DecisionResponse.request_id) == request_id,
        decision_response_read_clause(actor),
    ]
    page: Page[DecisionResponse] = paginate(session, DecisionResponse, where, limit, cursor)
    ids = {r.municipality_id for r in page.items}
    towns = session.exec(select(Municipality).where(col(Municipality.id).in_(ids)))
    found = {m.id: m for m in towns}
    views = [
        ResponseView(r, town.name, request, municipality_title(town))
        if (town := found.get(r.municipality_id))
        else ResponseView(r, "", request)
        for r in page.items
    ]
    return Page(items=views, count=page.count, next_cursor=page.next_cursor)


def get_decision_response(*, session: Session, actor: Actor, response_id: int) -> ResponseView:
    response = session.exec(
        select(DecisionResponse).where(
            DecisionResponse.id == response_id, decision_response_read_clause(actor)
        )
    ).first()
    if response is None:
        raise not_found("Antwort")
    request = session.get(DecisionRequest, response.request_id)
    town = session.get(Municipality, response.municipality_id)
    assert request is not None
    assert town is not None
    return ResponseView(response, town.name, request, municipality_title(town))
