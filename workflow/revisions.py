"""Fassungen of a Vorlage: the content at each submission, and how two of them differ.

A Vorlage returned with a comment (by a co-signer or the mayor) is revised by its author and
submitted again; each submission keeps a snapshot, so what was co-signed and released stays
on record and the changes between two Fassungen can be shown word by word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import bindparam, insert
from sqlmodel import Session, col, func, select

from workflow.db import memo, remember
from workflow.documents import german
from workflow.law.budget_coverage import format_euro
from workflow.loaded_rows import Rider
from workflow.models import Proposal
from workflow.models.proposal import PROPOSAL_KINDS, ProposalRevision
from workflow.queries import bodies_of, steps

# The content fields of a Fassung in the order they are shown, with their German labels.
FIELDS: dict[str, str] = {
    "title": "Betreff",
    "kind": "Art der Vorlage",
    "resolution_text": "Beschlussvorschlag",
    "facts": "Sachvortrag",
    "file_reference": "Aktenzeichen",
    "department": "Amt",
    "author_name": "Verfasser/in",
    "budget_line": "Haushaltsstelle",
    "covered_by_budget": "Im Haushalt veranschlagt",
    "covered_amount": "Veranschlagter Betrag",
    "remaining_amount": "Verfügbare Mittel",
    "unplanned_amount": "Außer-/überplanmäßiger Betrag",
    "unplanned_coverage": "Deckung",
    "public": "Öffentlich",
    "non_public_reason": "Grund der nichtöffentlichen Behandlung",
    "bias_notes": "Hinweise zur Befangenheit",
    "consultation_plan": "Beratungsfolge",
}
AMOUNTS = ("covered_amount", "remaining_amount", "unplanned_amount")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(session: Session, proposal: Proposal) -> dict[str, Any]:
    """The content as JSON: the fields above and the Beratungsfolge in words."""
    content = {
        name: _plain(getattr(proposal, name)) for name in FIELDS if name != "consultation_plan"
    }
    names = {i: b.name for i, b in bodies_of(session, proposal.municipality_id).items()}
    content["consultation_plan"] = [
        {
            "position": s.position,
            "body": names.get(s.body_id, str(s.body_id)),
            "role": "beschließend" if s.decides else "vorberatend",
            "planned_date": s.planned_date.isoformat() if s.planned_date else None,
            "public": s.public,
        }
        for s in steps(session, proposal.id or 0)
    ]
    return content


_REVISIONS: Any = ProposalRevision.__table__  # type: ignore[attr-defined]
_COLUMNS = ("proposal_id", "number", "created_at", "created_by", "content")
_INSERT = insert(_REVISIONS)


def next_number(proposal_id: Any) -> Any:
    """The number the Vorlage ``proposal_id`` (a column or a parameter) gives its next
    Fassung, as a scalar subquery: a firing reads it with the Vorlage (issue 14)."""
    return (
        select(func.coalesce(func.max(_REVISIONS.c.number), 0) + 1)
        .where(_REVISIONS.c.proposal_id == proposal_id)
        .scalar_subquery()
    )


_NEXT_NUMBER = select(next_number(bindparam("proposal_id")))


def add_revision(
    session: Session,
    proposal: Proposal,
    *,
    by: str,
    now: datetime,
    riding: list[Rider] | None = None,
) -> int:
    """Keep the content as the next Fassung (1, 2, …) and return its number.

    The number comes with the firing's first query (``next_number``, remembered for the
    firing) or from a query of its own. With ``riding`` (a firing's riders) the INSERT goes
    out with the Vorlage's versioned UPDATE, written only if that wins (issue 14): two
    firings that read the same number cannot both write it, the loser gets 409, not a
    unique violation. A second Fassung in the same firing is written at once, numbered
    after the one riding."""
    key = (ProposalRevision, proposal.id or 0)
    number = memo(
        session,
        key,
        lambda: int(session.execute(_NEXT_NUMBER, {"proposal_id": proposal.id}).scalar_one()),
    )
    row = {
        "proposal_id": proposal.id or 0,
        "number": number,
        "created_at": now,
        "created_by": by,
        "content": snapshot(session, proposal),
    }
    remember(session, key, number + 1)
    if riding is not None and not any(r.ctes is _riding_revision for r in riding):
        params = {f"r_{name}": value for name, value in row.items()}
        riding.append(Rider(_riding_revision, params, lambda apart: _write(apart, row)))
    else:
        _write(session, row)
    return number


def _write(session: Session, row: dict[str, Any]) -> None:
    session.execute(_INSERT, row)


def _riding_revision(bumped: Any) -> list[Any]:
    """The Fassung's INSERT as a CTE written only if ``bumped`` returned its row."""
    values = [bindparam(f"r_{name}", type_=_REVISIONS.c[name].type) for name in _COLUMNS]
    won = select(bumped).exists()
    return [_INSERT.from_select(_COLUMNS, select(*values).where(won)).cte("riding_revision")]


def revisions_of(session: Session, proposal_id: int) -> list[ProposalRevision]:
    return list(
        session.exec(
            select(ProposalRevision)
            .where(ProposalRevision.proposal_id == proposal_id)
            .order_by(col(ProposalRevision.number))
        )
    )


def field_text(name: str, value: Any) -> str:
    """A field's value as the text compared and shown (German words for flags)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if name == "kind":
        return PROPOSAL_KINDS.get(str(value), str(value))
    if name in AMOUNTS:
        try:
            return format_euro(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if name == "consultation_plan" and isinstance(value, list):
        lines = []
        for step in value:
            if not isinstance(step, dict):
                continue
            planned = step.get("planned_date")
            when = f", geplant am {_german_date(str(planned))}" if planned else ""
            public = "öffentlich" if step.get("public") else "nichtöffentlich"
            lines.append(
                f"{step.get('position')}. {step.get('body')} ({step.get('role')}, {public}{when})"
            )
        return "\n".join(lines)
    return str(value)


def _german_date(iso: str) -> str:
    try:
        return german.day(date.fromisoformat(iso))
    except ValueError:
        return iso


@dataclass(frozen=True)
class Piece:
    """One run of a compared text: ``equal``, ``insert`` (only in the newer Fassung) or
    ``delete`` (only in the older)."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    pieces: tuple[Piece, ...]


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """Words and the whitespace between them (line breaks kept) as equal/insert/delete runs;
    a mere space between two changes joins them, so a rewritten phrase reads as one
    deletion and one insertion, not word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[tuple[str, str, str]] = []  # (op, old text, new text)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for opcode, i1, i2, j1, j2 in matcher.get_opcodes():
        runs.append((opcode, "".join(a[i1:i2]), "".join(b[j1:j2])))
    merged: list[tuple[str, str, str]] = []
    for i, (op, gone, added) in enumerate(runs):
        between = 0 < i < len(runs) - 1 and runs[i - 1][0] != "equal" != runs[i + 1][0]
        if op == "equal" and not (between and gone.isspace()):
            merged.append((op, gone, added))
        elif merged and merged[-1][0] == "replace":
            _, before, after = merged[-1]
            merged[-1] = ("replace", before + gone, after + added)
        else:
            merged.append(("replace", gone, added))
    pieces: list[Piece] = []
    for op, gone, added in merged:
        if op == "equal":
            pieces.append(Piece("equal", gone))
        else:
            pieces += [Piece("delete", gone), Piece("insert", added)]
    return tuple(p for p in pieces if p.text)


def compare(older: dict[str, Any], newer: dict[str, Any]) -> list[FieldDiff]:
    """Every content field of two Fassungen, changed or not, with its word diff."""
    result = []
    for name, label in FIELDS.items():
        old, new = field_text(name, older.get(name)), field_text(name, newer.get(name))
        result.append(FieldDiff(name, label, old != new, word_diff(old, new)))
    return result
