"""§ 41b GemO: what the public reads, and when; redaction and withholding over HTTP."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tests.api.helpers import secret_proposal
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.documents import pdf_text
from tests.integration.flow import DAY, MEETING_DAY, in_session, new_meeting, released, scheduled
from tests.integration.flow import vote as record_votes
from workflow.models import Attachment, Deadline, Municipality, Proposal

SECRET_FACT = "Der Verkäufer Herr Mustermann, Hauptstraße 5, verkauft aus Geldnot."


def _invited(world: World, title: str = "Neubau Bauhof") -> tuple[int, int]:
    pid = released(world, title=title)
    mid = new_meeting(world)
    scheduled(world, pid, mid)
    return pid, mid


def test_public_vorlage_is_published_with_the_invitation_not_at_release(
    world: World, client: Any, as_user: Any
) -> None:
    pid, mid = _invited(world)
    url = f"/api/v1/proposals/{pid}"
    # Released and on a planned agenda: the members have not received it yet (§ 41b Abs. 2).
    assert client.get(url).status_code == 404
    assert client.get(url, headers=as_user("ilsfeld.clerk")).status_code == 200
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    assert client.get(url).status_code == 404
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    assert client.get(url).status_code == 200
    # The agenda of the public session is public with the invitation (§ 41b Abs. 1).
    assert client.get(f"/api/v1/meetings/{mid}").status_code == 200


def test_redacted_fields_and_files_are_left_out_with_a_note(
    world: World, client: Any, as_user: Any
) -> None:
    pid, mid = _invited(world)

    def add_facts_and_file(session: Session) -> int:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.facts = SECRET_FACT
        session.add(proposal)
        row = Attachment(
            municipality_id=proposal.municipality_id,
            instance_type="proposal",
            instance_id=pid,
            name="Kaufvertrag.pdf",
            content_type="application/pdf",
            size=4,
            sha256="0" * 64,
        )
        session.add(row)
        session.flush()
        return int(row.id or 0)

    file_id = world.run(add_facts_and_file)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    body = {
        "redactions": {"facts": "personal_data"},
        "attachment_redactions": {str(file_id): "business_secret"},
    }
    refused = client.put(
        f"/api/v1/proposals/{pid}/publication", json=body, headers=as_user("ilsfeld.council")
    )
    assert refused.status_code == 403
    foreign = client.put(
        f"/api/v1/proposals/{pid}/publication",
        json={**body, "attachment_redactions": {str(file_id + 1000): "business_secret"}},
        headers=as_user("ilsfeld.secretary"),
    )
    assert foreign.status_code == 422
    assert foreign.json()["detail"] == "Eine gewählte Anlage gehört nicht zu dieser Vorlage."
    done = client.put(
        f"/api/v1/proposals/{pid}/publication", json=body, headers=as_user("ilsfeld.secretary")
    )
    assert done.status_code == 200, done.text
    public = client.get(f"/api/v1/proposals/{pid}/documents/vorlage.html").text
    assert "Mustermann" not in public
    assert "nicht veröffentlicht: personenbezogene Daten" in public
    assert "1 Anlage" in public
    assert "Anlage(n)" not in public
    assert "§ 41b Abs. 2 Satz 2 GemO" in public
    assert "Kaufvertrag" not in public
    assert client.get(f"/api/v1/attachments/{file_id}").status_code == 404
    staff = client.get(
        f"/api/v1/proposals/{pid}/documents/vorlage.html", headers=as_user("ilsfeld.clerk")
    ).text
    assert "Mustermann" in staff
    assert "Kaufvertrag" in staff
    # The Sitzungsmappe prints the same rendition of the Vorlage as its own download.
    folder = f"/api/v1/meetings/{mid}/sitzungsmappe.pdf"
    published = pdf_text(client.get(folder).content)
    assert "nicht veröffentlicht: personenbezogene Daten" in published
    assert "Mustermann" not in published
    assert "Mustermann" in pdf_text(client.get(folder, headers=as_user("ilsfeld.clerk")).content)
    wrong = client.put(
        f"/api/v1/proposals/{pid}/publication",
        json={"redactions": {"facts": "secret"}},
        headers=as_user("ilsfeld.secretary"),
    )
    assert wrong.status_code == 422


def test_withheld_publication_needs_a_reason_and_hides_the_vorlage(
    world: World, client: Any, as_user: Any
) -> None:
    pid, mid = _invited(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    assert client.get(f"/api/v1/proposals/{pid}").status_code == 200
    reason = "Schwärzung wäre unverhältnismäßig (§ 41b Abs. 2 Satz 3 GemO)"
    done = client.put(
        f"/api/v1/proposals/{pid}/publication",
        json={"withheld_reason": reason},
        headers=as_user("ilsfeld.secretary"),
    )
    assert done.json()["withheld_reason"] == reason
    assert client.get(f"/api/v1/proposals/{pid}").status_code == 404
    history = client.get(
        f"/api/v1/proposals/{pid}/history", headers=as_user("ilsfeld.clerk")
    ).json()
    events = history["data"] if isinstance(history, dict) else history
    assert any(e["trigger"] == "set_publication" for e in events)


def _adopted(world: World, title: str = "Neubau Bauhof") -> int:
    pid, mid = _invited(world, title)
    present = in_session(world, mid)
    record_votes(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    return pid


def test_publish_is_allowed_while_objected(world: World) -> None:
    """§ 41b Abs. 5 GemO: the week after the session runs while the mayor objects."""
    pid = _adopted(world)
    when = berlin(date(2024, 4, 25))
    world.fire(
        "proposal",
        pid,
        "object",
        "ilsfeld.mayor",
        when,
        comment="Rechtswidrig",
        data={"ground": "unlawful"},
    )
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 26)))
    assert world.get(Proposal, pid).state == "objected"


def test_a_public_rejection_is_published_too(world: World) -> None:
    pid, mid = _invited(world)
    present = in_session(world, mid)
    record_votes(world, pid, dict.fromkeys(present, "no"))
    world.fire("proposal", pid, "reject", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    rows = world.run(
        lambda s: [d.rule for d in s.exec(Deadline.__table__.select()).all()]  # type: ignore[attr-defined]
    )
    assert "publication_of_rejection" in rows
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(date(2024, 4, 24)))
    assert world.get(Proposal, pid).state == "rejected"


def test_a_municipality_without_electronic_system_owes_no_publication(world: World) -> None:
    """§ 41b Abs. 7 GemO: Abs. 1, 2 and 5 do not apply."""

    def switch_off(session: Session) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.publishes_online = False
        session.add(town)

    world.run(switch_off)
    pid = _adopted(world)

    def deadline_rules(s: Session) -> list[str]:
        # Core rows with attributes: sqlmodel's exec() types them as plain tuples.
        rows: Sequence[Any] = s.exec(Deadline.__table__.select()).all()  # type: ignore[attr-defined]
        return [d.rule for d in rows if d.instance_id == pid]

    rules = world.run(deadline_rules)
    assert "publication" not in rules


def _secret_resolution_and_next_meeting(world: World) -> tuple[int, int]:
    """A non-public Vorlage adopted by the Gemeinderat, and its next session (14.05.2024)."""
    secret = secret_proposal(world, "Gemeinderat")
    first = new_meeting(world)
    scheduled(world, secret, first)
    present = in_session(world, first)
    record_votes(world, secret, dict.fromkeys(present, "yes"))
    world.fire("proposal", secret, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    return secret, new_meeting(world, day=date(2024, 5, 14))


def test_non_public_resolutions_are_announced_at_the_next_public_session(
    world: World, client: Any, as_user: Any
) -> None:
    """§ 35 Abs. 1 S. 4 GemO: proposed by Ratsflow, chosen and confirmed by the secretary,
    then published with the public session (§ 41b Abs. 5 GemO)."""
    secret, second = _secret_resolution_and_next_meeting(world)
    secretary = as_user("ilsfeld.secretary")
    url = f"/api/v1/meetings/{second}/announcements"
    assert client.get(url, headers=as_user("ilsfeld.council")).status_code == 403
    listed = client.get(url, headers=secretary).json()
    assert listed["agenda_item_id"] is None
    pending = [r["id"] for r in listed["pending"]]
    assert len(pending) == 1
    version = client.get(f"/api/v1/meetings/{second}", headers=secretary).json()["version"]
    planned = client.post(
        url, json={"resolution_ids": pending, "expected_version": version}, headers=secretary
    )
    assert planned.status_code == 200, planned.text
    assert planned.json()["agenda_item_id"] is not None
    too_early = client.post(f"{url}/confirm", headers=secretary)
    assert too_early.status_code == 409
    in_session(world, second, day=date(2024, 5, 14))
    confirmed = client.post(f"{url}/confirm", headers=secretary)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["planned"][0]["disclosed_at"] is not None
    town = world.data.ilsfeld.municipality.id
    page = client.get(f"/oeffentlich/{town}/sitzungen/{second}").text
    assert "Bekanntgabe nichtöffentlich gefasster Beschlüsse" in page
    assert "Bekanntgegeben" in page
    assert "Der Ausschuss stimmt dem Ankauf zu." in page  # the wording, verbatim


def test_the_secretary_chooses_and_confirms_the_announcement_on_the_meeting_page(
    world: World, client: Any
) -> None:
    secret, second = _secret_resolution_and_next_meeting(world)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{second}").text
    assert "Bekanntgabe nichtöffentlicher Beschlüsse" in page
    assert "Der Ausschuss stimmt dem Ankauf zu." in page
    form = page.split(f'action="/sitzungen/{second}/bekanntgabe"', 1)[1].split("</form>", 1)[0]
    chosen = re.findall(r'name="beschluss" value="(\d+)"', form)
    version = re.search(r'name="version" value="(\d+)"', form)
    assert chosen
    assert version
    planned = client.post(
        f"/sitzungen/{second}/bekanntgabe",
        data={"csrf_token": csrf_of(page), "version": version.group(1), "beschluss": chosen},
        follow_redirects=False,
    )
    assert planned.status_code == 303
    page = client.get(f"/sitzungen/{second}").text
    assert "Bekanntgabe nichtöffentlich gefasster Beschlüsse (§ 35 Abs. 1 Satz 4 GemO)" in page
    in_session(world, second, day=date(2024, 5, 14))
    page = client.get(f"/sitzungen/{second}").text
    assert "Bekanntgabe bestätigen" in page
    done = client.post(
        f"/sitzungen/{second}/bekanntgabe/bestaetigen",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "bekannt gegeben" in client.get(f"/sitzungen/{second}").text
    # Its TOP in the minutes: announced, not "nicht behandelt".
    from tests.documents import text_of
    from workflow.context import SYSTEM
    from workflow.documents import service

    document = world.run(
        lambda s: service.meeting_document(
            session=s, actor=SYSTEM, meeting_id=second, kind="niederschrift"
        )
    )
    minutes = text_of(service.render(document, "html"), "html")
    top = minutes.split("Bekanntgabe nichtöffentlich gefasster Beschlüsse")[-1]
    assert "Abstimmung keine (Bekanntgabe) Ergebnis bekanntgegeben" in top


def test_the_admin_switches_online_publication_off_and_sets_the_ags(
    world: World, client: Any, as_user: Any
) -> None:
    pid, mid = _invited(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    assert client.get(f"/api/v1/proposals/{pid}").status_code == 200
    url = "/api/v1/municipality/publication"
    body = {"publishes_online": False, "ags": "08125049"}
    assert client.put(url, json=body, headers=as_user("ilsfeld.clerk")).status_code == 403
    bad = client.put(url, json={**body, "ags": "123"}, headers=as_user("admin"))
    assert bad.status_code == 422
    done = client.put(url, json=body, headers=as_user("admin"))
    assert done.status_code == 200, done.text
    # § 41b Abs. 7 GemO: no online publication of the Beratungsunterlagen (Abs. 2).
    assert client.get(f"/api/v1/proposals/{pid}").status_code == 404
    town = world.data.ilsfeld.municipality.id
    assert client.get(f"/oparl/v1/body/{town}").json()["ags"] == "08125049"


def test_a_resolution_whose_announcement_stands_against_an_interest_is_not_proposed_again(
    world: World, client: Any
) -> None:
    """§ 35 Abs. 1 S. 4 GemO: "sofern nicht das öffentliche Wohl oder berechtigte Interessen
    Einzelner entgegenstehen": the Sitzungsdienst records why; the resolution is no longer
    proposed, the Rechtmäßigkeitsnachweis shows the reason, and it can be proposed again."""
    from workflow.legality.model import MET
    from workflow.legality.report import check_resolution
    from workflow.models import Resolution

    secret, second = _secret_resolution_and_next_meeting(world)
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == secret)).one()
    )
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{second}").text
    action = f"/sitzungen/{second}/bekanntgabe/{resolution.id}/unterbleibt"
    assert f'action="{action}"' in page
    bare = client.post(action, data={"csrf_token": csrf_of(page), "reason": "  "})
    assert "Bitte geben Sie an, welches öffentliche Wohl" in bare.text
    assert world.get(Resolution, resolution.id).disclosure_withheld is None
    reason = "Kaufpreis: berechtigtes Interesse des Verkäufers bis zur Beurkundung"
    client.post(action, data={"csrf_token": csrf_of(page), "reason": reason})
    assert world.get(Resolution, resolution.id).disclosure_withheld == reason
    page = client.get(f"/sitzungen/{second}").text
    assert f'name="beschluss" value="{resolution.id}"' not in page, "no longer proposed"
    assert f"Bekanntgabe unterbleibt: {reason}" in page
    report = world.run(
        lambda s: check_resolution(s, world.get(Resolution, resolution.id), date(2024, 6, 1))
    )
    check = next(c for c in report.checks if c.key == "bekanntgabe_nichtoeffentlich")
    assert (check.result, check.explanation) == (MET, f"Bekanntgabe unterbleibt: {reason}")
    # the obstacle has gone: proposed again at the next session
    client.post(
        f"/sitzungen/{second}/bekanntgabe/{resolution.id}/vorsehen",
        data={"csrf_token": csrf_of(page)},
    )
    assert world.get(Resolution, resolution.id).disclosure_withheld is None
    page = client.get(f"/sitzungen/{second}").text
    assert f'name="beschluss" value="{resolution.id}"' in page


def test_withholding_an_announcement_over_json(world: World, client: Any, as_user: Any) -> None:
    """The same as on the meeting page: PUT …/withheld with the reason, DELETE lifts it."""
    secret, second = _secret_resolution_and_next_meeting(world)
    secretary = as_user("ilsfeld.secretary")
    url = f"/api/v1/meetings/{second}/announcements"
    (pending,) = client.get(url, headers=secretary).json()["pending"]
    path = f"{url}/{pending['id']}/withheld"
    assert client.put(path, json={"reason": ""}, headers=secretary).status_code == 422
    refused = client.put(path, json={"reason": "x"}, headers=as_user("ilsfeld.council"))
    assert refused.status_code == 403
    done = client.put(path, json={"reason": "Personalangelegenheit"}, headers=secretary)
    assert done.status_code == 200, done.text
    assert done.json()["pending"] == []
    assert [r["disclosure_withheld"] for r in done.json()["withheld"]] == ["Personalangelegenheit"]
    lifted = client.delete(path, headers=secretary)
    assert lifted.status_code == 200
    assert [r["id"] for r in lifted.json()["pending"]] == [pending["id"]]
    again = client.delete(path, headers=secretary)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
