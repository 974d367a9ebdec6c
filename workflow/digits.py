"""Whole numbers as people type them: the digits 0 to 9 only, within the column's range."""

from __future__ import annotations

# The largest id, version or count a 32-bit INTEGER column holds (PostgreSQL's int4; SQLite
# refuses anything beyond 64 bits with an OverflowError, a 500).
MAX_ID = 2_147_483_647


def is_digits(text: str) -> bool:
    """True for a non-empty run of 0-9. ``str.isdigit`` also accepts "²", which ``int``
    refuses (a 500 for any form with such input), and other scripts' digits, which ``int``
    reads as a number nobody typed."""
    return text.isascii() and text.isdigit()


def as_number(text: str, *, low: int = 0, high: int) -> int | None:
    """The number ``text`` spells in 0-9, or None if it spells none in ``low``..``high``.

    Every form field that becomes an integer is read here, so a typed
    "99999999999999999999" is the field's own "invalid" case rather than an overflow in
    the database. Long text is refused before ``int`` (which refuses over 4300 digits)."""
    if not is_digits(text) or len(text.lstrip("0")) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def as_id(text: str) -> int | None:
    """An id (or version) typed or posted by a form: 1 to ``MAX_ID``, else None."""
    return as_number(text, low=1, high=MAX_ID)
