"""Users, bodies and memberships of a municipality, administered by its ``admin``.

HTTP-free like a service in ``workflow/services`` (where it belongs once the lead moves it):
takes a session and an actor, flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from workflow.context import Actor
from workflow.errors import Conflict, InvalidInput, NotFound, not_found
from workflow.law.subjects import SUBJECTS
from workflow.models import Body, Membership, Person, User
from workflow.services import throttle
from workflow.services.common import require_role
from workflow.services.listing import Page, paginate
from workflow.services.readdress import readdress_invitations

ADMIN_ROLES = ("admin",)
ASSIGNABLE_ROLES = ("clerk", "cosigner", "mayor", "secretary", "council_member", "admin")
BODY_KINDS = ("council", "deciding_committee", "advisory_committee", "local_council")


def _own_municipality(actor: Actor) -> int:
    """Directory data is per municipality; the district coordinator has none to administer."""
    if actor.municipality_id is None:
        raise NotFound("Für Ihr Konto ist keine Gemeinde hinterlegt.")
    return actor.municipality_id


def list_users(
    *, session: Session, actor: Actor, limit: int = 50, cursor: str | None = None
) -> Page[User]:
    require_role(actor, "list_users", ADMIN_ROLES)
    municipality_id = _own_municipality(actor)
    return paginate(session, User, [col(User.municipality_id) == municipality_id], limit, cursor)


def create_user(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    username: str,
    full_name: str,
    role: str,
    password_hash: str,
    email: str | None = None,
    department: str | None = None,
    finance_office: bool = False,
    person_id: int | None = None,
) -> User:
    require_role(actor, "create_user", ADMIN_ROLES)
    municipality_id = _own_municipality(actor)
    if role not in ASSIGNABLE_ROLES:
        raise InvalidInput(f"Unbekannte Rolle {role}", field="role")
    _require_free(session, username)
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.municipality_id != municipality_id:
            raise InvalidInput("Unbekannte Person", field="person_id")
        if session.exec(select(User.id).where(User.person_id == person_id)).first() is not None:
            raise Conflict(f"{person.name} hat bereits ein Benutzerkonto")
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        email=email,
        municipality_id=municipality_id,
        person_id=person_id,
        department=department,
        finance_office=finance_office,
        password_hash=password_hash,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def _require_free(session: Session, username: str) -> None:
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f'Den Benutzernamen "{username}" gibt es bereits')


def create_coordinator(
    *,
    session: Session,
    now: datetime,
    district_id: int,
    username: str,
    full_name: str,
    password_hash: str,
    email: str | None = None,
) -> User:
    """The Landratsamt's account: it asks the municipalities of its district for decisions
    and follows their answers; it belongs to no municipality, so no municipal admin can make
    it (only the installation's ``ratsflow setup``, which has no actor)."""
    _require_free(session, username)
    user = User(
        username=username,
        full_name=full_name,
        role="district_coordinator",
        email=email,
        district_id=district_id,
        department="Landratsamt",
        password_hash=password_hash,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def disable_user(*, session: Session, actor: Actor, user_id: int) -> User:
    """Disabling keeps the user's name in the audit trail; tokens stop working at once."""
    require_role(actor, "disable_user", ADMIN_ROLES)
    user = _account(session, actor, user_id)
    if user.id == actor.user_id:
        raise Conflict("Das eigene Konto kann nicht deaktiviert werden")
    user.disabled = True
    # its sessions and tokens end for good: enabling it again does not revive them
    _end_sign_ins(session, user)
    return user


def enable_user(*, session: Session, actor: Actor, user_id: int) -> User:
    """A disabled account signs in again (back from leave, disabled by mistake); its
    password is the one it had, unless the admin sets a new one (``set_password``)."""
    require_role(actor, "enable_user", ADMIN_ROLES)
    user = _account(session, actor, user_id)
    user.disabled = False
    session.add(user)
    session.flush()
    return user


def update_user(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    base_url: str,
    user_id: int,
    full_name: str,
    email: str | None,
    department: str | None,
    finance_office: bool,
) -> User:
    """The holder's name, e-mail address, office and Kämmerei flag as the admin corrects
    them; the username and role stay. A councillor whose invitations go to his account's
    address gets them at the new one (``workflow.services.readdress``), as when his own
    address is corrected."""
    require_role(actor, "update_user", ADMIN_ROLES)
    user = _account(session, actor, user_id)
    changed = user.email != email
    user.full_name = full_name
    user.email = email
    user.department = department
    user.finance_office = finance_office
    session.add(user)
    session.flush()
    person = session.get(Person, user.person_id) if user.person_id is not None else None
    if changed and person is not None and not person.email:
        readdress_invitations(session, actor=actor, person=person, now=now, base_url=base_url)
    return user


def _account(session: Session, actor: Actor, user_id: int) -> User:
    """An account of the admin's municipality; others are not found."""
    user = session.get(User, user_id)
    if user is None or user.municipality_id != _own_municipality(actor):
        raise not_found("Benutzer")
    return user


def set_password(*, session: Session, actor: Actor, user_id: int, password_hash: str) -> User:
    """A new password for the actor's own account, or by the admin for an account of his
    municipality (a forgotten password, ``_account``: others are not found); anyone else is
    refused by role."""
    if actor.user_id == user_id and actor.on_behalf_of is None:
        account = session.get(User, user_id)
        if account is None:
            raise not_found("Benutzer")
    else:
        require_role(actor, "set_password", ADMIN_ROLES)
        account = _account(session, actor, user_id)
    account.password_hash = password_hash
    # every other sign-in of the account ends (api.deps, api.ui.web)
    _end_sign_ins(session, account)
    return account


def reset_password(*, session: Session, username: str, password_hash: str) -> User:
    """The installation's own reset (``ratsflow password``), with no account to act from: a
    forgotten password of the only administrator, or of the Landratsamt's account, which no
    municipal admin keeps. Every sign-in ends, and the failed sign-ins counted for the
    account are forgotten (``workflow.services.throttle``)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise not_found("Benutzer")
    user.password_hash = password_hash
    _end_sign_ins(session, user)
    throttle.record_success(session=session, username=username)
    return user


def _end_sign_ins(session: Session, user: User) -> None:
    """Every web session and API token of the account ends (``User.credentials_version``).
    Counted up by the database, not from the number read: of two changes at once, the later
    one ends the earlier one's sign-in too (each waits for the other's row lock)."""
    session.add(user)
    session.flush()
    session.execute(
        update(User)
        .where(col(User.id) == user.id)
        .values(credentials_version=col(User.credentials_version) + 1)
    )
    session.refresh(user, attribute_names=["credentials_version"])


def list_bodies(*, session: Session, actor: Actor) -> list[Body]:
    municipality_id = _own_municipality(actor)
    return list(
        session.exec(
            select(Body).where(Body.municipality_id == municipality_id).order_by(col(Body.id))
        )
    )


def create_body(
    *, session: Session, actor: Actor, name: str, kind: str, remit: list[str] | None = None
) -> Body:
    require_role(actor, "create_body", ADMIN_ROLES)
    municipality_id = _own_municipality(actor)
    if kind not in BODY_KINDS:
        raise InvalidInput(f"Unbekannte Art von Gremium {kind}", field="kind")
    _check_remit(kind, remit or [])
    clash = session.exec(
        select(Body).where(Body.municipality_id == municipality_id, Body.name == name)
    ).first()
    if clash is not None:
        raise Conflict(f'Das Gremium "{name}" gibt es bereits')
    if (
        kind == "council"
        and session.exec(
            select(Body.id).where(Body.municipality_id == municipality_id, Body.kind == "council")
        ).first()
    ):
        raise Conflict("Die Gemeinde hat bereits einen Gemeinderat (§ 24 Abs. 1 GemO)")
    body = Body(municipality_id=municipality_id, name=name, kind=kind, remit=list(remit or []))
    session.add(body)
    session.flush()
    return body


def set_remit(*, session: Session, actor: Actor, body_id: int, remit: list[str]) -> Body:
    """Replace the Aufgabengebiet the Hauptsatzung gives a committee (§ 39 Abs. 1 S. 1 GemO).

    Proposals already released keep their plan: § 39 Abs. 4 S. 1 is checked at release.
    """
    require_role(actor, "set_body_remit", ADMIN_ROLES)
    body = _body(session, actor, body_id)
    _check_remit(body.kind, remit)
    body.remit = list(remit)
    session.add(body)
    session.flush()
    return body


def set_rules(
    *,
    session: Session,
    actor: Actor,
    body_id: int,
    motion_order: list[str] | None,
    quarter_referral: bool,
) -> Body:
    """The Hauptsatzung's and Geschäftsordnung's rules for the body's sessions: the order in
    which motions are voted, and whether a quarter of a beschließender Ausschuss refers a
    matter to the Gemeinderat (§ 39 Abs. 3 S. 3 GemO)."""
    require_role(actor, "set_body_rules", ADMIN_ROLES)
    body = _body(session, actor, body_id)
    if quarter_referral and body.kind != "deciding_committee":
        raise InvalidInput(
            "An den Gemeinderat verweist nur ein beschließender Ausschuss (§ 39 Abs. 3 GemO)",
            field="quarter_referral",
        )
    if motion_order is not None and len(set(motion_order)) != len(motion_order):
        raise InvalidInput("Jede Antragsart nur einmal nennen", field="motion_order")
    rules: dict[str, object] = {"quarter_referral": quarter_referral}
    if motion_order is not None:
        rules["motion_order"] = list(motion_order)
    kept = {k: v for k, v in (body.settings or {}).items() if k not in ("motion_order",)}
    body.settings = {**kept, **rules}
    session.add(body)
    session.flush()
    return body


def _check_remit(kind: str, remit: list[str]) -> None:
    """Only a beschließender Ausschuss is given council matters to pre-deliberate by its
    remit (§ 39 Abs. 4 S. 1 GemO); keys come from the catalogue, each once."""
    if remit and kind != "deciding_committee":
        raise InvalidInput(
            "Ein Aufgabengebiet nach § 39 Abs. 4 Satz 1 GemO hat nur ein beschließender Ausschuss",
            field="remit",
        )
    for i, key in enumerate(remit):
        if key not in SUBJECTS:
            raise InvalidInput(f"Unbekanntes Aufgabengebiet: {key}", field=f"remit.{i}")
        if key in remit[:i]:
            raise InvalidInput(f"Aufgabengebiet {key} ist bereits genannt", field=f"remit.{i}")


def _body(session: Session, actor: Actor, body_id: int) -> Body:
    body = session.get(Body, body_id)
    if body is None or body.municipality_id != _own_municipality(actor):
        raise not_found("Gremium")
    return body


def list_memberships(
    *, session: Session, actor: Actor, body_id: int
) -> list[tuple[Membership, Person]]:
    _body(session, actor, body_id)
    rows = session.exec(
        select(Membership, Person)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(Membership.body_id == body_id)
        .order_by(col(Membership.id))
    )
    return [(m, p) for m, p in rows]


def add_membership(
    *,
    session: Session,
    actor: Actor,
    body_id: int,
    person_id: int | None,
    person_name: str | None,
    role: str = "member",
    voting: bool = True,
    person_email: str | None = None,
) -> tuple[Membership, Person]:
    """A seat for a known person, or for a new one named here (a newly elected member),
    with the address the invitations reach him at (§ 34 Abs. 1 GemO: "elektronisch")."""
    require_role(actor, "add_membership", ADMIN_ROLES)
    body = _body(session, actor, body_id)
    if role not in ("chair", "member"):
        raise InvalidInput("role muss chair oder member sein", field="role")
    if person_id is not None:
        if person_email:
            raise InvalidInput(
                "Die E-Mail-Adresse gilt nur für eine neue Person; die einer bekannten Person "
                "ändern Sie bei ihrem Eintrag",
                field="person_email",
            )
        person = session.get(Person, person_id)
        if person is None or person.municipality_id != body.municipality_id:
            raise InvalidInput("Unbekannte Person", field="person_id")
    elif person_name and person_name.strip():
        person = Person(
            municipality_id=body.municipality_id, name=person_name.strip(), email=person_email
        )
        session.add(person)
        session.flush()
    else:
        raise InvalidInput("person_id oder person_name angeben", field="person_id")
    clash = session.exec(
        select(Membership).where(Membership.body_id == body_id, Membership.person_id == person.id)
    ).first()
    if clash is not None:
        raise Conflict("Die Person ist bereits Mitglied des Gremiums")
    membership = Membership(body_id=body_id, person_id=person.id or 0, role=role, voting=voting)
    session.add(membership)
    session.flush()
    return membership, person


def list_persons(*, session: Session, actor: Actor) -> list[tuple[Person, User | None]]:
    """The municipality's persons (members of its bodies, past and present) with their
    account, if any: whom an invitation reaches, and at which address."""
    require_role(actor, "list_persons", ADMIN_ROLES)
    municipality_id = _own_municipality(actor)
    rows = session.exec(
        select(Person, User)
        .join(User, col(User.person_id) == col(Person.id), isouter=True)
        .where(Person.municipality_id == municipality_id)
        .order_by(col(Person.id))
    )
    return [(p, u) for p, u in rows]


@dataclass(frozen=True)
class PersonUpdated:
    person: Person
    account: User | None
    reinvited: int  # invitations to sessions ahead sent again to a changed address


def update_person(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    base_url: str,
    person_id: int,
    name: str,
    email: str | None,
) -> PersonUpdated:
    """A member's name as it is to be written (a typo, a new surname) and the address his
    invitations go to (§ 34 Abs. 1 GemO: "schriftlich oder elektronisch"); without one, and
    without an account that has one, he is invited in writing. Documents are made from the
    data when asked for, so the corrected name shows in earlier minutes too. A changed
    address ends the links sent to the old one and sends the invitations to the sessions
    ahead again (``workflow.services.readdress``)."""
    require_role(actor, "update_person", ADMIN_ROLES)
    person = session.get(Person, person_id)
    if person is None or person.municipality_id != _own_municipality(actor):
        raise not_found("Person")
    if not name.strip():
        raise InvalidInput("Der Name fehlt", field="name")
    changed = person.email != email
    person.name = name.strip()
    person.email = email
    session.add(person)
    session.flush()
    reinvited = (
        readdress_invitations(session, actor=actor, person=person, now=now, base_url=base_url)
        if changed
        else 0
    )
    account = session.exec(select(User).where(User.person_id == person_id)).first()
    return PersonUpdated(person, account, reinvited)
