"""§ 37 Abs. 4 GemO: the mayor decides instead of a council that cannot decide.

"Ist keine Beschlussfähigkeit gegeben, entscheidet der Bürgermeister an Stelle des
Gemeinderats nach Anhörung der nicht befangenen Gemeinderäte." That is the case when the
second session (Abs. 3) is not quorate either, or when it is skipped because fewer than three
members are entitled to vote (Abs. 3 S. 3: "Die zweite Sitzung entfällt"). Committees never
get here: for them the council decides (§ 39 Abs. 5 S. 3). If the mayor is biased too,
§ 124 GemO applies (not modelled: the Rechtsaufsicht's Beauftragter, or a deputy the council
appoints for this decision).
"""

from __future__ import annotations

from sqlmodel import select

from workflow.context import FiringContext
from workflow.definitions.registry import Action, Guard
from workflow.models import AgendaItem, Attendance, Body
from workflow.queries import (
    biased_persons,
    current_agenda_item,
    current_step,
    item_quorum,
    meeting_of_item,
    quorum_failure,
)
from workflow.rules.common import proposal
from workflow.rules.proposal_actions import add_resolution
from workflow.wording import wording_for

SECOND_SESSION_MINIMUM = 3  # § 37 Abs. 3 S. 1 and 3 GemO


def _item(ctx: FiringContext) -> AgendaItem | None:
    return current_agenda_item(ctx.session, proposal(ctx))


def council_cannot_decide(ctx: FiringContext) -> str | None:
    item = _item(ctx)
    meeting = meeting_of_item(ctx.session, item)
    if item is None or meeting is None:
        return "Die Vorlage steht auf keiner Tagesordnung"
    body = ctx.session.get(Body, meeting.body_id)
    if body is None or body.kind != "council":
        return (
            "Nur für den Gemeinderat: für einen Ausschuss entscheidet der Gemeinderat "
            "(§ 39 Abs. 5 Satz 3 GemO)"
        )
    recorded = ctx.session.exec(
        select(Attendance.id).where(Attendance.meeting_id == meeting.id)
    ).first()
    if recorded is None:
        return "Die Anwesenheit dieser Sitzung ist nicht erfasst"
    quorum = item_quorum(ctx.session, item)
    if quorum.reached:
        return f"Der Gemeinderat ist beschlussfähig – {quorum.explain()}"
    if quorum.second_session:
        return None  # not quorate in the second session either
    failure = quorum_failure(ctx.session, meeting)
    entitled = quorum.members - quorum.biased
    if failure is not None and item.proposal_id in failure.proposal_ids:
        if entitled < SECOND_SESSION_MINIMUM:
            return None  # the second session is skipped (§ 37 Abs. 3 S. 3 GemO)
    return (
        "Zuerst ist eine zweite Sitzung einzuberufen (§ 37 Abs. 3 GemO): "
        f"{entitled} Mitglieder sind stimmberechtigt"
    )


def councillors_heard(ctx: FiringContext) -> str | None:
    if ctx.data.get("councillors_heard") is True:
        return None
    return (
        "Die nicht befangenen Gemeinderäte sind vorher anzuhören (§ 37 Abs. 4 Satz 1 GemO): "
        "councillors_heard angeben"
    )


def mayor_not_biased(ctx: FiringContext) -> str | None:
    item = _item(ctx)
    if item is None or item.id is None:
        return None  # reported by council_cannot_decide
    if ctx.actor.person_id is not None and ctx.actor.person_id in biased_persons(
        ctx.session, item.id
    ):
        return wording_for(ctx.instance, ctx.session).text(
            "Der Bürgermeister ist ebenfalls befangen: es entscheidet die Rechtsaufsicht "
            "(§ 37 Abs. 4 Satz 2, § 124 GemO), sofern der Gemeinderat keinen "
            "Stellvertreter bestellt"
        )
    return None


def record_substitute_decision(ctx: FiringContext) -> None:
    """The mayor's decision as the resolution of the council's step, with the quorum that
    made it necessary; no vote was taken."""
    p = proposal(ctx)
    item = _item(ctx)
    step = current_step(ctx.session, p)
    meeting = meeting_of_item(ctx.session, item)
    assert item is not None
    assert step is not None
    assert meeting is not None
    item.outcome = step.outcome = "adopted"
    ctx.session.add_all([item, step])
    add_resolution(
        ctx,
        None,
        item_quorum(ctx.session, item),
        kind="mayor",
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        body_id=meeting.body_id,
        decided_on=ctx.today,
        public=item.public,
    )


GUARDS = [
    Guard("council_cannot_decide", council_cannot_decide, "§ 37 Abs. 3 und 4 GemO"),
    Guard("councillors_heard", councillors_heard, "§ 37 Abs. 4 GemO"),
    Guard("mayor_not_biased", mayor_not_biased, "§ 37 Abs. 4 Satz 2 GemO", about_actor=True),
]
ACTIONS = [Action("record_substitute_decision", record_substitute_decision)]
