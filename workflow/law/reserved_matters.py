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


# The wording of § 39 Abs. 2 GemO (as amended 18.11.2025), number by number; the labels are
# the statute's words in the nominative, so a form or a refusal names the matter as the law does.
_CATALOGUE = (
    ReservedMatter(
        "appointments",
        1,
        "Bestellung der Mitglieder von Ausschüssen des Gemeinderats, der Stellvertreter des "
        "Bürgermeisters, der Beigeordneten sowie Angelegenheiten nach § 24 Abs. 2 Satz 1 bei "
        "leitenden Gemeindebediensteten",
    ),
    ReservedMatter("voluntary_tasks", 2, "Übernahme freiwilliger Aufgaben"),
    ReservedMatter("bylaws", 3, "Erlass von Satzungen und Rechtsverordnungen"),
    ReservedMatter("boundary_change", 4, "Änderung des Gemeindegebiets"),
    ReservedMatter(
        "citizens_decision",
        5,
        "Entscheidung über die Durchführung eines Bürgerentscheids oder die Zulässigkeit "
        "eines Bürgerbegehrens",
    ),
    ReservedMatter("honorary_citizenship", 6, "Verleihung und Entzug des Ehrenbürgerrechts"),
    ReservedMatter(
        "staff_regulations",
        7,
        "Regelung der allgemeinen Rechtsverhältnisse der Gemeindebediensteten",
    ),
    ReservedMatter("delegation_to_mayor", 8, "Übertragung von Aufgaben auf den Bürgermeister"),
    ReservedMatter(
        "deputy_portfolios", 9, "Einvernehmen zur Abgrenzung der Geschäftskreise der Beigeordneten"
    ),
    ReservedMatter(
        "asset_disposal",
        10,
        "Verfügung über Gemeindevermögen, die für die Gemeinde von erheblicher "
        "wirtschaftlicher Bedeutung ist",
    ),
    ReservedMatter(
        "public_facilities",
        11,
        "Errichtung, wesentliche Erweiterung und Aufhebung von öffentlichen Einrichtungen und "
        "von Unternehmen sowie die Beteiligung an solchen",
    ),
    ReservedMatter(
        "legal_form_change",
        12,
        "Umwandlung der Rechtsform von öffentlichen Einrichtungen und von Unternehmen der "
        "Gemeinde und von solchen, an denen die Gemeinde beteiligt ist",
    ),
    ReservedMatter(
        "securities",
        13,
        "Bestellung von Sicherheiten, Übernahme von Bürgschaften und von Verpflichtungen aus "
        "Gewährverträgen und Abschluss der ihnen wirtschaftlich gleichkommenden "
        "Rechtsgeschäfte, soweit sie für die Gemeinde von erheblicher wirtschaftlicher "
        "Bedeutung sind",
    ),
    ReservedMatter(
        "budget",
        14,
        "Erlass der Haushaltssatzung und der Nachtragshaushaltssatzungen, Feststellung des "
        "Jahresabschlusses und des Erweiterten Beteiligungsberichts, Wirtschaftspläne und "
        "Feststellung des Jahresabschlusses von Sondervermögen",
    ),
    ReservedMatter("levies", 15, "Allgemeine Festsetzung von Abgaben"),
    ReservedMatter(
        "waivers_and_litigation",
        16,
        "Verzicht auf Ansprüche der Gemeinde und Niederschlagung solcher Ansprüche, Führung "
        "von Rechtsstreiten und Abschluss von Vergleichen, soweit sie für die Gemeinde von "
        "erheblicher wirtschaftlicher Bedeutung sind",
    ),
    ReservedMatter(
        "special_purpose_associations", 17, "Beitritt zu Zweckverbänden und Austritt aus diesen"
    ),
    ReservedMatter("audit_office", 18, "Übertragung von Aufgaben auf das Rechnungsprüfungsamt"),
    ReservedMatter(
        "forestry_office",
        19,
        "Beteiligung an einem körperschaftlichen Forstamt nach § 47a des Landeswaldgesetzes",
    ),
)

RESERVED_MATTERS: dict[str, ReservedMatter] = {m.key: m for m in _CATALOGUE}
