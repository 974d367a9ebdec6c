"""What the Verwaltung pages share: who may open them and the words for kinds of bodies."""

from __future__ import annotations

from api import directory
from api.ui.web import PageUser
from workflow.errors import NotFound
from workflow.services.common import require_role

BODY_KINDS = {
    "council": "Gemeinderat",
    "deciding_committee": "beschließender Ausschuss",
    "advisory_committee": "beratender Ausschuss",
    "local_council": "Ortschaftsrat",
}


def require_admin(user: PageUser) -> None:
    """Same refusal as the JSON API's services: an admin of a municipality only."""
    require_role(user.actor, "verwaltung", directory.ADMIN_ROLES)
    if user.actor.municipality_id is None:
        raise NotFound("Für Ihr Konto ist keine Gemeinde hinterlegt.")
