"""The "Prüfbericht zur Rechtmäßigkeit" as a ``Document`` for the existing renderer (PDF, DOCX).

It carries the head of every audit chain it rests on (instance, sequence number, hash): a
later reader runs ``ratsflow audit verify`` and compares the heads, and so knows that the
evidence cited by sequence number was not changed since.
"""

from __future__ import annotations

from datetime import date

from workflow.documents import german
from workflow.documents.model import Block, Document, Fields, Heading, Paragraph, Table
from workflow.legality.model import Report

KIND_LABELS = {
    "vote": "Abstimmung in einer Sitzung",
    "urgent": "Eilentscheidung (§ 43 Abs. 4 GemO)",
    "circulation": "Umlaufverfahren (§ 37 Abs. 1 Satz 2 GemO)",
    "mayor": "Entscheidung anstelle des Gemeinderats (§ 37 Abs. 4 GemO)",
}
CHAIN_LABELS = {"proposal": "Vorlage", "meeting": "Sitzung"}


def build_pruefbericht(report: Report, *, checked_on: date) -> Document:
    blocks: list[Block] = [
        Fields(
            rows=(
                ("Vorlage", f"{report.proposal_label}: {report.title}"),
                ("Beschlossen von", report.body or "–"),
                ("Beschlussdatum", german.day(report.decided_on)),
                ("Art", KIND_LABELS.get(report.kind, report.kind)),
                (
                    "Ergebnis",
                    "beschlossen" if report.adopted else "abgelehnt",
                ),  # as the Niederschrift
                ("Geprüft am", german.day(checked_on)),
                ("Gesamtergebnis", report.summary()),
            )
        ),
        Heading("Prüfungen", 2),
        Table(
            header=("Anforderung", "Vorschrift", "Ergebnis", "Feststellung"),
            rows=tuple((c.title, c.paragraph, c.result, c.explanation) for c in report.ordered),
        ),
    ]
    risky = [c for c in report.ordered if c.at_risk]
    if risky:
        blocks.append(Heading("Folgen", 2))
        for check in risky:
            text = f"{check.title} ({check.paragraph}): {check.consequence or '–'}"
            if check.cure_date is not None:
                text += f" Heilung: {german.day(check.cure_date)}."
            blocks.append(Paragraph(text, "note"))
    blocks.append(Heading("Nachweise", 2))
    evidence_rows = [(c.title, e.text) for c in report.ordered for e in c.evidence]
    if evidence_rows:
        blocks.append(Table(header=("Anforderung", "Nachweis"), rows=tuple(evidence_rows)))
    else:
        blocks.append(Paragraph("Keine Protokollereignisse zitiert."))
    blocks.append(Heading("Protokollketten", 2))
    blocks.append(
        Paragraph(
            "Der Bericht beruht auf den folgenden Hash-Ketten des Protokolls. Mit "
            "„ratsflow audit verify“ lässt sich prüfen, dass sie unversehrt sind; stimmen "
            "Sequenznummer und Hash des Kopfes überein, sind die zitierten Ereignisse "
            "unverändert."
        )
    )
    blocks.append(
        Table(
            header=("Kette", "Letztes Ereignis", "Hash"),
            rows=tuple(
                (
                    h.label
                    or f"{CHAIN_LABELS.get(h.instance_type, h.instance_type)} {h.instance_id}",
                    str(h.seq),
                    h.hash,
                )
                for h in report.chains
            ),
        )
    )
    return Document(
        kind="pruefbericht",
        title="Prüfbericht zur Rechtmäßigkeit",
        subtitle=f"Beschluss zur Vorlage {report.proposal_label} vom "
        f"{german.day(report.decided_on)}",
        municipality=report.letterhead,
        blocks=tuple(blocks),
        filename=f"pruefbericht-{report.proposal_label.replace('/', '-')}-"
        f"beschluss-{report.resolution_id}",
        public=report.public,
    )
