"""Abläufe: a definition as a diagram drawn on the server, with every step in words."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from api.deps import SessionDep
from api.ui.web import PageRoute, PageUserDep, render, workflows_of
from workflow.definitions import diagram
from workflow.digits import as_id
from workflow.errors import NotFound
from workflow.wording import municipality_wording

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/workflows/{name}")
def workflow_page(
    request: Request,
    name: Annotated[str, Path(max_length=64)],
    user: PageUserDep,
    session: SessionDep,
    version: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    workflows = workflows_of(request)
    try:
        if version is None:
            wf = workflows.latest(name)
        else:
            wf = workflows.get(name, as_id(version) or 0)
    except KeyError:
        raise NotFound("Diesen Ablauf gibt es nicht.") from None
    # in the words of the user's municipality (its mayor's title, workflow.wording)
    spec = municipality_wording(session, user.actor.municipality_id).spec(wf.spec)
    steps = [
        {
            "label": t.label,
            "sources": [spec.state_label(s) for s in t.source],
            "dest": spec.state_label(t.dest),
            "roles": t.roles,
            "automatic": t.automatic,
            "legal_basis": t.legal_basis,
        }
        for t in spec.transitions
    ]
    context = {
        "spec": spec,
        "svg": Markup(diagram.svg(spec)),  # every text is escaped in svg()
        "steps": steps,
    }
    return render(request, "workflow.html", context)
