"""The released definitions say "Zur Freigabe beim Bürgermeister"; the pages say it as the
municipality's mayor is: Ilsfeld's is a Bürgermeisterin (demo), a Große Kreisstadt's an
Oberbürgermeister or Oberbürgermeisterin (§ 42 Abs. 4 GemO). Set at /verwaltung
(``mayor_title``), resolved in one place (``workflow.wording``)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, new_proposal, released, submitted
from workflow.models import Municipality, Proposal

RELEASE = "Zur Freigabe bei der Bürgermeisterin"
RELEASED_WORDS = "Zur Freigabe beim Bürgermeister"


def _awaiting_release(world: World) -> int:
    pid = new_proposal(world, title="Sanierung Sporthalle")
    submitted(world, pid)
    world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(DAY, 10))
    return pid


def _settings(client: TestClient, **changed: str) -> None:
    page = client.get("/verwaltung")
    form = {
        "csrf_token": csrf_of(page.text),
        "municipal_status": "gemeinde",
        "supervisory_authority_name": "",
        "monthly_session_reminder_day": "0",
        "invitation_days": "7",
        **changed,
    }
    done = client.post("/verwaltung/gemeinde", data=form)
    assert done.status_code == 200, done.text


def test_the_vorlage_awaits_the_buergermeisterin(
    world: World, client: TestClient, as_user: Any
) -> None:
    pid = _awaiting_release(world)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}").text
    assert RELEASE in page  # the badge, the diagram's caption and node
    assert RELEASED_WORDS not in page
    diagram = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Zur Freigabe bei der" in diagram  # the node's label, wrapped in lines
    listed = client.get("/vorlagen").text
    assert RELEASE in listed
    assert RELEASED_WORDS not in listed

    # the author waits for her, in Meine Aufgaben
    sign_in(client, "ilsfeld.clerk")
    tasks = client.get("/").text
    assert f"{RELEASE}; es fehlt: Bürgermeisterin (Freigabe)" in tasks

    # the JSON API reads alike
    read = client.get(f"/api/v1/proposals/{pid}", headers=as_user("ilsfeld.clerk")).json()
    assert read["state_label"] == RELEASE


def test_the_verwaltung_sets_the_title(world: World, client: TestClient, as_user: Any) -> None:
    pid = _awaiting_release(world)

    def state_label() -> str:
        """As the clerk reads it: the admin does not open Vorlagen (api.ui.web.HANDLING_ONLY)."""
        read = client.get(f"/api/v1/proposals/{pid}", headers=as_user("ilsfeld.clerk"))
        return str(read.json()["state_label"])

    sign_in(client, "admin")
    page = client.get("/verwaltung").text
    assert '<option value="Bürgermeisterin" selected>' in page
    assert "jetzt: Bürgermeisterin" in page

    # a Große Kreisstadt without a title set: Oberbürgermeister (§ 42 Abs. 4 GemO)
    _settings(client, municipal_status="grosse_kreisstadt", mayor_title="")
    assert state_label() == "Zur Freigabe beim Oberbürgermeister"
    _settings(client, municipal_status="grosse_kreisstadt", mayor_title="Oberbürgermeisterin")
    assert state_label() == "Zur Freigabe bei der Oberbürgermeisterin"
    with Session(world.engine) as session:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        assert town.settings["mayor_title"] == "Oberbürgermeisterin"

    # the generic Ablauf page speaks of the user's municipality's mayor too
    assert "Zur Freigabe bei der Oberbürgermeisterin" in client.get("/workflows/proposal").text

    # a form without the field (an older page) leaves the title as it is
    page = client.get("/verwaltung").text
    client.post(
        "/verwaltung/gemeinde",
        data={
            "csrf_token": csrf_of(page),
            "municipal_status": "grosse_kreisstadt",
            "supervisory_authority_name": "",
            "monthly_session_reminder_day": "0",
            "invitation_days": "7",
        },
    )
    assert state_label() == "Zur Freigabe bei der Oberbürgermeisterin"

    wrong = client.post(
        "/verwaltung/gemeinde",
        data={
            "csrf_token": csrf_of(page),
            "municipal_status": "gemeinde",
            "mayor_title": "Schultheiß",
            "monthly_session_reminder_day": "0",
            "invitation_days": "7",
        },
    )
    assert wrong.status_code == 422
    assert "Bitte wählen Sie die Amtsbezeichnung aus der Liste." in wrong.text


def test_the_json_settings_carry_the_title(world: World, client: TestClient, as_user: Any) -> None:
    admin = as_user("admin")
    read = client.get("/api/v1/municipality/settings", headers=admin).json()
    assert read["mayor_title"] == "Bürgermeisterin"
    changed = client.patch(
        "/api/v1/municipality/settings",
        json={"municipal_status": "stadtkreis", "mayor_title": ""},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["mayor_title"] == "Oberbürgermeister"
    refused = client.patch(
        "/api/v1/municipality/settings", json={"mayor_title": "Schultheiß"}, headers=admin
    )
    assert refused.status_code == 422


def _titled(world: World, town_id: int, title: str) -> None:
    def store(session: Session) -> None:
        town = known(session.get(Municipality, town_id))
        town.settings = {**town.settings, "mayor_title": title}
        session.add(town)

    world.run(store)


def test_who_acted_is_named_by_the_municipality_s_mayor_title(
    world: World, client: TestClient
) -> None:
    """The Verlauf and "Neu seit" name the mayor who released the Vorlage as the
    municipality titles her, not by the role's "Bürgermeister/in" (``wording.actor_role``)."""
    _titled(world, world.data.ilsfeld.municipality.id or 0, "Oberbürgermeisterin")
    pid = released(world)
    mayor = world.data.users["ilsfeld.mayor"].full_name
    sign_in(client, "ilsfeld.clerk")
    history = client.get(f"/vorlagen/{pid}").text.split('id="verlauf-titel"')[1]
    assert f"Freigegeben – Oberbürgermeisterin ({mayor})" in history
    assert "Zur Mitzeichnung gegeben – Sachbearbeitung (" in history  # other roles as before
    changes = client.get("/").text.split('id="neu"')[1]
    assert "Freigegeben, jetzt „Beratungsreif – zur Terminierung“ (Oberbürgermeisterin, " in (
        changes
    )
    assert "Bürgermeister/in" not in history + changes


def test_the_landratsamt_reads_each_town_s_mayor_by_its_title(
    world: World, client: TestClient
) -> None:
    """The coordinator's "Neu seit" spans the district's towns: each entry names the mayor
    of the Vorlage's own municipality."""
    ilsfeld = released(world, title="Hallenbad Ilsfeld")
    flein = released(world, title="Kelter Flein")
    flein_id = world.data.flein.municipality.id or 0
    _titled(world, flein_id, "Oberbürgermeister")

    def before_supervision(session: Session) -> None:
        for pid in (ilsfeld, flein):
            proposal = known(session.get(Proposal, pid))
            proposal.state = "supervision"  # what the Landratsamt reads (§ 121 Abs. 2 GemO)
            if pid == flein:
                proposal.municipality_id = flein_id
            session.add(proposal)

    world.run(before_supervision)
    sign_in(client, "lra.coordinator")
    changes = client.get("/").text.split('id="neu"')[1]
    entries = changes.split("<li>")[1:]
    released_by = {
        title: entry
        for entry in entries
        for title in ("Hallenbad Ilsfeld", "Kelter Flein")
        if title in entry and "Freigegeben" in entry
    }
    assert "(Bürgermeisterin, " in released_by["Hallenbad Ilsfeld"]
    assert "(Oberbürgermeister, " in released_by["Kelter Flein"]
    assert "Bürgermeister/in" not in changes
