"""Zuständigkeit, Vorberatung and Anhörung (§§ 39, 44, 65, 70 GemO)."""

from __future__ import annotations

from workflow.law.consultation import (
    committees_for,
    decision_refusal,
    hearing_law,
    reserved_matter_refusal,
)
from workflow.law.reserved_matters import RESERVED_MATTERS
from workflow.legality.common import worded
from workflow.legality.facts import Facts
from workflow.legality.model import FAILED, MET, NOT_APPLICABLE, Check, Evidence

INCOMPETENT = (
    "Beschluss rechtswidrig und nichtig bzw. aufzuheben: ein unzuständiges Organ hat "
    "entschieden; Widerspruch (§ 43 Abs. 2 GemO) und Beanstandung (§ 121 Abs. 1 GemO) geboten"
)


def competence(f: Facts) -> Check:
    """§ 39 Abs. 2 GemO (matters only the council decides), delegated remits (§ 39 Abs. 1,
    § 70 Abs. 2), the mayor's own and delegated matters (§ 44 Abs. 2), § 43 Abs. 4."""
    key, title = "zustaendigkeit", "Zuständigkeit des beschließenden Organs"
    para = "§ 39 Abs. 2, § 44 GemO"
    kind = f.resolution.kind
    matter = RESERVED_MATTERS.get(f.proposal.reserved_matter or "")
    if kind == "urgent":
        return Check(
            key,
            title,
            "§ 43 Abs. 4 GemO",
            MET,
            worded(
                f,
                "Eilentscheidung des Bürgermeisters anstelle des Gemeinderats (§ 43 Abs. 4 GemO)",
            )
            + f", Grund: {f.proposal.urgent_reason or '–'}",
        )
    if kind == "mayor":
        return Check(
            key,
            title,
            "§ 37 Abs. 4 GemO",
            MET,
            worded(f, "Der Bürgermeister entschied anstelle des beschlussunfähigen Gemeinderats"),
        )
    body = f.body
    if body is None:
        return Check(
            key, title, para, FAILED, "Kein beschließendes Gremium erfasst", consequence=INCOMPETENT
        )
    evidence = [Evidence(f"Beschlossen von: {body.name}")]
    if matter is not None:
        evidence.append(Evidence(f"Vorbehaltene Angelegenheit: {matter.label} ({matter.citation})"))
    refusal = reserved_matter_refusal(f.proposal, body) or decision_refusal(body, f.municipality)
    if refusal is not None:
        return Check(key, title, para, FAILED, refusal, tuple(evidence), INCOMPETENT)
    if (
        body.kind == "deciding_committee"
        and f.proposal.subject
        and (f.proposal.subject not in body.remit)
    ):
        return Check(
            key,
            title,
            "§ 39 Abs. 1 GemO",
            FAILED,
            f'Die Angelegenheit gehört nicht zum Aufgabengebiet des Ausschusses "{body.name}" '
            "nach der Hauptsatzung",
            tuple(evidence),
            INCOMPETENT,
        )
    if f.step is not None and not f.step.decides:
        return Check(
            key,
            title,
            para,
            FAILED,
            f"„{body.name}“ ist in der Beratungsfolge nur vorberatend vorgesehen",
            tuple(evidence),
            INCOMPETENT,
        )
    return Check(key, title, para, MET, f"„{body.name}“ war zuständig", tuple(evidence))


def pre_deliberation(f: Facts) -> Check:
    """§ 39 Abs. 4 S. 1 GemO: council matters in a deciding committee's remit "sollen" be
    advised there first; without it the reason is recorded (§ 39 Abs. 5 S. 3)."""
    key, title, para = "vorberatung", "Vorberatung im Ausschuss", "§ 39 Abs. 4 GemO"
    body = f.body
    if f.resolution.kind != "vote" or body is None or body.kind != "council":
        return Check(key, title, para, NOT_APPLICABLE, "Kein Beschluss des Gemeinderats")
    committees = committees_for(f.proposal, f.bodies)
    if not committees:
        return Check(
            key,
            title,
            para,
            NOT_APPLICABLE,
            "Kein beschließender Ausschuss hat die Angelegenheit in seinem Aufgabengebiet",
        )
    position = f.step.position if f.step is not None else 10**6
    evidence: list[Evidence] = []
    missing = []
    for committee in committees:
        done = [
            s
            for s in f.plan
            if s.body_id == committee.id and s.advises and s.position < position and s.outcome
        ]
        if done:
            evidence.append(
                Evidence(
                    f"„{committee.name}“ hat vorberaten: "
                    f"{done[-1].recommendation or done[-1].outcome}"
                )
            )
        else:
            missing.append(committee.name)
    if not missing:
        return Check(
            key, title, para, MET, "Die zuständigen Ausschüsse haben vorberaten", tuple(evidence)
        )
    waiver = (f.proposal.pre_deliberation_waived_reason or "").strip()
    if waiver:
        return Check(
            key,
            title,
            para,
            MET,
            f"Ohne Vorberatung, Grund: {waiver} (§ 39 Abs. 4 Satz 1, Abs. 5 Satz 3 GemO)",
            tuple(evidence),
        )
    return Check(
        key,
        title,
        para,
        FAILED,
        f"Ohne Vorberatung durch {', '.join(missing)} und ohne erfassten Grund",
        tuple(evidence),
        "Verstoß gegen eine Soll-Vorschrift: der Beschluss bleibt wirksam, der Verfahrensmangel "
        "ist aber von der Rechtsaufsicht beanstandbar",
    )


def hearing(f: Facts) -> Check:
    """§ 70 Abs. 1, § 65 Abs. 2 GemO: Ortschaftsrat or Bezirksbeirat heard before the
    decision, i.e. its advising step carries an outcome before the deciding step."""
    key, title, para = (
        "anhoerung",
        "Anhörung von Ortschaftsrat/Bezirksbeirat",
        "§ 70 Abs. 1, § 65 Abs. 2 GemO",
    )
    if not f.proposal.hearing_bodies:
        return Check(key, title, para, NOT_APPLICABLE, "Keine Anhörung vorgesehen")
    position = f.step.position if f.step is not None else 10**6
    deciding = f.resolution.body_id
    evidence: list[Evidence] = []
    unheard = []
    laws = set()
    for body_id in f.proposal.hearing_bodies:
        if body_id == deciding:
            continue
        body = f.bodies.get(body_id)
        name = body.name if body else f"Gremium {body_id}"
        if body is not None:
            laws.add(hearing_law(body))
        heard = [
            s
            for s in f.plan
            if s.body_id == body_id and s.advises and s.position < position and s.outcome
        ]
        if heard:
            evidence.append(
                Evidence(f"„{name}“ gehört: {heard[-1].recommendation or heard[-1].outcome}")
            )
        else:
            unheard.append(name)
    if laws:
        para = ", ".join(sorted(laws))
    if unheard:
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Vor der Entscheidung nicht gehört: {', '.join(unheard)}",
            tuple(evidence),
            "Beschluss rechtswidrig: die vorgeschriebene Anhörung fehlt (Verfahrensfehler)",
        )
    return Check(key, title, para, MET, "Alle anzuhörenden Gremien wurden gehört", tuple(evidence))
