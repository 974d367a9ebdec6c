"""Guards of a Beschlussvorlage's drafting and co-signing: its content, its Beratungsfolge
(§§ 35, 39, 41, 70 GemO) and the four eyes; each returns None or the German refusal."""

from __future__ import annotations

from workflow.context import FiringContext
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
from workflow.law.reserved_matters import RESERVED_MATTERS
from workflow.models import (
    Body,
    Municipality,
)
from workflow.queries import (
    bodies_of,
    cosignatures,
    last_submitter,
    steps,
)
from workflow.rules.common import (
    cosigner_candidates,
    proposal,
)
from workflow.wording import wording_for

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
        if ctx.actor.role == "mayor":
            return None
        return wording_for(ctx.instance, ctx.session).text(
            "Zur Freigabe liegt die Vorlage beim Bürgermeister"
        )
    if ctx.actor.role == "cosigner":
        return is_requested_cosigner(ctx)
    return "Während der Mitzeichnung geben nur die angefragten Mitzeichnenden zurück"


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


GUARDS = [
    Guard("required_fields_present", required_fields_present),
    Guard("consultation_plan_valid", consultation_plan_valid, "§§ 39, 41, 70 GemO"),
    Guard("committee_pre_deliberates", committee_pre_deliberates, "§ 39 Abs. 4 Satz 1 GemO"),
    Guard(
        "not_reserved_matter",
        not_reserved_matter,
        "§ 37 Abs. 1 Satz 2, § 39 Abs. 2 GemO",
        applicability=True,
    ),
    Guard("local_councils_heard", local_councils_heard, "§ 70 Abs. 1, § 65 Abs. 2 GemO"),
    Guard("non_public_reason_given", non_public_reason_given, "§ 35 Abs. 1 GemO"),
    Guard("cosigners_available", cosigners_available),
    Guard("is_requested_cosigner", is_requested_cosigner, about_actor=True, turn=True),
    Guard("not_author", not_author, about_actor=True),
    Guard("not_yet_cosigned", not_yet_cosigned, about_actor=True, turn=True, done=True),
    Guard("cosignatures_complete", cosignatures_complete),
    Guard("comment_given", comment_given),
    Guard("may_return", may_return, about_actor=True, turn=True),
    Guard("is_decision", is_decision),
    Guard("is_information", is_information),
]
