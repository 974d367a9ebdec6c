"""What an agenda item's outcome is called, in one wording on every screen, document and
feed. An advising committee does not decide, it recommends (§ 39 Abs. 4 GemO): its outcome
is "Empfehlung beschlossen", the same on the session screen as in its minutes."""

from __future__ import annotations

RECOMMENDED = "Empfehlung beschlossen"

OUTCOME_LABELS = {
    "adopted": "beschlossen",
    "rejected": "abgelehnt",
    "recommended": RECOMMENDED,
    "deferred": "vertagt",
    "removed": "abgesetzt",
    "referred": "verwiesen",
    "handled": "behandelt",
    "noted": "zur Kenntnis genommen",
    # Non-public resolutions read out in the next public session (§ 35 Abs. 1 S. 4 GemO).
    "announced": "bekanntgegeben",
}


def outcome_label(outcome: str | None, default: str = "erledigt") -> str:
    """``recommended`` → "Empfehlung beschlossen"; ``default`` for none or an unknown one."""
    return OUTCOME_LABELS.get(outcome or "", default)
