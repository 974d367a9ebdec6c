"""Counting a Wahl under § 37 Abs. 7 GemO; pure arithmetic over one round's counts.

§ 37 Abs. 7 GemO: elected is whoever receives "mehr als die Hälfte der Stimmen der
anwesenden Stimmberechtigten" – the basis is the number of present members entitled to vote,
not the valid ballots, so blank and invalid ballots and members who do not vote all count
against the candidates. Without that majority the two candidates with the most votes go to a
run-off (Stichwahl) decided by simple majority, a tie by lot. A single candidate who fails
gets a second ballot, which "soll" take place at least one week after the first.

The lot is drawn in the room and entered as input (``lot``): the engine stays
deterministic and the draw is on record instead of being made by a random source here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from workflow.law.errors import RefusedInput

RoundKind = Literal["first", "runoff", "second_ballot"]
Next = Literal["elected", "runoff", "second_ballot", "not_elected"]
# § 37 Abs. 7 GemO: the second ballot of a single candidate "soll" be a week after the first.
SECOND_BALLOT_GAP = timedelta(weeks=1)


def majority_required(entitled: int) -> int:
    """More than half of the present entitled members (§ 37 Abs. 7 S. 2 GemO)."""
    return entitled // 2 + 1


@dataclass(frozen=True)
class RoundResult:
    """What one round decides, and what has to happen next."""

    kind: RoundKind
    next: Next
    elected: int | None = None  # candidate id
    required: int | None = None  # votes needed; None in a run-off (simple majority)
    runoff: tuple[int, ...] = ()  # the two candidates of the run-off
    by_lot: bool = False  # the lot decided (a tie in the run-off or for the run-off places)


def check_ballots(*, counts: Mapping[int, int], invalid: int, entitled: int, cast: int) -> None:
    """The paper trail must add up: no more ballots than present entitled members, and as
    many ballots as members recorded as having cast one (nobody votes twice)."""
    if invalid < 0 or any(v < 0 for v in counts.values()):
        raise RefusedInput("Stimmenzahlen können nicht negativ sein", field="counts")
    ballots = sum(counts.values()) + invalid
    if ballots > entitled:
        raise RefusedInput(
            f"{ballots} Stimmzettel, aber nur {entitled} anwesende Stimmberechtigte "
            "(§ 37 Abs. 7 GemO)",
            field="counts",
        )
    if ballots != cast:
        raise RefusedInput(
            f"{ballots} Stimmzettel gezählt, aber {cast} Mitglieder als Wählende erfasst",
            field="voters",
        )


def _ranked(counts: Mapping[int, int]) -> list[tuple[int, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _by_lot(tied: list[int], places: int, lot: Sequence[int], what: str) -> tuple[int, ...]:
    """The first ``places`` of the tied candidates in the order the lot drew them."""
    drawn = [c for c in lot if c in tied]
    if len(lot) != len(set(lot)) or any(c not in tied for c in lot) or len(drawn) < places:
        raise RefusedInput(
            f"Stimmengleichheit zwischen {sorted(tied)} {what}: es entscheidet das Los "
            f"(§ 37 Abs. 7 GemO); das im Saal gezogene Los ist als lot anzugeben ({places} "
            "von ihnen in der gezogenen Reihenfolge)",
            field="lot",
        )
    return tuple(drawn[:places])


def count_round(
    *,
    kind: RoundKind,
    counts: Mapping[int, int],
    entitled: int,
    lot: Sequence[int] = (),
) -> RoundResult:
    """Decide one round. ``counts`` holds every candidate standing in it (zero allowed);
    ``lot`` names the candidates the lot drawn in the room picked, in drawing order.

    A tie for a run-off place is also settled by lot (the statute names "die beiden
    Bewerber mit den meisten Stimmen" and says nothing of a tie there; practice).
    """
    if not counts:
        raise RefusedInput("Es steht kein Bewerber zur Wahl", field="counts")
    ranked = _ranked(counts)
    best, votes = ranked[0]
    if kind == "runoff":
        tied = [c for c, v in ranked if v == votes]
        if len(tied) == 1:
            return RoundResult(kind=kind, next="elected", elected=best)
        (winner,) = _by_lot(tied, 1, lot, "in der Stichwahl")
        return RoundResult(kind=kind, next="elected", elected=winner, by_lot=True)
    required = majority_required(entitled)
    if votes >= required:
        return RoundResult(kind=kind, next="elected", elected=best, required=required)
    if len(counts) == 1:
        # One candidate: a second ballot after the first; after the second he is not elected.
        follow: Next = "second_ballot" if kind == "first" else "not_elected"
        return RoundResult(kind=kind, next=follow, required=required)
    # the two places of the run-off, filled in order of votes; a tie at the cut by lot
    places: list[int] = []
    by_lot = False
    for level in sorted({v for _, v in ranked}, reverse=True):
        group = [c for c, v in ranked if v == level]
        free = 2 - len(places)
        if len(group) <= free:
            places += group
        else:
            places += _by_lot(group, free, lot, "um die Plätze der Stichwahl")
            by_lot = True
        if len(places) == 2:
            break
    return RoundResult(
        kind=kind, next="runoff", required=required, runoff=tuple(places), by_lot=by_lot
    )


def second_ballot_from(first_ballot: date) -> date:
    """The earliest day the second ballot of a single candidate "soll" be held (§ 37 Abs. 7
    GemO: at least one week later; same weekday next week, § 188 Abs. 2 BGB)."""
    return first_ballot + SECOND_BALLOT_GAP
