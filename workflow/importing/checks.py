"""Comparing texts for the inconsistencies a Vorlage is imported with (reported, never
resolved silently)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Final

_MAX_DIFF_CHUNKS: Final = 3


def _shorten(words: Sequence[str], limit: int = 8) -> str:
    if len(words) > limit:
        return " ".join([*words[:4], "…", *words[-3:]])
    return " ".join(words)


def diff_hint(a: str, b: str) -> tuple[str, str, int]:
    """Wortweiser Unterschied: Ausschnitte beider Texte und Zahl der nicht gezeigten Stellen."""
    wa, wb = a.split(), b.split()
    matcher = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    chunks = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    parts_a: list[str] = []
    parts_b: list[str] = []
    for _tag, i1, i2, j1, j2 in chunks[:_MAX_DIFF_CHUNKS]:
        if i1 == i2 or j1 == j2:
            # Einfügung/Löschung: je ein Wort Kontext, damit keine Seite leer bleibt.
            i1, i2 = max(i1 - 1, 0), min(i2 + 1, len(wa))
            j1, j2 = max(j1 - 1, 0), min(j2 + 1, len(wb))
        parts_a.append(_shorten(wa[i1:i2]))
        parts_b.append(_shorten(wb[j1:j2]))
    return (
        "…" + "…".join(parts_a) + "…",
        "…" + "…".join(parts_b) + "…",
        max(len(chunks) - _MAX_DIFF_CHUNKS, 0),
    )
