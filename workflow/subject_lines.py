"""How an e-mail's subject names the matter it is about (§ 35 Abs. 1 GemO).

A subject travels unencrypted in the mail's headers, shows in lock-screen notifications and
in the administration's outbox list, whose text is withheld (``workflow.services.outbox``):
a non-public matter is named there by its kind and number alone. The body, which only the
recipient reads, keeps the title.
"""

from __future__ import annotations

from workflow.models import Proposal

NON_PUBLIC = "(nichtöffentlich)"


def named(name: str, title: str, *, public: bool) -> str:
    """``Vorlage 2/2024 – Grundstücksankauf``, or ``Vorlage 2/2024 (nichtöffentlich)`` when
    the matter is non-public: ``name`` is its kind and number, ``title`` what it is about."""
    return f"{name} – {title}" if public else f"{name} {NON_PUBLIC}"


def proposal_named(proposal: Proposal, *, public: bool = True) -> str:
    """A Vorlage in a subject; ``public`` False where it is dealt with non-publicly although
    the Vorlage itself is public (e.g. its resolution in a non-public item)."""
    return named(f"Vorlage {proposal.label}", proposal.title, public=proposal.public and public)
