"""Bounds of the free text people write, one source for engine, API schemas and screens.

A reason or comment (absence, coming and going, Befangenheit, Absetzung, a transition's
comment, non-public treatment, urgency, a waived deadline) is quoted by the minutes, the
audit log and the documents: a longer one is refused with a German message, never cut, so
that every path (API, screen, CLI) meets the same bound in the engine.
"""

from __future__ import annotations

from workflow.errors import InvalidInput

MAX_REASON = 2_000
# A long text: a motion's wording, the deliberation notes, a council request's text.
MAX_TEXT = 20_000


def too_long(what: str, limit: int = MAX_REASON) -> str:
    """``Der Grund der Befangenheit ist zu lang: höchstens 2.000 Zeichen.``"""
    return f"{what} ist zu lang: höchstens {limit:,} Zeichen.".replace(",", ".")


def require_reason(text: str | None, *, what: str, field: str) -> None:
    """Refuse a reason above ``MAX_REASON`` (after trimming, as it is stored)."""
    if text is not None and len(text.strip()) > MAX_REASON:
        raise InvalidInput(too_long(what), field=field)
