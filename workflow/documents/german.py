"""German dates and amounts as printed in documents and e-mails (23.04.2024, 30.387,20 €)."""

from __future__ import annotations

from datetime import date

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def weekday_day(value: date) -> str:
    return f"{WEEKDAYS[value.weekday()]}, {day(value)}"
