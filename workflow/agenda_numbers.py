"""TOP numbers as the members read them: 1, 2 … in the public part, NÖ 1, NÖ 2 … in the
non-public part (§ 35 GemO), the same on every page, document, e-mail and calendar. The
public agenda does not reveal how many non-public items there are; ``AgendaItem.position``
is only the order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from workflow.models import AgendaItem


def numbered(items: Sequence[AgendaItem], public: bool) -> list[tuple[str, AgendaItem]]:
    """The items of one part with their numbers, in agenda order (removed ones left out)."""
    part = [i for i in sorted(items, key=_order) if i.public == public and not i.removed]
    prefix = "" if public else "NÖ "
    return [(f"{prefix}{n}", item) for n, item in enumerate(part, start=1)]


def session_key(public: bool, position: int, item_id: int | None) -> tuple[bool, int, int]:
    """Where an item comes in the session: the public part, then the non-public one ("Im
    Anschluss findet eine nichtöffentliche Sitzung statt"), each in its agenda order."""
    return not public, position, item_id or 0


def in_session_order(items: Sequence[AgendaItem]) -> list[AgendaItem]:
    """The items in the order of deliberation (``session_key``)."""
    return sorted(items, key=lambda i: session_key(i.public, i.position, i.id))


def top_numbers(items: Sequence[AgendaItem]) -> dict[int, str]:
    """Every live item's number by its id."""
    return {
        item.id or 0: number for public in (True, False) for number, item in numbered(items, public)
    }


def top_number(session: Session, item: AgendaItem) -> str:
    """One item's number in its meeting's agenda ("–" once it is taken off)."""
    live = session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id, ~col(AgendaItem.removed))
    )
    return top_numbers(list(live)).get(item.id or 0, "–")


def _order(item: AgendaItem) -> tuple[int, int]:
    return item.position, item.id or 0
