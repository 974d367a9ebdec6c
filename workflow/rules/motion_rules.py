"""Guards of what a motion decides: a Verweisung is the body's decision (§ 39 Abs. 3 GemO),
so the ``refer`` transition fires only after the body adopted the motion to refer."""

from __future__ import annotations

from workflow.context import FiringContext
from workflow.definitions.registry import Guard
from workflow.motions import motions_of
from workflow.queries import current_agenda_item
from workflow.rules.common import data_int, proposal


def referral_adopted(ctx: FiringContext) -> str | None:
    item = current_agenda_item(ctx.session, proposal(ctx))
    target = data_int(ctx, "body_id")
    adopted = item is not None and any(
        m.procedure == "refer" and m.adopted and m.target_body_id == target
        for m in motions_of(ctx.session, item.id or 0)
    )
    if adopted:
        return None
    return (
        "Verwiesen wird durch Beschluss des Gremiums über einen Verweisungsantrag: in der "
        "Sitzung unter „Anträge“ stellen und darüber abstimmen"
    )


GUARDS = [Guard("referral_adopted", referral_adopted, "§ 39 Abs. 3 GemO")]
