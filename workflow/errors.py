"""Typed engine errors with German messages; they carry no HTTP status (the API maps them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workflow.roles import role_label, role_labels


class WorkflowError(Exception):
    """Base of every refusal the engine explains to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(WorkflowError):
    """Missing, or not visible to the caller: the two are indistinguishable on purpose."""


# The grammatical gender of what may be missing, for "Diese Beschlussvorlage", "Dieser
# Tagesordnungspunkt", "Dieses Gremium".
_NEUTER = {"Gremium"}
_MASCULINE = {
    "Antrag",
    "Benutzer",
    "Beschluss",
    "Tagesordnungspunkt",
}


def not_found(noun: str) -> NotFound:
    """ "Diese Beschlussvorlage wurde nicht gefunden.": without the internal id, which users
    do not know (they know a Vorlage by its label, 5/2026), and without the label, which must
    not show for a Vorlage of another municipality (missing and hidden read the same)."""
    this = "Dieses" if noun in _NEUTER else "Dieser" if noun in _MASCULINE else "Diese"
    return NotFound(f"{this} {noun} wurde nicht gefunden.")


class InvalidInput(WorkflowError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooLarge(InvalidInput):
    """An upload above the size limit (RATSFLOW_MAX_UPLOAD_BYTES; the API answers 413)."""


class Conflict(WorkflowError):
    """The request does not fit the current state of the data (409)."""


class WrongState(Conflict):
    """Refused in the instance's current state; ``state`` (its internal name) lets a page
    add the definition's label of it, which the engine's services do not have at hand."""

    def __init__(self, message: str, *, state: str) -> None:
        super().__init__(message)
        self.state = state


class StaleVersion(Conflict):
    def __init__(self, *, expected: int | None, actual: int | None) -> None:
        versions = (
            f" (erwartete Version {expected}, aktuelle Version {actual})"
            if expected is not None and actual is not None
            else ""
        )
        super().__init__(
            f"Der Datensatz wurde zwischenzeitlich geändert{versions}. "
            "Bitte neu laden und erneut versuchen."
        )
        self.expected = expected
        self.actual = actual


class DeadlineNotWaivable(Conflict):
    """A statutory "muss" cannot be set aside by the administration; only a soft rule
    ("soll"/"in der Regel") allows an override with a recorded reason (DOMAIN.md)."""

    def __init__(self, *, rule: str, label: str, legal_basis: str | None) -> None:
        basis = f", {legal_basis}" if legal_basis else ""
        super().__init__(
            f'Die Frist "{label}" ({rule}{basis}) ist gesetzlich zwingend und kann nicht '
            'erlassen werden; erlassen werden können nur Soll-Fristen ("soll", "in der Regel").'
        )
        self.rule = rule
        self.legal_basis = legal_basis


class TriggerNotAllowed(Conflict):
    def __init__(self, *, trigger: str, state: str, state_label: str) -> None:
        super().__init__(f'Die Aktion "{trigger}" ist im Zustand "{state_label}" nicht möglich.')
        self.trigger = trigger
        self.state = state
        self.state_label = state_label  # as the municipality reads it (workflow.wording)


class UnknownTrigger(InvalidInput):
    """A trigger the instance's definition does not have at all (a typo, another kind's)."""

    def __init__(self, *, trigger: str, known: Sequence[str]) -> None:
        super().__init__(
            f'Unbekannte Aktion "{trigger}". Bekannte Aktionen: {", ".join(known)}.',
            field="trigger",
        )
        self.trigger = trigger
        self.known = tuple(known)


class RoleRefused(WorkflowError):
    def __init__(
        self, *, trigger: str, role: str, allowed_roles: Sequence[str], label: str | None = None
    ) -> None:
        super().__init__(
            f'Die Rolle "{role_label(role)}" darf die Aktion "{label or trigger}" nicht '
            f"ausführen (erlaubt: {role_labels(allowed_roles)})."
        )
        self.trigger = trigger
        self.role = role
        self.allowed_roles = tuple(allowed_roles)


@dataclass(frozen=True)
class UnmetGuard:
    name: str
    message: str


class GuardsUnmet(WorkflowError):
    def __init__(self, *, trigger: str, unmet: Sequence[UnmetGuard]) -> None:
        reasons = "; ".join(g.message for g in unmet)
        super().__init__(f'Die Aktion "{trigger}" ist nicht zulässig: {reasons}')
        self.trigger = trigger
        self.unmet = tuple(unmet)


@dataclass(frozen=True)
class DefinitionProblem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class DefinitionError(Exception):
    """An invalid definition file; carries every problem found, each with file and line."""

    def __init__(self, problems: Sequence[DefinitionProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)
