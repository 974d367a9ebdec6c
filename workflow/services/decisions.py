"""District decision requests: create, send to every municipality, answer, overview, CSV."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from workflow import audit
from workflow.context import SYSTEM, Actor, FiringContext, local_date
from workflow.deadlines.notify import Message, mail_footer, send_to
from workflow.definitions.machines import Workflows
from workflow.definitions.registry import Action
from workflow.documents import german
from workflow.errors import InvalidInput, NotFound
from workflow.law.budget_coverage import format_euro
from workflow.meeting_titles import nominative
from workflow.models import Body, DecisionRequest, DecisionResponse, Municipality, Proposal, User
from workflow.roles import MAIL_ROLES
from workflow.services.common import require_role
from workflow.services.proposals import ProposalFields, StepInput, create_proposal
from workflow.services.transition import fire, load_instance, open_initial_deadlines
from workflow.supervision import municipality_title

COORDINATOR = ("district_coordinator",)


def create_request(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    title: str,
    explanation: str,
    options: list[dict[str, str]],
    default_option: str,
    reply_deadline: date,
    effective_date: date | None = None,
    amounts: dict[str, Decimal] | None = None,
    targets: list[str] | None = None,
    attachments: list[str] | None = None,
) -> DecisionRequest:
    """A draft request of the coordinator's district; targets default to all its towns."""
    require_role(actor, "create_decision_request", COORDINATOR)
    if actor.district_id is None:
        raise InvalidInput("Nur Koordinatoren eines Landkreises stellen Abfragen")
    towns = {
        m.name: m
        for m in session.exec(
            select(Municipality).where(Municipality.district_id == actor.district_id)
        )
    }
    chosen = targets or sorted(towns)
    unknown = [name for name in [*chosen, *(amounts or {})] if name not in towns]
    if unknown:
        raise InvalidInput(
            f"Keine Gemeinden des Landkreises: {', '.join(unknown)}", field="targets"
        )
    wf = workflows.latest("decision_request")
    request = DecisionRequest(
        district_id=actor.district_id,
        title=title,
        explanation=explanation,
        options=options,
        default_option=default_option,
        reply_deadline=reply_deadline,
        effective_date=effective_date,
        amounts={k: str(v) for k, v in (amounts or {}).items()},
        targets=[towns[name].id or 0 for name in chosen],
        attachments=attachments or [],
        created_by_id=actor.user_id,
        state=wf.spec.initial,
        definition_name=wf.spec.name,
        definition_version=wf.spec.version,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    audit.append(
        session,
        instance_type="decision_request",
        instance_id=request.id or 0,
        actor=actor,
        trigger="create",
        source=None,
        dest=request.state,
        now=now,
        data={"title": title, "targets": len(chosen), "reply_deadline": reply_deadline},
    )
    return request


def open_responses(ctx: FiringContext) -> None:
    """Action of ``send``: one response per target municipality, each with its reply
    deadline; the mayor and clerks of every municipality are told."""
    workflows: Workflows | None = ctx.workflows
    assert workflows is not None, "fire() hands the workflows to every action"
    session, request, now = ctx.session, ctx.instance, ctx.now
    assert isinstance(request, DecisionRequest)
    wf = workflows.latest("decision_response")
    for municipality_id in request.targets:
        town = session.get(Municipality, municipality_id)
        assert town is not None
        amount = request.amounts.get(town.name)
        response = DecisionResponse(
            request_id=request.id or 0,
            municipality_id=municipality_id,
            amount=Decimal(amount) if amount else None,
            state=wf.spec.initial,
            definition_name=wf.spec.name,
            definition_version=wf.spec.version,
            updated_at=now,
        )
        session.add(response)
        session.flush()
        audit.append(
            session,
            instance_type="decision_response",
            instance_id=response.id or 0,
            actor=ctx.actor,
            trigger="create",
            source=None,
            dest=response.state,
            now=now,
            data={"request_id": request.id, "municipality": town.name},
        )
        open_initial_deadlines(
            session=session,
            workflows=workflows,
            kind="decision_response",
            instance=response,
            actor=ctx.actor,
            now=now,
            seq=1,
        )
        _announce(session, request, response, town, now, ctx.base_url)
    ctx.audit_data.update(responses=len(request.targets))


def _announce(
    session: Session,
    request: DecisionRequest,
    response: DecisionResponse,
    town: Municipality,
    now: datetime,
    base_url: str,
) -> None:
    users = _town_users(session, town.id or 0)
    options = "\n".join(f"- {o.get('label')}: {o.get('description', '')}" for o in request.options)
    amount = (
        f"\nBetrag bei eigener Durchführung: {format_euro(response.amount)}"
        if response.amount
        else ""
    )
    body = (
        f"Guten Tag,\n\ndas Landratsamt bittet die {municipality_title(town)} um eine Entscheidung "
        f"bis zum {german.day(request.reply_deadline)}:\n\n{request.title}\n\n{request.explanation}"
        f"\n\nOptionen:\n{options}{amount}\n\nOhne fristgerechte Antwort gilt: "
        f"{request.option_label(request.default_option)}.\n\n"
        f"Zur Bearbeitung: {base_url.rstrip('/')}/abfragen/{request.id}/antworten/{response.id}"
        f"\n\n{mail_footer(base_url)}"
    )
    message = Message(
        kind="request",
        title=f"Abfrage des Landratsamts: {request.title} (Antwort bis "
        f"{german.day(request.reply_deadline)})",
        body=body,
        link=f"{base_url.rstrip('/')}/abfragen/{request.id}/antworten/{response.id}",
        instance_type="decision_response",
        instance_id=response.id,
    )
    send_to(
        session,
        key_prefix=f"request:{request.id}:sent:{response.id}",
        users=users,
        message=message,
        now=now,
    )


def _town_users(session: Session, municipality_id: int) -> list[User]:
    """Who is told of an Abfrage in a municipality: its mayor and clerks (``MAIL_ROLES``)."""
    return list(
        session.exec(
            select(User)
            .where(
                User.municipality_id == municipality_id,
                col(User.role).in_(MAIL_ROLES["request"]),
                ~col(User.disabled),
            )
            .order_by(col(User.id))
        )
    )


def _announce_withdrawal(ctx: FiringContext, response: DecisionResponse) -> None:
    """The town was asked and may have prepared a Vorlage for its council: it is told that
    the Landratsamt withdrew the Abfrage, why, and what becomes of a linked Vorlage."""
    request = ctx.instance
    assert isinstance(request, DecisionRequest)
    base = ctx.base_url.rstrip("/")
    link = f"{base}/abfragen/{request.id}/antworten/{response.id}"
    linked = ctx.session.get(Proposal, response.proposal_id) if response.proposal_id else None
    vorlage = (
        f"\n\nDie verknüpfte Vorlage {linked.label} („{linked.title}“) bleibt bestehen: Bitte "
        "prüfen Sie, ob sie zurückgezogen oder von der Tagesordnung abgesetzt werden soll."
        if linked is not None
        else ""
    )
    body = (
        f"Guten Tag,\n\ndas Landratsamt hat die Abfrage „{request.title}“ (Antwort bis "
        f"{german.day(request.reply_deadline)}) zurückgezogen. Eine Antwort ist nicht mehr "
        f"nötig und nicht mehr möglich.\n\nBegründung: {ctx.comment or '–'}{vorlage}"
        f"\n\nZur Abfrage: {link}\n\n{mail_footer(ctx.base_url)}"
    )
    send_to(
        ctx.session,
        key_prefix=f"request:{request.id}:cancelled:{response.id}",
        users=_town_users(ctx.session, response.municipality_id),
        message=Message(
            kind="request",
            title=f"Abfrage des Landratsamts zurückgezogen: {request.title}",
            body=body,
            link=link,
            instance_type="decision_response",
            instance_id=response.id,
        ),
        now=ctx.now,
    )


def withdraw_responses(ctx: FiringContext) -> None:
    """Action of ``cancel``: every response still running is withdrawn by the system, and
    its municipality told so."""
    workflows: Workflows | None = ctx.workflows
    assert workflows is not None, "fire() hands the workflows to every action"
    running = ctx.session.exec(
        select(DecisionResponse.id)
        .where(
            DecisionResponse.request_id == ctx.instance.id,
            col(DecisionResponse.state).in_(
                ("open", "in_preparation", "late_pending", "defaulted")
            ),
        )
        .order_by(col(DecisionResponse.id))
    ).all()
    for response_id in running:
        fire(
            session=ctx.session,
            workflows=workflows,
            kind="decision_response",
            instance_id=response_id or 0,
            trigger="withdraw",
            actor=SYSTEM,
            now=ctx.now,
            comment=f"Abfrage zurückgezogen: {ctx.comment or ''}".strip(),
            base_url=ctx.base_url,
        )
        response = ctx.session.get(DecisionResponse, response_id)
        assert response is not None
        _announce_withdrawal(ctx, response)
    ctx.audit_data.update(withdrawn=len(running))


ACTIONS = [
    Action("open_responses", open_responses),
    Action("withdraw_responses", withdraw_responses),
]


def create_proposal_from_request(
    *,
    session: Session,
    workflows: Workflows,
    actor: Actor,
    now: datetime,
    response_id: int,
    option: str,
    body_id: int,
) -> Proposal:
    """A Vorlage pre-filled from the request (title, Sachvortrag with the district's
    explanation and the municipality's amount, both options), linked to the response."""
    response: DecisionResponse = load_instance(session, "decision_response", response_id, actor)
    request = session.get(DecisionRequest, response.request_id)
    town = session.get(Municipality, response.municipality_id)
    assert request is not None
    assert town is not None
    options = "\n".join(
        f"- {o.get('label')}: {o.get('description', '')}".rstrip(": ") for o in request.options
    )
    amount = (
        f"\n\nNach der Berechnung des Landratsamtes würde die {municipality_title(town)} "
        f"einen Betrag in Höhe von {format_euro(response.amount, unit='Euro')} erhalten."
        if response.amount
        else ""
    )
    facts = (
        f"{request.explanation}\n\nDie Gemeinde muss sich bis zum "
        f"{german.day(request.reply_deadline)} entscheiden:\n{options}{amount}"
    )
    content = ProposalFields(
        title=request.title,
        resolution_text=resolution_text(session, request, option, body_id, town),
        proposal_date=local_date(now),
        facts=facts,
    )
    proposal = create_proposal(
        session=session,
        workflows=workflows,
        actor=actor,
        now=now,
        municipality_id=response.municipality_id,
        content=content,
        steps=[StepInput(body_id=body_id, decides=True)],
    )
    fire(
        session=session,
        workflows=workflows,
        kind="decision_response",
        instance_id=response_id,
        trigger="link_proposal",
        actor=actor,
        now=now,
        data={"proposal_id": proposal.id, "option": option},
    )
    return proposal


def resolution_text(
    session: Session, request: DecisionRequest, option: str, body_id: int, town: Municipality
) -> str:
    """The Beschlussvorschlag: the deciding body resolves on the request's option, as the
    minutes record a resolution, not the option's bare word. The body is the subject with
    its own article ("Der Gemeinderat", "Die Gemeindeversammlung"); a name whose gender is
    unknown is named as "Das Gremium „Jugendforum“"."""
    body = session.get(Body, body_id)
    name = body.name if body is not None and body.municipality_id == town.id else "Gemeinderat"
    named = nominative(name)
    subject = german.sentence_start(named)
    chosen = next((o for o in request.options if o.get("key") == option), {})
    meaning = str(chosen.get("description") or "").strip().rstrip(".")
    return (
        f"{subject} beschließt zur Abfrage des Landratsamts „{request.title}“ die Option "
        f"„{request.option_label(option)}“{': ' + meaning if meaning else ''}."
    )


def response_for(session: Session, request_id: int, municipality_id: int) -> DecisionResponse:
    response = session.exec(
        select(DecisionResponse).where(
            DecisionResponse.request_id == request_id,
            DecisionResponse.municipality_id == municipality_id,
        )
    ).first()
    if response is None:
        raise NotFound("Für diese Gemeinde gibt es keine Antwort zu der Abfrage.")
    return response
