"""Aufgabengebiete of the beschließende Ausschüsse and the subject a Vorlage belongs to.

§ 39 Abs. 1 S. 1 GemO: the Hauptsatzung gives each beschließender Ausschuss its
Aufgabengebiet. Ratsflow keeps a small catalogue of subjects; a committee's remit is a list
of its keys (``Body.remit``), a Vorlage names one (``Proposal.subject``). Which committee
has which subjects is local law and so data, set per body (admin API, demo setup).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    """One Aufgabengebiet as a Hauptsatzung lists it."""

    key: str
    label: str


_CATALOGUE = (
    Subject("bauwesen", "Bauwesen und Bauleitplanung"),
    Subject("umwelt", "Umwelt, Natur- und Klimaschutz"),
    Subject("tiefbau", "Tiefbau, Straßen und Verkehr"),
    Subject("versorgung", "Wasserversorgung und Abwasserbeseitigung"),
    Subject("finanzen", "Finanzen und Haushalt"),
    Subject("liegenschaften", "Grundstücke und Liegenschaften"),
    Subject("personal", "Personalangelegenheiten"),
    Subject("soziales", "Soziales, Jugend und Senioren"),
    Subject("bildung", "Schulen und Kinderbetreuung"),
    Subject("kultur", "Kultur, Sport und Vereine"),
    Subject("ordnung", "Öffentliche Sicherheit und Ordnung"),
    Subject("wirtschaft", "Wirtschaftsförderung und Tourismus"),
)

SUBJECTS: dict[str, Subject] = {s.key: s for s in _CATALOGUE}
