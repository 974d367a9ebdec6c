"""German alphabetical order for names people look up in a list (municipalities first).

Python and the databases compare code points: "Gundelsheim" comes before "Güglingen" (ü
sorts after every plain letter) and every lower-case name after every capitalised one. A
reader expects the telephone-book order of DIN 5007-1 instead: an umlaut files as its base
letter (ä as a, ö as o, ü as u), ß as ss, and case does not count.
"""

from __future__ import annotations

import unicodedata


def german_key(text: str) -> tuple[str, str]:
    """Sort key for ``sorted(..., key=german_key)``: the folded name, then the name itself,
    so that names folding alike ("Mühlhausen", "Muhlhausen") still have one fixed order."""
    decomposed = unicodedata.normalize("NFD", text.casefold())  # casefold: ß → ss
    return "".join(c for c in decomposed if not unicodedata.combining(c)), text
