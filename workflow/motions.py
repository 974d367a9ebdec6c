"""Anträge within an agenda item: their voting order and the wording they make.

The GemO leaves the order to the Geschäftsordnung (§ 36 Abs. 2 GemO); the usual rule is that
Geschäftsordnungsanträge are decided before Sachanträge and the furthest-reaching motion
first (Absetzung before Vertagung before Verweisung before Schluss der Debatte; a Gegenantrag
before an Änderungsantrag). A municipality or a body sets its own order under
``settings["motion_order"]``; the chair's ``reach`` orders motions of one kind.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from workflow.models import Body, Motion, Municipality

KINDS = ("amendment", "counter", "procedural")
PROCEDURES = ("remove", "adjourn", "refer", "close_debate")
DEFAULT_ORDER = ("remove", "adjourn", "refer", "close_debate", "counter", "amendment")
LABELS = {
    "amendment": "Änderungsantrag",
    "counter": "Gegenantrag",
    "remove": "Antrag auf Absetzung",
    "adjourn": "Antrag auf Vertagung",
    "refer": "Antrag auf Verweisung",
    "close_debate": "Antrag auf Schluss der Debatte",
}


def key_of(motion: Motion) -> str:
    """``remove`` … for Geschäftsordnungsanträge, else the kind."""
    return motion.procedure if motion.kind == "procedural" and motion.procedure else motion.kind


def label(motion: Motion) -> str:
    return LABELS.get(key_of(motion), motion.kind)


def _setting(session: Session, body: Body | None, key: str) -> object:
    """The body's setting (Hauptsatzung for this body), else the municipality's."""
    if body is not None and key in (body.settings or {}):
        return body.settings[key]
    town = session.get(Municipality, body.municipality_id) if body is not None else None
    return (town.settings or {}).get(key) if town is not None else None


def motion_order(session: Session, body: Body | None) -> tuple[str, ...]:
    """The configured order; unknown keys are ignored, missing ones keep the default's rank."""
    configured = _setting(session, body, "motion_order")
    chosen = [k for k in configured if k in DEFAULT_ORDER] if isinstance(configured, list) else []
    return (*dict.fromkeys(chosen), *(k for k in DEFAULT_ORDER if k not in chosen))


def quarter_referral(session: Session, body: Body | None) -> bool:
    """§ 39 Abs. 3 S. 3 GemO: the Hauptsatzung may let a quarter of all members of a
    beschließender Ausschuss refer a matter to the Gemeinderat."""
    return _setting(session, body, "quarter_referral") is True


def motions_of(session: Session, agenda_item_id: int) -> list[Motion]:
    return list(
        session.exec(
            select(Motion).where(Motion.agenda_item_id == agenda_item_id).order_by(col(Motion.id))
        )
    )


def in_voting_order(motions: Iterable[Motion], order: tuple[str, ...]) -> list[Motion]:
    rank = {key: position for position, key in enumerate(order)}
    return sorted(motions, key=lambda m: (rank.get(key_of(m), len(rank)), -m.reach, m.id or 0))


def pending(motions: Iterable[Motion], order: tuple[str, ...]) -> list[Motion]:
    """Motions still to be voted on, the next one first."""
    return in_voting_order((m for m in motions if m.adopted is None and not m.withdrawn), order)


def adopted_wording(session: Session, agenda_item_id: int) -> str | None:
    """The wording the adopted motions make: an adopted Gegenantrag replaces the
    Beschlussvorschlag; otherwise the last adopted Änderungsantrag (each states the wording
    as amended, so later amendments build on earlier ones). None: the proposal's own."""
    voted = sorted(
        (m for m in motions_of(session, agenda_item_id) if m.adopted and m.kind != "procedural"),
        key=lambda m: (m.voted_at is None, m.voted_at, m.id or 0),
    )
    counters = [m for m in voted if m.kind == "counter"]
    if counters:
        return counters[-1].text
    return voted[-1].text if voted else None
