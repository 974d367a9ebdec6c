"""German dates, amounts and sizes as printed in documents and e-mails (23.04.2024,
30.387,20 €, 1,5 MB)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from workflow.context import BERLIN

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def clock(moment: datetime) -> str:
    """``18:32``: the time of day in Europe/Berlin (a naive moment is UTC, as SQLite
    returns stored ones)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return f"{aware.astimezone(BERLIN):%H:%M}"


def weekday_day(value: date) -> str:
    return f"{WEEKDAYS[value.weekday()]}, {day(value)}"


def quoted(text: str) -> str:
    """„Bebauungsplan ‚Schozachtal-Süd‘“: German quotes around a text, those inside it
    turned into single ones, as German typesetting nests them."""
    return "„" + text.replace("„", "‚").replace("“", "‘") + "“"


def file_size(size: int) -> str:
    """``1,5 MB``, ``12 KB``: decimal comma, binary units as mail programs and file managers
    show them."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"
