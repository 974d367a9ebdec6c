"""``ratsflow password BENUTZERNAME``: a new password set from the installation, for the
account nobody else can help: the only administrator's, or the Landratsamt's (no municipal
admin keeps it). Like ``ratsflow setup``, the password comes from
``RATSFLOW_ADMIN_PASSWORD`` or is typed twice at a terminal, never as an argument. Every
web session and token of the account ends; a disabled account stays disabled."""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from api import directory
from api.first_setup import NO_PASSWORD, typed_password
from api.schemas.admin import NewPassword
from api.security import hash_password
from api.ui.routes.admin import USER_MESSAGES
from workflow.db import unit_of_work
from workflow.runtime import open_runtime
from workflow.settings import get_settings

HELP = "ein neues Passwort für ein Benutzerkonto setzen (vergessenes Passwort)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username", metavar="BENUTZERNAME", help="das Konto")


def run(args: argparse.Namespace) -> int:
    password = typed_password()
    if password is None:
        print(f"Fehler: {NO_PASSWORD}", file=sys.stderr)
        return 1
    try:
        NewPassword.model_validate({"password": password})
    except ValidationError:
        print(f"Fehler: {USER_MESSAGES['password']}", file=sys.stderr)
        return 1
    runtime = open_runtime(get_settings())
    with unit_of_work(runtime.engine) as session:
        user = directory.reset_password(
            session=session, username=args.username, password_hash=hash_password(password)
        )
        disabled = " Das Konto ist deaktiviert und bleibt es." if user.disabled else ""
        print(
            f"Neues Passwort für „{user.username}“ ({user.full_name}) gesetzt; alle "
            f"bisherigen Anmeldungen des Kontos sind beendet.{disabled}"
        )
    return 0
