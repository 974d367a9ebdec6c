"""Fristen: every deadline of my municipality with its traffic light in words, overdue first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.ui.routes.execution import open_targets
from api.ui.web import HANDLING_ONLY, PageRoute, PageUserDep, render, workflows_of
from workflow.context import Actor, local_date
from workflow.db import pinned, remember
from workflow.deadlines.addressees import DEADLINE_KEEPERS
from workflow.definitions.machines import Workflows
from workflow.errors import WorkflowError
from workflow.meeting_titles import meeting_title
from workflow.models import (
    Body,
    ConsultationStep,
    CouncilRequest,
    Deadline,
    DecisionRequest,
    DecisionResponse,
    Meeting,
    Municipality,
    Proposal,
)
from workflow.queries import current_step
from workflow.services import written_invitations
from workflow.services.deadline_service import deadlines_query, done_late, listed_kinds
from workflow.services.due_announcements import DueAnnouncement, due_announcements
from workflow.services.listing import after_cursor, after_row, count_of, cursor_after

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
Text = Annotated[str | None, Query(max_length=40)]

KINDS = (
    ("proposal", "Vorlage"),
    ("meeting", "Sitzung"),
    ("decision_request", "Abfrage des Landratsamts"),
    ("decision_response", "Antwort an das Landratsamt"),
    ("council_request", "Antrag an den Gemeinderat"),
    # Not a Deadline: the target date of an execution task (Beschlusskontrolle), listed with
    # them (``TargetDate``).
    ("execution", "Vollzug eines Beschlusses"),
)
# The traffic light as a filter: "überfällig" is an open deadline past its day (or missed).
STATES = (
    ("ueberfaellig", "überfällig"),
    ("offen", "offen"),
    ("erledigt", "erledigt"),
    ("sonstige", "erlassen, entfallen, abgelaufen oder versäumt"),
)


# The settled statuses by the "Stand" filter ("" for all); the open ones have none.
SETTLED = {
    "": ("met", "elapsed", "waived", "cancelled"),
    "erledigt": ("met",),
    "sonstige": ("elapsed", "waived", "cancelled"),
}
# Where a missed deadline closed since is listed (``light_of``): with the other settled ones.
WITH_DONE_LATE = frozenset({"", "sonstige"})
SETTLED_PAGE = 50  # settled deadlines per page


@dataclass(frozen=True)
class TargetDate:
    """An open execution task's target date, or the last day of what a session still owes
    (``duty_rows``), read like a deadline by the rows and badges."""

    id: int
    label: str
    due_date: date
    status: str = "open"
    closed_at: datetime | None = None
    waived_reason: str | None = None


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline | TargetDate
    kind_label: str
    title: str
    href: str
    body_id: int | None
    light: str

    @property
    def rank(self) -> int:
        return {"ueberfaellig": 0, "offen": 1, "erledigt": 2}.get(self.light, 3)


def light_of(deadline: Deadline | TargetDate, today: date) -> str:
    if deadline.status == "missed" and deadline.closed_at is not None:
        return "sonstige"  # settled: done late, or its instance moved on without it
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
            title = meeting_title(body.name if body else None, meeting.meeting_date)
            return title, f"/sitzungen/{ident}", meeting.body_id
    elif kind == "decision_request":
        request = session.get(DecisionRequest, ident)
        if request is not None:
            return f"Abfrage: {request.title}", f"/abfragen/{ident}", None
    elif kind == "decision_response":
        response = session.get(DecisionResponse, ident)
        if response is not None:
            request = session.get(DecisionRequest, response.request_id)
            town = session.get(Municipality, response.municipality_id)
            # The municipality named: the Landratsamt lists the answers of all of them.
            title = (
                f"Antwort {town.name if town else ''}: {request.title}"
                if request
                else "Antwort an das Landratsamt"
            )
            return title, f"/abfragen/{response.request_id}/antworten/{ident}", None
    elif kind == "council_request":
        council_request = session.get(CouncilRequest, ident)
        if council_request is not None:
            title = f"Antrag: {council_request.subject}"
            return title, f"/antraege/{ident}", council_request.body_id
    return "Eintrag", "/", None


def deadline_row(session: Session, deadline: Deadline, today: date) -> DeadlineRow:
    title, href, body_id = _target(session, deadline)
    kind_label = dict(KINDS).get(deadline.instance_type, "")
    return DeadlineRow(deadline, kind_label, title, href, body_id, light_of(deadline, today))


def rows_of(session: Session, deadlines: list[Deadline], today: date) -> list[DeadlineRow]:
    """The rows of deadlines in their order, what they belong to read for all of them at
    once: their proposals and consultation steps in two queries, not two per row."""
    ids = {d.instance_id for d in deadlines if d.instance_type == "proposal"}
    if not ids:
        return [deadline_row(session, d, today) for d in deadlines]
    # Held here: the identity map keeps rows weakly, ``session.get`` finds them while held.
    proposals = list(session.exec(select(Proposal).where(col(Proposal.id).in_(ids))))
    plans: dict[int, list[ConsultationStep]] = {pid: [] for pid in ids}
    for step in session.exec(
        select(ConsultationStep)
        .where(col(ConsultationStep.proposal_id).in_(ids))
        .order_by(col(ConsultationStep.position))
    ):
        plans[step.proposal_id].append(step)
    with pinned(session):
        for pid, plan in plans.items():
            remember(session, (ConsultationStep, pid), plan)  # what ``current_step`` reads
        rows = [deadline_row(session, d, today) for d in deadlines]
    del proposals
    return rows


def target_rows(session: Session, actor: Actor, today: date) -> list[DeadlineRow]:
    """The open execution tasks' target dates the actor reads on the Beschlusskontrolle, each
    a row of its resolution's Vorlage (and its body, for the Gremium filter)."""
    rows = []
    for task, proposal in open_targets(session, actor):
        assert task.target_date is not None
        step = current_step(session, proposal)
        target = TargetDate(task.id or 0, task.title, task.target_date)
        rows.append(
            DeadlineRow(
                target,
                dict(KINDS)["execution"],
                f"Vorlage {proposal.label}: {proposal.title}",
                f"/vorlagen/{proposal.id}",
                step.body_id if step else None,
                light_of(target, today),
            )
        )
    return rows


def duty_rows(
    session: Session,
    announcements: Sequence[DueAnnouncement],
    written: Sequence[written_invitations.Unrecorded],
    today: date,
) -> list[DeadlineRow]:
    """What the Sitzungsdienst still owes a coming session and only records (no Deadline
    row): its ortsübliche Bekanntgabe (§ 34 Abs. 1 S. 7 GemO, ``due_announcements``) and the
    written invitation of members no e-mail reached (§ 34 Abs. 1 S. 1,
    ``written_invitations.unrecorded``), each by its last day, as Meine Aufgaben lists them."""
    owed = [
        (due.meeting, "Ortsübliche Bekanntgabe", due.latest, "ortsuebliche-bekanntgabe")
        for due in announcements
    ] + [(u.meeting, "Schriftliche Einladung erfassen", u.latest, "schriftlich") for u in written]
    rows = []
    for meeting, label, latest, anchor in owed:
        body = session.get(Body, meeting.body_id)
        target = TargetDate(meeting.id or 0, label, latest)
        rows.append(
            DeadlineRow(
                target,
                dict(KINDS)["meeting"],
                meeting_title(body.name if body else None, meeting.meeting_date),
                f"/sitzungen/{meeting.id}#{anchor}",
                meeting.body_id,
                light_of(target, today),
            )
        )
    return rows


def deadline_rows(
    session: Session, deadlines: list[Deadline], today: date, extra: Sequence[DeadlineRow] = ()
) -> list[DeadlineRow]:
    """Overdue first, then open ones by due date, then the settled ones (latest first);
    ``extra``: rows that are no Deadline (execution tasks' target dates)."""
    rows = rows_of(session, deadlines, today) + list(extra)
    open_rows = sorted((r for r in rows if r.rank < 2), key=lambda r: (r.rank, r.deadline.due_date))
    settled = sorted((r for r in rows if r.rank >= 2), key=lambda r: r.deadline.due_date)
    return open_rows + settled[::-1]


def settled_query(
    actor: Actor,
    workflows: Workflows,
    kind: str | None,
    statuses: tuple[str, ...],
    late: bool = False,
) -> SelectOfScalar[Deadline]:
    """The settled deadlines of the page, newest due first; ``late``: with the missed ones
    done late."""
    query = deadlines_query(actor=actor, workflows=workflows, instance_type=kind)
    settled = col(Deadline.status).in_(statuses)
    query = query.where(or_(settled, done_late()) if late else settled)
    return query.order_by(None).order_by(col(Deadline.due_date).desc(), col(Deadline.id).desc())


@dataclass(frozen=True)
class SettledPage:
    rows: list[DeadlineRow]
    next_cursor: str | None


def settled_page(
    session: Session,
    query: SelectOfScalar[Deadline],
    today: date,
    body_id: int | None,
    cursor: str | None,
) -> SettledPage:
    """One page of settled deadlines after the row ``cursor`` names (the first page
    without): read in chunks from the database, so years of them are not read for the
    first page, and the Gremium filter (the body of what each belongs to) checked row by
    row until the page is full. The cursor holds the last row's due date and id (keyset,
    ``listing.cursor_after``), not a position: a deadline settled while the clerk reads
    page one joins the list at its front and shifts no row of page two."""
    rows: list[DeadlineRow] = []
    chunk_query = after_cursor(query, cursor)
    while True:
        wanted = SETTLED_PAGE + 1 - len(rows)  # one more than the page: is there a next one?
        chunk = list(session.exec(chunk_query.limit(wanted)))
        for row in rows_of(session, chunk, today):
            if body_id is not None and row.body_id != body_id:
                continue
            if len(rows) == SETTLED_PAGE:
                return SettledPage(rows, cursor_after(query, rows[-1].deadline))
            rows.append(row)
        if len(chunk) < wanted:
            return SettledPage(rows, None)
        chunk_query = after_row(query, chunk[-1])


def offered_kinds(actor: Actor, workflows: Workflows) -> list[tuple[str, str]]:
    """The "Art" filter's choices: the kinds that can hold deadlines the actor reads (a
    councillor's list has no Sitzung's or Vorlage's, ``deadline_service.listed_kinds``),
    and execution tasks where he has a municipality (``target_rows``)."""
    listed = listed_kinds(actor=actor, workflows=workflows)
    return [
        (kind, label)
        for kind, label in KINDS
        if listed is None
        or kind in listed
        or (kind == "execution" and actor.municipality_id is not None)
    ]


@router.get("/fristen")
def deadline_list(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    art: Text = None,
    stand: Text = None,
    gremium: Text = None,
    weiter: Text = None,
) -> Response:
    today = local_date(now)
    workflows = workflows_of(request)
    kinds = offered_kinds(user.actor, workflows)
    kind = art if art in dict(kinds) else None
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
    statuses = SETTLED.get(light or "", ())
    cursor = (weiter or None) if statuses else None  # it pages the settled ones only
    # What is still to do (open and missed) is listed whole: it is the work at hand. The
    # settled ones grow for years: the newest first, a page at a time.
    # Open execution tasks are still to do; done ones stay on the Beschlusskontrolle.
    targets = target_rows(session, user.actor, today) if kind in (None, "execution") else []
    if kind in (None, "meeting"):
        targets += duty_rows(
            session,
            due_announcements(session=session, actor=user.actor, now=now),
            written_invitations.unrecorded(session=session, actor=user.actor, now=now),
            today,
        )
    to_do = [
        r
        for r in deadline_rows(
            session,
            list(
                session.exec(
                    deadlines_query(
                        actor=user.actor, workflows=workflows, instance_type=kind, to_do=True
                    )
                )
            ),
            today,
            targets,
        )
        if (light is None or r.light == light) and (body_id is None or r.body_id == body_id)
    ]
    settled = SettledPage([], None)
    settled_count: int | None = 0
    if statuses:
        late = (light or "") in WITH_DONE_LATE
        query = settled_query(user.actor, workflows, kind, statuses, late=late)
        try:
            settled = settled_page(session, query, today, body_id, cursor)
        except WorkflowError:  # a tampered or outdated cursor: the first page
            cursor = None
            settled = settled_page(session, query, today, body_id, cursor)
        # With a Gremium filter known only by reading them all, or when this first page
        # holds them all.
        if body_id is None:
            settled_count = count_of(session, query)
        elif cursor is None and settled.next_cursor is None:
            settled_count = len(settled.rows)
        else:
            settled_count = None
    rows = (to_do if cursor is None else []) + settled.rows
    context = {
        "rows": rows,
        "count": None if settled_count is None else len(to_do) + settled_count,
        "today": today,
        "kinds": kinds,
        "states": STATES,
        "bodies": [(str(b.id), b.name) for b in bodies],
        "params": {"art": kind or "", "stand": light or "", "gremium": str(body_id or "")},
        "overdue": sum(1 for r in to_do if r.light == "ueberfaellig"),
        "next_cursor": settled.next_cursor,
        "later_page": cursor is not None,
        "reads_all": user.role in DEADLINE_KEEPERS,
    }
    return render(request, "fristen/list.html", context)
