"""Fassungen of a Vorlage: the content at each submission (/vorlagen/{id}/fassungen) and two
of them compared word by word (/vorlagen/{id}/fassungen/{a}/{b})."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from api.deps import SessionDep
from api.ui.web import HANDLING_ONLY, PageRoute, PageUserDep, redirect, render
from workflow.digits import as_number
from workflow.revisions import FIELDS, field_text
from workflow.services import revisions

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Number = Annotated[int, Path(ge=1, le=10_000)]


@router.get("/vorlagen/{proposal_id}/fassungen")
def revision_list(
    request: Request, proposal_id: ProposalId, user: PageUserDep, session: SessionDep
) -> Response:
    proposal, found = revisions.list_revisions(
        session=session, actor=user.actor, proposal_id=proposal_id
    )
    return render(
        request,
        "vorlagen/fassungen.html",
        {
            "proposal": proposal,
            "revisions": found,
            "options": [(str(r.number), f"Fassung {r.number}") for r in found],
            "fields": FIELDS,
            "field_text": field_text,
            "names": revisions.author_names(session, found),
        },
    )


@router.get("/vorlagen/{proposal_id}/fassungen/vergleich")
def choose_comparison(
    proposal_id: ProposalId,
    user: PageUserDep,
    a: Annotated[str | None, Query(max_length=6)] = None,
    b: Annotated[str | None, Query(max_length=6)] = None,
) -> Response:
    """The comparison form without JavaScript: two numbers → the comparison's address."""
    first = as_number(a or "", low=1, high=10_000)
    second = as_number(b or "", low=1, high=10_000)
    if first is not None and second is not None:
        return redirect(f"/vorlagen/{proposal_id}/fassungen/{first}/{second}")
    return redirect(f"/vorlagen/{proposal_id}/fassungen")


@router.get("/vorlagen/{proposal_id}/fassungen/{a}/{b}")
def comparison(
    request: Request,
    proposal_id: ProposalId,
    a: Number,
    b: Number,
    user: PageUserDep,
    session: SessionDep,
) -> Response:
    compared = revisions.compare_revisions(
        session=session, actor=user.actor, proposal_id=proposal_id, a=a, b=b
    )
    names = revisions.author_names(session, [compared.older, compared.newer])
    context = {"c": compared, "proposal": compared.proposal, "names": names}
    return render(request, "vorlagen/vergleich.html", context)
