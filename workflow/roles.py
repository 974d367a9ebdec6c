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
# Who writes Vorlagen (and so hears of his own returned or overdue ones).
AUTHOR_ROLES = ("clerk", "cosigner", "mayor")
# Whom each task message reaches by role: the senders address these roles, and the settings
# page offers a kind of e-mail only to whom it can reach (workflow.services.notifications).
# Besides the roles, "minutes" reaches the chair and the councillors who sign by their seats,
# and "deadline" whom the deadline rules name.
MAIL_ROLES: dict[str, tuple[str, ...]] = {
    "cosign": ("cosigner",),  # those asked to co-sign (rules.common.cosigner_candidates)
    "release": ("mayor",),
    "returned": AUTHOR_ROLES,  # the Vorlage's author
    "minutes": ("secretary",),
    # the chair (the mayor, § 42 Abs. 1 GemO) and the Sitzungsdienst (services.bias_notices)
    "bias_notice": ("secretary", "mayor"),
    "request": ("mayor", "clerk"),  # the asked municipality's (workflow.services.decisions)
}
# In running text beside a person's name ("Mitzeichnen (Mitzeichnung, Hans Maier, …)"),
# where the full label's parentheses would nest; who acted in an event is named so, the
# mayor by the municipality's title (``workflow.wording.actor_role``).
SHORT_ROLE_LABELS = {**ROLE_LABELS, "cosigner": "Mitzeichnung", "system": "automatisch"}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def person_role_label(role: str, *, finance_office: bool = False) -> str:
    """The role of one person: a co-signer co-signs either as Amtsleitung or for the
    Kämmerei (``User.finance_office``), not as both."""
    if role == "cosigner":
        return "Mitzeichnung (Kämmerei)" if finance_office else "Mitzeichnung (Amtsleitung)"
    return role_label(role)


def role_labels(roles: Iterable[str]) -> str:
    """``Bürgermeister/in, Schriftführung``: how messages name the roles, never by code."""
    return ", ".join(role_label(r) for r in roles) or "niemand"
