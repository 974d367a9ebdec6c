"""Quorum and majority under § 37 GemO; pure arithmetic, tested on its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int

    @property
    def adopted(self) -> bool:
        """Simple majority of yes over no; abstentions do not count; a tie rejects
        (§ 37 Abs. 6 GemO; abstentions per GO practice)."""
        return self.yes > self.no


@dataclass(frozen=True)
class Quorum:
    members: int  # all voting members incl. the mayor (§ 25 Abs. 1 GemO)
    present_entitled: int  # present and not biased (§ 18 GemO)
    biased: int
    # § 37 Abs. 3: the matter is carried over from a session that was not quorate (the
    # callers in workflow.queries decide that from the records, never a bare flag).
    second_session: bool = False

    @property
    def required(self) -> int:
        """At least half (§ 37 Abs. 2 S. 1); a quarter when more than half are biased (S. 2);
        three in the second session (§ 37 Abs. 3)."""
        if self.second_session:
            return 3
        if self.biased * 2 > self.members:
            return -(-self.members // 4)
        return -(-self.members // 2)

    @property
    def reached(self) -> bool:
        return self.present_entitled >= self.required

    def explain(self) -> str:
        basis = "§ 37 Abs. 3 GemO" if self.second_session else "§ 37 Abs. 2 GemO"
        return f"Beschlussfähigkeit ({basis}): {self.counts()}"

    def counts(self) -> str:
        """The numbers alone, where the heading already names the Beschlussfähigkeit."""
        return (
            f"{self.present_entitled} von {self.members} Mitgliedern anwesend und "
            f"stimmberechtigt ({self.biased} befangen), erforderlich {self.required}"
        )
