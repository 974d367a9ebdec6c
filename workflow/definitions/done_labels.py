"""Past-tense names of the steps of released definition versions, kept beside them.

A released version's text never changes (``definitions/versions.lock``; the database refuses
a changed text at start-up, ``workflow.runtime.record_definitions``), so the ``done_label``
a later version may carry in its own file is given to the released ones by
``definitions/display/done_labels.yaml``: per definition, per trigger, the words a record
uses once the step happened ("submit: Zur Mitzeichnung gegeben"), for every version, or per
version where the versions word the step differently ("present_minutes: {3: Niederschrift
dem Gemeinderat …, 4: Niederschrift dem Gremium …}"): an instance keeps its version, and its
history the words of that version. Display text only: no content hash, no machine and no
guard depends on it. A ``done_label`` in the definition file wins over the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import Discriminator, Tag, TypeAdapter

from workflow.definitions.loader import LoadedDefinition
from workflow.definitions.spec import DoneLabel
from workflow.definitions.yaml_file import YamlFile, read_yaml
from workflow.errors import DefinitionError, DefinitionProblem

DONE_LABELS = Path("display") / "done_labels.yaml"


def _shape(value: Any) -> str:
    return "dict" if isinstance(value, dict) else "str"


# One label for every version, or a label per version number (YAML keys, read as text).
PerVersion = dict[str, DoneLabel]
Labels = Annotated[
    Annotated[DoneLabel, Tag("str")] | Annotated[PerVersion, Tag("dict")], Discriminator(_shape)
]
Mapping = dict[str, dict[str, Labels]]
_SCHEMA: TypeAdapter[Mapping] = TypeAdapter(Mapping)


def done_labels_files(paths: Iterable[Path]) -> list[Path]:
    """The mapping of each definitions directory that has one."""
    return [p / DONE_LABELS for p in paths if p.is_dir() and (p / DONE_LABELS).is_file()]


def apply_done_labels(path: Path, loaded: Sequence[LoadedDefinition]) -> list[LoadedDefinition]:
    """The definitions with their steps' done_labels from the mapping at ``path``; its
    problems (schema, unknown definition, version or trigger) as ``file:line: reason``."""
    read = read_yaml(path, _SCHEMA.validate_python)
    _check(read, loaded)
    return [_with_done_labels(d, read.data.get(d.spec.name, {})) for d in loaded]


def _check(read: YamlFile[Mapping], loaded: Sequence[LoadedDefinition]) -> None:
    # the triggers of each definition, by version
    triggers: dict[str, dict[str, set[str]]] = {}
    for definition in loaded:
        spec = definition.spec
        triggers.setdefault(spec.name, {})[str(spec.version)] = set(spec.triggers)
    problems: list[DefinitionProblem] = []
    for name, labels in read.data.items():
        versions = triggers.get(name)
        if versions is None:
            problems.append(read.problem((name,), f'unbekannte Definition "{name}"'))
            continue
        for trigger, label in labels.items():
            if isinstance(label, str):
                if not any(trigger in found for found in versions.values()):
                    problems.append(
                        read.problem(
                            (name, trigger),
                            f'die Definition "{name}" hat keine Aktion "{trigger}"',
                        )
                    )
                continue
            for version in label:
                where = (name, trigger, version)
                if version not in versions:
                    problems.append(
                        read.problem(
                            where, f'die Definition "{name}" hat keine Version "{version}"'
                        )
                    )
                elif trigger not in versions[version]:
                    problems.append(
                        read.problem(
                            where,
                            f'die Definition "{name}" hat in Version {version} keine Aktion '
                            f'"{trigger}"',
                        )
                    )
    if problems:
        raise DefinitionError(problems)


def _with_done_labels(
    definition: LoadedDefinition, labels: dict[str, str | PerVersion]
) -> LoadedDefinition:
    spec = definition.spec
    version = str(spec.version)
    own: dict[str, str] = {}
    for trigger, label in labels.items():
        chosen = label if isinstance(label, str) else label.get(version)
        if chosen is not None:
            own[trigger] = chosen
    if not own:
        return definition
    transitions = tuple(
        t.model_copy(update={"done_label": own[t.trigger]})
        if t.done_label is None and t.trigger in own
        else t
        for t in spec.transitions
    )
    return replace(definition, spec=spec.model_copy(update={"transitions": transitions}))
