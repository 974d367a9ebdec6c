"""OParl external lists (spec 2.7): filters, deleted objects, stable order and pages.

``created_since``/``created_until``/``modified_since``/``modified_until`` take a full
date-time; ``limit`` is a hint (1–500); ``omit_internal`` drops embedded lists; the active
filters are carried into every ``links`` URL. Deleted objects are listed only when
``modified_since`` is given (2.8).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from workflow.digits import is_digits

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


class BadFilter(ValueError):
    """A filter value the server cannot read; the message is German, for users."""


@dataclass
class Entry:
    key: int | str
    created: datetime
    modified: datetime
    deleted: bool
    build: Callable[[], dict[str, Any]]


@dataclass
class Query:
    bounds: dict[str, datetime]
    limit: int
    page: int
    omit_internal: bool
    raw: dict[str, str]  # what goes back into links


def _moment(name: str, text: str, tz: ZoneInfo) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError as exc:
        raise BadFilter(
            f"Der Filter {name} braucht Datum und Uhrzeit, z. B. 2024-04-01T00:00:00+02:00."
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _int(name: str, text: str, low: int, high: int, default: int) -> int:
    if not is_digits(text) or len(text) > 9:
        raise BadFilter(f"{name} muss eine positive ganze Zahl sein.")
    return min(max(int(text), low), high) if text else default


def parse(params: Mapping[str, str], tz: ZoneInfo) -> Query:
    bounds = {n: _moment(n, params[n], tz) for n in FILTERS if params.get(n)}
    limit = (
        _int("limit", params["limit"], 1, MAX_LIMIT, DEFAULT_LIMIT)
        if params.get("limit")
        else DEFAULT_LIMIT
    )
    page = _int("page", params["page"], 1, 10**9, 1) if params.get("page") else 1
    omit = params.get("omit_internal", "").lower() == "true"
    raw = {n: params[n] for n in FILTERS if params.get(n)}
    if params.get("limit"):
        raw["limit"] = str(limit)
    if omit:
        raw["omit_internal"] = "true"
    return Query(bounds=bounds, limit=limit, page=page, omit_internal=omit, raw=raw)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _keep(entry: Entry, q: Query) -> bool:
    if entry.deleted and "modified_since" not in q.bounds:
        return False
    created, modified = _aware(entry.created), _aware(entry.modified)
    b = q.bounds
    return not (
        ("created_since" in b and created < b["created_since"])
        or ("created_until" in b and created > b["created_until"])
        or ("modified_since" in b and modified < b["modified_since"])
        or ("modified_until" in b and modified > b["modified_until"])
    )


def page(url: str, entries: list[Entry], q: Query, web: str | None = None) -> dict[str, Any]:
    """One page of the list at ``url``: ``data``, ``pagination`` and ``links``."""
    kept = sorted((e for e in entries if _keep(e, q)), key=lambda e: (str(type(e.key)), e.key))
    total = len(kept)
    pages = max(1, -(-total // q.limit))
    current = min(q.page, pages)
    chunk = kept[(current - 1) * q.limit : current * q.limit]

    def link(number: int) -> str:
        query = {**q.raw, **({"page": str(number)} if number > 1 else {})}
        return f"{url}?{urlencode(query)}" if query else url

    links: dict[str, str] = {"first": link(1), "self": link(current), "last": link(pages)}
    if current > 1:
        links["prev"] = link(current - 1)
    if current < pages:
        links["next"] = link(current + 1)
    if web:
        links["web"] = web
    return {
        "data": [e.build() for e in chunk],
        "pagination": {
            "totalElements": total,
            "elementsPerPage": q.limit,
            "currentPage": current,
            "totalPages": pages,
        },
        "links": links,
    }
