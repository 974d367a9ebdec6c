"""Small helpers the rule modules share."""

from __future__ import annotations

from datetime import date
from typing import Any

from workflow.context import FiringContext
from workflow.deadlines.lifecycle import calendar_for
from workflow.digits import is_digits
from workflow.law.periods import period_end
from workflow.models import Proposal, User
from workflow.queries import latest_resolution, users_with_role
from workflow.roles import MAIL_ROLES

OBJECTION_PERIOD = "P1W"  # § 43 Abs. 2 S. 1 GemO: "binnen einer Woche nach Beschlussfassung"


def proposal(ctx: FiringContext) -> Proposal:
    instance: Proposal = ctx.instance
    return instance


def cosigner_candidates(ctx: FiringContext) -> list[User]:
    """Who may be asked to co-sign at ``submit``: the municipality's co-signers except the
    author and the submitter (four eyes: whoever gives a Vorlage into co-signing cannot
    vouch for it as a second pair of eyes)."""
    p = proposal(ctx)
    excluded = {p.author_id, ctx.actor.user_id}
    return [
        u
        for role in MAIL_ROLES["cosign"]
        for u in users_with_role(ctx.session, p.municipality_id, role)
        if u.id not in excluded
    ]


def data_int(ctx: FiringContext, key: str) -> int | None:
    value: Any = ctx.data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and is_digits(value):
        return int(value)
    return None


def data_text(ctx: FiringContext, key: str) -> str | None:
    value = ctx.data.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def objection_deadline(ctx: FiringContext) -> date | None:
    """Last day of the objection week; § 193 BGB moves a weekend/holiday end forward."""
    p = proposal(ctx)
    resolution = latest_resolution(ctx.session, p.id or 0)
    if resolution is None:
        return None
    calendar = calendar_for(ctx.session, p.municipality_id)
    return period_end(resolution.decided_on, OBJECTION_PERIOD, calendar).date


def count_of(n: int, singular: str, plural: str) -> str:
    """``1 Gemeinde hat``, ``3 Gemeinden haben``: noun (and verb) agreeing with the count."""
    return f"{n} {singular if n == 1 else plural}"


def vote_counts(yes: int | None, no: int | None, abstain: int | None) -> str:
    """``16 Ja, 0 Nein, 1 Enthaltung``: a vote's counts as minutes and reports write them."""
    abstentions = count_of(abstain or 0, "Enthaltung", "Enthaltungen")
    return f"{yes or 0} Ja, {no or 0} Nein, {abstentions}"


def grounds(reason: str) -> str:
    """``Grund: Eigentümer des Nachbargrundstücks.``: a bias reason (§ 18 GemO) as its own
    sentence after the line that names the member, not in brackets: a reason typed in
    brackets, or ending in one ("… (§ 18 Abs. 1 GemO?)"), doubled them ("((…))")."""
    text = " ".join(reason.split())
    if _enclosed(text):
        text = text[1:-1].strip()
    if not text:
        return ""
    return f"Grund: {text}" + ("" if text.endswith((".", "!", "?")) else ".")


def _enclosed(text: str) -> bool:
    """Whether one pair of brackets encloses the whole text: "(Eigentümer)", not
    "(a) und (b)"."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and index < len(text) - 1:
            return False
    return depth == 0


def member_words(body_kind: str) -> tuple[str, str]:
    """(singular, plural) of a body's members: Ratsmitglied in the Gemeinderat,
    Ausschussmitglied in a committee (§§ 39, 41 GemO), else Mitglied."""
    if body_kind == "council":
        return "Ratsmitglied", "Ratsmitglieder"
    if body_kind in ("deciding_committee", "advisory_committee"):
        return "Ausschussmitglied", "Ausschussmitglieder"
    return "Mitglied", "Mitglieder"


def missing_minutes_signatures(
    *,
    chair: bool,
    councillors: int,
    secretary: bool,
    members: tuple[str, str] = ("Ratsmitglied", "Ratsmitglieder"),
) -> list[str]:
    """Who has yet to sign the minutes (§ 38 Abs. 2 S. 1 GemO: the chair, two councillors
    who took part, the Schriftführer), in words; ``councillors``: how many signed;
    ``members``: what the body's members are called (``member_words``)."""
    missing = [] if chair else ["Vorsitz"]
    if councillors < 2:
        count = 2 - councillors
        missing.append(
            f"1 teilnehmendes {members[0]}" if count == 1 else f"{count} teilnehmende {members[1]}"
        )
    if not secretary:
        missing.append("Schriftführung")
    return missing
