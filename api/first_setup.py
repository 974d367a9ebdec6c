"""``ratsflow setup``: a municipality, its Gemeinderat and its first administrator, so that a
real installation (not the demo) can be signed in to. Everything else (accounts, committees,
members, Fraktionen) the administrator keeps on the page "Verwaltung".

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
from workflow.context import Actor
from workflow.db import unit_of_work
from workflow.errors import InvalidInput
from workflow.models import Body, District, Municipality, User
from workflow.runtime import open_runtime
from workflow.settings import get_settings

HELP = "eine Gemeinde mit Gemeinderat und erstem Administrationskonto einrichten"
PASSWORD_VARIABLE = "RATSFLOW_ADMIN_PASSWORD"
COUNCIL = "Gemeinderat"  # every municipality has one (§ 23, § 24 Abs. 1 GemO)


@dataclass(frozen=True)
class SetUp:
    municipality: Municipality
    created_municipality: bool
    council: Body
    created_council: bool
    admin: User


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gemeinde", required=True, metavar="NAME", help="Name der Gemeinde")
    parser.add_argument(
        "--landkreis",
        metavar="NAME",
        help="Landkreis, dem die Gemeinde angehört (für Abfragen des Landratsamts), "
        "z. B. „Landkreis Heilbronn“",
    )
    parser.add_argument(
        "--ags", metavar="SCHLÜSSEL", help="Amtlicher Gemeindeschlüssel (8 Ziffern), optional"
    )
    parser.add_argument(
        "--admin", required=True, metavar="BENUTZERNAME", help="Benutzername des Kontos"
    )
    parser.add_argument("--name", required=True, metavar="NAME", help="voller Name")
    parser.add_argument("--email", metavar="ADRESSE", help="E-Mail-Adresse, optional")


def run(args: argparse.Namespace) -> int:
    password = _password()
    if password is None:
        print(
            f"Fehler: Bitte das Passwort in {PASSWORD_VARIABLE} angeben oder im Terminal eingeben.",
            file=sys.stderr,
        )
        return 1
    if args.ags is not None and not (len(args.ags) == 8 and args.ags.isdigit()):
        raise InvalidInput("Der Amtliche Gemeindeschlüssel hat 8 Ziffern", field="ags")
    try:
        checked = UserCreate.model_validate(
            {
                "username": args.admin,
                "full_name": args.name,
                "role": "admin",
                "password": password,
                **({"email": args.email} if args.email else {}),
            }
        )
    except ValidationError as exc:
        print(f"Fehler: {_problem(exc)}", file=sys.stderr)
        return 1
    runtime = open_runtime(get_settings())
    with unit_of_work(runtime.engine) as session:
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
    if town is None:
        town = Municipality(name=municipality, ags=ags, district_id=_district_id(session, district))
        session.add(town)
        session.flush()
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
    return SetUp(town, created_town, council, created_council, admin)


def _district_id(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    district = session.exec(select(District).where(District.name == name)).first()
    if district is None:
        district = District(name=name)
        session.add(district)
        session.flush()
    return district.id


def _password() -> str | None:
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
        f"Konto „{done.admin.username}“ ({done.admin.full_name}, Administration) angelegt.",
        "Starten Sie „ratsflow serve“ und melden Sie sich unter /anmelden an; unter "
        "„Verwaltung“ legen Sie Benutzerkonten, Ausschüsse und ihre Mitglieder an.",
    ]
    return "\n".join(lines)
