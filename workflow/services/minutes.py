"""Who may sign the minutes in which capacity (§ 38 Abs. 2 S. 1 GemO)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from workflow.errors import InvalidInput
from workflow.models import Meeting, MinutesSignature, Person, User
from workflow.queries import councillor_signers
from workflow.roles import role_label

COUNCILLOR_SIGNATURES = 2


def councillor_may_sign(signed: Iterable[int], person_id: int) -> bool:
    """Whether the person's signature as a Gemeinderat still has its place beside those given
    (``signed``: the persons who signed as councillor): two sign, § 38 Abs. 2 S. 1 GemO "zwei
    Gemeinderäte"; a third is refused. The rule of the refusal and of the signers offered."""
    return len(set(signed) - {person_id}) < COUNCILLOR_SIGNATURES


def secretary_may_sign(signed: Iterable[int], person_id: int) -> bool:
    """Whether the person may still sign as Schriftführer beside the signatures given
    (``signed``: the persons who signed as Schriftführer): one signs, § 38 Abs. 2 S. 1 GemO
    "und dem Schriftführer", the one who kept the minutes; a second is refused. The rule of
    the refusal and of the signers offered."""
    return not set(signed) - {person_id}


def check_signer(session: Session, meeting: Meeting, person_id: int, capacity: str) -> None:
    """Refuse (``InvalidInput``) a signature the person may not give in that capacity."""
    if capacity == "chair":
        _check_chair_signature(session, meeting, person_id)
    elif capacity == "councillor":
        _check_councillor_signature(session, meeting, person_id)
    elif capacity == "secretary":
        _check_secretary_signature(session, meeting, person_id)
    else:
        raise InvalidInput(
            "Unterzeichnet wird als Vorsitz, Ratsmitglied oder Schriftführung", field="capacity"
        )


def _check_chair_signature(session: Session, meeting: Meeting, person_id: int) -> None:
    if meeting.chair_person_id is None:
        raise InvalidInput(
            "Für diese Sitzung ist nicht erfasst, wer den Vorsitz geführt hat", field="person_id"
        )
    if person_id != meeting.chair_person_id:
        chair = session.get(Person, meeting.chair_person_id)
        name = chair.name if chair is not None else "eine andere Person"
        raise InvalidInput(
            f"Den Vorsitz in dieser Sitzung führte {name}; nur wer die Sitzung geleitet hat, "
            "unterzeichnet die Niederschrift als Vorsitz (§ 38 Abs. 2 GemO)",
            field="person_id",
        )


def _check_councillor_signature(session: Session, meeting: Meeting, person_id: int) -> None:
    """A Gemeinderat (a voting member, not the mayor) who took part, other than the chair;
    two of them sign (§ 38 Abs. 2 S. 1 GemO: "zwei Gemeinderäte"), a third is refused."""
    signed = session.exec(
        select(MinutesSignature.person_id).where(
            MinutesSignature.meeting_id == meeting.id, MinutesSignature.capacity == "councillor"
        )
    ).all()
    if not councillor_may_sign(signed, person_id):
        raise InvalidInput(
            "Zwei Ratsmitglieder haben die Niederschrift bereits unterzeichnet "
            "(§ 38 Abs. 2 Satz 1 GemO)",
            field="person_id",
        )
    if person_id not in councillor_signers(session, meeting):
        raise InvalidInput(
            "Nur Ratsmitglieder, die an der Sitzung teilgenommen und sie nicht geleitet haben, "
            "unterzeichnen als Ratsmitglied",
            field="person_id",
        )


def _check_secretary_signature(session: Session, meeting: Meeting, person_id: int) -> None:
    """The Schriftführer: a person with the municipality's secretary role (Sitzungsdienst),
    one of them (§ 38 Abs. 2 S. 1 GemO: "dem Schriftführer"); a second is refused."""
    signed = session.exec(
        select(MinutesSignature.person_id).where(
            MinutesSignature.meeting_id == meeting.id, MinutesSignature.capacity == "secretary"
        )
    ).all()
    if not secretary_may_sign(signed, person_id):
        first = session.get(Person, signed[0])
        name = first.name if first is not None else "eine andere Person"
        raise InvalidInput(
            f"Als Schriftführung hat bereits {name} unterzeichnet; die Niederschrift "
            "unterzeichnet nur ein Schriftführer, der sie geführt hat (§ 38 Abs. 2 Satz 1 GemO)",
            field="person_id",
        )
    secretary = session.exec(
        select(User.id).where(
            User.person_id == person_id,
            User.municipality_id == meeting.municipality_id,
            User.role == "secretary",
            ~col(User.disabled),
        )
    ).first()
    if secretary is None:
        raise InvalidInput(
            "Als Schriftführung unterzeichnet nur, wer in der Gemeinde die Schriftführung "
            f"innehat (Rolle „{role_label('secretary')}“)",
            field="person_id",
        )
