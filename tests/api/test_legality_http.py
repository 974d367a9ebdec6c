"""GET /api/v1/resolutions/{id}/legality and friends: the Prüfbericht over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.conftest import FixedClock
from tests.conftest import World, berlin
from tests.integration.legality_flow import decided
from workflow.models import Resolution
from workflow.queries import latest_resolution


def _resolution(world: World, pid: int) -> Resolution:
    found: Resolution | None = world.run(lambda s: latest_resolution(s, pid))
    assert found is not None
    return found


def test_resolution_report_with_access_rules(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    pid = decided(world, publish_at=berlin(date(2024, 5, 2), 10))
    resolution = _resolution(world, pid)
    clock.now = berlin(date(2024, 7, 1), 9)
    url = f"/api/v1/resolutions/{resolution.id}/legality"
    body = client.get(url, headers=as_user("ilsfeld.mayor")).json()
    assert body["at_risk"] is True
    assert body["summary"] == "1 nicht erfüllt"
    first = body["checks"][0]
    assert (first["key"], first["result"]) == ("veroeffentlichung", "nicht erfüllt")
    assert first["evidence"][0]["seq"] >= 1
    assert {c["instance_type"] for c in body["chains"]} == {"proposal", "meeting"}
    assert client.get(url, headers=as_user("lra.coordinator")).status_code == 200
    assert client.get(url, headers=as_user("flein.clerk")).status_code == 404
    assert client.get(url).status_code == 401
    missing = client.get("/api/v1/resolutions/999999/legality", headers=as_user("ilsfeld.mayor"))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "nicht gefunden" in missing.json()["detail"]
    too_big = client.get("/api/v1/resolutions/99999999999/legality", headers=as_user("admin"))
    assert too_big.status_code == 422

    meeting = client.get(
        f"/api/v1/meetings/{resolution.meeting_id}/legality", headers=as_user("ilsfeld.council")
    ).json()
    assert meeting["count"] == 1
    assert meeting["data"][0]["resolution_id"] == resolution.id
    per_proposal = client.get(
        f"/api/v1/proposals/{pid}/legality", headers=as_user("ilsfeld.clerk")
    ).json()
    assert per_proposal["count"] == 1


def test_dashboard_for_mayor_and_landratsamt(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    risky = decided(world, publish_at=None)
    clock.now = berlin(date(2024, 7, 1), 9)
    rows = client.get("/api/v1/legality/at-risk", headers=as_user("ilsfeld.mayor")).json()
    assert [r["proposal_id"] for r in rows["data"]] == [risky]
    district = client.get(
        "/api/v1/legality/at-risk",
        params={"municipality": "Ilsfeld", "since": "2024-01-01"},
        headers=as_user("lra.coordinator"),
    ).json()
    assert district["count"] == 1
    later = client.get(
        "/api/v1/legality/at-risk", params={"since": "2024-05-01"}, headers=as_user("ilsfeld.mayor")
    ).json()
    assert later["count"] == 0
    refused = client.get("/api/v1/legality/at-risk", headers=as_user("ilsfeld.clerk"))
    assert refused.status_code == 403
    unknown = client.get(
        "/api/v1/legality/at-risk",
        params={"municipality": "Atlantis"},
        headers=as_user("lra.coordinator"),
    )
    assert unknown.status_code == 404


def test_pruefbericht_as_pdf_and_docx(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    resolution = _resolution(world, decided(world))
    clock.now = berlin(date(2024, 7, 1), 9)
    url = f"/api/v1/resolutions/{resolution.id}/legality/document"
    pdf = client.get(url, headers=as_user("ilsfeld.mayor"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    docx = client.get(url, params={"format": "docx"}, headers=as_user("ilsfeld.mayor"))
    assert docx.content.startswith(b"PK")
    html = client.get(url, params={"format": "html"}, headers=as_user("ilsfeld.mayor")).text
    assert "Prüfbericht zur Rechtmäßigkeit" in html
    assert "Gemeinde Ilsfeld" in html  # the letterhead
    assert "Vorlage 1/2024" in html  # the chains named as the evidence names them
    assert ">beschlossen<" in html  # the outcome in the Niederschrift's word
    head = client.get(
        f"/api/v1/resolutions/{resolution.id}/legality", headers=as_user("ilsfeld.mayor")
    ).json()["chains"]
    for chain in head:
        assert chain["hash"] in html
    bad = client.get(url, params={"format": "odt"}, headers=as_user("ilsfeld.mayor"))
    assert bad.status_code == 422


def test_announcement_recorded_makes_the_check_pass(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    resolution = _resolution(world, decided(world, announce=False))
    clock.now = berlin(date(2024, 7, 1), 9)
    report_url = f"/api/v1/resolutions/{resolution.id}/legality"
    before = client.get(report_url, headers=as_user("ilsfeld.mayor")).json()
    assert before["checks"][0]["result"] == "nicht feststellbar"
    url = f"/api/v1/meetings/{resolution.meeting_id}/announcement"
    body = {"announced_on": "2024-04-12", "medium": "Mitteilungsblatt"}
    assert client.post(url, json=body, headers=as_user("ilsfeld.council")).status_code == 403
    assert client.post(url, json=body, headers=as_user("flein.clerk")).status_code == 404
    late = client.post(
        url, json={**body, "announced_on": "2024-04-24"}, headers=as_user("ilsfeld.secretary")
    )
    assert late.status_code == 422
    assert "nach dem Sitzungstag" in late.json()["detail"]
    blank = client.post(url, json={**body, "medium": " "}, headers=as_user("ilsfeld.secretary"))
    assert blank.status_code == 422
    made = client.post(url, json=body, headers=as_user("ilsfeld.secretary"))
    assert made.status_code == 201
    assert made.json()["seq"] > 1
    after = client.get(report_url, headers=as_user("ilsfeld.mayor")).json()
    assert after["at_risk"] is False
    check = next(c for c in after["checks"] if c["key"] == "bekanntgabe")
    assert check["result"] == "erfüllt"
    assert check["evidence"][0]["seq"] == made.json()["seq"]


def test_non_public_resolution_announced_in_a_later_public_session(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    from tests.integration.flow import new_meeting

    resolution = _resolution(world, decided(world, public=False, publish_at=None))
    clock.now = berlin(date(2024, 7, 1), 9)
    report_url = f"/api/v1/resolutions/{resolution.id}/legality"
    before = client.get(report_url, headers=as_user("ilsfeld.mayor")).json()
    assert [
        (c["key"], c["result"])
        for c in before["checks"]
        if c["result"]
        in (
            "nicht erfüllt",
            "nicht feststellbar",
        )
    ] == [("bekanntgabe_nichtoeffentlich", "nicht feststellbar")]
    later = new_meeting(world, day=date(2024, 5, 14))
    url = f"/api/v1/resolutions/{resolution.id}/announcement"
    body = {"meeting_id": later}
    assert client.post(url, json=body, headers=as_user("ilsfeld.council")).status_code == 403
    future = new_meeting(world, day=date(2024, 8, 6))
    refused = client.post(url, json={"meeting_id": future}, headers=as_user("ilsfeld.secretary"))
    assert refused.status_code == 422
    assert "bereits abgehaltenen Sitzung" in refused.json()["detail"]
    made = client.post(url, json=body, headers=as_user("ilsfeld.secretary"))
    assert made.status_code == 201
    after = client.get(report_url, headers=as_user("ilsfeld.mayor")).json()
    assert after["at_risk"] is False
    check = next(c for c in after["checks"] if c["key"] == "bekanntgabe_nichtoeffentlich")
    assert check["explanation"] == "In der öffentlichen Sitzung vom 14.05.2024 bekannt gegeben"
    assert check["evidence"][0]["seq"] == made.json()["seq"]
    missing = client.post(
        "/api/v1/resolutions/999999/announcement", json=body, headers=as_user("ilsfeld.secretary")
    )
    assert missing.status_code == 404
