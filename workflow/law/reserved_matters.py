"""Matters the Gemeinderat cannot delegate (§ 39 Abs. 2 Nr. 1–19, § 44 Abs. 2 S. 3 GemO)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReservedMatter:
    """One number of the statutory list; a Vorlage tagged with it is decided by the council.

    Neither a beschließender Ausschuss (§ 39 Abs. 2) nor the mayor by delegation (§ 44 Abs. 2
    S. 3) nor an Ortschaftsrat (§ 70 Abs. 2) may take it; the Eilentscheidung of § 43
    Abs. 4 stays possible, since the mayor then decides in the council's place.
    """

    key: str
    number: int
    label: str

    @property
    def citation(self) -> str:
        return f"§ 39 Abs. 2 Nr. {self.number} GemO"


_CATALOGUE = (
    ReservedMatter(
        "appointments",
        1,
        "Bestellung der Mitglieder von Ausschüssen, der Stellvertreter des Bürgermeisters "
        "und der Beigeordneten",
    ),
    ReservedMatter("voluntary_tasks", 2, "Übernahme freiwilliger Aufgaben"),
    ReservedMatter("bylaws", 3, "Erlass von Satzungen und Rechtsverordnungen"),
    ReservedMatter("boundary_change", 4, "Änderung des Gemeindegebiets"),
    ReservedMatter(
        "citizens_decision",
        5,
        "Durchführung eines Bürgerentscheids oder Zulässigkeit eines Bürgerbegehrens",
    ),
    ReservedMatter("honorary_citizenship", 6, "Verleihung und Entzug des Ehrenbürgerrechts"),
    ReservedMatter(
        "staff_regulations", 7, "Regelung der allgemeinen Rechtsverhältnisse der Bediensteten"
    ),
    ReservedMatter("delegation_to_mayor", 8, "Übertragung von Aufgaben auf den Bürgermeister"),
    ReservedMatter(
        "deputy_portfolios", 9, "Zustimmung zur Abgrenzung der Geschäftskreise der Beigeordneten"
    ),
    ReservedMatter(
        "asset_disposal",
        10,
        "Verfügung über Gemeindevermögen von erheblicher wirtschaftlicher Bedeutung",
    ),
    ReservedMatter(
        "public_facilities",
        11,
        "Errichtung, wesentliche Erweiterung und Aufhebung öffentlicher Einrichtungen und "
        "Unternehmen sowie die Beteiligung an solchen",
    ),
    ReservedMatter(
        "legal_form_change",
        12,
        "Umwandlung der Rechtsform von Gemeindeeinrichtungen und Unternehmen",
    ),
    ReservedMatter(
        "securities",
        13,
        "Sicherheiten, Bürgschaften und Gewährverträge von erheblicher wirtschaftlicher Bedeutung",
    ),
    ReservedMatter(
        "budget",
        14,
        "Haushaltssatzung und Nachtragshaushaltssatzungen, Jahres- und Gesamtabschluss, "
        "Wirtschaftspläne und Jahresabschlüsse von Sondervermögen",
    ),
    ReservedMatter("levies", 15, "Allgemeine Festsetzung von Abgaben"),
    ReservedMatter(
        "waivers_and_litigation",
        16,
        "Verzicht auf und Niederschlagung von Ansprüchen, Rechtsstreite und Vergleiche von "
        "erheblicher Bedeutung",
    ),
    ReservedMatter(
        "special_purpose_associations", 17, "Beitritt zu und Austritt aus Zweckverbänden"
    ),
    ReservedMatter("audit_office", 18, "Übertragung von Aufgaben auf das Rechnungsprüfungsamt"),
    ReservedMatter("forestry_office", 19, "Bildung eines körperschaftlichen Forstamts"),
)

RESERVED_MATTERS: dict[str, ReservedMatter] = {m.key: m for m in _CATALOGUE}
