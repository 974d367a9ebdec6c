"""The section "Finanzierung": Haushaltsstelle, covered amount, remaining and unplanned
expenditure."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from workflow.importing.lines import Reader, Section, is_placeholder
from workflow.importing.results import ParsedFinancing
from workflow.law.budget_coverage import BudgetCoverage, format_euro, parse_budget_coverage

_FIN_BUDGET: Final = re.compile(
    r"^(?P<label>Durch\b.*?\babgedeckt)\s*:(?P<value>.*)$", re.IGNORECASE
)

_FIN_REMAINING: Final = re.compile(
    r"^Restliche\s+Verf(?:ü|ue)gungssumme\b[^:]*:(?P<value>.*)$", re.IGNORECASE
)

_FIN_UNPLANNED: Final = re.compile(
    r"^(?:Au(?:ß|ss)er\s*-?\s*/\s*(?:Ü|Ue)ber|(?:Ü|Ue)ber\s*-?\s*/\s*Au(?:ß|ss)er)"
    r"planm(?:ä|ae)(?:ß|ss)ig\s*:(?P<value>.*)$",
    re.IGNORECASE,
)


_fmt_eur = format_euro


class FinancingReader(Reader):
    def _financing(self, section: Section | None) -> ParsedFinancing:
        coverage = BudgetCoverage(budget_line=None, covered=None, amount=None)
        remaining: Decimal | None = None
        unplanned: Decimal | None = None
        coverage_parts: list[str] = []
        seen: dict[str, int] = {}
        unplanned_line: int | None = None
        for line in section.lines if section else []:
            if not line.text:
                continue
            budget = _FIN_BUDGET.match(line.text)
            rest = _FIN_REMAINING.match(line.text)
            extra = _FIN_UNPLANNED.match(line.text)
            kind = "budget" if budget else "remaining" if rest else "unplanned" if extra else ""
            if kind and kind in seen:
                raise self._error(
                    line.no,
                    f'Doppelte Angabe im Abschnitt "Finanzierung" (zuerst in Zeile {seen[kind]}).',
                )
            if kind:
                seen[kind] = line.no
            if budget:
                coverage = parse_budget_coverage(budget["label"], budget["value"])
                if coverage.unrecognised:
                    self._issue(
                        line.no,
                        "Haushaltsstelle oder gedeckter Betrag nicht vollständig erkannt: "
                        f'"{coverage.unrecognised}".',
                    )
            elif rest:
                remaining, tail = self._amount(rest["value"], line.no, "Restliche Verfügungssumme")
                if tail:
                    raise self._error(
                        line.no, f'Unerwarteter Text nach der Verfügungssumme: "{tail}".'
                    )
            elif extra:
                unplanned, tail = self._amount(
                    extra["value"], line.no, "Außer-/überplanmäßiger Betrag"
                )
                unplanned_line = line.no
                if tail:
                    coverage_parts.append(tail)
            elif unplanned_line is not None:
                coverage_parts.append(line.text)
            elif not (is_placeholder(line.text) and not seen):
                raise self._error(
                    line.no, f'Unbekannte Zeile im Abschnitt "Finanzierung": "{line.text}".'
                )
        unplanned_coverage = " ".join(coverage_parts) or None
        if unplanned is not None and unplanned_coverage is None:
            assert unplanned_line is not None
            self._issue(
                unplanned_line,
                f"Für den außer-/überplanmäßigen Betrag von {_fmt_eur(unplanned)} ist keine "
                "Deckung angegeben (§ 84 GemO).",
            )
        if unplanned is None and unplanned_coverage is not None:
            assert unplanned_line is not None
            self._issue(
                unplanned_line,
                "Eine Deckung für außer-/überplanmäßige Ausgaben ist angegeben, aber kein Betrag.",
            )
        return ParsedFinancing(
            budget_line=coverage.budget_line,
            covered_by_budget=coverage.covered,
            covered_amount=coverage.amount,
            remaining_amount=remaining,
            unplanned_amount=unplanned,
            unplanned_coverage=unplanned_coverage,
        )
