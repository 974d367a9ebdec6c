"""Past-tense names of the steps of released definition versions, kept beside them.

A released version's text never changes (``definitions/versions.lock``; the database refuses
a changed text at start-up, ``workflow.runtime.record_definitions``), so the ``done_label``
a later version may carry in its own file is given to the released ones by
``definitions/display/done_labels.yaml``: per definition, per trigger, the words a record
uses once the step happened ("submit: Zur Mitzeichnung gegeben"). Display text only: no
content hash, no machine and no guard depends on it. A ``done_label`` in the definition
file wins over the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from pydantic import TypeAdapter

from workflow.definitions.loader import LoadedDefinition
from workflow.definitions.spec import DoneLabel
from workflow.definitions.yaml_file import YamlFile, read_yaml
from workflow.errors import DefinitionError

DONE_LABELS = Path("display") / "done_labels.yaml"

Mapping = dict[str, dict[str, DoneLabel]]
_SCHEMA: TypeAdapter[Mapping] = TypeAdapter(Mapping)


def done_labels_files(paths: Iterable[Path]) -> list[Path]:
    """The mapping of each definitions directory that has one."""
    return [p / DONE_LABELS for p in paths if p.is_dir() and (p / DONE_LABELS).is_file()]


def apply_done_labels(path: Path, loaded: Sequence[LoadedDefinition]) -> list[LoadedDefinition]:
    """The definitions with their steps' done_labels from the mapping at ``path``; its
    problems (schema, unknown definition or trigger) as ``file:line: reason``."""
    read = read_yaml(path, _SCHEMA.validate_python)
    _check(read, loaded)
    return [_with_done_labels(d, read.data.get(d.spec.name, {})) for d in loaded]


def _check(read: YamlFile[Mapping], loaded: Sequence[LoadedDefinition]) -> None:
    mapping = read.data
    triggers: dict[str, set[str]] = {}
    for definition in loaded:
        triggers.setdefault(definition.spec.name, set()).update(definition.spec.triggers)
    problems = []
    for name, labels in mapping.items():
        if name not in triggers:
            problems.append(read.problem((name,), f'unbekannte Definition "{name}"'))
            continue
        for trigger in labels:
            if trigger not in triggers[name]:
                problems.append(
                    read.problem(
                        (name, trigger), f'die Definition "{name}" hat keine Aktion "{trigger}"'
                    )
                )
    if problems:
        raise DefinitionError(problems)


def _with_done_labels(definition: LoadedDefinition, labels: dict[str, str]) -> LoadedDefinition:
    if not labels:
        return definition
    spec = definition.spec
    transitions = tuple(
        t.model_copy(update={"done_label": labels[t.trigger]})
        if t.done_label is None and t.trigger in labels
        else t
        for t in spec.transitions
    )
    return replace(definition, spec=spec.model_copy(update={"transitions": transitions}))
