"""Citations kept together on narrow screens: "§ 48 Abs. 1 Satz 8 GemO" breaks between its
parts, never after "§", "Abs." or "Satz" (on a phone "(§" stood alone at a line's end).

One rule, applied twice: to the templates' own text as they load (``Citations``, a Jinja
preprocessor), and to the engine's messages where the pages show them (the ``unbroken``
filter in the alert, error summary, field message, hint and blocked-reason slots). Not to
every output: a value put back into a form field must come back as the user typed it.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2.ext import Extension
from markupsafe import Markup

NBSP = "\u00a0"
# "§ 48", "§§ 18", "Abs. 1", "Satz 8", "S. 4", "Nr. 3", "Art. 28", each before its number.
_CITATION = re.compile(r"(?<![\w.])(§§?|Abs\.|Satz|S\.|Nr\.|Art\.) (?=\d)")


def _glue(text: str) -> str:
    return _CITATION.sub(lambda m: m.group(1) + NBSP, text)


def unbroken(value: Any) -> Any:
    """The text with a non-breaking space between each citation's word and its number;
    markup stays markup, anything else (None, a number) passes unchanged."""
    if isinstance(value, Markup):
        return Markup(_glue(str(value)))
    if isinstance(value, str):
        return _glue(value)
    return value


class Citations(Extension):
    """The same for the templates' literal text and string constants, once at load."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _glue(source)
