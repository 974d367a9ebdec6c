"""What several documents print: the letterhead, the mayor's signature, people's names."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from workflow.documents.model import Signature
from workflow.models import Body, Meeting, Municipality, Person
from workflow.queries import standing_chairs
from workflow.supervision import mayor_title, municipality_title

TITLES = ("Bürgermeisterin", "Bürgermeister", "Oberbürgermeisterin", "Oberbürgermeister")


def letterhead(session: Session, municipality_id: int) -> tuple[str, str | None]:
    """The municipality as it names itself ("Gemeinde Ilsfeld", "Stadt Neckarsulm") and its
    coat of arms (a ``data:image/…`` URI in its settings)."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        return "", None
    arms = municipality.settings.get("coat_of_arms")
    return municipality_title(municipality), arms if isinstance(arms, str) and arms.startswith(
        "data:image/"
    ) else None


def signature_of(name: str, default_function: str) -> Signature:
    """``Bürgermeisterin Beate Beispiel`` → function and name apart."""
    first, _, rest = name.partition(" ")
    if first in TITLES and rest:
        return Signature(function=first, name=rest)
    return Signature(function=default_function, name=name)


def mayor_signature(session: Session, meeting: Meeting) -> Signature:
    """The mayor convenes (§ 34 Abs. 1 GemO) and chairs council and committees ex officio
    (§ 42 Abs. 1, § 40 Abs. 4 GemO): the standing chair of the meeting's body, else of the
    municipality's council."""
    chairs = standing_chairs(session, meeting.body_id)
    if not chairs:
        council = session.exec(
            select(Body.id).where(
                Body.municipality_id == meeting.municipality_id, Body.kind == "council"
            )
        ).first()
        chairs = standing_chairs(session, council) if council is not None else set()
    person = session.get(Person, min(chairs)) if chairs else None
    # a name without its title signs by the municipality's (§ 42 Abs. 4 GemO)
    town = session.get(Municipality, meeting.municipality_id)
    title = mayor_title(town) if town is not None else "Bürgermeister/in"
    return signature_of(person.name if person else "", title)


def names(session: Session, person_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(ids)))
    return {p.id or 0: p.name for p in rows}


def body_name(session: Session, body_id: int) -> str:
    body = session.get(Body, body_id)
    return body.name if body else "Gremium"
