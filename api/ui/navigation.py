"""The main navigation: one entry per page that exists, in the order of the Rathaus' day.

A new page adds its entry here (label, path, and the roles that see it; ``None`` = everyone
signed in). Entries for pages that do not exist yet are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[str] | None = None

    def active(self, current_path: str) -> bool:
        if self.path == "/":
            return current_path == "/"
        return current_path == self.path or current_path.startswith(self.path + "/")


# Who works in a municipality's Rathaus (the coordinator and the admin have no resolutions).
MUNICIPAL = frozenset({"clerk", "cosigner", "mayor", "secretary", "council_member"})
# Who deals with the Landratsamt's decision requests (councillors decide them in session).
REQUESTS = frozenset({"clerk", "mayor", "secretary", "district_coordinator"})

# Everyone signed in but the admin, who keeps users, bodies and definitions and handles no
# resolutions: his start page leads to Verwaltung and the Abläufe (api.ui.routes.tasks).
HANDLING = MUNICIPAL | {"district_coordinator"}

NAV: tuple[NavItem, ...] = (
    NavItem("Meine Aufgaben", "/", HANDLING),
    NavItem("Übersicht", "/", frozenset({"admin"})),
    NavItem("Vorlagen", "/vorlagen", HANDLING),
    NavItem("Sitzungen", "/sitzungen", MUNICIPAL),
    NavItem("Anträge", "/antraege", MUNICIPAL),
    NavItem("Fristen", "/fristen", HANDLING),
    NavItem("Beschlusskontrolle", "/beschlusskontrolle", MUNICIPAL),
    NavItem("Abfragen", "/abfragen", REQUESTS),
    # Resolutions at risk (Rechtmäßigkeitsnachweis): the mayor and the Rechtsaufsicht.
    NavItem("Rechtmäßigkeit", "/rechtmaessigkeit", frozenset({"mayor", "district_coordinator"})),
    NavItem("Verwaltung", "/verwaltung", frozenset({"admin"})),
    # The Sitzungsdienst keeps the Fraktionen (§ 32a GemO); the admin finds them in Verwaltung.
    NavItem("Fraktionen", "/verwaltung/fraktionen", frozenset({"secretary"})),
    NavItem("Einstellungen", "/einstellungen"),
)


def visible_nav(role: str | None) -> list[NavItem]:
    if role is None:
        return []
    return [item for item in NAV if item.roles is None or role in item.roles]
