"""Sitzung durchführen: the outcome of an item. A free item's is recorded as chosen; a
Vorlage's is its transition (adopt, reject, recommend, defer, take note), shown with its
consequences first and recorded after the check (§ 37 Abs. 6, § 43 Abs. 2 GemO)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.ui.action_forms import ActionInput
from api.ui.actions import fire_action, read_input
from api.ui.routes.agenda import ItemId
from api.ui.routes.meetings import MeetingId
from api.ui.routes.sitting import (
    current_item,
    item_outcome_forms,
    kept_screen,
    next_open,
    render_screen,
    screen_items,
)
from api.ui.sitting_forms import (
    MAX_KEPT,
    NOTES,
    OUTCOME,
    Kept,
    Onward,
    ScreenCall,
    done,
    form_version,
    refusal_text,
    save_typed_notes,
    screen_action,
    screen_meeting,
    typed_notes,
    with_typed_notes,
)
from api.ui.web import HANDLING_ONLY, PageRoute, PageUserDep, PostedForm, error_status, workflows_of
from workflow.agenda_numbers import top_numbers
from workflow.digits import as_id
from workflow.errors import Conflict, InvalidInput, WorkflowError, not_found
from workflow.models import Proposal
from workflow.outcomes import outcome_label
from workflow.services import agenda

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/ergebnis")
def record_free_outcome(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    def act(form: FormData, call: ScreenCall) -> Onward:
        outcome = str(form.get("outcome") or "")
        # the Beratungsverlauf typed above, saved with the outcome (§ 38 Abs. 1 GemO)
        version = save_typed_notes(call, item_id, typed_notes(form), form_version(form))
        agenda.record_item_outcome(
            **call,
            item_id=item_id,
            expected_version=version,
            outcome=outcome,
        )
        items = screen_items(session, user, meeting_id)
        following = next_open(items, current_item(items, item_id))
        label = outcome_label(outcome, outcome)
        return Onward(following.id if following else None, f"Ergebnis gespeichert: {label}.")

    again = with_typed_notes(item_id, kept_screen(request, session, user, meeting_id, now))
    return screen_action(
        request, form, session, user, now, meeting_id, item_id, act, keep=(OUTCOME, again),
    )  # fmt: skip


@router.post("/sitzungen/{meeting_id}/durchfuehren/{item_id}/ergebnis/{trigger}")
def record_outcome(
    request: Request,
    meeting_id: MeetingId,
    item_id: ItemId,
    trigger: Annotated[str, Path(max_length=64)],
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    values: PostedForm,
) -> Response:
    """A Vorlage's outcome is its transition (adopt, reject, recommend, defer); each is shown
    with its consequences first (check before commit)."""
    meeting = screen_meeting(session, user, meeting_id)
    items = screen_items(session, user, meeting_id)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        raise not_found("Tagesordnungspunkt")
    forms, _ = item_outcome_forms(request, session, user, item, now)
    form = next((f for f in forms if f.trigger == trigger), None)
    name = f"{OUTCOME}:{trigger}"
    # the Beratungsverlauf typed above, sent along (ratsflow.js): kept across the check
    # page and saved with the outcome (§ 38 Abs. 1 GemO)
    notes = typed_notes(values)
    typed = {item_id: notes[:MAX_KEPT]} if notes is not None else {}

    def again(exc: WorkflowError, given: ActionInput | None = None) -> Response:
        """Refused: the screen again at the error summary (``#fehler``), what was typed
        into the outcome's form kept and its field marked, as every form of the screen."""
        session.expire_all()
        text = refusal_text(request, meeting, exc)
        fields = {f.name for f in form.fields} if form is not None else set()
        field = exc.field if isinstance(exc, InvalidInput) else None
        errors = {field: text} if field in fields else {}
        marked = {item_id: {NOTES: text}} if field == NOTES and notes is not None else {}
        kept = Kept(form=name, errors=errors, refusal=text, notes=typed, notes_errors=marked)
        return render_screen(
            request, session, user, meeting_id, now, item_id,
            given=given, kept=kept, status=error_status(exc),
        )  # fmt: skip

    if form is None or item.proposal_id is None:
        return again(
            Conflict("Dieses Ergebnis ist für den Tagesordnungspunkt zurzeit nicht möglich.")
        )
    flat: dict[str, object] = {k: values.get(k) for k in values}
    given = read_input(form, flat)
    if given.errors:
        session.expire_all()
        kept = Kept(form=name, errors=dict(given.errors), notes=typed)
        return render_screen(
            request, session, user, meeting_id, now, item_id, given=given, kept=kept, status=422
        )
    # Every outcome ends the item on this screen: each is checked before it is recorded,
    # the one-click Vertagen beside "Beschluss gefasst" included.
    dry_run = values.get("bestaetigt") != "ja"
    proposal = session.get(Proposal, item.proposal_id)
    assert proposal is not None
    version = values.get("proposal_version")
    try:
        # one savepoint: the notes are not saved without the outcome, nor it without them
        with session.begin_nested():
            if not dry_run and notes is not None:
                call = ScreenCall(session=session, actor=user.actor, now=now, meeting_id=meeting_id)
                save_typed_notes(call, item_id, notes, form_version(values))
            fired = fire_action(
                session=session,
                workflows=workflows_of(request),
                actor=user.actor,
                proposal_id=item.proposal_id,
                trigger=trigger,
                version=as_id(version) if isinstance(version, str) else None,
                given=given,
                now=now,
                base_url=settings.link_base(str(request.base_url)),
                dry_run=dry_run,
            )
    except WorkflowError as exc:
        return again(exc, given)
    if dry_run:
        session.expire_all()
        return render_screen(
            request,
            session,
            user,
            meeting_id,
            now,
            item_id,
            preview=fired,
            preview_form=form,
            given=given,
            kept=Kept(notes=typed),
        )
    session.expire_all()
    items = screen_items(session, user, meeting_id)
    following = next_open(items, current_item(items, item_id))
    number = top_numbers(items).get(item_id, "–")
    final = fired.followed_by[-1] if fired.followed_by else fired
    # the outcome as recorded and printed ("Empfehlung beschlossen"), not the action's label
    recorded = next((i.outcome for i in items if i.id == item_id), None)
    return done(
        request,
        meeting_id,
        following.id if following else item_id,
        f"TOP {number}: Ergebnis „{outcome_label(recorded, form.label)}“ ist festgestellt. "
        f"Neuer Stand der Vorlage: {final.dest_label}.",
    )
