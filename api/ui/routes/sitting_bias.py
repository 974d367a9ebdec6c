"""Sitzung durchführen: bias declarations and the body's decision on a doubtful case
(§ 18 Abs. 4 GemO), posted from the current item of the meeting screen. A refused
declaration shows the screen again with what was typed (the reason may be long)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.routes.agenda import ItemId
from api.ui.routes.meetings import MeetingId
from api.ui.routes.sitting import kept_screen, render_screen
from api.ui.sitting_forms import (
    BIAS_DECISION,
    Kept,
    ScreenCall,
    done,
    form_ids,
    form_tally,
    form_version,
    refusal_text,
    screen_action,
    screen_meeting,
)
from api.ui.web import HANDLING_ONLY, PageRoute, PageUser, PageUserDep, PostedForm, error_status
from workflow.agenda_numbers import top_number
from workflow.errors import Conflict, NotFound, WorkflowError
from workflow.limits import MAX_REASON, too_long
from workflow.models import AgendaItem, Person
from workflow.services import agenda

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
DeclarationId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/befangenheit")
def declare_bias(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """Refused, the screen comes back with the member and the reason kept (422)."""
    meeting = screen_meeting(session, user, meeting_id)
    given = {k: str(form.get(k) or "") for k in ("person_id", "reason", "doubtful")}
    person = form_ids([given["person_id"]])
    reason = given["reason"].strip()
    doubtful = given["doubtful"] == "ja"
    errors = _missing(person, reason)
    if errors:
        return _again(request, session, user, meeting_id, item_id, now, given, errors, 422)
    try:
        with session.begin_nested():
            _require_open(session, meeting_id, item_id)
            agenda.declare_bias(
                session=session,
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                item_id=item_id,
                expected_version=form_version(form),
                person_id=person[0],
                reason=reason,
                doubtful=doubtful,
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        session.expire_all()
        text = refusal_text(request, meeting, exc)
        field = getattr(exc, "field", None)
        marked = {field: text} if field in given else {}
        return _again(
            request, session, user, meeting_id, item_id, now, given, marked, error_status(exc), text
        )
    member = session.get(Person, person[0])
    who = member.name if member is not None else "Das Mitglied"
    return done(
        request,
        meeting_id,
        item_id,
        f"Zweifelhafte Befangenheit von {who} erfasst: Das Gremium entscheidet darüber ohne "
        "sie oder ihn (§ 18 Abs. 4 Satz 2 GemO)."
        if doubtful
        else f"Befangenheit erfasst: {who} wirkt an Beratung und Abstimmung nicht mit "
        "und verlässt den Sitzungstisch (§ 18 Abs. 5 GemO).",
    )


def _missing(person: list[int], reason: str) -> dict[str, str]:
    """Each empty or over-long field with its own message."""
    errors = {}
    if not person:
        errors["person_id"] = "Bitte wählen Sie das Mitglied, das befangen ist."
    if not reason:
        errors["reason"] = "Bitte geben Sie den Grund der Befangenheit an (§ 18 GemO)."
    elif len(reason) > MAX_REASON:  # refused, never cut: the engine's bound and words
        errors["reason"] = too_long("Der Grund der Befangenheit")
    return errors


def _require_open(session: Session, meeting_id: int, item_id: int) -> None:
    """§ 18 GemO: the minutes record who took part in the vote as it happened; a bias found
    after the decision concerns the resolution's validity (Abs. 6), not the record."""
    item = session.get(AgendaItem, item_id)
    if item is not None and item.meeting_id == meeting_id and item.outcome:
        raise Conflict(
            f"Über TOP {top_number(session, item)} ist bereits entschieden: Eine Befangenheit wird "
            "dafür nicht mehr erfasst, die Niederschrift gibt die Abstimmung wieder, wie "
            "sie stattgefunden hat. Eine erst später erkannte Befangenheit betrifft die "
            "Rechtmäßigkeit des Beschlusses (§ 18 Abs. 6 GemO)."
        )


def _again(
    request: Request,
    session: Session,
    user: PageUser,
    meeting_id: int,
    item_id: int,
    now: datetime,
    given: dict[str, str],
    errors: dict[str, str],
    status: int,
    text: str | None = None,
) -> Response:
    # the error summary names each marked field, else the refusal (``Kept.summary``)
    kept = Kept(bias=given, bias_errors=errors, form="befangenheit", refusal=text or "")
    return render_screen(request, session, user, meeting_id, now, item_id, kept=kept, status=status)


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/befangenheit/{declaration_id}")
def decide_bias(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    declaration_id: DeclarationId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
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

    # Refused (no votes, more votes than members), the counts stay as typed.
    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act,
        keep=(f"{BIAS_DECISION}:{declaration_id}",
              kept_screen(request, session, user, meeting_id, now)),
    )  # fmt: skip
