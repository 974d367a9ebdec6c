"""Documents as HTML: one Jinja2 template with a print stylesheet (also WeasyPrint's input)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape

from workflow.documents.model import Document


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


def render_html(document: Document, first_page: int | None = None) -> str:
    """``first_page``: the document as a part of the Sitzungsmappe, its pages numbered as the
    Mappe's contents count them (the part's first page is that page of the whole)."""
    template = environment().get_template("document.html.j2")
    return template.render(doc=document, css=stylesheet(), first_page=first_page)


def render_mappe_toc_html(
    *, title: str, municipality: str, entries: Sequence[tuple[str, int | None]]
) -> str:
    """Title and table of contents of the Sitzungsmappe: (label, first page or None for a
    file that is not part of the PDF)."""
    template = environment().get_template("mappe.html.j2")
    return template.render(
        title=title, municipality=municipality, entries=entries, css=stylesheet()
    )
