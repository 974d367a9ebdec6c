"""``GET …/actions``: what the caller can do now, and what each action needs (a UI renders
its forms from this shape, so it only grows)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas.common import Output


class GuardRead(Output):
    name: str
    message: str


class ChoiceRead(Output):
    value: str | int
    label: str


class ActionFieldRead(Output):
    """One input of an action: ``path`` says where it goes in the transition request
    (``comment`` or ``data.<name>``)."""

    name: str = Field(examples=["meeting_id"])
    path: str = Field(examples=["data.meeting_id"])
    type: Literal["text", "integer", "boolean", "date", "person", "choice"]
    label: str = Field(examples=["Sitzung"])
    required: bool
    multiple: bool = Field(description="eine Liste von Werten (z. B. mehrere Personen)")
    help: str | None
    minimum: int | None
    options: list[ChoiceRead] | None = Field(
        description="die zulässigen Werte bei choice und person, für diese Instanz berechnet"
    )


class ActionRead(Output):
    trigger: str
    label: str
    dest: str | None
    dest_label: str | None
    allowed: bool
    blocked_by: Literal["state", "role", "guard"] | None
    reasons: list[str]
    unmet_guards: list[GuardRead]
    roles: list[str]
    role_labels: list[str]
    legal_basis: str | None
    fields: list[ActionFieldRead]


class TriggerRead(Output):
    trigger: str
    label: str


class NotPossibleRead(Output):
    """The triggers the current state does not offer, said once instead of per trigger."""

    reason: str = Field(examples=['Im Zustand "Entwurf" nicht möglich'])
    actions: list[TriggerRead]


class PendingCosignerRead(Output):
    username: str
    name: str
    mandatory: bool


class OpenStepRead(Output):
    """A step done through its own route (attendance, votes, signatures, execution tasks)
    that a transition from this state waits for."""

    kind: str = Field(
        examples=["attendance"],
        description="cosignatures, agenda, attendance, votes, outcomes, minutes_signatures, "
        "execution_tasks",
    )
    label: str
    detail: str
    href: str | None = Field(description="die Route, über die der Schritt erledigt wird")


class ActionsRead(Output):
    state: str
    state_label: str
    version: int
    allowed: list[ActionRead]
    blocked: list[ActionRead] = Field(description="gesperrt durch Rolle oder Bedingung")
    not_possible: NotPossibleRead
    cosigners_pending: list[PendingCosignerRead]
    open_steps: list[OpenStepRead]
