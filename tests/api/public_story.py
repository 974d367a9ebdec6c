"""A held public session for the § 41b GemO tests (OParl, portal, feeds): an adopted and
published resolution, a non-public item, a redacted attachment, a withheld Vorlage."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from tests.api.helpers import secret_proposal
from tests.conftest import World, berlin
from tests.integration.flow import MEETING_DAY, in_session, new_meeting, released, scheduled
from tests.integration.flow import vote as record_votes
from workflow.models import Attachment

HIDDEN_ATTACHMENT = "Kaufvertrag-Mustermann.pdf"


def published_session(world: World, client: Any, as_user: Any) -> dict[str, int]:
    """A held public session with an adopted and published resolution, a non-public item,
    a redacted attachment and a Vorlage withheld after publication."""
    adopted = released(world, title="Sanierung der Festhalle")
    withdrawn = released(world, title="Zurückgezogene Vorlage Kindergarten")
    secret = secret_proposal(world, "Gemeinderat")
    mid = new_meeting(world)
    for pid in (adopted, withdrawn, secret):
        scheduled(world, pid, mid)

    def attach(session: Any) -> None:
        for name, redaction in (("Lageplan.pdf", None), (HIDDEN_ATTACHMENT, "personal_data")):
            session.add(
                Attachment(
                    municipality_id=world.data.ilsfeld.municipality.id or 0,
                    instance_type="proposal",
                    instance_id=adopted,
                    name=name,
                    content_type="application/pdf",
                    size=4,
                    sha256=hashlib.sha256(b"%PDF").hexdigest(),
                    redaction=redaction,
                )
            )

    world.run(attach)
    present = in_session(world, mid)
    record_votes(world, adopted, dict.fromkeys(present, "yes"))
    world.fire("proposal", adopted, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("proposal", adopted, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 24)))
    # § 41b Abs. 2 S. 3 GemO: withheld after it was published; OParl shows it as deleted.
    held = client.put(
        f"/api/v1/proposals/{withdrawn}/publication",
        json={"withheld_reason": "Schwärzung unverhältnismäßig"},
        headers=as_user("ilsfeld.secretary"),
    )
    assert held.status_code == 200, held.text
    return {"adopted": adopted, "withdrawn": withdrawn, "secret": secret, "meeting": mid}
