"""The line "Durch HH-Plan …, Haushaltsstelle … abgedeckt:" of a Vorlage, in structured parts.

The form leaves gaps for the plan year and the Haushaltsstelle in the label and asks for the
covered amount (or "ja"/"nein") after the colon; clerks fill either side, so both are read:
the Haushaltsstelle as text (leading zeros and dots are part of the number, e.g.
``5410.0960.000``), the amount as a Decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

# German amount: "1.350.000,00 Euro", "12.500 €", "3.200,-"; a cent part or a currency is
# required, so a Haushaltsstelle such as 1.5400.9350 is never taken for money.
_MONEY: Final = re.compile(
    r"(?<![\d.])(?P<int>\d{1,3}(?:\.\d{3})+|\d+)"
    r"(?:,(?P<frac>\d{2}|-{1,2}|–))?\s*(?P<cur>€|EUR\b|Euro\b)?(?![\d.]\d)",
    re.IGNORECASE,
)
# Haushaltsstelle: groups of digits joined by dots ("1.5400.9350", "5410.0960.000").
_NUMBER: Final = re.compile(r"(?<![\d.,])\d+(?:\.\d+)+(?!\d|,|\.\d)")
_NO: Final = frozenset({"nein", "nicht abgedeckt", "nicht gedeckt"})
_FILLER: Final = re.compile(
    r"\b(?:ja|bei|HH-?St(?:elle)?|Haushaltsstelle|Betrag|abgedeckt|in\s+Höhe\s+von|mit)\b\.?"
    r"|[\s,;:–\-_.()]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BudgetCoverage:
    budget_line: str | None  # the Haushaltsstelle, as text
    covered: bool | None  # None: the form was left empty
    amount: Decimal | None  # the amount the budget covers
    unrecognised: str | None = None  # text that is neither of them, for a hint


def parse_budget_coverage(label: str, value: str) -> BudgetCoverage:
    value = value.strip(" \t._-–—/")
    if value.casefold().rstrip(".") in _NO:
        return BudgetCoverage(budget_line=_number(label), covered=False, amount=None)
    amount, rest = _money(value)
    number = _number(rest) or _number(label.split(",", 1)[-1])
    leftover = _NUMBER.sub("", rest)
    unrecognised = value if _FILLER.sub("", leftover) else None
    if number is None and amount is None and not value:
        return BudgetCoverage(budget_line=None, covered=None, amount=None)
    return BudgetCoverage(
        budget_line=number, covered=True, amount=amount, unrecognised=unrecognised
    )


def _money(text: str) -> tuple[Decimal | None, str]:
    for match in _MONEY.finditer(text):
        if match["frac"] is None and match["cur"] is None:
            continue
        cents = match["frac"] or ""
        frac = cents if cents.isascii() and cents.isdigit() else "00"  # "-", "–": none
        amount = Decimal(f"{match['int'].replace('.', '')}.{frac}")
        return amount, text[: match.start()] + " " + text[match.end() :]
    return None, text


def _number(text: str) -> str | None:
    match = _NUMBER.search(text)
    return match.group(0) if match else None


def format_euro(value: Decimal, unit: str = "€") -> str:
    """``1350000`` → ``1.350.000,00 €`` (``unit="Euro"`` for running text, as the seed
    writes it): the one German amount format of documents, mails and pages."""
    english = f"{value:,.2f}"
    return english.replace(",", "X").replace(".", ",").replace("X", ".") + f" {unit}"
