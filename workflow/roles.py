"""The roles of Ratsflow and their German names (DESIGN.md "Who uses it")."""

from __future__ import annotations

from collections.abc import Iterable

# The one table of role words, for engine messages and pages alike.
ROLE_LABELS = {
    "clerk": "Sachbearbeitung",
    "cosigner": "Mitzeichnung (Amtsleitung, Kämmerei)",
    "mayor": "Bürgermeister/in",
    "secretary": "Sitzungsdienst",
    "council_member": "Gemeinderat/Gemeinderätin",
    "district_coordinator": "Landratsamt",
    "admin": "Administration",
    "system": "Ratsflow (automatisch)",
}
ROLES = frozenset(ROLE_LABELS)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def role_labels(roles: Iterable[str]) -> str:
    """``Bürgermeister/in, Schriftführung``: how messages name the roles, never by code."""
    return ", ".join(role_label(r) for r in roles) or "niemand"
