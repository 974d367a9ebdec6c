"""Majority and quorum arithmetic of § 37 GemO, without a database."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.law.voting import Quorum, Tally

counts = st.integers(min_value=0, max_value=60)


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "adopted"),
    [
        (10, 9, 0, True),
        (1, 0, 18, True),  # abstentions are not counted
        (9, 9, 1, False),  # tie rejects (§ 37 Abs. 6 GemO)
        (0, 0, 19, False),  # only abstentions: no majority
        (0, 0, 0, False),
        (8, 10, 1, False),
        (5, 6, 8, False),  # abstentions do not turn a no-majority into a yes
    ],
)
def test_tally_simple_majority(yes: int, no: int, abstain: int, adopted: bool) -> None:
    assert Tally(yes=yes, no=no, abstain=abstain).adopted is adopted


@given(yes=counts, no=counts, abstain=counts, more_abstain=counts)
def test_tally_adopted_iff_more_yes_than_no(
    yes: int, no: int, abstain: int, more_abstain: int
) -> None:
    tally = Tally(yes=yes, no=no, abstain=abstain)
    assert tally.adopted is (yes > no)
    assert Tally(yes=yes, no=no, abstain=abstain + more_abstain).adopted is tally.adopted
    if yes == no:
        assert not tally.adopted


@pytest.mark.parametrize(
    ("members", "biased", "required"),
    [
        (19, 0, 10),  # Ilsfeld Gemeinderat: "mindestens die Hälfte" of 19
        (18, 0, 9),  # exactly half suffices
        (9, 4, 5),  # 4 of 9 is not more than half
        (9, 5, 3),  # more than half biased: a quarter, ceil(9/4)
        (18, 9, 9),  # exactly half biased: still half
        (18, 10, 5),
        (19, 10, 5),
        (1, 0, 1),
        (1, 1, 1),
        (2, 2, 1),
    ],
)
def test_quorum_examples(members: int, biased: int, required: int) -> None:
    assert Quorum(members=members, present_entitled=0, biased=biased).required == required


@pytest.mark.parametrize("members", range(1, 31))
def test_quorum_required_for_every_council_size(members: int) -> None:
    half = math.ceil(members / 2)
    quarter = math.ceil(members / 4)
    for biased in range(members + 1):
        quorum = Quorum(members=members, present_entitled=members - biased, biased=biased)
        assert quorum.required == (quarter if 2 * biased > members else half), biased
        second = Quorum(
            members=members, present_entitled=members - biased, biased=biased, second_session=True
        )
        assert second.required == 3


@given(data=st.data(), members=st.integers(min_value=1, max_value=30), second=st.booleans())
def test_quorum_properties(data: st.DataObject, members: int, second: bool) -> None:
    biased = data.draw(st.integers(min_value=0, max_value=members), label="biased")
    entitled = data.draw(st.integers(min_value=0, max_value=members - biased), label="entitled")
    quorum = Quorum(
        members=members, present_entitled=entitled, biased=biased, second_session=second
    )
    required = quorum.required
    if second:
        assert required == 3  # § 37 Abs. 3 GemO
    elif 2 * biased > members:
        # smallest number that is at least a quarter (§ 37 Abs. 2 S. 2 GemO)
        assert 4 * required >= members > 4 * (required - 1)
    else:
        # smallest number that is at least half (§ 37 Abs. 2 S. 1 GemO)
        assert 2 * required >= members > 2 * (required - 1)
    assert quorum.reached is (entitled >= required)
    assert f"erforderlich {required}" in quorum.explain()
    assert f"{entitled} von {members}" in quorum.explain()


def test_explain_names_the_paragraph() -> None:
    assert "§ 37 Abs. 2 GemO" in Quorum(members=19, present_entitled=9, biased=0).explain()
    second = Quorum(members=19, present_entitled=2, biased=0, second_session=True)
    assert "§ 37 Abs. 3 GemO" in second.explain()
    assert not second.reached
