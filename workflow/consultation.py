"""Rules of the Beratungsfolge shared by the services that write it and the guards that check it."""

from __future__ import annotations

from collections.abc import Sequence

from workflow.models import Body, ConsultationStep, Municipality, Proposal

# § 70 Abs. 2 GemO: the Hauptsatzung may delegate decisions to an Ortschaftsrat. The
# municipality's settings name those bodies, e.g. {"delegated_local_councils": ["Ortschaftsrat
# Auenstein"]}; any other Ortschaftsrat is heard and advises only (§ 70 Abs. 1).
DELEGATED_LOCAL_COUNCILS = "delegated_local_councils"
# § 39 Abs. 3 S. 1 GemO: beschließende Ausschüsse decide "an Stelle des Gemeinderats".
DECIDING_KINDS = ("council", "deciding_committee")


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
