"""What a check says: its paragraph, result, evidence, the consequence of a failure, a cure date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from workflow.rules.common import count_of

Result = Literal["erfüllt", "nicht erfüllt", "läuft noch", "nicht anwendbar", "nicht feststellbar"]
MET: Result = "erfüllt"
FAILED: Result = "nicht erfüllt"
# A period that has not ended yet (objection week, publication, minutes signatures): the
# requirement applies, but can neither be met nor missed before the period's end.
RUNNING: Result = "läuft noch"
NOT_APPLICABLE: Result = "nicht anwendbar"
UNKNOWN: Result = "nicht feststellbar"
# Failed and unknown checks first: they are what a reader of the report looks for; then
# what is still open.
ORDER: dict[str, int] = {FAILED: 0, UNKNOWN: 1, RUNNING: 2, MET: 3, NOT_APPLICABLE: 4}


@dataclass(frozen=True)
class Evidence:
    """One fact a result rests on: an audit event (instance, sequence number, time) or a
    record (persons, counts) described in German."""

    text: str
    instance_type: str | None = None
    instance_id: int | None = None
    seq: int | None = None
    at: str | None = None  # ISO 8601, UTC


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    paragraph: str
    result: Result
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    consequence: str | None = None  # what a failure means, in German; None when met
    cure_date: date | None = None  # § 18 Abs. 6, § 4 Abs. 4 GemO: cured a year on

    @property
    def at_risk(self) -> bool:
        return self.result in (FAILED, UNKNOWN)


@dataclass(frozen=True)
class ChainHead:
    """The head of an audit chain the report rests on (``ratsflow audit verify``)."""

    instance_type: str
    instance_id: int
    seq: int
    hash: str
    label: str = ""  # "Vorlage 8/2024", "Sitzung vom 23.04.2024": as the evidence names it


@dataclass(frozen=True)
class Report:
    resolution_id: int
    proposal_id: int
    proposal_label: str
    title: str
    municipality: str
    body: str | None
    meeting_id: int | None
    decided_on: date
    adopted: bool
    kind: str
    public: bool
    checks: tuple[Check, ...]
    chains: tuple[ChainHead, ...] = field(default_factory=tuple)
    letterhead: str = ""  # "Gemeinde Ilsfeld", "Stadt Neckarsulm" (supervision.municipality_title)

    @property
    def ordered(self) -> list[Check]:
        """Failed and unknown checks first, otherwise in the order of the procedure."""
        return sorted(self.checks, key=lambda c: ORDER[c.result])

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.result == FAILED]

    @property
    def unknown(self) -> list[Check]:
        return [c for c in self.checks if c.result == UNKNOWN]

    @property
    def running(self) -> list[Check]:
        return [c for c in self.checks if c.result == RUNNING]

    @property
    def at_risk(self) -> bool:
        return any(c.at_risk for c in self.checks)

    @property
    def cure_date(self) -> date | None:
        dates = [c.cure_date for c in self.failed if c.cure_date is not None]
        return max(dates) if dates else None

    def summary(self) -> str:
        if not self.at_risk:
            if self.running:
                return "Bisher alle Anforderungen erfüllt, " + count_of(
                    len(self.running), "Frist läuft noch", "Fristen laufen noch"
                )
            return "Alle anwendbaren Anforderungen erfüllt"
        parts = []
        if self.failed:
            parts.append(f"{len(self.failed)} nicht erfüllt")
        if self.unknown:
            parts.append(f"{len(self.unknown)} nicht feststellbar")
        if self.running:
            parts.append(count_of(len(self.running), "Frist läuft noch", "Fristen laufen noch"))
        return ", ".join(parts)
