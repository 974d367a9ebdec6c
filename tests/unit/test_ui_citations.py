"""Citations keep together on narrow screens (api.ui.citations): a non-breaking space after
"§", "Abs.", "Satz" in the templates' text and the messages shown, never in a form's value."""

from __future__ import annotations

from markupsafe import Markup

from api.ui.citations import unbroken
from api.ui.web import templates

NB = "\u00a0"


def test_each_citation_word_holds_its_number() -> None:
    assert unbroken("(§ 48 Abs. 1 Satz 8 GemO)") == f"(§{NB}48 Abs.{NB}1 Satz{NB}8 GemO)"
    assert unbroken("§§ 187–193 BGB, § 35 Abs. 1 S. 4 GemO") == (
        f"§§{NB}187–193 BGB, §{NB}35 Abs.{NB}1 S.{NB}4 GemO"
    )
    assert unbroken("Vorlage Nr. 8/2024") == f"Vorlage Nr.{NB}8/2024"
    # words that only end like one, and citation words without a number, stay as they are
    for plain in ("Satzung 2024", "Hauptsatz 2", "GemO S. a", "der § des Gesetzes", "FS. 3"):
        assert unbroken(plain) == plain
    assert unbroken(None) is None
    marked = unbroken(Markup("<strong>§ 18</strong> GemO"))
    assert isinstance(marked, Markup)
    assert marked == Markup(f"<strong>§{NB}18</strong> GemO")


def test_templates_glue_their_own_text_and_shown_messages_but_not_form_values() -> None:
    page = templates.env.from_string(
        '{% from "macros/forms.html" import input with context %}'
        '{% from "macros/components.html" import alert with context %}'
        "<p>(§ 40 Abs. 4 GemO)</p>"
        "{{ alert('warning', message) }}"
        '{{ input("title", "Betreff", typed, {"title": message}, hint=hint) }}'
    ).render(
        message="Bitte (§ 48 Abs. 1 Satz 8 GemO) beachten",
        typed="Satzung nach § 5",
        hint="nach § 39 Abs. 2",
    )
    assert f"<p>(§{NB}40 Abs.{NB}4 GemO)</p>" in page
    assert page.count(f"Bitte (§{NB}48 Abs.{NB}1 Satz{NB}8 GemO) beachten") == 2  # alert, field
    assert f"nach §{NB}39 Abs.{NB}2" in page
    assert 'value="Satzung nach § 5"' in page, "what the user typed comes back unchanged"
