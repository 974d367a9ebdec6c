"""The demo's meetings fall on Tuesdays near their offsets, whatever day it is loaded on."""

from __future__ import annotations

from datetime import date, timedelta

from workflow.demo.today import Today


def test_tuesday_near_from_every_weekday() -> None:
    monday = date(2026, 11, 30)
    for shift in range(7):
        t = Today(monday + timedelta(days=shift))
        for days in (-14, 7, 21):
            meeting = t.tuesday_near(days)
            assert meeting.weekday() == 1
            assert abs((meeting - t.date(days)).days) <= 3
