"""The draft editor: a new Vorlage (/vorlagen/neu) and editing a draft, through the same
``create_proposal``/``update_proposal`` as the JSON API."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session, col, select
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui import drafts
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
    templates,
)
from workflow.context import local_date
from workflow.digits import as_id
from workflow.errors import InvalidInput, RoleRefused, WorkflowError, not_found
from workflow.law.consultation import HEARING_KINDS
from workflow.law.reserved_matters import RESERVED_MATTERS
from workflow.law.subjects import SUBJECTS
from workflow.models import Body, Proposal, User
from workflow.models.proposal import PROPOSAL_KINDS
from workflow.queries import steps as stored_steps
from workflow.services import listing, my_tasks
from workflow.services import proposals as service

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1)]
NOT_AUTHOR = "Vorlagen verfassen die Sachbearbeitung, die Amtsleitungen und der Bürgermeister."


def _bodies(session: Session, user: PageUser) -> list[Body]:
    return list(
        session.exec(
            select(Body)
            .where(Body.municipality_id == (user.actor.municipality_id or -1))
            .order_by(col(Body.name))
        )
    )


def _page(
    request: Request,
    session: Session,
    user: PageUser,
    form: drafts.DraftForm,
    *,
    proposal_id: int | None = None,
    version: int | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> Response:
    bodies = _bodies(session, user)
    context = {
        "kinds": list(PROPOSAL_KINDS.items()),
        "amendable": _amendable(session, user, proposal_id),
        "form": form.padded(),
        "errors": form.errors,
        "proposal_id": proposal_id,
        "version": version,
        "refusal": refusal,
        "bodies": [(str(b.id), b.name) for b in bodies],
        "hearing": [(str(b.id), b.name) for b in bodies if b.kind in HEARING_KINDS],
        "reserved": [(m.key, f"{m.citation}: {m.label}") for m in RESERVED_MATTERS.values()],
        "subjects": [(s.key, s.label) for s in SUBJECTS.values()],
        "returned": _returned(session, proposal_id),
        "draft_warning": drafts.draft_warning(form, bodies),
    }
    return render(request, "vorlagen/edit.html", context, status=status)


def _returned(session: Session, proposal_id: int | None) -> my_tasks.Return | None:
    """The remark the draft came back with: it is what the author edits it for."""
    proposal = session.get(Proposal, proposal_id) if proposal_id is not None else None
    return my_tasks.latest_return(session, proposal) if proposal is not None else None


def _amendable(session: Session, user: PageUser, proposal_id: int | None) -> list[tuple[str, str]]:
    """The Vorlagen of the municipality an Ergänzungsvorlage may amend, newest first."""
    rows = session.exec(
        select(Proposal)
        .where(
            Proposal.municipality_id == (user.actor.municipality_id or -1),
            col(Proposal.state).not_in(service.CLOSED_STATES),
            col(Proposal.id) != (proposal_id or 0),
        )
        .order_by(col(Proposal.year).desc(), col(Proposal.number).desc())
        .limit(300)
    )
    return [(str(p.id), f"{p.label} – {p.title}") for p in rows]


def _require_author(user: PageUser) -> None:
    if user.role not in service.AUTHOR_ROLES:
        raise RoleRefused(
            trigger="create_proposal", role=user.role, allowed_roles=service.AUTHOR_ROLES
        )


def _posted(values: FormData) -> drafts.DraftForm:
    flat = {k: values.get(k) for k in values}
    return drafts.read(flat, {"hearing_bodies": [str(v) for v in values.getlist("hearing_bodies")]})


def _checked(
    session: Session, user: PageUser, form: drafts.DraftForm, now: datetime
) -> tuple[service.ProposalFields | None, list[service.StepInput]]:
    bodies = _bodies(session, user)
    body_ids = {str(b.id) for b in bodies}
    hearing_ids = {str(b.id) for b in bodies if b.kind in HEARING_KINDS}
    return drafts.validate(form, body_ids, hearing_ids, local_date(now))


def _engine_refusal(form: drafts.DraftForm, exc: WorkflowError) -> str:
    if isinstance(exc, InvalidInput):
        form.errors[drafts.engine_field(exc.field)] = exc.message
    return error_text(exc)


# The field whose message an inline check replaces (a radio button stands for the field its
# choice makes required).
CHECKED_FIELD = re.compile(r"^(?:[a-z_]{1,40}|steps-[0-9]{1,2}-[a-z_]{1,20})$")
FIELD_OF = {"public": "non_public_reason"}


@router.post("/vorlagen/pruefen")
def check_field(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, posted: PostedForm
) -> Response:
    """Inline validation while typing (htmx): the whole form through the same ``validate``
    as saving it, answered with the message of the one field that changed, as an
    out-of-band fragment for its slot; without htmx the save shows every message."""
    _require_author(user)
    name = str(posted.get("feld") or "")
    if not CHECKED_FIELD.match(name):
        return Response(status_code=204)
    field = FIELD_OF.get(name, name)
    form = _posted(posted)
    _checked(session, user, form, now)
    context: dict[str, object] = {"fid": field, "message": form.errors.get(field)}
    # The Beschlussvorschlag against the deciding body (a warning, never a refusal): told
    # again whenever either of them changes.
    if name == "resolution_text" or name.startswith("steps-"):
        context["checks_warning"] = True
        context["draft_warning"] = drafts.draft_warning(form, _bodies(session, user))
    return templates.TemplateResponse(request, "vorlagen/_meldung.html", context)


@router.get("/vorlagen/neu")
def new_page(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    ergaenzt: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    """``?ergaenzt=ID`` starts an Ergänzungsvorlage to Vorlage ID."""
    if user.role not in service.AUTHOR_ROLES:
        return render(request, "error.html", {"status": 403, "title": "Keine Berechtigung",
                                              "text": NOT_AUTHOR}, status=403)  # fmt: skip
    me = session.get(User, user.actor.user_id)
    form = drafts.blank(local_date(now), user.full_name, me.department if me else None)
    if ergaenzt and as_id(ergaenzt) is not None:
        form.values.update(kind="ergaenzung", supplements_id=ergaenzt)
    return _page(request, session, user, form)


@router.post("/vorlagen/neu")
def create(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, posted: PostedForm
) -> Response:
    _require_author(user)
    form = _posted(posted)
    content, steps = _checked(session, user, form, now)
    if content is None:
        return _page(request, session, user, form, status=422)
    try:
        with session.begin_nested():
            proposal = service.create_proposal(
                session=session,
                workflows=request.app.state.runtime.workflows,
                actor=user.actor,
                now=now,
                municipality_id=user.actor.municipality_id or 0,
                content=content,
                steps=steps,
            )
    except WorkflowError as exc:
        refusal = _engine_refusal(form, exc)
        return _page(request, session, user, form, refusal=refusal, status=422)
    flash(request, f"Die Vorlage {proposal.label} wurde als Entwurf angelegt.")
    return redirect(f"/vorlagen/{proposal.id}")


@router.get("/vorlagen/{proposal_id}/bearbeiten")
def edit_page(
    request: Request, proposal_id: ProposalId, user: PageUserDep, session: SessionDep
) -> Response:
    proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
    _require_author(user)
    if proposal.municipality_id != user.actor.municipality_id:
        raise not_found("Beschlussvorlage")
    if proposal.state != "draft":
        flash(request, "Die Vorlage kann nur im Entwurf bearbeitet werden.", "warning")
        return redirect(f"/vorlagen/{proposal_id}")
    form = drafts.from_proposal(proposal, stored_steps(session, proposal_id))
    return _page(request, session, user, form, proposal_id=proposal_id, version=proposal.version)


@router.post("/vorlagen/{proposal_id}/bearbeiten")
def save(
    request: Request,
    proposal_id: ProposalId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    posted: PostedForm,
) -> Response:
    proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
    _require_author(user)
    raw_version = str(posted.get("version") or "")
    version = as_id(raw_version) or proposal.version
    form = _posted(posted)
    content, steps = _checked(session, user, form, now)
    if content is None:
        return _page(request, session, user, form, proposal_id=proposal_id, version=version,
                     status=422)  # fmt: skip
    # kind and the amended Vorlage are fixed when the Vorlage is created
    changes = {
        f.name: getattr(content, f.name)
        for f in fields(content)
        if f.name not in service.CREATE_ONLY
    }
    try:
        with session.begin_nested():
            service.update_proposal(
                session=session,
                actor=user.actor,
                now=now,
                proposal_id=proposal_id,
                expected_version=version,
                changes=changes,
                steps=steps,
            )
    except WorkflowError as exc:
        refusal = _engine_refusal(form, exc)
        return _page(request, session, user, form, proposal_id=proposal_id, version=version,
                     refusal=refusal, status=422)  # fmt: skip
    flash(request, f"Die Vorlage {proposal.label} wurde gespeichert.")
    return redirect(f"/vorlagen/{proposal_id}")
