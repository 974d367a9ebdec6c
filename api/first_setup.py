"""``ratsflow setup``: a municipality, its Gemeinderat and its first administrator, so that a
real installation (not the demo) can be signed in to. Everything else (accounts, committees,
members, Fraktionen) the administrator keeps on the page "Verwaltung". Without ``--gemeinde``
it sets up the Landratsamt instead: the district and its coordinator's account, who asks the
municipalities set up in that district for decisions (Abfragen).

The password comes from ``RATSFLOW_ADMIN_PASSWORD`` or is typed twice at the terminal, never
as an argument (a command line is readable by every process on the machine). Accounts and
bodies go through ``api.directory`` like the admin's forms, with the same rules.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlmodel import Session, select

from api import directory
from api.schemas.admin import PASSWORD_MIN, UserCreate
from api.security import hash_password
from api.ui.routes.admin import USER_MESSAGES
from workflow.collation import german_key
from workflow.context import Actor
from workflow.db import unit_of_work
from workflow.errors import InvalidInput
from workflow.models import Body, District, Municipality, User
from workflow.runtime import open_runtime
from workflow.settings import get_settings

HELP = (
    "eine Gemeinde mit Gemeinderat und erstem Administrationskonto einrichten, oder das "
    "Landratsamt mit dem Konto seiner Koordination"
)
PASSWORD_VARIABLE = "RATSFLOW_ADMIN_PASSWORD"
NO_PASSWORD = f"Bitte das Passwort in {PASSWORD_VARIABLE} angeben oder im Terminal eingeben."
COUNCIL = "Gemeinderat"  # every municipality has one (§ 23, § 24 Abs. 1 GemO)


@dataclass(frozen=True)
class SetUp:
    municipality: Municipality
    created_municipality: bool
    council: Body
    created_council: bool
    admin: User
    joined_district: str | None = None  # a found municipality newly given its Landkreis


@dataclass(frozen=True)
class DistrictSetUp:
    district: District
    created_district: bool
    coordinator: User
    municipalities: list[str]  # those of the district set up so far, whom it can ask


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gemeinde", metavar="NAME", help="Name der Gemeinde (ohne: das Landratsamt)"
    )
    parser.add_argument(
        "--landkreis",
        metavar="NAME",
        help="Landkreis, dem die Gemeinde angehört (für Abfragen des Landratsamts), "
        "z. B. „Landkreis Heilbronn“; ohne --gemeinde der Landkreis des Landratsamts",
    )
    parser.add_argument(
        "--ags", metavar="SCHLÜSSEL", help="Amtlicher Gemeindeschlüssel (8 Ziffern), optional"
    )
    parser.add_argument(
        "--admin",
        metavar="BENUTZERNAME",
        help="Benutzername des Administrationskontos der Gemeinde",
    )
    parser.add_argument(
        "--koordination",
        metavar="BENUTZERNAME",
        help="Benutzername des Kontos im Landratsamt (nur ohne --gemeinde, mit --landkreis)",
    )
    parser.add_argument("--name", required=True, metavar="NAME", help="voller Name")
    parser.add_argument("--email", metavar="ADRESSE", help="E-Mail-Adresse, optional")


def _mode_problem(args: argparse.Namespace) -> str | None:
    """Which of the two set-ups is asked for, or what is missing for either."""
    if args.gemeinde is not None:
        if args.koordination is not None:
            return "--koordination gehört zum Landratsamt: bitte ohne --gemeinde angeben."
        if args.admin is None:
            return "Bitte mit --admin den Benutzernamen des Administrationskontos angeben."
        return None
    if args.landkreis is None or args.koordination is None:
        return (
            "Bitte --gemeinde und --admin angeben (eine Gemeinde einrichten) oder --landkreis "
            "und --koordination (das Landratsamt einrichten)."
        )
    if args.admin is not None or args.ags is not None:
        return "--admin und --ags gehören zu einer Gemeinde: bitte mit --gemeinde angeben."
    return None


def run(args: argparse.Namespace) -> int:
    problem = _mode_problem(args)
    if problem is not None:
        print(f"Fehler: {problem}", file=sys.stderr)
        return 1
    password = typed_password()
    if password is None:
        print(f"Fehler: {NO_PASSWORD}", file=sys.stderr)
        return 1
    if args.ags is not None and not (len(args.ags) == 8 and args.ags.isdigit()):
        raise InvalidInput("Der Amtliche Gemeindeschlüssel hat 8 Ziffern", field="ags")
    try:
        checked = UserCreate.model_validate(
            {
                "username": args.admin or args.koordination,
                "full_name": args.name,
                "role": "admin",  # the coordinator's account: the same rules, its own role
                "password": password,
                **({"email": args.email} if args.email else {}),
            }
        )
    except ValidationError as exc:
        print(f"Fehler: {_problem(exc)}", file=sys.stderr)
        return 1
    runtime = open_runtime(get_settings())
    with unit_of_work(runtime.engine) as session:
        if args.gemeinde is None:
            print(
                _district_report(
                    set_up_district(
                        session,
                        district=args.landkreis.strip(),
                        checked=checked,
                        password_hash=hash_password(checked.password),
                        now=datetime.now(UTC),
                    )
                )
            )
            return 0
        done = set_up(
            session,
            municipality=args.gemeinde.strip(),
            district=(args.landkreis or "").strip() or None,
            ags=args.ags,
            checked=checked,
            password_hash=hash_password(checked.password),
            now=datetime.now(UTC),
        )
        print(_report(done))
    return 0


def set_up(
    session: Session,
    *,
    municipality: str,
    district: str | None,
    ags: str | None,
    checked: UserCreate,
    password_hash: str,
    now: datetime,
) -> SetUp:
    """The municipality (found by name, else created), its Gemeinderat (created where it
    has no council yet) and the administrator's account, in one transaction: a refused
    account (its name taken) leaves no half-made municipality behind."""
    if not municipality:
        raise InvalidInput("Bitte den Namen der Gemeinde angeben", field="gemeinde")
    town = session.exec(select(Municipality).where(Municipality.name == municipality)).first()
    created_town = town is None
    joined = None
    if town is None:
        found = _district(session, district)[0] if district else None
        town = Municipality(name=municipality, ags=ags, district_id=found.id if found else None)
        session.add(town)
        session.flush()
    elif district is not None:
        joined = _join(session, town, district)
    assert town.id is not None
    # The setup acts as the municipality's administrator, with the rules of the admin's forms.
    acting = Actor(username="setup", role="admin", municipality_id=town.id)
    council = next(
        (b for b in directory.list_bodies(session=session, actor=acting) if b.kind == "council"),
        None,
    )
    created_council = council is None
    if council is None:
        council = directory.create_body(session=session, actor=acting, name=COUNCIL, kind="council")
    admin = directory.create_user(
        session=session,
        actor=acting,
        now=now,
        password_hash=password_hash,
        **checked.model_dump(exclude={"password"}),
    )
    return SetUp(town, created_town, council, created_council, admin, joined)


def set_up_district(
    session: Session, *, district: str, checked: UserCreate, password_hash: str, now: datetime
) -> DistrictSetUp:
    """The Landkreis (found by name, else created) and its coordinator's account; the
    municipalities join it when they are set up with ``--landkreis`` of the same name."""
    if not district:
        raise InvalidInput("Bitte den Namen des Landkreises angeben", field="landkreis")
    found, created = _district(session, district)
    assert found.id is not None
    coordinator = directory.create_coordinator(
        session=session,
        now=now,
        district_id=found.id,
        username=checked.username,
        full_name=checked.full_name,
        password_hash=password_hash,
        email=checked.email,
    )
    towns = session.exec(
        select(Municipality.name).where(Municipality.district_id == found.id)
    ).all()
    return DistrictSetUp(found, created, coordinator, sorted(towns, key=german_key))


def _district(session: Session, name: str) -> tuple[District, bool]:
    """The Landkreis of that name, and whether it was created now."""
    district = session.exec(select(District).where(District.name == name)).first()
    if district is not None:
        return district, False
    district = District(name=name)
    session.add(district)
    session.flush()
    return district, True


def _join(session: Session, town: Municipality, name: str) -> str | None:
    """A municipality set up before without its Landkreis joins it now; one that belongs to
    another is refused (the Landratsamt's Abfragen would reach the wrong towns)."""
    district, _ = _district(session, name)
    if town.district_id == district.id:
        return None
    if town.district_id is not None:
        current = session.get(District, town.district_id)
        raise InvalidInput(
            f"Die Gemeinde {town.name} gehört bereits zum "
            f"{current.name if current else 'einem anderen Landkreis'}",
            field="landkreis",
        )
    town.district_id = district.id
    session.add(town)
    session.flush()
    return district.name


def typed_password() -> str | None:
    """The password an installation command sets: from ``RATSFLOW_ADMIN_PASSWORD``, else
    typed twice at a terminal; None when neither (the caller says so)."""
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"Passwort (mindestens {PASSWORD_MIN} Zeichen): ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        print(f"Fehler: {USER_MESSAGES['password_repeat']}", file=sys.stderr)
        return None
    return first


def _problem(exc: ValidationError) -> str:
    """The first refused field, in the words of the admin's account form."""
    field = str(exc.errors()[0]["loc"][0]) if exc.errors() else ""
    return USER_MESSAGES.get(field, "Die Angaben sind ungültig.")


def _report(done: SetUp) -> str:
    town = done.municipality
    lines = [
        f"Gemeinde {town.name} " + ("eingerichtet." if done.created_municipality else "gefunden."),
        f"Gremium „{done.council.name}“ "
        + ("angelegt." if done.created_council else "gibt es bereits."),
        *(
            [f"Die Gemeinde gehört jetzt zum {done.joined_district}."]
            if done.joined_district
            else []
        ),
        f"Konto „{done.admin.username}“ ({done.admin.full_name}, Administration) angelegt.",
        "Starten Sie „ratsflow serve“ und melden Sie sich unter /anmelden an; unter "
        "„Verwaltung“ legen Sie Benutzerkonten, Ausschüsse und ihre Mitglieder an.",
    ]
    return "\n".join(lines)


def _district_report(done: DistrictSetUp) -> str:
    towns = done.municipalities
    asked = (
        f"Gemeinden des Landkreises in Ratsflow: {', '.join(towns)}."
        if towns
        else "Noch keine Gemeinde des Landkreises ist eingerichtet; jede kommt mit "
        f'ratsflow setup --gemeinde NAME --landkreis "{done.district.name}" … hinzu.'
    )
    return "\n".join(
        [
            f"{done.district.name} " + ("eingerichtet." if done.created_district else "gefunden."),
            f"Konto „{done.coordinator.username}“ ({done.coordinator.full_name}, Landratsamt) "
            "angelegt.",
            asked,
            "Unter „Abfragen“ fragt das Landratsamt die Gemeinden seines Landkreises nach "
            "ihren Beschlüssen.",
        ]
    )
