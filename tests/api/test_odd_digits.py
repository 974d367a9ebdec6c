"""Digits that are not 0-9 ("²", "١٢") in ids, counts and versions: refused like any wrong
input, never a server error (``str.isdigit`` accepts them, ``int`` does not)."""

from __future__ import annotations

import pytest

from tests.api.conftest import TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.flow import new_meeting, released
from workflow.digits import is_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", True), ("0", True), ("", False), ("²", False), ("١٢", False), ("1²", False)],
)
def test_is_digits_takes_0_to_9_only(text: str, expected: bool) -> None:
    assert is_digits(text) is expected


def test_pages_and_forms_refuse_odd_digits(world: World, client: TestClient) -> None:
    pid = released(world)
    meeting = new_meeting(world)
    sign_in(client, "ilsfeld.secretary")
    for path in (
        "/sitzungen?gremium=²",
        f"/sitzungen/{meeting}/durchfuehren?top=²",
        "/vorlagen?jahr=²",
        "/oparl/v1/body/²",
    ):
        assert client.get(path).status_code < 500, path
    page = client.get(f"/sitzungen/{meeting}").text
    for path, data in (
        (f"/sitzungen/{meeting}/tagesordnung/vorlage", {"proposal_id": "²", "version": "1"}),
        (f"/sitzungen/{meeting}/tagesordnung/vorlage", {"proposal_id": str(pid), "version": "²"}),
        (f"/sitzungen/{meeting}/durchfuehren/anwesenheit", {"present": "²", "version": "²"}),
    ):
        sent = client.post(path, data={"csrf_token": csrf_of(page), **data})
        assert sent.status_code < 500, (path, data)
    listed = client.get(f"/sitzungen/{meeting}").text
    assert "TOP 1" not in listed  # nothing was put on the agenda by "²"


def test_a_meeting_time_in_other_digits_is_refused(world: World, client: TestClient) -> None:
    sign_in(client, "ilsfeld.secretary")
    page = client.get("/sitzungen/neu").text
    body = world.body_id("Gemeinderat")
    for start, day in (("1٨:3٠", "2027-04-23"), ("18:30", "٢٠٢٧-٠٤-٢٣")):
        sent = client.post(
            "/sitzungen/neu",
            data={"csrf_token": csrf_of(page), "body_id": str(body), "meeting_date": day,
                  "start_time": start, "location": "Rathaus"},
        )  # fmt: skip
        assert sent.status_code == 422, (start, day)
