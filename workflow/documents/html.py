"""Documents as HTML: one Jinja2 template with a print stylesheet (also WeasyPrint's input)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape

from workflow.documents.model import Document, footer_label


@lru_cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("workflow.documents", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache
def stylesheet() -> str:
    return files("workflow.documents").joinpath("templates/print.css").read_text(encoding="utf-8")


_CM_PER = {"cm": 1.0, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72}


def page_margins() -> tuple[float, float, float, float]:
    """The ``@page`` margins of print.css in cm (top, right, bottom, left): the DOCX's
    pages get the PDF's (``docx_writer``)."""
    found = re.search(r"@page\s*\{[^{}]*?\bmargin:\s*([^;{}]+);", stylesheet())
    if found is None:
        raise ValueError("print.css: no margin in @page")
    values = [
        float(number) * _CM_PER[unit]
        for number, unit in re.findall(r"([\d.]+)(cm|mm|in|pt)", found.group(1))
    ]
    if not 1 <= len(values) <= 4 or len(values) != len(found.group(1).split()):
        raise ValueError(f"print.css: @page margin {found.group(1)!r} not in cm, mm, in or pt")
    # CSS's shorthand: a missing bottom is the top, a missing left the right
    top = values[0]
    right = values[1] if len(values) > 1 else top
    bottom = values[2] if len(values) > 2 else top
    left = values[3] if len(values) > 3 else right
    return top, right, bottom, left


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (``content:`` of a page's margin box): quotes and
    backslashes escaped, no line breaks, no ``<`` that could end the style element."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def render_html(document: Document, *, in_mappe: bool = False) -> str:
    """``in_mappe``: the document as a part of the Sitzungsmappe, without footers of its own
    (the Mappe's count its pages: ``render_mappe_footers_html``)."""
    template = environment().get_template("document.html.j2")
    return template.render(
        doc=document,
        css=stylesheet(),
        in_mappe=in_mappe,
        footer=css_string(footer_label(document)),
    )


def render_mappe_toc_html(
    *, title: str, municipality: str, entries: Sequence[tuple[str, int | None]]
) -> str:
    """Title and table of contents of the Sitzungsmappe: (label, first page or None for a
    file that is not part of the PDF)."""
    template = environment().get_template("mappe.html.j2")
    return template.render(
        title=title, municipality=municipality, entries=entries, css=stylesheet()
    )


def render_mappe_footers_html(*, pages: int, total: int) -> str:
    """Blank pages with only the Sitzungsmappe's footers, "Sitzungsmappe, Seite 5 von 64",
    to be laid over its first ``pages`` pages once its ``total`` is known."""
    template = environment().get_template("mappe_footers.html.j2")
    return template.render(pages=pages, total=total, css=stylesheet())
