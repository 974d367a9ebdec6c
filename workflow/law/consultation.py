"""Rules of the Beratungsfolge shared by the services that write it and the guards that check it.

Pure: the rules read what they need of a body, a municipality, a proposal and its steps
through the protocols below, which the models (``workflow.models``) satisfy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from workflow.law.reserved_matters import RESERVED_MATTERS
from workflow.law.subjects import SUBJECTS

# § 70 Abs. 2 GemO: the Hauptsatzung may delegate decisions to an Ortschaftsrat. The
# municipality's settings name those bodies, e.g. {"delegated_local_councils": ["Ortschaftsrat
# Auenstein"]}; any other Ortschaftsrat is heard and advises only (§ 70 Abs. 1).
DELEGATED_LOCAL_COUNCILS = "delegated_local_councils"
# § 39 Abs. 3 S. 1 GemO: beschließende Ausschüsse decide "an Stelle des Gemeinderats".
DECIDING_KINDS = ("council", "deciding_committee")


# The bodies § 70 Abs. 1 and § 65 Abs. 2 GemO want heard: Ortschaftsräte and Bezirksbeiräte.
HEARING_KINDS = ("local_council",)


class Body(Protocol):
    """What the rules read of a body (``workflow.models.Body``)."""

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def remit(self) -> list[str]: ...


class Municipality(Protocol):
    """What the rules read of a municipality: its settings (Hauptsatzung)."""

    @property
    def settings(self) -> dict[str, object]: ...


class Proposal(Protocol):
    """What the rules read of a proposal (``workflow.models.Proposal``)."""

    @property
    def public(self) -> bool: ...

    @property
    def non_public_reason(self) -> str | None: ...

    @property
    def reserved_matter(self) -> str | None: ...

    @property
    def hearing_bodies(self) -> list[int]: ...

    @property
    def subject(self) -> str | None: ...

    @property
    def pre_deliberation_waived_reason(self) -> str | None: ...

    @property
    def current_step(self) -> int: ...


class ConsultationStep(Protocol):
    """A stored line of the Beratungsfolge (``workflow.models.ConsultationStep``)."""

    @property
    def position(self) -> int: ...

    @property
    def body_id(self) -> int: ...

    @property
    def advises(self) -> bool: ...

    @property
    def public(self) -> bool: ...

    @property
    def outcome(self) -> str | None: ...


B = TypeVar("B", bound=Body)


class PlanStep(Protocol):
    """A line of the Beratungsfolge as written (``StepInput``) or stored (``ConsultationStep``)."""

    @property
    def body_id(self) -> int: ...

    @property
    def advises(self) -> bool: ...

    @property
    def decides(self) -> bool: ...


def _delegated(municipality: Municipality | None) -> set[str]:
    names = municipality.settings.get(DELEGATED_LOCAL_COUNCILS) if municipality else None
    return {str(n) for n in names} if isinstance(names, list) else set()


def decision_refusal(body: Body, municipality: Municipality | None) -> str | None:
    """Why ``body`` may not be the deciding step of a plan, or None if it may decide."""
    if body.kind in DECIDING_KINDS:
        return None
    if body.kind == "advisory_committee":
        # § 41 Abs. 1 GemO: beratende Ausschüsse prepare the council's deliberations only.
        return (
            f'Der beratende Ausschuss "{body.name}" kann nur vorberaten, nicht beschließen '
            "(§ 41 Abs. 1 GemO)"
        )
    if body.kind == "local_council":
        if body.name in _delegated(municipality):
            return None
        return (
            f'Der Ortschaftsrat "{body.name}" wird nur gehört und berät; beschließen kann er '
            "nur, wo ihm die Hauptsatzung die Entscheidung überträgt (§ 70 Abs. 1, 2 GemO)"
        )
    return f'Das Gremium "{body.name}" kann nicht beschließen'


def agenda_visibility(proposal: Proposal, step: ConsultationStep) -> tuple[bool, str | None]:
    """(public, reason) of the agenda item a step gets.

    § 35 Abs. 1 GemO: a matter that öffentliches Wohl or berechtigte Interessen Einzelner keep
    out of public is dealt with non-publicly in every body, whatever its step says; a step
    may be non-public on its own (a Vorberatung, § 39 Abs. 5 S. 2). Either way the item
    carries the proposal's reason (DOMAIN.md rule 7).
    """
    if proposal.public and step.public:
        return True, None
    return False, proposal.non_public_reason


def unreasoned_non_public(
    proposal: Proposal, plan: Sequence[ConsultationStep], body_names: dict[int, str]
) -> str | None:
    """The refusal when a non-public treatment lacks its reason (§ 35 Abs. 1 GemO)."""
    if (proposal.non_public_reason or "").strip():
        return None
    if not proposal.public:
        return (
            "Die nichtöffentliche Behandlung der Vorlage ist zu begründen "
            "(non_public_reason, § 35 Abs. 1 GemO)"
        )
    closed = [
        f"{s.position} ({body_names.get(s.body_id, f'Gremium {s.body_id}')})"
        for s in plan
        if not s.public
    ]
    if not closed:
        return None
    which = "Beratungsschritt" if len(closed) == 1 else "Beratungsschritte"
    verb = "ist" if len(closed) == 1 else "sind"
    return (
        f"{which} {', '.join(closed)} {verb} nichtöffentlich, aber die Vorlage nennt keine "
        "Begründung (non_public_reason, § 35 Abs. 1 GemO)"
    )


def reserved_matter_refusal(proposal: Proposal, body: Body) -> str | None:
    """Why ``body`` may not decide the proposal's reserved matter, or None.

    § 39 Abs. 2 GemO: the listed matters cannot be delegated to a beschließender Ausschuss,
    nor to the mayor (§ 44 Abs. 2 S. 3) or an Ortschaftsrat (§ 70 Abs. 2); the council
    decides. The Eilentscheidung (§ 43 Abs. 4) is no step of the plan and stays possible.
    """
    matter = RESERVED_MATTERS.get(proposal.reserved_matter or "")
    if matter is None or body.kind == "council":
        return None
    return (
        f'"{body.name}" kann nicht beschließen: {matter.label} ist dem Gemeinderat '
        f"vorbehalten ({matter.citation}, § 44 Abs. 2 Satz 3 GemO)"
    )


def hearing_law(body: Body) -> str:
    """A Bezirksbeirat is heard under § 65 Abs. 2, an Ortschaftsrat under § 70 Abs. 1 GemO;
    both are bodies of kind ``local_council``, so the name tells them apart."""
    return "§ 65 Abs. 2 GemO" if "bezirksbeirat" in body.name.lower() else "§ 70 Abs. 1 GemO"


def missing_hearing(
    proposal: Proposal, plan: Sequence[PlanStep], bodies: Mapping[int, Body]
) -> tuple[int, str] | None:
    """(index into ``hearing_bodies``, refusal) for the first body to be heard that has no
    advising step before the deciding one (§ 70 Abs. 1, § 65 Abs. 2 GemO), or None.

    A plan without a deciding step is not judged here: the ``consultation_plan_valid``
    guard refuses it anyway. A body that itself decides (§ 70 Abs. 2) need not be heard.
    """
    deciding = next((i for i, s in enumerate(plan) if s.decides), None)
    if deciding is None:
        return None
    for index, body_id in enumerate(proposal.hearing_bodies):
        if plan[deciding].body_id == body_id:
            continue
        if any(s.advises and s.body_id == body_id for s in plan[:deciding]):
            continue
        body = bodies.get(body_id)
        name = body.name if body else f"Gremium {body_id}"
        law = hearing_law(body) if body else "§ 70 Abs. 1 GemO"
        return index, (
            f'"{name}" ist vor der Entscheidung zu hören: die Beratungsfolge braucht vor dem '
            f"beschließenden Schritt einen vorberatenden Schritt dieses Gremiums ({law})"
        )
    return None


def unheard(
    proposal: Proposal, plan: Sequence[ConsultationStep], bodies: Mapping[int, Body]
) -> str | None:
    """The refusal when a body to be heard has not advised before the step now deciding.

    Every advising step of that body before the current one must carry its outcome
    (§ 70 Abs. 1, § 65 Abs. 2 GemO: "zu hören", so the hearing comes first). A body that
    itself decides (§ 70 Abs. 2) need not be heard.
    """
    deciding = {s.body_id for s in plan if s.position == proposal.current_step}
    reasons = []
    for body_id in proposal.hearing_bodies:
        if body_id in deciding:
            continue
        body = bodies.get(body_id)
        name = body.name if body else f"Gremium {body_id}"
        law = hearing_law(body) if body else "§ 70 Abs. 1 GemO"
        hearings = [
            s
            for s in plan
            if s.body_id == body_id and s.advises and s.position < proposal.current_step
        ]
        if not hearings:
            reasons.append(
                f'"{name}" ist vor der Entscheidung zu hören, die Beratungsfolge '
                f"sieht keine Anhörung vor ({law})"
            )
        elif any(s.outcome is None for s in hearings):
            pending = ", ".join(str(s.position) for s in hearings if s.outcome is None)
            reasons.append(
                f'"{name}" ist vor der Entscheidung zu hören, hat aber noch nicht '
                f"beraten (Beratungsschritt {pending}, {law})"
            )
    return "; ".join(reasons) or None


def committees_for(proposal: Proposal, bodies: Mapping[int, B]) -> list[B]:
    """The beschließende Ausschüsse whose remit holds the proposal's subject (§ 39 Abs. 4 S. 1)."""
    if proposal.subject is None:
        return []
    return [
        b for b in bodies.values() if b.kind == "deciding_committee" and proposal.subject in b.remit
    ]


def missing_pre_deliberation(
    proposal: Proposal, plan: Sequence[PlanStep], bodies: Mapping[int, B]
) -> list[B]:
    """The committees that should advise before the council decides but have no step for it.

    § 39 Abs. 4 S. 1 GemO: matters the council decides "sollen den beschließenden Ausschüssen
    innerhalb ihres Aufgabengebiets zur Vorberatung zugewiesen werden". Only a plan in which
    the council decides is judged; a committee deciding itself needs no Vorberatung. The
    recorded waiver is not looked at here (see ``pre_deliberation_refusal``).
    """
    deciding = next((i for i, s in enumerate(plan) if s.decides), None)
    if deciding is None:
        return []
    council = bodies.get(plan[deciding].body_id)
    if council is None or council.kind != "council":
        return []
    return [
        c
        for c in committees_for(proposal, bodies)
        if not any(s.advises and s.body_id == c.id for s in plan[:deciding])
    ]


def pre_deliberation_refusal(
    proposal: Proposal, plan: Sequence[PlanStep], bodies: Mapping[int, Body]
) -> str | None:
    """The refusal when a committee's Vorberatung is missing and no reason is recorded.

    A "soll" rule: the Vorlage may go without it if it says why
    (``pre_deliberation_waived_reason``), e.g. because the committee is not quorate through
    bias, when the council decides without Vorberatung (§ 39 Abs. 5 S. 3 GemO).
    """
    if (proposal.pre_deliberation_waived_reason or "").strip():
        return None
    missing = missing_pre_deliberation(proposal, plan, bodies)
    if not missing:
        return None
    subject = SUBJECTS.get(proposal.subject or "")
    label = subject.label if subject else proposal.subject
    names = ", ".join(f'"{c.name}"' for c in missing)
    committee = "Der Ausschuss" if len(missing) == 1 else "Die Ausschüsse"
    return (
        f"{committee} {names} soll{'' if len(missing) == 1 else 'en'} die Angelegenheit "
        f"({label}) vor dem Beschluss des Gemeinderats vorberaten: die Beratungsfolge braucht "
        "davor einen vorberatenden Schritt (§ 39 Abs. 4 Satz 1 GemO). Ohne Vorberatung ist der "
        "Grund anzugeben (pre_deliberation_waived_reason), etwa wenn der Ausschuss wegen "
        "Befangenheit nicht beschlussfähig ist (§ 39 Abs. 5 Satz 3 GemO)"
    )
