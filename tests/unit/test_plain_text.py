"""A document as e-mail text: signatures close it as a letter does, quotes nest."""

from __future__ import annotations

from workflow.documents.german import quoted
from workflow.documents.model import (
    Document,
    Paragraph,
    Signature,
    Signatures,
    document_label,
    plain_text,
)


def test_signatures_read_as_a_letter_closes() -> None:
    document = Document(
        kind="einladung",
        title="Einladung",
        municipality="Ilsfeld",
        filename="einladung",
        blocks=(
            Paragraph("Mit freundlichen Grüßen"),
            Signatures(
                entries=(
                    Signature("Bürgermeisterin", "Beate Beispiel", "gez. am 15.04.2024"),
                    Signature("Schriftführung", ""),
                )
            ),
        ),
    )
    text = plain_text(document)
    assert "Beate Beispiel (gez. am 15.04.2024)\nBürgermeisterin\n" in text
    assert "Schriftführung: ____________________" in text  # no name: a line to sign on
    assert "Bürgermeisterin:" not in text


def test_quotes_inside_a_quoted_title_become_single_ones() -> None:
    assert quoted("Bebauungsplan „Schozachtal-Süd“ – Aufstellungsbeschluss") == (
        "„Bebauungsplan ‚Schozachtal-Süd‘ – Aufstellungsbeschluss“"
    )
    assert quoted("Kreisradwegekonzept") == "„Kreisradwegekonzept“"


def test_a_document_is_labelled_as_one_line() -> None:
    invitation = Document(
        kind="einladung",
        title="Einladung",
        municipality="Ilsfeld",
        filename="einladung",
        blocks=(),
        subtitle="zur Sitzung des Gemeinderats am 23.04.2024",
    )
    assert document_label(invitation) == "Einladung zur Sitzung des Gemeinderats am 23.04.2024"
    vorlage = Document(
        kind="vorlage", title="Vorlage", municipality="Ilsfeld", filename="v", blocks=(),
        subtitle="Nr. 8/2024",
    )  # fmt: skip
    assert document_label(vorlage) == "Vorlage – Nr. 8/2024"
