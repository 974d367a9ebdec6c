"""Veröffentlichung einer Vorlage (§ 41b Abs. 2 GemO): the Sitzungsdienst marks fields and
attachments with personal data or business secrets, or withholds the publication with a
reason; the same service as ``PUT /api/v1/proposals/{id}/publication``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.web import PageRoute, PageUserDep, flash, redirect, render
from workflow.errors import InvalidInput
from workflow.models import Attachment, Proposal
from workflow.publication import REDACTABLE_FIELDS, REDACTION_KINDS, proposal_published
from workflow.services import listing
from workflow.services import publication as service
from workflow.services.common import require_role

router = APIRouter(route_class=PageRoute, include_in_schema=False)
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
    require_role(user.actor, "set_publication", service.PUBLICATION_ROLES)
    return _page(request, session, proposal)


@router.post("/vorlagen/{proposal_id}/veroeffentlichung")
async def save_publication(
    request: Request, proposal_id: ProposalId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    form = await request.form()
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
    reason = str(form.get("withheld_reason") or "")[:5000]
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
