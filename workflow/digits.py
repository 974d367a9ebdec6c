"""Whole numbers as people type them: the digits 0 to 9 only."""

from __future__ import annotations


def is_digits(text: str) -> bool:
    """True for a non-empty run of 0-9. ``str.isdigit`` also accepts "²", which ``int``
    refuses (a 500 for any form with such input), and other scripts' digits, which ``int``
    reads as a number nobody typed."""
    return text.isascii() and text.isdigit()
