"""Einwendungen gegen die Niederschrift on a page of their own (§ 38 Abs. 2 S. 3 GemO):
members object, the Schriftführung or the mayor records the body's decision."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.routes.common import PathId
from api.ui import formatting
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
    render,
)
from workflow.digits import as_id
from workflow.errors import InvalidInput, NotFound, WorkflowError
from workflow.models import Body, Meeting, Membership, Person
from workflow.services import minutes_objections as service
from workflow.services.transition import load_instance

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)


@router.get("/sitzungen/{meeting_id}/einwendungen")
def objections_page(
    request: Request, meeting_id: PathId, user: PageUserDep, session: SessionDep
) -> Response:
    return _page(request, session, user, meeting_id)


def _page(
    request: Request,
    session: Session,
    user: PageUser,
    meeting_id: int,
    *,
    failed: str | None = None,
    error: WorkflowError | None = None,
    given: dict[str, str] | None = None,
) -> Response:
    """The page; after a mistake in one of its forms (``failed``: "neu" or the objection's
    id) that form again with the field marked and the input kept (422)."""
    meeting: Meeting = load_instance(session, "meeting", meeting_id, user.actor)
    objections = service.list_objections(session, user.actor, meeting_id)
    members = session.exec(
        select(Person)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(Membership.body_id == meeting.body_id)
        .order_by(col(Person.name))
    )
    names = {p.id: p.name for p in session.exec(select(Person).where(
        Person.municipality_id == meeting.municipality_id))}  # fmt: skip
    sessions = session.exec(
        select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            col(Meeting.state).in_(service.DECIDING_STATES),
            col(Meeting.meeting_date) >= meeting.meeting_date,
        )
        .order_by(col(Meeting.meeting_date))
    )
    body = session.get(Body, meeting.body_id)
    context = {
        "meeting": meeting,
        "body": body,
        "objections": objections,
        "names": names,
        "members": [(str(p.id), p.name) for p in members],
        "sessions": [(str(m.id), formatting.date_de(m.meeting_date)) for m in sessions],
        "may_record": user.role in service.RECORDING_ROLES,
        "may_raise": meeting.state in service.MINUTES_STATES
        and user.role in (*service.RECORDING_ROLES, "council_member"),
        **_failure(failed, error, given),
    }
    return render(request, "sitzungen/einwendungen.html", context, status=422 if error else 200)


def _failure(
    failed: str | None, error: WorkflowError | None, given: dict[str, str] | None
) -> dict[str, object]:
    """What the template needs to show a form again: its errors by field name (a refusal
    without a field under the form's first field), and the summary's links by element id."""
    if error is None or failed is None:
        return {"failed": None, "errors": {}, "given": {}, "summary": {}}
    first = "person_id" if failed == "neu" else "upheld"
    field = getattr(error, "field", None) or first
    errors = {field: formatting.sentences([error_text(error)])}
    element = {"person_id": "person_id", "text": "text"} if failed == "neu" else {
        "upheld": f"upheld-{failed}", "decided_in_meeting_id": f"sitzung-{failed}",
        "note": f"note-{failed}"}  # fmt: skip
    summary = {element.get(name, name): text for name, text in errors.items()}
    return {"failed": failed, "errors": errors, "given": given or {}, "summary": summary}


@router.post("/sitzungen/{meeting_id}/einwendungen")
def raise_objection(
    request: Request,
    meeting_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    person = str(form.get("person_id") or "").strip()
    try:
        with session.begin_nested():
            service.raise_objection(
                session=session,
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                text=str(form.get("text") or "")[: service.MAX_TEXT],
                person_id=as_id(person),
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        given = {"person_id": person, "text": str(form.get("text") or "")[: service.MAX_TEXT]}
        return _page(request, session, user, meeting_id, failed="neu", error=exc, given=given)
    flash(request, "Die Einwendung ist erfasst; über sie entscheidet das Gremium.")
    return redirect(f"/sitzungen/{meeting_id}/einwendungen")


@router.post("/sitzungen/{meeting_id}/einwendungen/{objection_id}")
def decide_objection(
    request: Request,
    meeting_id: PathId,
    objection_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    deciding = str(form.get("decided_in_meeting_id") or "").strip()
    outcome = str(form.get("upheld") or "")
    try:
        with session.begin_nested():
            if outcome not in ("ja", "nein"):
                raise InvalidInput("Bitte wählen Sie die Entscheidung.", field="upheld")
            service.decide_objection(
                session=session,
                actor=user.actor,
                now=now,
                objection_id=objection_id,
                upheld=outcome == "ja",
                decided_in_meeting_id=as_id(deciding) or 0,
                note=str(form.get("note") or "")[: service.MAX_TEXT],
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        given = {"upheld": outcome, "decided_in_meeting_id": deciding,
                 "note": str(form.get("note") or "")[: service.MAX_TEXT]}  # fmt: skip
        return _page(
            request, session, user, meeting_id, failed=str(objection_id), error=exc, given=given
        )
    flash(request, "Die Entscheidung über die Einwendung ist erfasst.")
    return redirect(f"/sitzungen/{meeting_id}/einwendungen")
