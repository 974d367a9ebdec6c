"""Guards of a Beschlussvorlage in its consultation: the meeting of the step's body, the
agenda, the session, the quorum and the vote (§ 37 GemO); each returns None or the German
refusal."""

from __future__ import annotations

from workflow.chairs import chair_refusal
from workflow.context import FiringContext
from workflow.definitions.registry import Guard
from workflow.models import (
    Body,
    ConsultationStep,
    Meeting,
)
from workflow.queries import (
    bias_refusal,
    current_agenda_item,
    current_step,
    item_quorum,
    meeting_of_item,
    steps,
    tally,
)
from workflow.rules.common import (
    count_of,
    data_int,
    data_text,
    proposal,
)
from workflow.rules.late_items import late_addition_refusal


def _meeting(ctx: FiringContext) -> Meeting | None:
    meeting_id = data_int(ctx, "meeting_id")
    meeting = ctx.session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting is None or meeting.municipality_id != proposal(ctx).municipality_id:
        return None
    return meeting


def meeting_given(ctx: FiringContext) -> str | None:
    return (
        None if _meeting(ctx) else "Eine Sitzung dieser Gemeinde muss angegeben werden (meeting_id)"
    )


def meeting_of_step_body(ctx: FiringContext) -> str | None:
    meeting = _meeting(ctx)
    step = _target_step(ctx)
    if meeting is None:
        return None  # reported by meeting_given
    if step is None:
        return "Die Vorlage hat keinen offenen Beratungsschritt"
    if meeting.body_id != step.body_id:
        body = ctx.session.get(Body, step.body_id)
        return (
            "Die Sitzung gehört nicht zum Gremium des anstehenden Beratungsschritts"
            f" ({body.name if body else step.body_id})"
        )
    return None


def _target_step(ctx: FiringContext) -> ConsultationStep | None:
    return current_step(ctx.session, proposal(ctx))


def meeting_open_for_agenda(ctx: FiringContext) -> str | None:
    meeting = _meeting(ctx)
    if meeting is None:
        return None
    # § 34 GemO: after the invitation only as a Nachtrag in time, or as an emergency.
    return late_addition_refusal(ctx.session, meeting, ctx.today, data_text(ctx, "urgent_reason"))


def _item_meeting_state(ctx: FiringContext) -> str | None:
    meeting = meeting_of_item(ctx.session, current_agenda_item(ctx.session, proposal(ctx)))
    return meeting.state if meeting is not None else None


def _item_chair_refusal(ctx: FiringContext) -> str | None:
    """Nobody chairs the Vorlage's item (workflow.chairs): the body decides only in a
    session someone leads (§ 36 Abs. 1, § 37 Abs. 1 Satz 1, § 48 Abs. 1 GemO). Its reads
    (the meeting, attendance, bias) are memoised for the quorum after it (issue 14)."""
    item = current_agenda_item(ctx.session, proposal(ctx))
    meeting = meeting_of_item(ctx.session, item)
    if item is None or meeting is None:
        return None
    return chair_refusal(ctx.session, meeting, item, action=ctx.trigger)


def meeting_in_session(ctx: FiringContext) -> str | None:
    """The session runs and someone chairs the Vorlage's item: every in-session step on it
    (Beschluss, Empfehlung, Kenntnisnahme, Vertagung, Verweisung) is the body's act, and
    the body acts only in a session someone leads (§ 36 Abs. 1, § 37 Abs. 1 Satz 1 GemO).
    The released definitions name this guard on exactly those steps, so the chair is
    checked here rather than by a new guard (a new definition version for each)."""
    if _item_meeting_state(ctx) != "in_session":
        return "Die Sitzung, auf deren Tagesordnung die Vorlage steht, läuft nicht"
    return _item_chair_refusal(ctx)


def meeting_not_in_session(ctx: FiringContext) -> str | None:
    if _item_meeting_state(ctx) == "in_session":
        return "Die Vorlage wird gerade in einer laufenden Sitzung beraten"
    return None


def meeting_not_closed(ctx: FiringContext) -> str | None:
    """Absetzung: before the session the mayor takes an item off the agenda he set (§ 34
    Abs. 1 GemO, GO practice), no chair of the item involved; in the session it is the
    body's decision, which needs someone chairing the item (§ 36 Abs. 1, § 37 Abs. 1)."""
    state = _item_meeting_state(ctx)
    if state in ("closed", "minutes_signed", "minutes_presented"):
        return "Die Sitzung ist bereits beendet"
    return _item_chair_refusal(ctx) if state == "in_session" else None


def _later_steps(ctx: FiringContext) -> list[ConsultationStep]:
    p = proposal(ctx)
    return [s for s in steps(ctx.session, p.id or 0) if s.position > p.current_step]


def further_step_follows(ctx: FiringContext) -> str | None:
    if not _later_steps(ctx):
        return "Es ist der letzte Schritt der Beratungsfolge"
    return None


def last_step(ctx: FiringContext) -> str | None:
    later = _later_steps(ctx)
    if later:
        return (
            "Die Beratungsfolge hat noch "
            f"{count_of(len(later), 'weiteren Schritt', 'weitere Schritte')}"
        )
    return None


def current_step_advises(ctx: FiringContext) -> str | None:
    step = current_step(ctx.session, proposal(ctx))
    return None if step and not step.decides else "Der anstehende Beratungsschritt ist beschließend"


def current_step_decides(ctx: FiringContext) -> str | None:
    step = current_step(ctx.session, proposal(ctx))
    return None if step and step.decides else "Der anstehende Beratungsschritt ist nur vorberatend"


def quorum_present(ctx: FiringContext) -> str | None:
    """§ 37 Abs. 2 GemO, with biased members (§ 18) not counted; while a doubtful bias is
    undecided (§ 18 Abs. 4 S. 2) who is entitled, and so the quorum, is not known. That
    someone chairs the item is meeting_in_session's check, named before it on every step
    that asks for the quorum."""
    item = current_agenda_item(ctx.session, proposal(ctx))
    if item is None:
        return "Die Vorlage steht auf keiner Tagesordnung"
    refusal = bias_refusal(ctx.session, item.id or 0)
    if refusal is not None:
        return refusal
    quorum = item_quorum(ctx.session, item)
    if not quorum.reached:
        return f"Nicht beschlussfähig – {quorum.explain()}"
    return None


def votes_recorded(ctx: FiringContext) -> str | None:
    if proposal(ctx).is_information:
        return None  # taken note of, never voted on: no vote is pending (is_decision refuses)
    item = current_agenda_item(ctx.session, proposal(ctx))
    if item is None or item.id is None:
        return "Die Vorlage steht auf keiner Tagesordnung"
    t = tally(ctx.session, item.id)
    return None if t.yes + t.no + t.abstain else "Es ist noch keine Abstimmung erfasst"


def _adopted(ctx: FiringContext) -> bool | None:
    item = current_agenda_item(ctx.session, proposal(ctx))
    if item is None or item.id is None:
        return None
    return tally(ctx.session, item.id).adopted


def majority_reached(ctx: FiringContext) -> str | None:
    """§ 37 Abs. 6 GemO: more yes than no; a tie rejects."""
    return None if _adopted(ctx) else "Keine Mehrheit: nicht mehr Ja- als Nein-Stimmen"


def majority_not_reached(ctx: FiringContext) -> str | None:
    # The vote is on the Beschlussvorschlag (as amended by adopted motions), not a motion.
    if not _adopted(ctx):
        return None
    step = current_step(ctx.session, proposal(ctx))
    if step is not None and not step.decides:
        # An advising committee recommends (§ 39 Abs. 4 GemO): it adopts nothing.
        return "Die Mehrheit hat dem Beschlussvorschlag zugestimmt: seine Annahme ist empfohlen"
    return "Die Mehrheit hat dem Beschlussvorschlag zugestimmt: er ist angenommen"


GUARDS = [
    Guard("meeting_given", meeting_given),
    Guard("meeting_of_step_body", meeting_of_step_body),
    Guard("meeting_open_for_agenda", meeting_open_for_agenda),
    Guard("meeting_in_session", meeting_in_session),
    Guard("meeting_not_in_session", meeting_not_in_session),
    Guard("meeting_not_closed", meeting_not_closed),
    Guard("further_step_follows", further_step_follows),
    Guard("last_step", last_step),
    Guard("current_step_advises", current_step_advises),
    Guard("current_step_decides", current_step_decides),
    Guard("quorum_present", quorum_present, "§ 37 Abs. 2 GemO"),
    Guard("votes_recorded", votes_recorded),
    Guard("majority_reached", majority_reached, "§ 37 Abs. 6 GemO"),
    Guard("majority_not_reached", majority_not_reached, "§ 37 Abs. 6 GemO"),
]
