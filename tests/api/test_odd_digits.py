"""Digits that are not 0-9 ("²", "١٢") in ids, counts and versions: refused like any wrong
input, never a server error (``str.isdigit`` accepts them, ``int`` does not)."""

from __future__ import annotations

import pytest

from tests.api.conftest import TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World
from tests.integration.flow import new_meeting, released
from workflow.digits import MAX_ID, as_id, as_number, is_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", True), ("0", True), ("", False), ("²", False), ("١٢", False), ("1²", False)],
)
def test_is_digits_takes_0_to_9_only(text: str, expected: bool) -> None:
    assert is_digits(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),  # beyond int4: the database would refuse it with a 500
        ("99999999999999999999", None),
        ("9" * 5000, None),  # int() refuses over 4300 digits
        ("0", None),
        ("", None),
        ("-1", None),
        ("²", None),
        (" 1", None),
    ],
)
def test_as_id_reads_an_id_the_columns_hold(text: str, expected: int | None) -> None:
    assert as_id(text) == expected


def test_as_number_keeps_its_range() -> None:
    assert as_number("0", high=100) == 0
    assert as_number("100", high=100) == 100
    assert as_number("101", high=100) is None
    assert as_number("1989", low=1990, high=2999) is None
    assert as_number("0" * 30 + "2024", low=1990, high=2999) == 2024


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
