"""What changed between two versions of a definition, in German, for
``ratsflow definitions diff``: states and transitions added, removed and changed."""

from __future__ import annotations

from typing import Any

from workflow.definitions.spec import DefinitionSpec, StateSpec, TransitionSpec


def _value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return "–" if value is None else str(value)


def _changes(old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    return [
        f"{key}: {_value(old.get(key))} → {_value(new.get(key))}"
        for key in dict.fromkeys([*old, *new])
        if key not in skip and old.get(key) != new.get(key)
    ]


def _state_changes(old: StateSpec, new: StateSpec) -> list[str]:
    changes = _changes(old.model_dump(), new.model_dump(), skip=("deadlines",))
    old_rules = {r.rule: r for r in old.deadlines}
    new_rules = {r.rule: r for r in new.deadlines}
    for rule, spec in new_rules.items():
        if rule not in old_rules:
            changes.append(f'neue Frist "{rule}" ({spec.label})')
        elif spec != old_rules[rule]:
            detail = "; ".join(_changes(old_rules[rule].model_dump(), spec.model_dump()))
            changes.append(f'Frist "{rule}" geändert: {detail}')
    for rule, spec in old_rules.items():
        if rule not in new_rules:
            changes.append(f'Frist "{rule}" ({spec.label}) entfällt')
    return changes


def _key(t: TransitionSpec, unique: bool) -> str:
    return t.trigger if unique else f"{t.trigger} [{', '.join(t.source)}]"


def _transitions(spec: DefinitionSpec, other: DefinitionSpec) -> dict[str, TransitionSpec]:
    """By trigger where it occurs at most once on each side (a changed source is a change),
    else by trigger and sources."""

    def count(s: DefinitionSpec, trigger: str) -> int:
        return sum(1 for t in s.transitions if t.trigger == trigger)

    return {
        _key(t, count(spec, t.trigger) == 1 and count(other, t.trigger) <= 1): t
        for t in spec.transitions
    }


def _arrow(t: TransitionSpec) -> str:
    return f"{', '.join(t.source)} → {t.dest}"


def diff(old: DefinitionSpec, new: DefinitionSpec) -> list[str]:
    """One line per change; none when the versions describe the same lifecycle."""
    lines: list[str] = []
    head = _changes(
        {"title": old.title, "initial": old.initial, "applies_to": old.applies_to},
        {"title": new.title, "initial": new.initial, "applies_to": new.applies_to},
    )
    lines.extend(f"Definition: {c}" for c in head)
    old_states = {s.name: s for s in old.states}
    new_states = {s.name: s for s in new.states}
    for name, state in new_states.items():
        if name not in old_states:
            lines.append(f'+ Zustand "{name}" ({state.label})')
        else:
            for change in _state_changes(old_states[name], state):
                lines.append(f'~ Zustand "{name}": {change}')
    for name, state in old_states.items():
        if name not in new_states:
            lines.append(f'- Zustand "{name}" ({state.label})')
    old_ts, new_ts = _transitions(old, new), _transitions(new, old)
    for key, t in new_ts.items():
        if key not in old_ts:
            lines.append(f'+ Übergang "{key}" ({t.label}): {_arrow(t)}')
        else:
            for change in _changes(old_ts[key].model_dump(), t.model_dump()):
                lines.append(f'~ Übergang "{key}": {change}')
    for key, t in old_ts.items():
        if key not in new_ts:
            lines.append(f'- Übergang "{key}" ({t.label}): {_arrow(t)}')
    return lines
