"""The main navigation: one entry per page that exists, in the order of the Rathaus' day.

A new page adds its entry here (label, path, and the roles that see it; ``None`` = everyone
signed in). Entries for pages that do not exist yet are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass

# Roles of a municipality's people; the Landratsamt and the administration hold no sessions.
MUNICIPAL_ROLES = ("clerk", "cosigner", "mayor", "secretary", "council_member")


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[str] | None = None

    def active(self, current_path: str) -> bool:
        if self.path == "/":
            return current_path == "/"
        return current_path == self.path or current_path.startswith(self.path + "/")


NAV: tuple[NavItem, ...] = (
    NavItem("Meine Aufgaben", "/"),
    NavItem("Vorlagen", "/vorlagen"),
    NavItem("Sitzungen", "/sitzungen", frozenset(MUNICIPAL_ROLES)),
)


def visible_nav(role: str | None) -> list[NavItem]:
    if role is None:
        return []
    return [item for item in NAV if item.roles is None or role in item.roles]
