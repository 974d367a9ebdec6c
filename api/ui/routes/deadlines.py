"""Fristen: every deadline of my municipality with its traffic light in words, overdue first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui import formatting
from api.ui.web import PageRoute, PageUserDep, render
from workflow.context import local_date
from workflow.models import (
    Body,
    CouncilRequest,
    Deadline,
    DecisionRequest,
    DecisionResponse,
    Meeting,
    Proposal,
)
from workflow.queries import current_step
from workflow.services.deadline_service import list_deadlines

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Text = Annotated[str | None, Query(max_length=40)]

KINDS = (
    ("proposal", "Vorlage"),
    ("meeting", "Sitzung"),
    ("decision_request", "Abfrage des Landratsamts"),
    ("decision_response", "Antwort an das Landratsamt"),
    ("council_request", "Antrag an den Gemeinderat"),
)
# The traffic light as a filter: "überfällig" is an open deadline past its day (or missed).
STATES = (
    ("ueberfaellig", "überfällig"),
    ("offen", "offen"),
    ("erledigt", "erledigt"),
    ("sonstige", "erlassen, entfallen oder abgelaufen"),
)


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    kind_label: str
    title: str
    href: str
    body_id: int | None
    light: str

    @property
    def rank(self) -> int:
        return {"ueberfaellig": 0, "offen": 1, "erledigt": 2}.get(self.light, 3)


def light_of(deadline: Deadline, today: date) -> str:
    if deadline.status == "missed" or (deadline.status == "open" and deadline.due_date < today):
        return "ueberfaellig"
    if deadline.status == "open":
        return "offen"
    return "erledigt" if deadline.status == "met" else "sonstige"


def _target(session: Session, deadline: Deadline) -> tuple[str, str, int | None]:
    """Title, page and body of the object a deadline belongs to."""
    kind, ident = deadline.instance_type, deadline.instance_id
    if kind == "proposal":
        proposal = session.get(Proposal, ident)
        if proposal is not None:
            step = current_step(session, proposal)
            title = f"Vorlage {proposal.label}: {proposal.title}"
            return title, f"/vorlagen/{ident}", step.body_id if step else None
    elif kind == "meeting":
        meeting = session.get(Meeting, ident)
        if meeting is not None:
            body = session.get(Body, meeting.body_id)
            name = body.name if body else "Sitzung"
            title = f"{name}, Sitzung am {formatting.date_de(meeting.meeting_date)}"
            return title, f"/sitzungen/{ident}", meeting.body_id
    elif kind == "decision_request":
        request = session.get(DecisionRequest, ident)
        if request is not None:
            return f"Abfrage: {request.title}", f"/abfragen/{ident}", None
    elif kind == "decision_response":
        response = session.get(DecisionResponse, ident)
        if response is not None:
            request = session.get(DecisionRequest, response.request_id)
            title = f"Antwort: {request.title}" if request else "Antwort an das Landratsamt"
            return title, f"/abfragen/{response.request_id}/antworten/{ident}", None
    elif kind == "council_request":
        council_request = session.get(CouncilRequest, ident)
        if council_request is not None:
            title = f"Antrag: {council_request.subject}"
            return title, f"/antraege/{ident}", council_request.body_id
    return "Eintrag", "/", None


def deadline_rows(session: Session, deadlines: list[Deadline], today: date) -> list[DeadlineRow]:
    """Overdue first, then open ones by due date, then the settled ones (latest first)."""
    kinds = dict(KINDS)
    rows = []
    for d in deadlines:
        title, href, body_id = _target(session, d)
        light = light_of(d, today)
        rows.append(DeadlineRow(d, kinds.get(d.instance_type, ""), title, href, body_id, light))
    open_rows = sorted((r for r in rows if r.rank < 2), key=lambda r: (r.rank, r.deadline.due_date))
    settled = sorted((r for r in rows if r.rank >= 2), key=lambda r: r.deadline.due_date)
    return open_rows + settled[::-1]


@router.get("/fristen")
def deadline_list(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    art: Text = None,
    stand: Text = None,
    gremium: Text = None,
) -> Response:
    today = local_date(now)
    kind = art if art in dict(KINDS) else None
    light = stand if stand in dict(STATES) else None
    bodies: list[Body] = []
    if user.actor.municipality_id is not None:
        bodies = list(
            session.exec(
                select(Body)
                .where(Body.municipality_id == user.actor.municipality_id)
                .order_by(col(Body.name))
            )
        )
    body_id = next((b.id for b in bodies if str(b.id) == gremium), None)
    found = list_deadlines(session=session, actor=user.actor, instance_type=kind)
    rows = [
        r
        for r in deadline_rows(session, found, today)
        if (light is None or r.light == light) and (body_id is None or r.body_id == body_id)
    ]
    context = {
        "rows": rows,
        "today": today,
        "kinds": KINDS,
        "states": STATES,
        "bodies": [(str(b.id), b.name) for b in bodies],
        "params": {"art": kind or "", "stand": light or "", "gremium": str(body_id or "")},
        "overdue": sum(1 for r in rows if r.light == "ueberfaellig"),
    }
    return render(request, "fristen/list.html", context)
