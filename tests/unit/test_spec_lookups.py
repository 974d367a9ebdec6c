"""A definition's cached lookups answer what a scan of its transitions and states answers."""

from __future__ import annotations

from workflow.definitions.machines import Workflows


def test_lookups_match_a_scan_of_every_definition(workflows: Workflows) -> None:
    for workflow in workflows.by_key.values():
        spec = workflow.spec
        for state in spec.states:
            scanned = [t for t in spec.transitions if state.name in t.source]
            assert spec.transitions_from(state.name) == scanned
            for trigger in spec.triggers:
                first = next((t for t in scanned if t.trigger == trigger), None)
                assert spec.transition_for(trigger, state.name) == first
        assert spec.transitions_from("no such state") == []
        assert spec.deadline_rules == {
            rule.rule: (state.name, rule) for state in spec.states for rule in state.deadlines
        }


def test_a_copy_with_other_transitions_does_not_keep_the_cached_ones(
    workflows: Workflows,
) -> None:
    spec = workflows.latest("proposal").spec
    assert spec.transitions_from(spec.initial)  # the cache is filled
    fewer = spec.model_copy(
        update={
            "transitions": tuple(t for t in spec.transitions if spec.initial not in t.source),
            "states": tuple(s.model_copy(update={"deadlines": ()}) for s in spec.states),
        }
    )
    assert fewer.transitions_from(spec.initial) == []
    assert (
        fewer.transition_for(spec.transitions_from(spec.initial)[0].trigger, spec.initial) is None
    )
    assert fewer.deadline_rules == {}
    assert spec.deadline_rules  # the original keeps its own
