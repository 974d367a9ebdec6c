"""Sitzung durchführen: bias declarations and the body's decision on a doubtful case
(§ 18 Abs. 4 GemO), posted from the current item of the meeting screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.routes.agenda import ItemId
from api.ui.routes.meetings import MeetingId
from api.ui.sitting_forms import ScreenCall, form_ids, form_tally, form_version, screen_action
from api.ui.web import PageRoute, PageUserDep
from workflow.errors import Conflict, InvalidInput
from workflow.models import AgendaItem
from workflow.services import agenda

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_REASON = 2_000
DeclarationId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/befangenheit")
async def declare_bias(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> str:
        decided = session.get(AgendaItem, item_id)
        if decided is not None and decided.meeting_id == meeting_id and decided.outcome:
            # § 18 GemO: the minutes record who took part in the vote as it happened; a bias
            # found after the decision concerns the resolution's validity (Abs. 6).
            raise Conflict(
                f"Über TOP {decided.position} ist bereits entschieden: Eine Befangenheit wird "
                "dafür nicht mehr erfasst, die Niederschrift gibt die Abstimmung wieder, wie "
                "sie stattgefunden hat. Eine erst später erkannte Befangenheit betrifft die "
                "Rechtmäßigkeit des Beschlusses (§ 18 Abs. 6 GemO)."
            )
        person = form_ids([str(form.get("person_id") or "")])
        reason = str(form.get("reason") or "").strip()
        if len(reason) > MAX_REASON:  # refused, never cut
            raise InvalidInput(
                "Der Grund der Befangenheit ist zu lang: höchstens 2.000 Zeichen.", field="reason"
            )
        if not person or not reason:
            raise InvalidInput(
                "Bitte wählen Sie das Mitglied und geben Sie den Grund der "
                "Befangenheit an (§ 18 GemO)."
            )
        agenda.declare_bias(
            **call,
            item_id=item_id,
            expected_version=form_version(form),
            person_id=person[0],
            reason=reason,
            doubtful=form.get("doubtful") == "ja",
        )
        return (
            "Zweifelhafte Befangenheit erfasst: Das Gremium entscheidet darüber ohne das "
            "Mitglied (§ 18 Abs. 4 Satz 2 GemO)."
            if form.get("doubtful") == "ja"
            else "Befangenheit erfasst: Das Mitglied wirkt an Beratung und Abstimmung nicht mit "
            "und verlässt den Sitzungstisch (§ 18 Abs. 5 GemO)."
        )

    return await screen_action(request, session, user, now, meeting_id, item_id, act)


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/befangenheit/{declaration_id}")
async def decide_bias(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    declaration_id: DeclarationId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> str:
        counted = form_tally(form)
        recorded = agenda.decide_bias(
            **call,
            item_id=item_id,
            declaration_id=declaration_id,
            expected_version=form_version(form),
            counted=counted,
        )
        biased = recorded.record.decided_biased
        return "Das Gremium hat entschieden: " + (
            "befangen." if biased else "nicht befangen, das Mitglied stimmt mit."
        )

    return await screen_action(request, session, user, now, meeting_id, item_id, act)
