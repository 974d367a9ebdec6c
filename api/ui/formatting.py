"""German formatting for pages: dates, times, amounts, roles, states, deadlines in words."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from workflow.documents import german
from workflow.law.budget_coverage import format_euro
from workflow.roles import ROLE_LABELS

# The words of the Rathaus (UI.md), not the engine's role names.
# Badge tone per state; the text is always the definition's label, the colour only supports it.
_SUCCESS = {"final", "executed", "archived", "answered", "closed", "minutes_signed",
            "minutes_presented", "met", "noted"}  # fmt: skip
_DANGER = {"rejected", "withdrawn", "annulled", "cancelled", "defaulted", "missed"}
_WARNING = {"cosigning", "awaiting_release", "objected", "supervision", "urgent_decided",
            "decided", "late_pending", "in_session", "in_circulation"}  # fmt: skip


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", "Unbekannte Rolle")


def sentences(reasons: Iterable[str]) -> str:
    """Guard messages are sentences of their own: "Die Sitzung ist erst am 15.12.2026. Die
    Anwesenheit ist nicht erfasst." (joined with "; " each would start in capitals)."""
    return " ".join(r if r.endswith((".", "!", "?")) else f"{r}." for r in reasons if r)


def state_tone(state: str | None) -> str:
    if state in _SUCCESS:
        return "success"
    if state in _DANGER:
        return "danger"
    if state in _WARNING:
        return "warning"
    return "info"


# ``23.04.2024`` (an instant as its day in Europe/Berlin): the engine's one German date
# (``workflow.documents.german``), under the name the templates know it by.
date_de = german.day


def date_example(day: date) -> str:
    """``z. B. 14.12.2026``: the example in a date field's hint or error message, a day the
    caller derives from today in Europe/Berlin (a fixed "23.04.2024" reads as a day long
    gone), in the format the forms read and show."""
    return f"z. B. {date_de(day)}"


def time_de(value: time | datetime | None) -> str:
    """``18:30 Uhr``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = german.local(value)
    return f"{value.hour:02d}:{value.minute:02d} Uhr"


def weekday_date_de(value: date | None) -> str:
    """``Dienstag, 23.04.2024``."""
    if value is None:
        return ""
    return german.weekday_day(value)


def clock_de(text: str | None) -> str:
    """A stored clock time ``18:30`` as ``18:30 Uhr``."""
    return f"{text} Uhr" if text else ""


def datetime_de(value: datetime | None) -> str:
    """``23.04.2024, 18:30 Uhr``."""
    if value is None:
        return ""
    return f"{date_de(value)}, {time_de(value)}"


def money_de(value: Decimal | int | float | str | None) -> str:
    """``30.387,20 €`` (thousands with a dot, cents with a comma); what a page was given
    as text or number, in the engine's one format (``format_euro``)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    return format_euro(amount)


def days_word(n: int) -> str:
    return "1 Tag" if n == 1 else f"{n} Tagen"


def effect_words(change: str, label: str, due: date) -> str:
    """What a transition does to a deadline, for its check page: "Einladungsfrist läuft bis
    23.04.2024", "… : gewahrt", "… : versäumt (bis 16.04.2024)"."""
    if change == "opened":
        return f"{label} läuft bis {date_de(due)}"
    words = {
        "met": "gewahrt",
        "missed": f"versäumt (bis {date_de(due)})",
        "elapsed": f"abgelaufen am {date_de(due)}",
        "cancelled": "entfällt",
    }
    return f"{label}: {words.get(change, 'endet')}"


def due_in_words(
    due: date, today: date, status: str = "open", closed: bool = False
) -> tuple[str, str]:
    """A deadline's traffic light in words and its tone: ("überfällig seit 2 Tagen", "danger").

    Open deadlines due within three days are "warning"; met ones "erledigt"; a missed one
    ``closed`` since is settled, no longer overdue: done late, or its instance moved on
    without it (the Landratsamt's default applied to a silent municipality).
    """
    if status == "met":
        return "erledigt", "success"
    if status == "missed" and closed:
        return "versäumt, abgeschlossen", "warning"
    if status in ("waived", "cancelled", "elapsed"):
        words = {"waived": "erlassen", "cancelled": "entfallen", "elapsed": "abgelaufen"}
        return words[status], "info"
    delta = (due - today).days
    if status == "missed" or delta < 0:
        late = max(-delta, 0)
        if late == 0:
            return "versäumt", "danger"
        return ("überfällig seit 1 Tag" if late == 1 else f"überfällig seit {late} Tagen"), "danger"
    if delta == 0:
        return "fällig heute", "warning"
    if delta == 1:
        return "fällig morgen", "warning"
    tone = "warning" if delta <= 3 else "info"
    return f"fällig in {delta} Tagen", tone


def parse_date_de(text: str) -> date | None:
    """``23.04.2024`` or ``2024-04-23`` (what ``<input type=date>`` sends); None if neither
    (also for digits other than 0-9, which ``int`` would read)."""
    text = text.strip()
    if not text.isascii():
        return None
    try:
        if "." in text:
            day, month, year = (int(p) for p in text.split("."))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_amount_de(text: str) -> Decimal | None:
    """``30.387,20`` or ``30387.20`` (with or without €); None if not an amount in euros:
    negative, in exponent notation ("1e9"), or with more than two decimal places.
    "1.350.000" and "30.387" are thousands, as a German reader means them."""
    cleaned = text.replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if not cleaned or not set(cleaned) <= set("0123456789.,"):
        return None
    groups = cleaned.split(".")
    if "," in cleaned or (len(groups) > 1 and all(len(g) == 3 for g in groups[1:])):
        # German: "30.387,20", or "1.350.000" with thousands separators only.
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or (isinstance(exponent, int) and exponent < -2):
        return None
    return amount
