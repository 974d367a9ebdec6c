"""The routes every workflow instance has: what the caller may fire, firing it, the history.

One factory for proposals, meetings, decision requests and responses, so the three routes
behave and are documented alike for every kind; what a trigger does beyond its state is
the definition's business (actions by name), never a special route.

No ``from __future__ import annotations`` here: the path parameter's type is built per kind
inside the factory, and FastAPI must see it as an object, not as a string to resolve.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlmodel import Session

from api.deps import (
    CurrentUser,
    IfMatch,
    NowDep,
    RuntimeDep,
    SessionDep,
    SettingsDep,
    SignedIn,
    expected_version,
    in_one_call,
)
from api.routes.common import READ, WRITE
from api.schemas.actions import ActionsRead
from api.schemas.common import MAX_ID
from api.schemas.convert import actions_read, transition_result
from api.schemas.proposals import HistoryEventRead, TransitionRequest, TransitionResult
from workflow.context import Actor
from workflow.event_labels import EVENT_LABELS
from workflow.services import actions as action_service
from workflow.services import listing
from workflow.services.transition import fire
from workflow.wording import wording_for


def add_lifecycle_routes(
    router: APIRouter,
    *,
    kind: str,
    collection: str,
    param: str,
    transitions_doc: str = "",
) -> None:
    """``GET /{collection}/{param}/actions``, ``POST …/transitions``, ``GET …/history``.

    ``kind`` is the engine's instance kind (``proposal``); operation ids are
    ``list_{kind}_actions``, ``fire_{kind}_transition`` and ``get_{kind}_history``.
    """
    instance_path = f"/{collection}/{{{param}}}"
    InstanceId = Annotated[int, Path(alias=param, ge=1, le=MAX_ID)]  # noqa: N806

    @router.get(
        f"{instance_path}/actions",
        operation_id=f"list_{kind}_actions",
        response_model=ActionsRead,
        responses=READ,
        description="Aktionen, die der Aufrufer jetzt auslösen darf, mit den Feldern, die sie "
        "nehmen (Name, Typ, Pflicht, Beschriftung, Auswahlwerte); die wegen Rolle oder "
        "Bedingung gesperrten mit Grund; die im Zustand nicht möglichen einmal "
        "zusammengefasst; wer noch mitzeichnen muss; offene Schritte außerhalb der Aktionen "
        "(Anwesenheit, Abstimmung, Unterschriften, Vollzugsaufgaben).",
    )
    async def list_actions(
        instance_id: InstanceId,
        request: Request,
        runtime: RuntimeDep,
        signed: SignedIn,
        now: NowDep,
    ) -> ActionsRead:
        # Every page of a Vorlage asks this: one thread-pool call (api.deps.in_one_call).
        def work(session: Session, actor: Actor) -> ActionsRead:
            result = action_service.actions(
                session=session,
                workflows=runtime.workflows,
                actor=actor,
                kind=kind,
                instance_id=instance_id,
                now=now,
            )
            return actions_read(runtime.workflows, kind, result)

        return await in_one_call(request, runtime, signed, work)

    @router.post(
        f"{instance_path}/transitions",
        operation_id=f"fire_{kind}_transition",
        response_model=TransitionResult,
        responses=WRITE,
        description="403 Rolle, 409 veraltete Version oder in diesem Zustand nicht möglich, "
        f"412 veraltetes If-Match, 422 Bedingungen nicht erfüllt. {transitions_doc}".strip(),
    )
    async def fire_transition(
        instance_id: InstanceId,
        body: TransitionRequest,
        request: Request,
        runtime: RuntimeDep,
        settings: SettingsDep,
        signed: SignedIn,
        now: NowDep,
        if_match: IfMatch = None,
    ) -> TransitionResult:
        # The hot write path: one thread-pool call for session, caller, firing and commit.
        def work(session: Session, actor: Actor) -> TransitionResult:
            fired = fire(
                session=session,
                workflows=runtime.workflows,
                kind=kind,
                instance_id=instance_id,
                trigger=body.trigger,
                actor=actor,
                now=now,
                expected_version=expected_version(request, body.expected_version, if_match),
                comment=body.comment,
                data=body.data.model_dump(exclude_none=True),
                base_url=settings.link_base(str(request.base_url)),
            )
            return transition_result(fired)

        return await in_one_call(request, runtime, signed, work)

    @router.get(
        f"{instance_path}/history",
        operation_id=f"get_{kind}_history",
        response_model=list[HistoryEventRead],
        responses=READ,
        description="Das Protokoll (hashverkettet): wer hat wann was ausgelöst.",
    )
    def get_history(
        instance_id: InstanceId, session: SessionDep, actor: CurrentUser, runtime: RuntimeDep
    ) -> list[HistoryEventRead]:
        events = listing.history(session=session, actor=actor, kind=kind, instance_id=instance_id)
        instance = listing.readable(session, actor, kind, instance_id)
        spec = runtime.workflows.get(instance.definition_name, instance.definition_version).spec
        wording = wording_for(instance, session)
        read = []
        for event in events:
            step = spec.step(event.trigger, event.source, event.dest)
            # a service's record (Tagesordnungspunkt aufgenommen, Anlage hinzugefügt …) has
            # no action to name, only what happened
            labels = (
                {"label": wording.label(step), "done_label": wording.done(step)}
                if step
                else {"done_label": EVENT_LABELS.get(event.trigger)}
            )
            read.append(HistoryEventRead.model_validate(event).model_copy(update=labels))
        return read
