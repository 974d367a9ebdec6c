"""Rechtsaufsichtsbehörde and the ground of the mayor's objection (§§ 43, 119, 121 GemO)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from workflow.models import District, Municipality

# § 43 Abs. 2 S. 1 GemO: the mayor "muss" object to an unlawful resolution and "kann" object
# to one that is detrimental to the municipality; only the first may go on to the
# Rechtsaufsichtsbehörde after the council decided again (S. 5).
OBJECTION_GROUNDS = {
    "unlawful": "rechtswidrig (§ 43 Abs. 2 Satz 1 GemO: Widerspruch ist Pflicht)",
    "detrimental": "für die Gemeinde nachteilig (§ 43 Abs. 2 Satz 1 GemO: Widerspruch möglich)",
}
GROUND_WORDS = {"unlawful": "rechtswidrig", "detrimental": "nachteilig"}

# Municipality setting (Hauptsatzung/status): which authority supervises it, § 119 GemO.
STATUS_SETTING = "municipal_status"
AUTHORITY_NAME_SETTING = "supervisory_authority_name"
STATUSES = {
    "gemeinde": "Gemeinde",
    # a Gemeinde with the title "Stadt" (§ 5 Abs. 2 GemO): named so, supervised as any Gemeinde
    "stadt": "Stadt (Gemeinde mit der Bezeichnung Stadt)",
    "grosse_kreisstadt": "Große Kreisstadt",
    "stadtkreis": "Stadtkreis",
}
# Supervised by the Landratsamt (§ 119 S. 1 GemO); the others by the Regierungspräsidium.
UNDER_LANDRATSAMT = frozenset({"gemeinde", "stadt"})

# Municipality setting: the mayor's title as labels name him or her. § 42 Abs. 4 GemO: in
# Stadtkreisen and Großen Kreisstädten the mayor is "Oberbürgermeister"; the form for a
# woman is chosen by the admin (no gender is kept on users or people).
MAYOR_TITLE_SETTING = "mayor_title"
MAYOR_TITLES = ("Bürgermeister", "Bürgermeisterin", "Oberbürgermeister", "Oberbürgermeisterin")
FEMININE_MAYOR_TITLES = frozenset({"Bürgermeisterin", "Oberbürgermeisterin"})


@dataclass(frozen=True)
class Authority:
    """``kind`` is "landratsamt" or "regierungspraesidium"."""

    kind: str
    name: str

    @property
    def citation(self) -> str:
        return "§ 119 GemO"


def municipal_status(municipality: Municipality) -> str:
    value = (municipality.settings or {}).get(STATUS_SETTING)
    return value if isinstance(value, str) and value in STATUSES else "gemeinde"


def default_mayor_title(status: str) -> str:
    """§ 42 Abs. 4 GemO: Oberbürgermeister in a Stadtkreis or Große Kreisstadt."""
    return "Bürgermeister" if status in UNDER_LANDRATSAMT else "Oberbürgermeister"


def mayor_title(municipality: Municipality) -> str:
    """``Bürgermeisterin``, ``Oberbürgermeister``: the title set for the municipality, else
    the one its status gives (§ 42 Abs. 4 GemO)."""
    value = (municipality.settings or {}).get(MAYOR_TITLE_SETTING)
    if isinstance(value, str) and value in MAYOR_TITLES:
        return value
    return default_mayor_title(municipal_status(municipality))


def municipality_title(municipality: Municipality) -> str:
    """``Gemeinde Ilsfeld``, ``Stadt Neckarsulm``: how the municipality names itself in its
    letterhead. Große Kreisstädte and Stadtkreise are Städte (§ 3 GemO), and so is a
    Gemeinde that holds the title "Stadt" (§ 5 Abs. 2 GemO, status ``stadt``)."""
    kind = "Gemeinde" if municipal_status(municipality) == "gemeinde" else "Stadt"
    return f"{kind} {municipality.name}"


def supervisory_authority(session: Session, municipality: Municipality) -> Authority:
    """§ 119 S. 1 GemO: the Landratsamt as untere Verwaltungsbehörde; for Stadtkreise and
    Große Kreisstädte the Regierungspräsidium. A configured name wins (e.g.
    "Regierungspräsidium Stuttgart")."""
    status = municipal_status(municipality)
    kind = "landratsamt" if status in UNDER_LANDRATSAMT else "regierungspraesidium"
    configured = (municipality.settings or {}).get(AUTHORITY_NAME_SETTING)
    if isinstance(configured, str) and configured.strip():
        return Authority(kind, configured.strip())
    if kind == "regierungspraesidium":
        return Authority(kind, "Regierungspräsidium")
    district = (
        session.get(District, municipality.district_id)
        if municipality.district_id is not None
        else None
    )
    name = f"Landratsamt {district.name}" if district is not None else "Landratsamt"
    return Authority(kind, name.replace("Landratsamt Landkreis ", "Landratsamt "))
