"""Veröffentlichung einer Vorlage (§ 41b Abs. 2 GemO): the Sitzungsdienst marks fields and
attachments with personal data or business secrets, or withholds the publication with a
reason; the same service as ``PUT /api/v1/proposals/{id}/publication``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    flash,
    redirect,
    render,
    workflows_of,
)
from workflow.digits import as_id
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.models import Attachment, Meeting, Proposal
from workflow.publication import REDACTABLE_FIELDS, REDACTION_KINDS, proposal_published
from workflow.services import announcements, listing
from workflow.services import publication as service
from workflow.services.common import require_role

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
ProposalId = Annotated[int, Path(ge=1, le=2_147_483_647)]
OPTIONS = [("", "veröffentlichen"), *REDACTION_KINDS.items()]


def _files(session: Session, proposal_id: int) -> list[Attachment]:
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.instance_type == "proposal", Attachment.instance_id == proposal_id)
            .order_by(col(Attachment.id))
        )
    )


def _page(
    request: Request, session: Session, proposal: Proposal, errors: dict[str, str] | None = None
) -> Response:
    pid = proposal.id or 0
    context = {
        "proposal": proposal,
        "fields": [
            (name, label, proposal.redactions.get(name, ""))
            for name, label in REDACTABLE_FIELDS.items()
        ],
        "files": [f for f in _files(session, pid) if f.public],
        "options": OPTIONS,
        "published": proposal_published(session, pid),
        "errors": errors or {},
    }
    return render(
        request, "vorlagen/veroeffentlichung.html", context, status=422 if errors else 200
    )


@router.get("/vorlagen/{proposal_id}/veroeffentlichung")
def publication_page(
    request: Request, proposal_id: ProposalId, user: PageUserDep, session: SessionDep
) -> Response:
    proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
    if proposal.municipality_id != user.actor.municipality_id:
        # Another municipality's redactions are its internal work: not even their existence.
        raise not_found("Vorlage")
    require_role(user.actor, "set_publication", service.PUBLICATION_ROLES)
    return _page(request, session, proposal)


@router.post("/vorlagen/{proposal_id}/veroeffentlichung")
def save_publication(
    request: Request,
    proposal_id: ProposalId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    proposal = listing.get_proposal(session=session, actor=user.actor, proposal_id=proposal_id)
    redactions = {
        name: str(form.get(f"feld_{name}"))
        for name in REDACTABLE_FIELDS
        if form.get(f"feld_{name}")
    }
    files: dict[int, str | None] = {}
    for row in _files(session, proposal_id):
        value = form.get(f"anlage_{row.id}")
        if value is not None and row.id is not None:
            files[row.id] = str(value) or None
    reason = str(form.get("withheld_reason") or "")  # the engine refuses a long one
    try:
        service.set_publication(
            session=session,
            actor=user.actor,
            now=now,
            proposal_id=proposal_id,
            redactions=redactions,
            attachment_redactions=files,
            withheld_reason=reason,
        )
    except InvalidInput as exc:
        return _page(request, session, proposal, {exc.field or "form": exc.message})
    flash(request, "Die Angaben zur Veröffentlichung sind gespeichert.")
    return redirect(f"/vorlagen/{proposal_id}")


def announcement_context(session: Session, meeting: Meeting) -> dict[str, object] | None:
    """What the meeting page shows of § 35 Abs. 1 S. 4 GemO: resolutions to choose (while
    the agenda is open), those chosen, and whether the announcement can be confirmed."""
    mid = meeting.id or 0
    planned = announcements.of_meeting(session, mid)
    open_agenda = meeting.state in ("planned", "agenda")
    choosable = (
        [r for r in announcements.pending(session, meeting) if r.announced_meeting_id is None]
        if open_agenda
        else []
    )
    held_back = announcements.withheld(session, meeting) if open_agenda else []
    if not planned and not choosable and not held_back:
        return None
    return {
        "choosable": choosable,
        "withheld": held_back,
        "planned": planned,
        "confirmable": meeting.state in announcements.HELD
        and any(r.disclosed_at is None for r in planned),
    }


@router.post("/sitzungen/{meeting_id}/bekanntgabe")
def plan_announcement(
    request: Request,
    meeting_id: ProposalId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    chosen = [i for v in form.getlist("beschluss") if isinstance(v, str) and (i := as_id(v))]
    version = str(form.get("version") or "")
    try:
        announcements.plan(
            session=session,
            workflows=workflows_of(request),
            actor=user.actor,
            now=now,
            meeting_id=meeting_id,
            expected_version=as_id(version) or 0,
            resolution_ids=chosen,
        )
    except InvalidInput as exc:
        flash(request, exc.message, "danger")
        return redirect(f"/sitzungen/{meeting_id}#bekanntgabe")
    flash(
        request, "Die Bekanntgabe steht als öffentlicher Tagesordnungspunkt auf der Tagesordnung."
    )
    return redirect(f"/sitzungen/{meeting_id}#bekanntgabe")


@router.post("/sitzungen/{meeting_id}/bekanntgabe/bestaetigen")
def confirm_announcement(
    request: Request, meeting_id: ProposalId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    rows = announcements.confirm(session=session, actor=user.actor, now=now, meeting_id=meeting_id)
    flash(
        request,
        f"{len(rows)} Beschluss/Beschlüsse als bekannt gegeben vermerkt (§ 35 Abs. 1 Satz 4 GemO).",
    )
    return redirect(f"/sitzungen/{meeting_id}#bekanntgabe")


@router.post("/sitzungen/{meeting_id}/bekanntgabe/{resolution_id}/unterbleibt")
def withhold_announcement(
    request: Request,
    meeting_id: ProposalId,
    resolution_id: ProposalId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """§ 35 Abs. 1 S. 4 GemO: not announced, with the reason; "vorsehen" (no reason) lifts it."""
    return _withhold(request, meeting_id, resolution_id, user, session, now, form, lift=False)


@router.post("/sitzungen/{meeting_id}/bekanntgabe/{resolution_id}/vorsehen")
def resume_announcement(
    request: Request,
    meeting_id: ProposalId,
    resolution_id: ProposalId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    return _withhold(request, meeting_id, resolution_id, user, session, now, form, lift=True)


def _withhold(
    request: Request,
    meeting_id: int,
    resolution_id: int,
    user: PageUser,
    session: Session,
    now: datetime,
    form: PostedForm,
    *,
    lift: bool,
) -> Response:
    try:
        with session.begin_nested():
            announcements.withhold(
                session=session,
                actor=user.actor,
                now=now,
                meeting_id=meeting_id,
                resolution_id=resolution_id,
                reason=None if lift else str(form.get("reason") or ""),
            )
    except (InvalidInput, Conflict) as exc:
        flash(request, exc.message, "danger")
        return redirect(f"/sitzungen/{meeting_id}#bekanntgabe")
    flash(
        request,
        "Der Beschluss wird wieder zur Bekanntgabe vorgeschlagen."
        if lift
        else "Die Bekanntgabe unterbleibt; der Grund ist vermerkt (§ 35 Abs. 1 Satz 4 GemO).",
    )
    return redirect(f"/sitzungen/{meeting_id}#bekanntgabe")
