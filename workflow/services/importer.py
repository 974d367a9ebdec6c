"""Import a Vorlage text (the seed's format) as a draft proposal with its consultation plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from workflow.context import Actor
from workflow.definitions.machines import Workflows
from workflow.errors import InvalidInput, NotFound
from workflow.importing.parser import Inconsistency, ParsedVorlage, parse_vorlage
from workflow.models import Body, Proposal, User
from workflow.queries import body_by_name
from workflow.services.proposals import ProposalFields, StepInput, create_proposal
from workflow.services.setup import municipality_by_name

BODY_KINDS = {"Gemeinderat": "council", "Ortschaftsrat": "local_council"}


@dataclass(frozen=True)
class ImportResult:
    proposal: Proposal
    parsed: ParsedVorlage
    inconsistencies: tuple[Inconsistency, ...]
    created_bodies: tuple[str, ...]


def _body(session: Session, municipality_id: int, name: str, created: list[str]) -> Body:
    body = body_by_name(session, municipality_id, name)
    if body is None:
        body = Body(
            municipality_id=municipality_id,
            name=name,
            kind=BODY_KINDS.get(name, "deciding_committee"),
        )
        session.add(body)
        session.flush()
        created.append(name)
    return body


def import_vorlage(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    text: str,
    municipality_name: str,
    source: str = "<eingabe>",
) -> ImportResult:
    """Parse first (a malformed text raises before anything is written), then create.

    The caller's transaction makes it all-or-nothing. Inconsistencies in the text are
    reported, never silently resolved; the closing Beschlussvorschlag wins.
    """
    parsed = parse_vorlage(text, source=source)
    municipality = municipality_by_name(session, municipality_name)
    if municipality is None or municipality.id is None:
        raise NotFound(f'Die Gemeinde "{municipality_name}" ist nicht angelegt.')
    if not parsed.steps:
        raise InvalidInput("Die Vorlage nennt kein beratendes oder beschließendes Gremium")
    created: list[str] = []
    steps = [
        StepInput(
            body_id=_body(session, municipality.id, step.body_name, created).id or 0,
            planned_date=step.planned_date,
            advises=step.advises and not step.decides,
            decides=step.decides,
            public=step.public,
        )
        for step in parsed.steps
    ]
    author = session.exec(
        select(User).where(
            User.municipality_id == municipality.id, User.full_name == parsed.author_name
        )
    ).first()
    financing = parsed.financing
    content = ProposalFields(
        title=parsed.title,
        resolution_text=parsed.resolution_text,
        proposal_date=parsed.proposal_date,
        facts=parsed.facts,
        file_reference=parsed.file_reference,
        department=parsed.department,
        author_name=parsed.author_name,
        author_phone=parsed.author_phone,
        budget_line=financing.budget_line,
        covered_by_budget=financing.covered_by_budget,
        covered_amount=financing.covered_amount,
        remaining_amount=financing.remaining_amount,
        unplanned_amount=financing.unplanned_amount,
        unplanned_coverage=financing.unplanned_coverage,
        bias_notes=parsed.bias_notes,
        public=parsed.public,
        previous_sessions=[
            {"date": s.session_date.isoformat(), "body": s.body_name}
            for s in parsed.previous_sessions
        ],
    )
    proposal = create_proposal(
        session=session,
        workflows=workflows,
        actor=actor,
        now=now,
        municipality_id=municipality.id,
        content=content,
        steps=steps,
        number=parsed.number,
        year=parsed.year,
    )
    if author is not None and proposal.author_id is None:
        proposal.author_id = author.id
        session.add(proposal)
        session.flush()
    return ImportResult(
        proposal=proposal,
        parsed=parsed,
        inconsistencies=parsed.inconsistencies,
        created_bodies=tuple(created),
    )
