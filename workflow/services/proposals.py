"""Create and edit Vorlagen: gap-free numbers, kinds, consultation plan, execution tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, delete, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from workflow import audit
from workflow.context import Actor
from workflow.definitions.machines import Workflows
from workflow.errors import Conflict, InvalidInput, not_found
from workflow.law.consultation import (
    HEARING_KINDS,
    PlanStep,
    decision_refusal,
    missing_hearing,
    reserved_matter_refusal,
)
from workflow.law.reserved_matters import RESERVED_MATTERS
from workflow.law.subjects import SUBJECTS
from workflow.loaded_rows import bump_version
from workflow.models import (
    Body,
    ConsultationStep,
    ExecutionTask,
    Municipality,
    Proposal,
    ProposalCounter,
    User,
)
from workflow.models.proposal import PROPOSAL_KINDS
from workflow.queries import steps as stored_steps
from workflow.roles import AUTHOR_ROLES as AUTHOR_ROLES  # re-exported: pages ask it here
from workflow.services.common import require_role, require_tenant
from workflow.services.transition import load_instance
from workflow.wording import municipality_wording

EDITABLE_STATES = ("draft",)


@dataclass
class StepInput:
    body_id: int
    planned_date: date | None = None
    advises: bool = False
    decides: bool = False
    public: bool = True


@dataclass
class ProposalFields:
    """The content of a Vorlage, as in the seed's form."""

    title: str
    resolution_text: str
    proposal_date: date
    facts: str = ""
    file_reference: str | None = None
    department: str | None = None
    author_name: str | None = None
    author_phone: str | None = None
    budget_line: str | None = None
    covered_by_budget: bool | None = None
    covered_amount: Decimal | None = None
    remaining_amount: Decimal | None = None
    unplanned_amount: Decimal | None = None
    unplanned_coverage: str | None = None
    bias_notes: str | None = None
    public: bool = True
    non_public_reason: str | None = None
    attachments: list[str] = field(default_factory=list)
    previous_sessions: list[dict[str, str]] = field(default_factory=list)
    reserved_matter: str | None = None
    hearing_bodies: list[int] = field(default_factory=list)
    subject: str | None = None
    pre_deliberation_waived_reason: str | None = None
    # § 39 Abs. 4 S. 2 GemO: who demanded the Vorberatung (binding if the Hauptsatzung says so).
    pre_deliberation_requested_by: str | None = None
    # § 121 Abs. 2 GemO / § 4 Abs. 3 GemO: execution waits for the Rechtsaufsicht or the
    # announcement.
    requires_submission: bool = False
    requires_announcement: bool = False
    # Kind of Vorlage (models.proposal.PROPOSAL_KINDS) and, for an Ergänzungsvorlage, the
    # Vorlage it amends: fixed when the Vorlage is created.
    kind: str = "beschluss"
    supplements_id: int | None = None


CREATE_ONLY = ("kind", "supplements_id")


def _dialect(session: Session) -> str:
    bind = session.get_bind()
    return bind.dialect.name if isinstance(bind, Engine) else bind.engine.dialect.name


def next_number(session: Session, municipality_id: int, year: int, at_least: int = 0) -> int:
    """Issue the next Vorlagennummer atomically: one upsert on the counter row.

    The counter row is written in the creating transaction, so concurrent creators serialize
    on it and a rollback gives the number back: no gaps, no duplicates. ``at_least`` lifts
    the counter past a number issued elsewhere (an imported Vorlage).
    """
    postgres = _dialect(session) == "postgresql"
    insert = pg_insert if postgres else sqlite_insert
    table = ProposalCounter.__table__  # type: ignore[attr-defined]
    bumped: Any = table.c.last_number + 1
    if at_least:
        bumped = (func.greatest if postgres else func.max)(table.c.last_number, at_least)
    stmt = (
        insert(table)
        .values(municipality_id=municipality_id, year=year, last_number=max(1, at_least))
        .on_conflict_do_update(
            index_elements=["municipality_id", "year"], set_={"last_number": bumped}
        )
        .returning(table.c.last_number)
    )
    number: int = session.execute(stmt).scalar_one()
    return number


def create_proposal(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    municipality_id: int,
    content: ProposalFields,
    steps: list[StepInput],
    number: int | None = None,
    year: int | None = None,
) -> Proposal:
    """A new draft; ``number`` only for imports of Vorlagen numbered elsewhere."""
    require_role(actor, "create_proposal", AUTHOR_ROLES)
    require_tenant(session, actor, municipality_id, "Gemeinde")
    if not content.title.strip():
        raise InvalidInput("Der Betreff darf nicht leer sein", field="title")
    year = year or content.proposal_date.year
    if number is not None:
        clash = session.exec(
            select(Proposal).where(
                Proposal.municipality_id == municipality_id,
                Proposal.year == year,
                Proposal.number == number,
            )
        ).first()
        if clash is not None:
            raise Conflict(f"Die Vorlage Nr. {number}/{year} existiert in dieser Gemeinde bereits")
        next_number(session, municipality_id, year, at_least=number)
    else:
        number = next_number(session, municipality_id, year)
    wf = workflows.latest("proposal")
    proposal = Proposal(
        municipality_id=municipality_id,
        year=year,
        number=number,
        author_id=actor.user_id,
        state=wf.spec.initial,
        definition_name=wf.spec.name,
        definition_version=wf.spec.version,
        created_at=now,
        updated_at=now,
        **{f.name: getattr(content, f.name) for f in fields(content)},
    )
    _check_competence_fields(session, proposal)
    _check_kind(session, proposal)
    session.add(proposal)
    session.flush()
    set_consultation_plan(session=session, proposal=proposal, steps=steps)
    audit.append(
        session,
        instance_type="proposal",
        instance_id=proposal.id or 0,
        actor=actor,
        trigger="create",
        source=None,
        dest=proposal.state,
        now=now,
        data={"number": proposal.label, "title": proposal.title}
        | _kind_record(session, proposal)
        | _waiver_record(proposal.pre_deliberation_waived_reason),
    )
    return proposal


# A Vorlage in one of these states is done with: nothing left to amend.
CLOSED_STATES = ("withdrawn", "archived", "annulled", "noted")


def _check_kind(session: Session, proposal: Proposal) -> None:
    """A known kind; an Ergänzungsvorlage names the Vorlage of its municipality it amends,
    no other kind names one."""
    if proposal.kind not in PROPOSAL_KINDS:
        raise InvalidInput(
            f"Unbekannte Art der Vorlage: {proposal.kind} (möglich: {', '.join(PROPOSAL_KINDS)})",
            field="kind",
        )
    if proposal.kind != "ergaenzung":
        if proposal.supplements_id is not None:
            raise InvalidInput(
                "Nur eine Ergänzungsvorlage ergänzt eine andere Vorlage", field="supplements_id"
            )
        return
    if proposal.supplements_id is None:
        raise InvalidInput(
            "Eine Ergänzungsvorlage muss die Vorlage nennen, die sie ergänzt",
            field="supplements_id",
        )
    amended = session.get(Proposal, proposal.supplements_id)
    if amended is None or amended.municipality_id != proposal.municipality_id:
        raise InvalidInput(
            "Die zu ergänzende Vorlage gibt es in dieser Gemeinde nicht",
            field="supplements_id",
        )
    if amended.state in CLOSED_STATES:
        raise InvalidInput(
            f"Die Vorlage {amended.label} ist abgeschlossen und kann nicht mehr ergänzt werden",
            field="supplements_id",
        )


def _kind_record(session: Session, proposal: Proposal) -> dict[str, Any]:
    if proposal.kind == "beschluss":
        return {}
    amended = session.get(Proposal, proposal.supplements_id) if proposal.supplements_id else None
    return {"kind": proposal.kind} | ({"supplements": amended.label} if amended else {})


def _check_competence_fields(session: Session, proposal: Proposal) -> None:
    """The reserved matter is one of the catalogue; the bodies to be heard are Ortschaftsräte
    or Bezirksbeiräte of the proposal's municipality (§ 39 Abs. 2, § 70 Abs. 1, § 65 Abs. 2);
    the subject is one of the catalogue of Aufgabengebiete (§ 39 Abs. 4 S. 1)."""
    if proposal.subject is not None and proposal.subject not in SUBJECTS:
        raise InvalidInput(f"Unbekanntes Aufgabengebiet: {proposal.subject}", field="subject")
    if proposal.reserved_matter is not None and proposal.reserved_matter not in RESERVED_MATTERS:
        raise InvalidInput(
            f"Unbekannte Angelegenheit nach § 39 Abs. 2 GemO: {proposal.reserved_matter}",
            field="reserved_matter",
        )
    for i, body_id in enumerate(proposal.hearing_bodies):
        body = session.get(Body, body_id)
        if body is None or body.municipality_id != proposal.municipality_id:
            raise InvalidInput(
                f"Gremium {body_id} gehört nicht zur Gemeinde", field=f"hearing_bodies.{i}"
            )
        if body.kind not in HEARING_KINDS:
            raise InvalidInput(
                f'"{body.name}" ist kein Ortschaftsrat oder Bezirksbeirat '
                "(§ 70 Abs. 1, § 65 Abs. 2 GemO)",
                field=f"hearing_bodies.{i}",
            )
        if body_id in proposal.hearing_bodies[:i]:
            raise InvalidInput(f'"{body.name}" ist bereits genannt', field=f"hearing_bodies.{i}")


def _competence_refusal(
    session: Session, proposal: Proposal, plan: Sequence[PlanStep]
) -> tuple[int | None, int | None, str] | None:
    """(step index, hearing index, refusal) where the plan gives a reserved matter to another
    body than the council, or decides before hearing an Ortschaft (§ 39 Abs. 2, § 70 Abs. 1)."""
    bodies = {s.body_id: session.get(Body, s.body_id) for s in plan}
    bodies.update({b: session.get(Body, b) for b in proposal.hearing_bodies})
    known = {k: b for k, b in bodies.items() if b is not None}
    for i, step in enumerate(plan):
        body = known.get(step.body_id)
        if step.decides and body and (refusal := reserved_matter_refusal(proposal, body)):
            return i, None, f"Beratungsschritt {i + 1}: {refusal}"
    missing = missing_hearing(proposal, plan, known)
    return (None, missing[0], missing[1]) if missing else None


def set_consultation_plan(*, session: Session, proposal: Proposal, steps: list[StepInput]) -> None:
    """Replace the Beratungsfolge; bodies must belong to the proposal's municipality, only a
    body competent to decide may be the deciding step (§§ 39, 41, 70 GemO), a reserved matter
    only the council (§ 39 Abs. 2), and the Ortschaften concerned advise first (§ 70 Abs. 1).
    An Informationsvorlage is taken note of by each body in turn: no competence to decide
    is needed."""
    municipality = session.get(Municipality, proposal.municipality_id)
    information = proposal.is_information
    for i, step in enumerate(steps):
        body = session.get(Body, step.body_id)
        if body is None or body.municipality_id != proposal.municipality_id:
            raise InvalidInput(
                f"Gremium {step.body_id} gehört nicht zur Gemeinde", field=f"steps.{i}.body_id"
            )
        if step.advises == step.decides:
            raise InvalidInput(
                "Ein Beratungsschritt ist entweder vorberatend oder beschließend",
                field=f"steps.{i}",
            )
        if information:
            continue  # nobody decides on an Informationsvorlage
        if step.decides and (refusal := decision_refusal(body, municipality)):
            raise InvalidInput(f"Beratungsschritt {i + 1}: {refusal}", field=f"steps.{i}.decides")
    if not information and (defect := _competence_refusal(session, proposal, steps)):
        step_index, _, message = defect
        raise InvalidInput(
            message, field=f"steps.{step_index}.decides" if step_index is not None else "steps"
        )
    # One DELETE by the proposal, not one per loaded step: a concurrent edit that replaced
    # the plan first leaves nothing to delete, which is not an error (it loses at the
    # version bump below).
    session.execute(
        delete(ConsultationStep).where(col(ConsultationStep.proposal_id) == proposal.id)
    )
    for position, step in enumerate(steps, start=1):
        session.add(
            ConsultationStep(
                proposal_id=proposal.id or 0,
                position=position,
                body_id=step.body_id,
                planned_date=step.planned_date,
                advises=step.advises,
                decides=step.decides,
                public=step.public,
            )
        )
    proposal.current_step = 1 if steps else 0
    session.flush()


def update_proposal(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    proposal_id: int,
    expected_version: int,
    changes: dict[str, Any],
    steps: list[StepInput] | None = None,
) -> Proposal:
    """Edit while the draft is editable; the version check refuses stale edits."""
    from workflow.errors import StaleVersion

    proposal: Proposal = load_instance(session, "proposal", proposal_id, actor)
    require_role(actor, "update_proposal", AUTHOR_ROLES)
    if proposal.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=proposal.version)
    if proposal.state not in EDITABLE_STATES:
        raise Conflict("Die Vorlage kann nur im Entwurf bearbeitet werden")
    allowed = {f.name for f in fields(ProposalFields)}
    # The form sends every field: the audit names those whose value changed.
    changed: dict[str, Any] = {}
    for key, value in changes.items():
        if key in CREATE_ONLY and value != getattr(proposal, key):
            raise InvalidInput(
                "Die Art der Vorlage und die ergänzte Vorlage werden beim Anlegen festgelegt",
                field=key,
            )
        if key not in allowed:
            raise InvalidInput(f"Das Feld {key} kann nicht geändert werden", field=key)
        if value != getattr(proposal, key):
            changed[key] = value
        setattr(proposal, key, value)
    plan_changed = steps is not None and _plan(steps) != _plan(stored_steps(session, proposal_id))
    if steps is not None:
        _check_competence_fields(session, proposal)
        set_consultation_plan(session=session, proposal=proposal, steps=steps)
    elif {"reserved_matter", "hearing_bodies", "subject"} & set(changes):
        # The stored plan is held to the new tags as a written plan would be.
        _check_competence_fields(session, proposal)
        if defect := _competence_refusal(session, proposal, stored_steps(session, proposal_id)):
            _, hearing_index, message = defect
            raise InvalidInput(
                message,
                field="reserved_matter"
                if hearing_index is None
                else f"hearing_bodies.{hearing_index}",
            )
    bump_version(session, proposal, now)
    audit.note(
        session,
        "proposal",
        proposal,
        actor,
        now,
        "update",
        data=_update_record(changed, plan_changed),
    )
    session.flush()
    return proposal


def _plan(steps: Sequence[StepInput | ConsultationStep]) -> list[tuple[Any, ...]]:
    """A Beratungsfolge as comparable rows: given (``StepInput``) or stored."""
    return [(s.body_id, s.planned_date, s.advises, s.decides, s.public) for s in steps]


def _update_record(changes: dict[str, Any], plan_changed: bool) -> dict[str, Any]:
    """The audit of an edit names the fields it changed (``steps``: the Beratungsfolge); a
    waived Vorberatung also keeps its reason, the recorded override of § 39 Abs. 4 S. 1
    GemO."""
    record: dict[str, Any] = {"fields": sorted(changes) + (["steps"] if plan_changed else [])}
    if "pre_deliberation_waived_reason" in changes:
        record["pre_deliberation_waived_reason"] = changes["pre_deliberation_waived_reason"]
    return record


def _waiver_record(reason: str | None) -> dict[str, Any]:
    return {"pre_deliberation_waived_reason": reason} if reason else {}


EXECUTION_ROLES = ("clerk", "secretary", "mayor")


def _owner_refused(mayor: str) -> str:
    """Why a person cannot own an execution task; ``mayor``: the municipality's title."""
    return (
        "Zuständig kann nur eine Person Ihrer Gemeinde sein, die Vollzugsaufgaben abschließen "
        f"darf (Sachbearbeitung, Sitzungsdienst, {mayor})."
    )


def may_own_execution_task(user: User, municipality_id: int) -> bool:
    """The person responsible closes the task himself: an active user of the resolution's
    municipality in a role that may close it, not a councillor, the Landratsamt or another
    town's staff (the task would sit in his Meine Aufgaben with no way to do it)."""
    return (
        not user.disabled
        and user.municipality_id == municipality_id
        and user.role in EXECUTION_ROLES
    )


def add_execution_task(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    proposal_id: int,
    title: str,
    owner_id: int | None,
    target_date: date | None,
) -> ExecutionTask:
    """Beschlusskontrolle: who executes the resolution, by when."""
    proposal: Proposal = load_instance(session, "proposal", proposal_id, actor)
    require_role(actor, "add_execution_task", EXECUTION_ROLES)
    if proposal.state != "final":
        raise Conflict("Vollzugsaufgaben gibt es erst für bestandskräftige Beschlüsse")
    if owner_id is not None:
        # An id of nobody reads as one of another town's user: the same 422, checked before
        # the insert (the foreign key would only tell a conflict, and nothing of the field).
        owner = session.get(User, owner_id)
        if owner is None or not may_own_execution_task(owner, proposal.municipality_id):
            mayor = municipality_wording(session, proposal.municipality_id).mayor
            raise InvalidInput(_owner_refused(mayor), field="owner_id")
    task = ExecutionTask(
        proposal_id=proposal_id, title=title, owner_id=owner_id, target_date=target_date
    )
    session.add(task)
    session.flush()
    audit.note(
        session,
        "proposal",
        proposal,
        actor,
        now,
        "add_execution_task",
        data={"task_id": task.id, "title": title, "target_date": target_date},
    )
    return task


def close_execution_task(
    *, session: Session, actor: Actor, now: datetime, task_id: int, status: str, note: str | None
) -> ExecutionTask:
    # Locked, so that of two closing at once the second sees the task closed (409).
    task = session.get(ExecutionTask, task_id, with_for_update=True)
    if task is None:
        raise not_found("Vollzugsaufgabe")
    proposal: Proposal = load_instance(session, "proposal", task.proposal_id, actor)
    require_role(actor, "close_execution_task", EXECUTION_ROLES)
    if status not in ("done", "not_feasible"):
        raise InvalidInput("Status muss done oder not_feasible sein", field="status")
    if status == "not_feasible" and not (note or "").strip():
        raise InvalidInput("Bei nicht möglichem Vollzug ist eine Begründung nötig", field="note")
    if task.status != "open":
        raise Conflict("Die Vollzugsaufgabe ist bereits abgeschlossen")
    task.status = status
    task.note = note
    task.closed_at = now
    session.add(task)
    audit.note(
        session,
        "proposal",
        proposal,
        actor,
        now,
        "close_execution_task",
        data={"task_id": task_id, "status": status, "note": note},
    )
    session.flush()
    return task
