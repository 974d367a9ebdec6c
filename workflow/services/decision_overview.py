"""The coordinator's view of a decision request: per municipality, totals, CSV export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow.collation import german_key
from workflow.context import Actor, local_date
from workflow.deadlines.planning import earliest_decision_date
from workflow.definitions.machines import Workflows
from workflow.documents import german
from workflow.models import DecisionRequest, DecisionResponse, Municipality, Proposal
from workflow.services.common import require_role
from workflow.services.decisions import COORDINATOR
from workflow.services.transition import load_instance


@dataclass(frozen=True)
class OverviewRow:
    municipality: str
    state: str
    state_label: str
    option: str | None
    option_label: str
    decided_by: str | None
    decided_on: date | None
    proposal: str | None
    earliest_decision: date | None
    late: bool
    overdue: bool
    response_id: int


@dataclass
class Overview:
    request: DecisionRequest
    rows: list[OverviewRow] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        counts = Counter(r.option for r in self.rows if r.option)
        return {o["key"]: counts.get(o["key"], 0) for o in self.request.options}

    @property
    def overdue(self) -> list[str]:
        return [r.municipality for r in self.rows if r.overdue]


def overview(
    *, session: Session, workflows: Workflows, actor: Actor, now: datetime, request_id: int
) -> Overview:
    """The coordinator's table: per municipality state, option, body, date, proposal.

    The role is checked first, so the refusal does not depend on whether the request exists.
    """
    require_role(actor, "decision_request_overview", COORDINATOR)
    request: DecisionRequest = load_instance(session, "decision_request", request_id, actor)
    spec = workflows.latest("decision_response").spec
    today = local_date(now)
    result = Overview(request=request)
    rows = session.exec(
        select(DecisionResponse, Municipality)
        .join(Municipality, col(Municipality.id) == col(DecisionResponse.municipality_id))
        .where(DecisionResponse.request_id == request_id)
    ).all()
    # In German order, as the Landratsamt looks a municipality up (not byte order).
    for response, town in sorted(rows, key=lambda row: german_key(row[1].name)):
        proposal = session.get(Proposal, response.proposal_id) if response.proposal_id else None
        running = response.state in ("open", "in_preparation")
        result.rows.append(
            OverviewRow(
                municipality=town.name,
                state=response.state,
                state_label=spec.state_label(response.state),
                option=response.option,
                option_label=request.option_label(response.option) if response.option else "",
                decided_by=response.decided_by,
                decided_on=response.decided_on,
                proposal=proposal.label if proposal else None,
                earliest_decision=earliest_decision_date(session, proposal, today)
                if proposal is not None and running
                else None,
                late=response.late,
                overdue=running and today > request.reply_deadline,
                response_id=response.id or 0,
            )
        )
    return result


CSV_COLUMNS = [
    "Gemeinde",
    "Status",
    "Option",
    "Entschieden durch",
    "Entschieden am",
    "Vorlage",
    "Frühestmöglicher Beschluss",
    "Verspätet",
    "Überfällig",
]


def overview_csv(result: Overview) -> str:
    """Semicolon-separated, as German spreadsheet programs expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in result.rows:
        writer.writerow(_csv_row(row))
    writer.writerow([])
    for key, count in result.totals.items():
        writer.writerow([f"Summe {result.request.option_label(key)}", count])
    return buffer.getvalue()


def _csv_row(row: OverviewRow) -> list[Any]:
    return [
        row.municipality,
        row.state_label,
        row.option_label,
        row.decided_by or "",
        german.day(row.decided_on),
        row.proposal or "",
        german.day(row.earliest_decision),
        "ja" if row.late else "nein",
        "ja" if row.overdue else "nein",
    ]
