"""Documents as HTML: one Jinja2 template with a print stylesheet (also WeasyPrint's input)."""

from __future__ import annotations

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
