"""What each guard and action reads from a transition request, as a form shows it.

The fields sit next to the rules that read them (``data_int(ctx, "meeting_id")``), keyed by
the rule's name, so a definition that adds ``meeting_given`` to a transition gets its field
without declaring it twice; ``GET …/actions`` merges them per transition. They are no part
of a definition file, so adding a field changes no definition's content hash.
"""

from __future__ import annotations

from sqlmodel import col, select

from workflow.context import FiringContext
from workflow.definitions.registry import Choice, FieldSpec, OpenStep
from workflow.documents import german
from workflow.models import Body, DecisionRequest, DecisionResponse, Meeting, Proposal
from workflow.queries import current_step, users_with_role
from workflow.rules.decision_rules import linkable_proposals
from workflow.supervision import OBJECTION_GROUNDS

MAX_OPTIONS = 100


def cosigner_options(ctx: FiringContext) -> list[Choice]:
    proposal: Proposal = ctx.instance
    return [
        Choice(u.username, f"{u.full_name} (Kämmerei)" if u.finance_office else u.full_name)
        for u in users_with_role(ctx.session, proposal.municipality_id, "cosigner")
        if u.id != proposal.author_id
    ]


def meeting_options(ctx: FiringContext) -> list[Choice]:
    """Meetings of the pending step's body whose agenda is still open (``schedule``)."""
    proposal: Proposal = ctx.instance
    step = current_step(ctx.session, proposal)
    if step is None:
        return []
    body = ctx.session.get(Body, step.body_id)
    meetings = ctx.session.exec(
        select(Meeting)
        .where(
            Meeting.municipality_id == proposal.municipality_id,
            Meeting.body_id == step.body_id,
            col(Meeting.state).in_(("planned", "agenda")),
            Meeting.meeting_date >= ctx.today,
        )
        .order_by(col(Meeting.meeting_date), col(Meeting.id))
        .limit(MAX_OPTIONS)
    )
    name = body.name if body is not None else "Sitzung"
    return [Choice(m.id or 0, f"{name}, {german.day(m.meeting_date)}") for m in meetings]


def referral_options(ctx: FiringContext) -> list[Choice]:
    """Other bodies of the municipality (Verweisung, § 39 Abs. 3 GemO)."""
    proposal: Proposal = ctx.instance
    step = current_step(ctx.session, proposal)
    bodies = ctx.session.exec(
        select(Body)
        .where(Body.municipality_id == proposal.municipality_id)
        .order_by(col(Body.name))
        .limit(MAX_OPTIONS)
    )
    return [Choice(b.id or 0, b.name) for b in bodies if step is None or b.id != step.body_id]


def _request_of(ctx: FiringContext) -> DecisionRequest | None:
    response: DecisionResponse = ctx.instance
    return ctx.session.get(DecisionRequest, response.request_id)


def answer_options(ctx: FiringContext) -> list[Choice]:
    request = _request_of(ctx)
    if request is None:
        return []
    return [Choice(str(o.get("key")), str(o.get("label") or o.get("key"))) for o in request.options]


def proposal_options(ctx: FiringContext) -> list[Choice]:
    """The responding municipality's proposals that can still carry the answer, newest first."""
    response: DecisionResponse = ctx.instance
    proposals = linkable_proposals(ctx.session, response.municipality_id)[:MAX_OPTIONS]
    return [Choice(p.id or 0, f"{p.label} {p.title}") for p in proposals]


REASON = FieldSpec("comment", "text", "Begründung", required=True)
RESOLUTION_TEXT = FieldSpec(
    "data.text",
    "text",
    "Beschlusswortlaut",
    help="nur wenn er vom Beschlussvorschlag der Vorlage abweicht",
)


def objection_ground_options(ctx: FiringContext) -> list[Choice]:
    return [Choice(key, label) for key, label in OBJECTION_GROUNDS.items()]


ANSWER = FieldSpec("data.option", "choice", "Antwort", required=True, options=answer_options)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "comment_given": (REASON,),
    "request_cosignatures": (
        FieldSpec(
            "data.cosigners",
            "person",
            "Mitzeichnende",
            multiple=True,
            help="leer: alle Mitzeichnungsberechtigten der Gemeinde",
            options=cosigner_options,
        ),
        FieldSpec(
            "data.required",
            "integer",
            "Erforderliche Mitzeichnungen",
            help="leer: alle Angefragten",
            minimum=1,
        ),
    ),
    "meeting_given": (
        FieldSpec("data.meeting_id", "choice", "Sitzung", required=True, options=meeting_options),
    ),
    "record_recommendation": (
        FieldSpec(
            "data.recommendation",
            "text",
            "Beschlussempfehlung",
            help="leer: der Beschlussvorschlag der Vorlage",
        ),
    ),
    "record_referral": (
        FieldSpec(
            "data.body_id", "choice", "Verweisen an", required=True, options=referral_options
        ),
    ),
    "record_resolution": (RESOLUTION_TEXT,),
    "record_urgent_resolution": (RESOLUTION_TEXT,),
    "invitation_in_time": (
        FieldSpec(
            "data.emergency_reason",
            "text",
            "Begründung der Notsitzung (§ 34 Abs. 2 GemO)",
            help="nur bei einer Einladung ohne Frist und Form",
        ),
        FieldSpec(
            "data.late_reason",
            "text",
            "Begründung der verkürzten Einladungsfrist",
            help="nur wenn die Einladungsfrist nicht eingehalten ist",
        ),
    ),
    "simple_matter_declared": (
        FieldSpec(
            "data.simple_matter",
            "boolean",
            "Gegenstand einfacher Art (§ 37 Abs. 1 Satz 2 GemO)",
            required=True,
        ),
    ),
    "councillors_heard": (
        FieldSpec(
            "data.councillors_heard",
            "boolean",
            "Die nicht befangenen Gemeinderäte sind angehört (§ 37 Abs. 4 GemO)",
            required=True,
        ),
    ),
    "proposal_of_municipality": (
        FieldSpec("data.proposal_id", "choice", "Vorlage", required=True, options=proposal_options),
    ),
    "option_valid": (ANSWER,),
    "objection_ground_given": (
        FieldSpec(
            "data.ground",
            "choice",
            "Widerspruchsgrund (§ 43 Abs. 2 GemO)",
            required=True,
            options=objection_ground_options,
        ),
    ),
    "answer_basis": (
        FieldSpec(
            "data.option",
            "choice",
            "Antwort",
            help="nur bei Zuständigkeit des Bürgermeisters (Übertragung durch die "
            "Hauptsatzung); sonst gilt der Beschluss zur verknüpften Vorlage",
            options=answer_options,
        ),
    ),
}

INPUT_GUARDS = frozenset(
    {
        "comment_given",
        "meeting_given",
        "simple_matter_declared",
        "councillors_heard",
        "proposal_of_municipality",
        "option_valid",
        "objection_ground_given",
    }
)

# A Beschluss- or Ergänzungsvorlage is voted on, an Informationsvorlage taken note of: the
# transitions of the other kind are no action of this Vorlage, not even a blocked one.
SCOPE_GUARDS = frozenset({"is_decision", "is_information"})

STEPS: dict[str, OpenStep] = {
    "cosignatures_complete": OpenStep("cosignatures", "Mitzeichnung"),
    "has_agenda_items": OpenStep("agenda", "Tagesordnung aufstellen"),
    "attendance_recorded": OpenStep("attendance", "Anwesenheit erfassen"),
    "votes_recorded": OpenStep("votes", "Abstimmung erfassen"),
    "all_items_handled": OpenStep("outcomes", "Ergebnisse der Tagesordnungspunkte erfassen"),
    "minutes_signatures_complete": OpenStep("minutes_signatures", "Niederschrift unterzeichnen"),
    "execution_tasks_closed": OpenStep("execution_tasks", "Vollzugsaufgaben erledigen"),
}
