"""Requests to the council: the quorums and periods of § 34 Abs. 1 S. 3–6, § 20b and § 41a GemO.

Pure arithmetic over counts and dates; who counts as a councillor on which day is the
caller's business (``workflow.services.council_requests``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import ceil

from workflow.law.periods import shift

# § 34 Abs. 1 S. 6 GemO: S. 3 and 4 do not apply when the council dealt with the same matter
# within the last six months.
SIX_MONTHS = "P6M"
# § 20b Abs. 3 GemO: an admissible Einwohnerantrag is dealt with within three months of its
# receipt; § 41a Abs. 2 GemO: the council decides on the youth representation's request
# within three months.
THREE_MONTHS = "P3M"


def quarter(councillors: int) -> int:
    """Signatures needed to force a session "unverzüglich": one quarter of the councillors,
    rounded up (§ 34 Abs. 1 S. 3 GemO: "ein Viertel der Gemeinderäte")."""
    return ceil(max(councillors, 0) / 4)


def sixth(councillors: int) -> int:
    """Signatures needed to force an item onto the agenda: one sixth of the councillors,
    rounded up (§ 34 Abs. 1 S. 4 GemO), unless a Fraktion asks."""
    return ceil(max(councillors, 0) / 6)


@dataclass(frozen=True)
class Quorum:
    """Whether a request carries the statutory weight, with the numbers in words."""

    reached: bool
    signers: int
    needed: int
    explanation: str


def session_quorum(signers: int, councillors: int) -> Quorum:
    """§ 34 Abs. 1 S. 3 GemO: a quarter of the councillors forces a session."""
    needed = quarter(councillors)
    reached = councillors > 0 and signers >= needed
    return Quorum(
        reached,
        signers,
        needed,
        f"{signers} von {councillors} Gemeinderäten; nötig ist ein Viertel, also {needed} "
        "(§ 34 Abs. 1 Satz 3 GemO)",
    )


def agenda_quorum(signers: int, councillors: int, *, faction: bool) -> Quorum:
    """§ 34 Abs. 1 S. 4 GemO: a Fraktion, or one sixth of the councillors, forces an item
    onto the agenda of the next-but-one session at the latest."""
    needed = sixth(councillors)
    if faction:
        return Quorum(True, signers, needed, "Antrag einer Fraktion (§ 34 Abs. 1 Satz 4 GemO)")
    reached = councillors > 0 and signers >= needed
    return Quorum(
        reached,
        signers,
        needed,
        f"{signers} von {councillors} Gemeinderäten; nötig ist ein Sechstel, also {needed} "
        "(§ 34 Abs. 1 Satz 4 GemO)",
    )


def signature_quorum(signatures: int, required: int | None) -> Quorum:
    """§ 20b Abs. 2 GemO: the Einwohnerantrag needs the number of valid signatures the
    municipality's size prescribes; ``required`` is that number, as the administration
    determined it from the eligible residents (None: not determined yet, not refused)."""
    if required is None:
        return Quorum(True, signatures, 0, "erforderliche Unterschriftenzahl nicht erfasst")
    return Quorum(
        signatures >= required,
        signatures,
        required,
        f"{signatures} gültige Unterschriften; erforderlich sind {required} (§ 20b Abs. 2 GemO)",
    )


def dealt_with_recently(dealt_on: date, received_on: date) -> bool:
    """§ 34 Abs. 1 S. 6 GemO: the council dealt with the same matter "innerhalb der letzten
    sechs Monate" before the request reached it (the day of receipt counted back)."""
    return shift(received_on, SIX_MONTHS, forward=False) <= dealt_on <= received_on


def next_but_one(session_days: list[date], received_on: date) -> date | None:
    """The day of the next-but-one session after the request's receipt ("spätestens der
    übernächsten Sitzung", § 34 Abs. 1 S. 4 GemO); None while fewer than two are planned.
    A session on the day of receipt is not counted: its agenda was closed before."""
    later = sorted(day for day in session_days if day > received_on)
    return later[1] if len(later) >= 2 else None
