"""Guards of the Beschlussvorlage lifecycle; each returns None or the German refusal."""

from __future__ import annotations

from sqlmodel import col, select

from workflow.context import FiringContext, local_date
from workflow.deadlines.lifecycle import calendar_for
from workflow.definitions.registry import Guard
from workflow.law.consultation import (
    decision_refusal,
    missing_hearing,
    missing_pre_deliberation,
    pre_deliberation_refusal,
    reserved_matter_refusal,
    unheard,
    unreasoned_non_public,
)
from workflow.law.periods import period_end
from workflow.law.reserved_matters import RESERVED_MATTERS
from workflow.models import (
    Body,
    ConsultationStep,
    ExecutionTask,
    Meeting,
    Municipality,
    Resolution,
)
from workflow.publication import publishes_online
from workflow.queries import (
    bias_refusal,
    bodies_of,
    cosignatures,
    current_agenda_item,
    current_step,
    item_quorum,
    last_submitter,
    latest_resolution,
    meeting_of_item,
    steps,
    tally,
)
from workflow.rules.common import (
    cosigner_candidates,
    data_int,
    data_text,
    fmt,
    objection_deadline,
    proposal,
)
from workflow.rules.late_items import late_addition_refusal
from workflow.supervision import OBJECTION_GROUNDS

# Municipality setting: the Hauptsatzung makes the Vorberatung binding on request
# (§ 39 Abs. 4 S. 2 GemO).
PRE_DELIBERATION_ON_REQUEST = "pre_deliberation_on_request"


def required_fields_present(ctx: FiringContext) -> str | None:
    p = proposal(ctx)
    missing = [
        label
        for label, value in (("Betreff", p.title), ("Beschlussvorschlag", p.resolution_text))
        if not (value or "").strip()
    ]
    return f"Pflichtangaben fehlen: {', '.join(missing)}" if missing else None


def consultation_plan_valid(ctx: FiringContext) -> str | None:
    """Advising bodies come first and exactly one body decides, last; it must be competent
    to decide: the council or a beschließender Ausschuss (§ 39), never a beratender
    Ausschuss (§ 41 Abs. 1), an Ortschaftsrat only by delegation (§ 70 Abs. 2 GemO); a
    reserved matter only the council (§ 39 Abs. 2), after hearing the Ortschaften concerned
    (§ 70 Abs. 1, § 65 Abs. 2 GemO). An Informationsvorlage is decided by nobody: any body
    of the municipality may take note of it, in the order of its plan."""
    p = proposal(ctx)
    plan = steps(ctx.session, p.id or 0)
    if not plan:
        return "Die Beratungsfolge ist leer"
    if p.is_information:
        return None
    deciding = [s for s in plan if s.decides]
    if len(deciding) != 1:
        return (
            "Die Beratungsfolge braucht genau ein beschließendes Gremium "
            f"({len(deciding)} angegeben)"
        )
    if plan[-1] is not deciding[0]:
        return "Das beschließende Gremium muss am Ende der Beratungsfolge stehen"
    bodies = _bodies(ctx)
    body = bodies.get(deciding[0].body_id) or ctx.session.get(Body, deciding[0].body_id)
    assert body is not None  # a foreign key
    refusal = decision_refusal(
        body, ctx.session.get(Municipality, p.municipality_id)
    ) or reserved_matter_refusal(p, body)
    if refusal:
        return f"Beratungsschritt {deciding[0].position}: {refusal}"
    missing = missing_hearing(p, plan, bodies)
    return missing[1] if missing else None


def _bodies(ctx: FiringContext) -> dict[int, Body]:
    return bodies_of(ctx.session, proposal(ctx).municipality_id)


def committee_pre_deliberates(ctx: FiringContext) -> str | None:
    """§ 39 Abs. 4 S. 1 GemO: a council matter in a beschließender Ausschuss's remit "soll"
    be pre-deliberated there; checked at release, when the plan is fixed, and passed over
    when the Vorlage records why the committee does not advise (§ 39 Abs. 5 S. 3)."""
    p = proposal(ctx)
    if p.subject is None:
        return None
    plan = steps(ctx.session, p.id or 0)
    if binding_pre_deliberation(ctx):
        missing = missing_pre_deliberation(p, plan, _bodies(ctx))
        if missing:
            names = ", ".join(f'"{c.name}"' for c in missing)
            return (
                f"Die Vorberatung in {names} wurde verlangt ({p.pre_deliberation_requested_by}) "
                "und ist nach der Hauptsatzung bindend (§ 39 Abs. 4 Satz 2 GemO): die "
                "Beratungsfolge braucht davor einen vorberatenden Schritt"
            )
        return None
    return pre_deliberation_refusal(p, plan, _bodies(ctx))


def binding_pre_deliberation(ctx: FiringContext) -> bool:
    """§ 39 Abs. 4 S. 2 GemO: where the Hauptsatzung says so (municipality setting
    ``pre_deliberation_on_request``), the Vorberatung demanded by the chair, a Fraktion or a
    sixth of the council must take place; no waiver reason replaces it."""
    p = proposal(ctx)
    if not (p.pre_deliberation_requested_by or "").strip():
        return False
    municipality = ctx.session.get(Municipality, p.municipality_id)
    return bool(
        municipality is not None and (municipality.settings or {}).get(PRE_DELIBERATION_ON_REQUEST)
    )


def not_reserved_matter(ctx: FiringContext) -> str | None:
    """A § 39 Abs. 2 matter is no "Gegenstand einfacher Art" (§ 37 Abs. 1 S. 2 GemO): the
    council decides it in a session, whatever the "einfach" flag says."""
    p = proposal(ctx)
    matter = RESERVED_MATTERS.get(p.reserved_matter or "")
    if matter is None:
        return None
    return (
        f"Die Vorlage betrifft eine Angelegenheit nach {matter.citation} ({matter.label}): "
        "kein Gegenstand einfacher Art, kein Umlaufverfahren (§ 37 Abs. 1 Satz 2 GemO)"
    )


def execution_allowed(ctx: FiringContext) -> str | None:
    """§ 121 Abs. 2 GemO: a resolution to be submitted to the Rechtsaufsicht is executed only
    once it confirmed it, or a month after submission passed without objection; a Satzung
    only once it is publicly announced (§ 4 Abs. 3 GemO)."""
    p = proposal(ctx)
    resolution = latest_resolution(ctx.session, p.id or 0)
    if resolution is None:
        return None
    reasons = []
    if p.requires_submission and resolution.confirmed_at is None:
        if resolution.submitted_at is None:
            reasons.append(
                "Der Beschluss ist der Rechtsaufsichtsbehörde noch nicht vorgelegt "
                "(§ 121 Abs. 2 GemO)"
            )
        else:
            calendar = calendar_for(ctx.session, p.municipality_id)
            submitted = local_date(resolution.submitted_at, ctx.tz)
            end = period_end(submitted, "P1M", calendar).date
            if ctx.today <= end:
                reasons.append(
                    "Die Rechtsaufsichtsbehörde hat den Beschluss noch nicht bestätigt; ohne "
                    f"Beanstandung darf er nach dem {fmt(end)} vollzogen werden "
                    "(§ 121 Abs. 2 GemO)"
                )
    if p.requires_announcement and resolution.announced_at is None:
        reasons.append(
            "Der Beschluss (Satzung) ist noch nicht öffentlich bekannt gemacht (§ 4 Abs. 3 GemO)"
        )
    return "; ".join(reasons) or None


def requires_submission(ctx: FiringContext) -> str | None:
    if not proposal(ctx).requires_submission:
        return "Der Beschluss ist nicht vorlagepflichtig (§ 121 Abs. 2 GemO)"
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.confirmed_at is not None:
        return "Die Rechtsaufsichtsbehörde hat den Beschluss bereits bestätigt"
    return None


def not_submitted_yet(ctx: FiringContext) -> str | None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.submitted_at is not None:
        return (
            f"Der Beschluss wurde am {fmt(local_date(resolution.submitted_at, ctx.tz))} vorgelegt"
        )
    return None


def submitted_to_supervision(ctx: FiringContext) -> str | None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is None or resolution.submitted_at is None:
        return "Der Beschluss ist der Rechtsaufsichtsbehörde noch nicht vorgelegt"
    return None


def requires_announcement(ctx: FiringContext) -> str | None:
    if not proposal(ctx).requires_announcement:
        return "Der Beschluss muss nicht öffentlich bekannt gemacht werden"
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.announced_at is not None:
        return "Der Beschluss ist bereits öffentlich bekannt gemacht"
    return None


def local_councils_heard(ctx: FiringContext) -> str | None:
    """§ 70 Abs. 1, § 65 Abs. 2 GemO: the Ortschaftsrat (Bezirksbeirat) "ist zu hören" in
    important matters of its Ortschaft, so its advice is on record before any decision."""
    p = proposal(ctx)
    if not p.hearing_bodies:
        return None
    return unheard(p, steps(ctx.session, p.id or 0), _bodies(ctx))


def non_public_reason_given(ctx: FiringContext) -> str | None:
    """§ 35 Abs. 1 GemO, DOMAIN.md rule 7: a non-public item carries its reason."""
    p = proposal(ctx)
    plan = steps(ctx.session, p.id or 0)
    names = {body_id: b.name for body_id, b in _bodies(ctx).items()}
    return unreasoned_non_public(p, plan, names)


def cosigners_available(ctx: FiringContext) -> str | None:
    p = proposal(ctx)
    candidates = cosigner_candidates(ctx)
    if not candidates:
        return "Es gibt keine Mitzeichnungsberechtigten in der Gemeinde"
    if p.spends_outside_budget and not any(u.finance_office for u in candidates):
        return (
            "Außer-/überplanmäßige Ausgaben: die Kämmerei muss mitzeichnen, ist aber nicht angelegt"
        )
    return None


def is_requested_cosigner(ctx: FiringContext) -> str | None:
    requested = {c.user_id for c in cosignatures(ctx.session, proposal(ctx).id or 0)}
    if ctx.actor.user_id not in requested:
        return "Sie sind für diese Vorlage nicht zur Mitzeichnung angefragt"
    return None


def not_author(ctx: FiringContext) -> str | None:
    """Four eyes: neither the author nor the submitter co-signs."""
    p = proposal(ctx)
    acting = {ctx.actor.user_id, ctx.actor.acting_user_id} - {None}
    if p.author_id in acting:
        return "Die Verfasserin oder der Verfasser darf die eigene Vorlage nicht mitzeichnen"
    if ctx.actor.username == last_submitter(ctx.session, p.id or 0):
        return "Wer die Vorlage zur Mitzeichnung gegeben hat, darf sie nicht mitzeichnen"
    return None


def not_yet_cosigned(ctx: FiringContext) -> str | None:
    for c in cosignatures(ctx.session, proposal(ctx).id or 0):
        if c.user_id == ctx.actor.user_id and c.signed_at is not None:
            return "Sie haben diese Vorlage bereits mitgezeichnet"
    return None


def cosignatures_complete(ctx: FiringContext) -> str | None:
    """k of n requested co-signers, and always the finance office where it is mandatory."""
    p = proposal(ctx)
    rows = cosignatures(ctx.session, p.id or 0)
    signed = [c for c in rows if c.signed_at is not None]
    needed = p.cosignatures_required or len(rows)
    if not rows or len(signed) < needed:
        return f"{len(signed)} von {needed} erforderlichen Mitzeichnungen liegen vor"
    if any(c.mandatory and c.signed_at is None for c in rows):
        return "Die Mitzeichnung der Kämmerei fehlt (Ausgabe außerhalb des Haushaltsplans)"
    return None


def comment_given(ctx: FiringContext) -> str | None:
    return None if (ctx.comment or "").strip() else "Eine Begründung (Kommentar) ist erforderlich"


def may_return(ctx: FiringContext) -> str | None:
    if ctx.source == "awaiting_release":
        return (
            None
            if ctx.actor.role == "mayor"
            else "Zur Freigabe liegt die Vorlage beim Bürgermeister"
        )
    if ctx.actor.role == "cosigner":
        return is_requested_cosigner(ctx)
    return "Während der Mitzeichnung geben nur die angefragten Mitzeichnenden zurück"


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


def meeting_in_session(ctx: FiringContext) -> str | None:
    if _item_meeting_state(ctx) != "in_session":
        return "Die Sitzung, auf deren Tagesordnung die Vorlage steht, läuft nicht"
    return None


def meeting_not_in_session(ctx: FiringContext) -> str | None:
    if _item_meeting_state(ctx) == "in_session":
        return "Die Vorlage wird gerade in einer laufenden Sitzung beraten"
    return None


def meeting_not_closed(ctx: FiringContext) -> str | None:
    if _item_meeting_state(ctx) in ("closed", "minutes_signed", "minutes_presented"):
        return "Die Sitzung ist bereits beendet"
    return None


def is_decision(ctx: FiringContext) -> str | None:
    """Beschluss- and Ergänzungsvorlagen are voted on; an Informationsvorlage is not."""
    if proposal(ctx).is_information:
        return "Eine Informationsvorlage wird zur Kenntnis genommen, nicht beschlossen"
    return None


def is_information(ctx: FiringContext) -> str | None:
    p = proposal(ctx)
    if not p.is_information:
        return f"Die Vorlage ist eine {p.kind_label}: über sie wird abgestimmt"
    return None


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
        return f"Die Beratungsfolge hat noch {len(later)} weitere(n) Schritt(e)"
    return None


def current_step_advises(ctx: FiringContext) -> str | None:
    step = current_step(ctx.session, proposal(ctx))
    return None if step and not step.decides else "Der anstehende Beratungsschritt ist beschließend"


def current_step_decides(ctx: FiringContext) -> str | None:
    step = current_step(ctx.session, proposal(ctx))
    return None if step and step.decides else "Der anstehende Beratungsschritt ist nur vorberatend"


def quorum_present(ctx: FiringContext) -> str | None:
    """§ 37 Abs. 2 GemO, with biased members (§ 18) not counted; while a doubtful bias is
    undecided (§ 18 Abs. 4 S. 2) who is entitled, and so the quorum, is not known."""
    item = current_agenda_item(ctx.session, proposal(ctx))
    if item is None:
        return "Die Vorlage steht auf keiner Tagesordnung"
    refusal = bias_refusal(ctx.session, item.id or 0)
    if refusal is not None:
        return refusal
    quorum = item_quorum(ctx.session, item)
    return None if quorum.reached else f"Nicht beschlussfähig – {quorum.explain()}"


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
    return None if _adopted(ctx) else "Keine Mehrheit: Stimmengleichheit oder mehr Nein-Stimmen"


def majority_not_reached(ctx: FiringContext) -> str | None:
    return "Die Mehrheit hat zugestimmt – der Antrag ist angenommen" if _adopted(ctx) else None


def within_objection_window(ctx: FiringContext) -> str | None:
    """§ 43 Abs. 2 S. 1 GemO: "spätestens jedoch binnen einer Woche nach Beschlussfassung"."""
    last_day = objection_deadline(ctx)
    if last_day is None:
        return "Es liegt kein Beschluss vor"
    if ctx.today > last_day:
        return f"Die Widerspruchsfrist ist am {fmt(last_day)} abgelaufen (§ 43 Abs. 2 GemO)"
    return None


def objection_window_passed(ctx: FiringContext) -> str | None:
    last_day = objection_deadline(ctx)
    if last_day is not None and ctx.today <= last_day:
        return f"Die Widerspruchsfrist läuft noch bis {fmt(last_day)}"
    return None


def _objected_before(ctx: FiringContext) -> bool:
    rows = ctx.session.exec(
        select(Resolution).where(Resolution.proposal_id == proposal(ctx).id)
    ).all()
    return any(r.objected_at is not None for r in rows)


def not_objected_before(ctx: FiringContext) -> str | None:
    if _objected_before(ctx):
        return (
            "Gegen diesen Beschluss wurde bereits widersprochen; bei fortbestehender "
            "Rechtswidrigkeit ist die Rechtsaufsicht anzurufen (§ 43 Abs. 2 Satz 5 GemO)"
        )
    return None


def objected_before(ctx: FiringContext) -> str | None:
    return None if _objected_before(ctx) else "Es wurde noch kein Widerspruch eingelegt"


def objection_ground_given(ctx: FiringContext) -> str | None:
    """§ 43 Abs. 2 S. 1 GemO: the objection says whether the resolution is unlawful or
    detrimental; the rest of the procedure depends on it (S. 5)."""
    ground = data_text(ctx, "ground")
    if ground == "detrimental" and ctx.source == "rejected":
        # A rejection changes nothing the mayor would have to stop; he objects to it when
        # it is unlawful (e.g. a mandatory task refused), as issue 10 reads § 43 Abs. 2.
        return "Einer Ablehnung wird nur wegen Rechtswidrigkeit widersprochen (§ 43 Abs. 2 GemO)"
    if ground in OBJECTION_GROUNDS:
        return None
    return (
        "Der Widerspruchsgrund muss angegeben werden: rechtswidrig (unlawful) oder "
        "nachteilig (detrimental)"
    )


def earlier_objection_unlawful(ctx: FiringContext) -> str | None:
    """§ 43 Abs. 2 S. 5 GemO: "Ist nach Ansicht des Bürgermeisters auch der neue Beschluss
    gesetzwidrig" – only after an objection for unlawfulness; after a merely detrimental
    one the new resolution stands."""
    rows = ctx.session.exec(
        select(Resolution).where(
            Resolution.proposal_id == proposal(ctx).id, col(Resolution.objected_at).is_not(None)
        )
    ).all()
    if not rows:
        return None  # reported by objected_before
    if any(r.objection_ground == "detrimental" for r in rows):
        return (
            "Der Widerspruch galt einem nachteiligen, nicht einem rechtswidrigen Beschluss: "
            "der neue Beschluss bleibt bestehen, die Rechtsaufsicht wird nicht angerufen "
            "(§ 43 Abs. 2 Satz 5 GemO)"
        )
    return None


def resolution_public(ctx: FiringContext) -> str | None:
    """Non-public resolutions are announced only once publicity is restored (§ 35 Abs. 1)."""
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is None:
        return "Es liegt kein Beschluss vor"
    return None if resolution.public else "Der Beschluss wurde in nichtöffentlicher Sitzung gefasst"


def publication_due(ctx: FiringContext) -> str | None:
    """§ 41b Abs. 5 GemO: a resolution of a public session is to be published within a week,
    unless the municipality is exempt (Abs. 7)."""
    reason = resolution_public(ctx) or not_published_yet(ctx)
    if reason is not None:
        return reason
    if not publishes_online(ctx.session, proposal(ctx).municipality_id):
        return "Die Gemeinde veröffentlicht nicht nach § 41b Abs. 5 GemO (Abs. 7)"
    return None


def not_published_yet(ctx: FiringContext) -> str | None:
    resolution = latest_resolution(ctx.session, proposal(ctx).id or 0)
    if resolution is not None and resolution.published_at is not None:
        return "Der Beschluss ist bereits veröffentlicht"
    return None


def execution_tasks_closed(ctx: FiringContext) -> str | None:
    open_tasks = ctx.session.exec(
        select(ExecutionTask).where(
            ExecutionTask.proposal_id == proposal(ctx).id, ExecutionTask.status == "open"
        )
    ).all()
    return f"{len(open_tasks)} Vollzugsaufgabe(n) sind noch offen" if open_tasks else None


GUARDS = [
    Guard("required_fields_present", required_fields_present),
    Guard("consultation_plan_valid", consultation_plan_valid, "§§ 39, 41, 70 GemO"),
    Guard("non_public_reason_given", non_public_reason_given, "§ 35 Abs. 1 GemO"),
    Guard("committee_pre_deliberates", committee_pre_deliberates, "§ 39 Abs. 4 Satz 1 GemO"),
    Guard("cosigners_available", cosigners_available),
    Guard("is_requested_cosigner", is_requested_cosigner),
    Guard("not_author", not_author),
    Guard("not_yet_cosigned", not_yet_cosigned),
    Guard("cosignatures_complete", cosignatures_complete),
    Guard("comment_given", comment_given),
    Guard("may_return", may_return),
    Guard("meeting_given", meeting_given),
    Guard("meeting_of_step_body", meeting_of_step_body),
    Guard("meeting_open_for_agenda", meeting_open_for_agenda),
    Guard("meeting_in_session", meeting_in_session),
    Guard("meeting_not_in_session", meeting_not_in_session),
    Guard("meeting_not_closed", meeting_not_closed),
    Guard("is_decision", is_decision),
    Guard("is_information", is_information),
    Guard("further_step_follows", further_step_follows),
    Guard("last_step", last_step),
    Guard("current_step_advises", current_step_advises),
    Guard("current_step_decides", current_step_decides),
    Guard("local_councils_heard", local_councils_heard, "§ 70 Abs. 1, § 65 Abs. 2 GemO"),
    Guard("quorum_present", quorum_present, "§ 37 Abs. 2 GemO"),
    Guard("votes_recorded", votes_recorded),
    Guard("majority_reached", majority_reached, "§ 37 Abs. 6 GemO"),
    Guard("majority_not_reached", majority_not_reached, "§ 37 Abs. 6 GemO"),
    Guard("within_objection_window", within_objection_window, "§ 43 Abs. 2 GemO"),
    Guard("objection_window_passed", objection_window_passed, "§ 43 Abs. 2 GemO"),
    Guard("not_objected_before", not_objected_before, "§ 43 Abs. 2 GemO"),
    Guard("objected_before", objected_before, "§ 43 Abs. 2 GemO"),
    Guard("not_reserved_matter", not_reserved_matter, "§ 37 Abs. 1 Satz 2, § 39 Abs. 2 GemO"),
    Guard("execution_allowed", execution_allowed, "§ 121 Abs. 2, § 4 Abs. 3 GemO"),
    Guard("requires_submission", requires_submission, "§ 121 Abs. 2 GemO"),
    Guard("not_submitted_yet", not_submitted_yet, "§ 121 Abs. 2 GemO"),
    Guard("submitted_to_supervision", submitted_to_supervision, "§ 121 Abs. 2 GemO"),
    Guard("requires_announcement", requires_announcement, "§ 4 Abs. 3 GemO"),
    Guard("objection_ground_given", objection_ground_given, "§ 43 Abs. 2 GemO"),
    Guard("earlier_objection_unlawful", earlier_objection_unlawful, "§ 43 Abs. 2 Satz 5 GemO"),
    Guard("resolution_public", resolution_public, "§ 35 Abs. 1 GemO"),
    Guard("not_published_yet", not_published_yet),
    Guard("publication_due", publication_due, "§ 41b Abs. 5, 7 GemO"),
    Guard("execution_tasks_closed", execution_tasks_closed),
]
