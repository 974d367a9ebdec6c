"""German dates, amounts and sizes as printed in documents and e-mails (23.04.2024,
30.387,20 €, 1,5 MB)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from workflow.context import BERLIN

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def local(moment: datetime) -> datetime:
    """The moment in Europe/Berlin; a naive one is UTC, as the database (SQLite) returns
    stored ones."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(BERLIN)


def day(value: date | datetime | None) -> str:
    """``23.04.2024``: the one German date of pages, documents, e-mails, guard messages and
    the legality report; a moment is shown as its day in Europe/Berlin, none as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def clock(moment: datetime) -> str:
    """``18:32``: the time of day in Europe/Berlin."""
    return f"{local(moment):%H:%M}"


def weekday_day(value: date) -> str:
    return f"{WEEKDAYS[value.weekday()]}, {day(value)}"


def sentence_start(text: str) -> str:
    """``text`` with its first letter capitalised, as at the start of a sentence or an entry
    ("eingegangen" → "Eingegangen"); the rest as written."""
    return text[:1].upper() + text[1:]


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
